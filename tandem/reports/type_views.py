"""Setup → Report Types: administrators define custom report types (object plus lookups)."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.core import registry
from tandem.reports.custom_types import lookup_options
from tandem.reports.forms import CustomTypeForm
from tandem.reports.models import CustomReportType, Report
from tandem.setup.permissions import admin_required
from tandem.setup.views.common import confirm_delete, form_page, setup_render


def _crumbs():
    return [(_("Report Types"), reverse("reports:types"))]


@admin_required
def type_list(request):
    rows = []
    for row in CustomReportType.objects.all():
        obj = registry.find(row.object_name)
        labels = {k: label for k, label, _lk in lookup_options(row.object_name)}
        rows.append(
            {
                "row": row,
                "object": obj.label_plural if obj else row.object_name,
                "lookups": [labels.get(k, k) for k in row.lookups or []],
                "reports": Report.objects.filter(report_type=row.key).count(),
            }
        )
    return setup_render(
        request,
        "reports/setup_types.html",
        {
            "rows": rows,
            "objects": sorted(registry.all_objects(), key=lambda o: str(o.label_plural)),
            "page_title": _("Report Types"),
        },
    )


@admin_required
def type_new(request):
    obj = registry.find(request.GET.get("object") or request.POST.get("object_name") or "")
    if obj is None:
        return redirect("reports:types")
    form = CustomTypeForm(request.POST or None, initial={"object_name": obj.name})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            row = form.save(commit=False)
            row.created_by = request.user
            row.save()
        messages.success(request, _("Report type saved."))
        return redirect("reports:types")
    return form_page(
        request,
        form,
        _("New %(object)s report type") % {"object": obj.label},
        reverse("reports:types"),
        _crumbs(),
    )


@admin_required
def type_edit(request, pk):
    row = get_object_or_404(CustomReportType, pk=pk)
    form = CustomTypeForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, _("Report type saved."))
        return redirect("reports:types")
    return form_page(request, form, row.label, reverse("reports:types"), _crumbs())


@admin_required
def type_delete(request, pk):
    row = get_object_or_404(CustomReportType, pk=pk)
    if request.method == "POST":
        row.delete()
        messages.success(request, _("Report type deleted."))
        return redirect("reports:types")
    n = Report.objects.filter(report_type=row.key).count()
    consequences = []
    if n:
        consequences.append(
            ngettext(
                "%(n)d saved report uses it: it will still open and say its type is gone.",
                "%(n)d saved reports use it: they will still open and say their type is gone.",
                n,
            )
            % {"n": n}
        )
    return confirm_delete(
        request, row, reverse("reports:types"), consequences=consequences, breadcrumbs=_crumbs()
    )
