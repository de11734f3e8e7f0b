"""Reports tab: the list of reports and folders, the builder with a live preview, the viewer, exports."""

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.core.filters import OPERATORS
from tandem.reports import engine
from tandem.reports.charts import chart_data
from tandem.reports.dates import TOKENS
from tandem.reports.exports import csv_response, xlsx_response
from tandem.reports.models import (
    FOLDER_VISIBILITY,
    PRIVATE,
    PUBLIC,
    SHARED,
    VISIBILITY,
    Report,
    ReportFolder,
    folders_for,
)
from tandem.reports.types import ReportType, all_types, get_type, standard_types

ADMIN_TYPE_KEYS = {t.key for t in standard_types() if t.admin_only}
FOLDER_CHOICES = FOLDER_VISIBILITY  # private, public, shared with roles and groups

PAGE_SIZE = 50
PREVIEW_ROWS = 20
MAX_FILTERS = 6
MAX_SUMMARIES = 3


def _internal(user):
    if user.is_external:
        raise Http404


def _may_use(user, rtype: ReportType | None) -> bool:
    """Administrative types are for administrators; record types need Read on their object."""
    return rtype is not None and rtype.may_use(user)


def _type_or_404(user, key: str) -> ReportType:
    rtype = get_type(key)
    if not _may_use(user, rtype):
        raise Http404
    return rtype


def _report_or_404(user, pk: int) -> Report:
    report = get_object_or_404(
        Report.objects.for_user(user).select_related("folder", "owner"), pk=pk
    )
    rtype = get_type(report.report_type)
    if rtype is not None and not _may_use(user, rtype):
        raise Http404
    if rtype is None and report.report_type in ADMIN_TYPE_KEYS and not user.is_admin:
        raise Http404
    return report


@login_required
def home(request):
    _internal(request.user)
    folders = list(folders_for(request.user))
    reports = Report.objects.for_user(request.user).select_related("folder", "owner")
    folder = None
    if request.GET.get("folder"):
        folder = next((f for f in folders if str(f.pk) == request.GET["folder"]), None)
        if folder is None:
            raise Http404
        reports = reports.filter(folder=folder)
    types = {t.key: t for t in all_types()}
    shown = []
    for r in reports:
        rtype = types.get(r.report_type)
        if rtype is None and not (r.report_type in ADMIN_TYPE_KEYS and not request.user.is_admin):
            r.type_label = _("(deleted report type)")
            shown.append(r)  # it still opens, and says what is gone
        elif _may_use(request.user, rtype):
            r.type_label = rtype.label
            shown.append(r)
    return render(
        request,
        "reports/home.html",
        {
            "reports": shown,
            "folders": folders,
            "folder": folder,
            "types": types,
            "page_title": _("Reports"),
            "visibilities": [c for c in FOLDER_CHOICES if request.user.is_admin or c[0] != PUBLIC],
        },
    )


@login_required
def new(request):
    _internal(request.user)
    types = [t for t in all_types() if _may_use(request.user, t)]
    return render(request, "reports/new.html", {"types": types, "page_title": _("New Report")})


@login_required
@require_POST
def new_folder(request):
    _internal(request.user)
    name = request.POST.get("name", "").strip()[:120]
    if not name:
        messages.error(request, _("Folder name: this field is required."))
        return redirect("reports:home")
    visibility = request.POST.get("visibility")
    if visibility not in dict(FOLDER_CHOICES) or (
        visibility == PUBLIC and not request.user.is_admin
    ):
        visibility = PRIVATE
    folder = ReportFolder.objects.create(name=name, owner=request.user, visibility=visibility)
    if visibility == SHARED:
        return redirect("reports:folder_edit", pk=folder.pk)
    return redirect(reverse("reports:home") + f"?folder={folder.pk}")


# -- the builder ------------------------------------------------------------------------------


