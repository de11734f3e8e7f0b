"""Folder sharing: private, public (administrators), or shared with chosen roles and groups."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tandem.reports.forms import FolderForm
from tandem.reports.models import ReportFolder
from tandem.reports.views import _internal


@login_required
def folder_edit(request, pk):
    _internal(request.user)
    folder = get_object_or_404(ReportFolder, pk=pk)
    if folder.owner_id != request.user.pk and not request.user.is_admin:
        raise Http404
    form = FolderForm(request.POST or None, instance=folder, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            form.save_shares()
        messages.success(request, _("Folder saved."))
        return redirect(reverse("reports:home") + f"?folder={folder.pk}")
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "reports/folder_form.html",
        {"form": form, "folder": folder, "page_title": _("Folder sharing")},
        status=status,
    )
