"""Public groups and queues."""

from django.contrib import messages
from django.db.models import Count, ProtectedError, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from tandem.access.models import TARGET_GROUP, Group, SharingRule
from tandem.setup.forms.groups import GroupForm
from tandem.setup.permissions import admin_required
from tandem.setup.views.common import confirm_delete, form_page, name_list, setup_render


def _titles(kind):
    if kind == Group.KIND_QUEUE:
        return _("Queues"), "setup:queues"
    return _("Public Groups"), "setup:groups"


@admin_required
def group_list(request, kind):
    title, _url = _titles(kind)
    groups = (
        Group.objects.filter(kind=kind).annotate(member_count=Count("members")).order_by("name")
    )
    return setup_render(
        request,
        "setup/groups.html",
        {"page_title": title, "groups": groups, "kind": kind, "is_queue": kind == Group.KIND_QUEUE},
    )


@admin_required
def group_add(request, kind):
    title, list_url = _titles(kind)
    form = GroupForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        group = form.save()
        messages.success(request, _("%(name)s was created.") % {"name": group})
        return redirect(list_url)
    new_title = _("New queue") if kind == Group.KIND_QUEUE else _("New public group")
    return form_page(
        request,
        form,
        new_title,
        cancel_url=reverse(list_url),
        breadcrumbs=[(title, reverse(list_url))],
    )


@admin_required
def group_edit(request, pk):
    group = get_object_or_404(Group, pk=pk)
    title, list_url = _titles(group.kind)
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("%(name)s was saved.") % {"name": group})
        return redirect(list_url)
    return form_page(
        request,
        form,
        _("Edit %(name)s") % {"name": group},
        cancel_url=reverse(list_url),
        breadcrumbs=[(title, reverse(list_url))],
    )


@admin_required
def group_delete(request, pk):
    group = get_object_or_404(Group, pk=pk)
    title, list_url = _titles(group.kind)
    rules = SharingRule.objects.filter(
        Q(target_kind=TARGET_GROUP, target_id=group.pk)
        | Q(source_kind=TARGET_GROUP, source_id=group.pk)
    )
    blockers = []
    if rules.exists():
        blockers.append(
            _("Sharing rules use it: %(names)s. Change or delete them first.")
            % {"names": name_list(rules)}
        )
    if request.method == "POST" and not blockers:
        try:
            group.delete()
        except ProtectedError as exc:
            blockers.append(
                _("Records still belong to it (%(count)d). Transfer them first.")
                % {"count": len(exc.protected_objects)}
            )
        else:
            messages.success(request, _("%(name)s was deleted.") % {"name": group})
            return redirect(list_url)
    return confirm_delete(
        request, group, reverse(list_url), blockers, breadcrumbs=[(title, reverse(list_url))]
    )