def definition_from_post(post) -> dict:
    """The builder's form fields as a report definition."""
    d = {
        "format": post.get("format") if post.get("format") in engine.FORMATS else "tabular",
        "columns": [c for c in post.getlist("columns") if c],
        "filter_logic": "or" if post.get("filter_logic") == "or" else "and",
        "filters": [],
        "groupings": [],
        "column_groupings": [],
        "summaries": [],
        "sort": post.get("sort", ""),
        "chart": {"type": post.get("chart", "") if post.get("chart", "") in engine.CHARTS else ""},
    }
    if d["chart"]["type"] == "gauge":
        d["chart"]["target"] = post.get("chart_target", "").strip()[:30]
        d["chart"]["ranges"] = post.get("chart_ranges", "").strip()[:60]
    for i in range(MAX_FILTERS):
        field = post.get(f"filter_{i}_field")
        if field:
            d["filters"].append(
                {
                    "field": field,
                    "op": post.get(f"filter_{i}_op") or "equals",
                    "value": post.get(f"filter_{i}_value", ""),
                }
            )
    if d["format"] != "tabular":
        for i in range(2):
            if post.get(f"group_{i}_field"):
                d["groupings"].append(
                    {
                        "field": post[f"group_{i}_field"],
                        "date_group": post.get(f"group_{i}_date", ""),
                    }
                )
    if d["format"] == "matrix" and post.get("colgroup_field"):
        d["column_groupings"].append(
            {"field": post["colgroup_field"], "date_group": post.get("colgroup_date", "")}
        )
    for i in range(MAX_SUMMARIES):
        agg = post.get(f"summary_{i}_agg")
        if agg:
            d["summaries"].append({"field": post.get(f"summary_{i}_field", ""), "agg": agg})
    return d


def _folders_for_saving(user):
    """A user files reports in their own folders; administrators also in public ones."""
    if user.is_admin:
        return ReportFolder.objects.filter(Q(owner=user) | Q(visibility=PUBLIC))
    return ReportFolder.objects.filter(owner=user)


def _builder_context(request, rtype: ReportType, definition: dict, report: Report | None):
    columns = engine.available_columns(rtype)
    filters = list(definition.get("filters") or [])
    filters += [{}] * (MAX_FILTERS - len(filters))
    groupings = list(definition.get("groupings") or [])
    groupings += [{}] * (2 - len(groupings))
    summaries = list(definition.get("summaries") or [])
    summaries += [{}] * (MAX_SUMMARIES - len(summaries))
    colgroup = (definition.get("column_groupings") or [{}])[0]
    folders = _folders_for_saving(request.user)
    return {
        "rtype": rtype,
        "report": report,
        "definition": definition,
        "all_columns": columns,
        "selected_columns": definition.get("columns") or [],
        "filters": filters,
        "groupings": groupings,
        "colgroup": colgroup,
        "summaries": summaries,
        "operators": list(OPERATORS.items()) + list(engine.EXTRA_OPERATORS.items()),
        "formats": list(engine.FORMATS.items()),
        "aggregates": list(engine.AGGREGATES.items()),
        "date_groups": list(engine.DATE_GROUPS.items()),
        "charts": list(engine.CHARTS.items()),
        "relative_tokens": TOKENS,
        "folders": folders,
        "visibilities": VISIBILITY if request.user.is_admin else VISIBILITY[:1],
        "page_title": report.name if report else _("New %(type)s Report") % {"type": rtype.label},
    }


def _result_context(
    request, p: engine.Prepared, report=None, sort="", page=1, drill=None, limit=PAGE_SIZE
):
    result = engine.run(
        p, request.user, sort=sort, offset=(page - 1) * limit, limit=limit, drill=drill
    )
    if result.get("total") is not None:
        result["total_pairs"] = list(
            zip(result.get("summary_labels") or [], result["total"]["values"])
        )
    if report is not None:
        _add_drill_links(result, report)
    return {
        "p": p,
        "result": result,
        "report": report,
        "sort": sort or p.definition.get("sort", ""),
        "page": page,
        "drill": drill,
        "chart": chart_data(p, result),
        "chart_id": "report-chart",
        "slug": p.rtype.link[0] if p.rtype.link else "",
    }


def _add_drill_links(result: dict, report: Report) -> None:
    """Each group, cell and column links to the rows behind it."""
    base = reverse("reports:run", args=[report.pk])

    def link(item):
        if item and item.get("drill"):
            item["href"] = base + "?" + urlencode({"drill": json.dumps(item["drill"])})

    for g in (result.get("summary") or {}).get("groups", []):
        link(g)
        for child in g["children"]:
            link(child)
    m = result.get("matrix") or {}
    for r in m.get("rows", []):
        link(r)
        for cell in r["cells"]:
            link(cell)
    for c in m.get("columns", []):
        link(c)


@login_required
def builder(request, type_key=None, pk=None):
    _internal(request.user)
    report = None
    if pk is not None:
        report = _report_or_404(request.user, pk)
        rtype = get_type(report.report_type)
        if rtype is None:
            raise Http404
        definition = report.definition
    else:
        rtype = _type_or_404(request.user, type_key)
        definition = {"format": "tabular", "columns": rtype.default_columns}
    if request.method == "POST":
        definition = definition_from_post(request.POST)
        p = engine.prepare(rtype, definition)
        name = request.POST.get("name", "").strip()[:120]
        errors = list(p.errors)
        try:
            engine.base_queryset(p, request.user)
        except ValidationError as e:
            errors += e.messages
        if not name:
            errors.append(_("Report name: this field is required."))
        if not errors:
            mine = (
                report is not None
                and report.can_edit(request.user)
                and "save_as" not in request.POST
            )
            target = report if mine else Report(owner=request.user, report_type=rtype.key)
            target.name = name
            target.description = request.POST.get("description", "")[:255]
            target.definition = definition
            folder_id = request.POST.get("folder")
            folders = _folders_for_saving(request.user)
            target.folder = folders.filter(pk=folder_id).first() if folder_id else None
            # Only administrators publish to everyone, as with list views.
            public = request.POST.get("visibility") == PUBLIC and request.user.is_admin
            target.visibility = PUBLIC if public else PRIVATE
            if not mine:
                target.standard_key = ""
            target.save()
            messages.success(request, _("Report saved."))
            return redirect("reports:run", pk=target.pk)
        for e in errors:
            messages.error(request, e)
    context = _builder_context(request, rtype, definition, report)
    context.update(_result_context(request, engine.prepare(rtype, definition), limit=PREVIEW_ROWS))
    context["name"] = request.POST.get("name", report.name if report else "")
    return render(request, "reports/builder.html", context)


@login_required
@require_POST
def preview(request, type_key):
    """The builder's live preview (HTMX): the first rows or groups of the report being built."""
    _internal(request.user)
    rtype = _type_or_404(request.user, type_key)
    p = engine.prepare(rtype, definition_from_post(request.POST))
    return render(request, "reports/_result.html", _result_context(request, p, limit=PREVIEW_ROWS))


# -- the viewer and exports ----------------------------------------------------------------


def _drill(request) -> list | None:
    raw = request.GET.get("drill")
    if not raw:
        return None
    try:
        drill = json.loads(raw)
        if not isinstance(drill, list) or not all(isinstance(d, dict) for d in drill):
            raise ValueError
    except ValueError:
        raise Http404 from None
    return drill


@login_required
def run(request, pk):
    _internal(request.user)
    report = _report_or_404(request.user, pk)
    rtype = get_type(report.report_type)
    if rtype is None:
        # Still opens: say that the type is gone and which columns went with it.
        return render(
            request,
            "reports/run.html",
            {
                "report": report,
                "type_missing": True,
                "gone_columns": [str(c) for c in report.definition.get("columns") or []],
                "page_title": report.name,
            },
        )
    p = engine.prepare(rtype, report.definition)
    try:
        page = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        page = 1
    context = _result_context(
        request, p, report, request.GET.get("sort", ""), page, _drill(request)
    )
    context["page_title"] = report.name
    context["drill_json"] = request.GET.get("drill", "")
    if report.can_edit(request.user):
        context["schedules"] = report.schedules.prefetch_related("recipients")
    template = "reports/_result.html" if request.htmx else "reports/run.html"
    return render(request, template, context)


@login_required
def export(request, pk, fmt):
    _internal(request.user)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    report = _report_or_404(request.user, pk)
    rtype = get_type(report.report_type)
    if rtype is None:
        raise Http404
    p = engine.prepare(rtype, report.definition)
    if not p.runnable:
        for e in p.errors:
            messages.error(request, e)
        return redirect("reports:run", pk=pk)
    sort, drill = request.GET.get("sort", ""), _drill(request)
    try:
        engine.base_queryset(p, request.user, drill=drill)
    except ValidationError as e:
        for m in e.messages:
            messages.error(request, m)
        return redirect("reports:run", pk=pk)
    if fmt == "csv":
        return csv_response(p, request.user, report.name, sort, drill)
    return xlsx_response(p, request.user, report.name, sort, drill)


@login_required
@require_POST
def delete(request, pk):
    _internal(request.user)
    report = _report_or_404(request.user, pk)
    if not report.can_edit(request.user):
        raise Http404
    report.delete()
    messages.success(request, _("Report deleted."))
    return redirect("reports:home")
