"""Computing a dashboard's components, server-side, as the dashboard's running user.

Each report component goes through the report engine (`engine.summary`, `engine.matrix`,
`engine.rows`), so its figures are aggregated by the database and start from the door
for the running user. Dashboard filters are passed as the engine's extra filters, which it
ANDs with the report's own filters whatever their AND/OR logic. A broken component
(deleted report, unknown field, a filter of the wrong type) carries an error message and
the rest of the dashboard still renders.
"""

import datetime
import json
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tandem.dashboards import sources
from tandem.dashboards.models import CHART, GAUGE, METRIC, TABLE, Dashboard, DashboardComponent
from tandem.reports import engine
from tandem.reports.models import Report
from tandem.reports.types import get_type

logger = logging.getLogger(__name__)

CHART_MAX_GROUPS = 30
TABLE_MAX_ROWS = 20


@dataclass
class Rendered:
    """What one tile shows; exactly one of chart/table/value is set unless there is an error."""

    component: DashboardComponent
    title: str
    error: str = ""
    notes: list[str] = field(default_factory=list)
    chart: dict | None = None  # {"type", "labels", "datasets", "hrefs": [[href per point]]}
    table: dict | None = None  # {"headers", "rows": [{"cells", "href"}], "numeric_from"}
    value: float | None = None
    value_label: str = ""
    gauge: dict | None = None
    report_url: str = ""
    more: int = 0  # groups or rows left out of the tile

    @property
    def kind(self) -> str:
        return self.component.kind

    @property
    def chart_id(self) -> str:
        return f"chart-data-{self.component.pk}"

    @property
    def all_zero(self) -> bool:
        """A chart whose every figure is 0 draws bare axes; the tile says so in words instead."""
        if not self.chart or not self.chart.get("labels"):
            return False
        return all(not v for ds in self.chart["datasets"] for v in ds["data"])

    @property
    def drill_links(self) -> list[tuple[str, str]]:
        """The chart's first series as links, for keyboards and screen readers."""
        if not self.chart or not self.chart.get("hrefs"):
            return []
        return [(lab, h) for lab, h in zip(self.chart["labels"], self.chart["hrefs"][0]) if h]


def active_filters(dashboard: Dashboard, params) -> list[dict]:
    """The dashboard's filters with the option chosen in `params` (f0, f1, f2); "" is All."""
    out = []
    for i, f in enumerate(dashboard.filters or []):
        options = [str(o) for o in f.get("options") or []]
        value = str(params.get(f"f{i}", "") or "")
        out.append(
            {
                "index": i,
                "param": f"f{i}",
                "field": f.get("field", ""),
                "label": f.get("label") or f.get("field", ""),
                "options": options,
                "value": value if value in options else "",
            }
        )
    return out


def _number(v) -> float:
    if v is None:
        return 0.0
    if isinstance(v, Decimal):
        return float(v)
    try:
        return float(v)
    except (TypeError, ValueError):
        return 0.0


def _value(bucket: dict | None, p: engine.Prepared):
    """A group's or total's figure: its first summary, or its record count."""
    if not bucket:
        return 0.0
    return _number(bucket["values"][0] if p.summaries else bucket["count"])


def _value_label(p: engine.Prepared) -> str:
    labels = engine.summary_labels(p)
    return labels[0] if labels else _("Record count")


def _undefined(total: dict | None, p: engine.Prepared) -> bool:
    """An average, minimum or maximum over no records has no value (a sum or count is 0)."""
    return (
        bool(p.summaries)
        and p.summaries[0][1] in ("avg", "min", "max")
        and not (total and total.get("count"))
    )


def _figure_label(p: engine.Prepared) -> str:
    """Under a metric or gauge: what was counted ("Users", "Opportunities"), not "Record count"."""
    if engine.summary_labels(p):
        return _value_label(p)
    rtype = p.rtype
    try:
        return str(rtype.label if rtype.source else rtype.obj_def.label_plural)
    except (AttributeError, LookupError):
        return _("Record count")


def may_use(rtype, user) -> bool:
    """Whether `user` may run reports of this type (administrative types are for admins)."""
    if hasattr(rtype, "may_use"):
        return rtype.may_use(user)
    return user.profile.has_object_permission(rtype.object_name, "read")


def _applicable(rtype, selected: list[dict], out: Rendered) -> tuple[list[dict], list[dict]]:
    """The chosen dashboard filters that apply to this report type.

    Returns the engine's extra conditions (ANDed with the report's own filters, values
    coerced and checked by the engine, which names the field on a bad value) and the same
    choices as drill conditions, for the links that open the report filtered the same way.
    """
    extra, drill = [], []
    for f in selected:
        if not f["value"]:
            continue
        col = engine.resolve(rtype, f["field"])
        if col is None:
            out.notes.append(
                _("The filter “%(label)s” does not apply to this report.") % {"label": f["label"]}
            )
            continue
        extra.append({"field": col.name, "op": "equals", "value": f["value"]})
        drill.append({"field": col.name, "date_group": "", "key": f["value"]})
    return extra, drill


def _href(base: str, drill: list[dict]) -> str:
    if not base:
        return ""
    return base + "?" + urlencode({"drill": json.dumps(drill)})


def _chart_from_summary(out, p, res, base, drill, chart_type):
    groups = res["groups"]
    out.more = max(0, len(groups) - CHART_MAX_GROUPS)
    groups = groups[:CHART_MAX_GROUPS]
    out.chart = {
        "type": chart_type,
        "labels": [g["labels"][0] for g in groups],
        "datasets": [{"label": _value_label(p), "data": [_value(g, p) for g in groups]}],
        "hrefs": [[_href(base, drill + g["drill"]) for g in groups]],
        # A single series has no legend: the value axis says what is measured.
        "axis": _value_label(p),
    }


def _chart_from_matrix(out, p, res, base, drill, chart_type):
    rows, cols = res["rows"][:CHART_MAX_GROUPS], res["columns"][:CHART_MAX_GROUPS]
    out.more = max(0, len(res["rows"]) - CHART_MAX_GROUPS)
    out.chart = {
        "type": chart_type,
        "labels": [r["labels"][0] for r in rows],
        "datasets": [
            {"label": c["labels"][0], "data": [_value(r["cells"][j], p) for r in rows]}
            for j, c in enumerate(cols)
        ],
        "hrefs": [
            [_href(base, drill + r["cells"][j]["drill"]) if r["cells"][j] else "" for r in rows]
            for j, _c in enumerate(cols)
        ],
        "axis": _value_label(p),
    }


def _table_from_summary(out, p, res, base, drill):
    groups = res["groups"]
    out.more = max(0, len(groups) - TABLE_MAX_ROWS)
    out.table = {
        "headers": [" / ".join(c.label for c, _k in p.groupings[:1]), _("Record count")]
        + engine.summary_labels(p),
        "numeric_from": 1,
        "rows": [
            {
                "cells": [g["labels"][0], g["count"], *g["values"]],
                "href": _href(base, drill + g["drill"]),
            }
            for g in groups[:TABLE_MAX_ROWS]
        ],
        "total": [_("Grand total"), res["total"]["count"], *res["total"]["values"]],
    }


def _table_from_matrix(out, p, res, base, drill):
    rows, cols = res["rows"], res["columns"]
    out.more = max(0, len(rows) - TABLE_MAX_ROWS)
    out.table = {
        "headers": [p.groupings[0][0].label] + [c["labels"][0] for c in cols] + [_("Total")],
        "numeric_from": 1,
        "rows": [
            {
                "cells": [r["labels"][0]]
                + [_value(cell, p) if cell else 0 for cell in r["cells"]]
                + [_value(r, p)],
                "href": _href(base, drill + r["drill"]),
            }
            for r in rows[:TABLE_MAX_ROWS]
        ],
    }


def _cell(value):
    """A date or time as the user's short date: a tile has no room for "Sept. 13, 2024, midnight"."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value.date(), "SHORT_DATE_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return value


def _table_from_rows(out, p, run_as, ctx, extra):
    page = engine.rows(p, run_as, ctx, limit=TABLE_MAX_ROWS, extra=extra)
    slug = page.get("slug", p.rtype.obj_def.slug)
    out.more = 1 if page["has_next"] else 0
    out.table = {
        "headers": [c.label for c in p.columns],
        "numeric_from": len(p.columns),
        "rows": [
            {
                "cells": [_cell(v) for v in r["cells"]],
                "href": reverse("record_detail", args=[slug, r["pk"]]) if slug and r["pk"] else "",
            }
            for r in page["rows"]
        ],
    }


def _gauge(component: DashboardComponent, value: float) -> dict:
    lo = _number(component.gauge_min)
    hi = _number(component.gauge_max) if component.gauge_max is not None else max(value, 1.0)
    span = (hi - lo) or 1.0

    def pct(v):
        return round(max(0.0, min(100.0, (_number(v) - lo) / span * 100)), 1)

    low = pct(component.gauge_low) if component.gauge_low is not None else None
    high = pct(component.gauge_high) if component.gauge_high is not None else None
    if low is not None and value < _number(component.gauge_low):
        band = "low"
    elif high is not None and value >= _number(component.gauge_high):
        band = "high"
    else:
        band = "mid" if low is not None or high is not None else ""
    return {
        "min": lo,
        "max": hi,
        "position": pct(value),
        "low": low if low is not None else 0,
        "high": high if high is not None else 100,
        "target": pct(component.gauge_target) if component.gauge_target is not None else None,
        "target_value": component.gauge_target,
        # "63 % of target": the rate a reader wants without doing the division.
        "of_target": (
            round(value / _number(component.gauge_target) * 100)
            if component.gauge_target is not None and _number(component.gauge_target)
            else None
        ),
        "band": band,
    }


def _report_component(out, c, run_as, viewer_reports, selected, ctx):
    report = c.report
    if report is None:
        out.error = _(
            "The report “%(name)s” behind this component was deleted; edit the component "
            "to choose another."
        ) % {"name": c.report_name or "?"}
        return
    rtype = get_type(report.report_type)
    if rtype is None:
        out.error = _("The report type “%(type)s” of “%(name)s” no longer exists.") % {
            "type": report.report_type,
            "name": report.name,
        }
        return
    if not may_use(rtype, run_as):
        if getattr(rtype, "admin_only", False):
            out.error = _(
                "Only administrators may run “%(type)s” reports; %(user)s is not one."
            ) % {"type": rtype.label, "user": run_as.full_name}
        else:
            out.error = _("%(user)s may not read %(objects)s, so this component is empty.") % {
                "user": run_as.full_name,
                "objects": rtype.obj_def.label_plural,
            }
        return
    p = engine.prepare(rtype, report.definition)
    out.notes.extend(p.missing)
    if p.errors:
        out.error = " ".join(str(e) for e in p.errors)
        return
    base = reverse("reports:run", args=[report.pk]) if report.pk in viewer_reports else ""
    out.report_url = base
    extra, drill = _applicable(rtype, selected, out)
    if c.kind in (METRIC, GAUGE):
        p.groupings, p.column_groupings = [], []
        res = engine.summary(p, run_as, ctx, extra=extra)
        out.value = _value(res["total"], p)
        out.value_label = _figure_label(p)
        if c.kind == METRIC and _undefined(res["total"], p):
            out.value = None  # the average of no deals is not 0: the tile shows a dash

        if c.kind == GAUGE:
            out.gauge = _gauge(c, out.value)
        return
    if c.kind == CHART:
        if not p.groupings:
            out.error = _(
                "“%(name)s” has no groupings: a chart needs a summary or matrix report."
            ) % {"name": report.name}
        elif p.format == "matrix" and p.column_groupings:
            p.groupings = p.groupings[:1]
            _chart_from_matrix(
                out, p, engine.matrix(p, run_as, ctx, extra=extra), base, drill, c.chart_type
            )
        else:
            p.groupings = p.groupings[:1]
            _chart_from_summary(
                out, p, engine.summary(p, run_as, ctx, extra=extra), base, drill, c.chart_type
            )
        return
    if c.kind == TABLE:
        if p.format == "tabular" or not p.groupings:
            _table_from_rows(out, p, run_as, ctx, extra)
        elif p.format == "matrix" and p.column_groupings:
            p.groupings = p.groupings[:1]
            _table_from_matrix(out, p, engine.matrix(p, run_as, ctx, extra=extra), base, drill)
        else:
            p.groupings = p.groupings[:1]
            _table_from_summary(out, p, engine.summary(p, run_as, ctx, extra=extra), base, drill)


def _source_component(out, c, run_as, selected):
    src = sources.get(c.source)
    if src is None:
        out.error = _("The data source “%(key)s” is not available.") % {"key": c.source}
        return
    data = src.fn(run_as, {f["field"]: f["value"] for f in selected if f["value"]}) or {}
    labels = [str(label) for label in data.get("labels") or []]
    series = data.get("series") or []
    hrefs = data.get("hrefs") or []
    if c.kind in (METRIC, GAUGE):
        if data.get("value") is not None:
            out.value = _number(data["value"])
        else:
            out.value = sum(_number(v) for v in (series[0]["data"] if series else []))
        out.value_label = str(data.get("value_label") or (series[0]["label"] if series else ""))
        if c.kind == GAUGE:
            out.gauge = _gauge(c, out.value)
    elif c.kind == CHART:
        out.chart = {
            "type": c.chart_type,
            "labels": labels,
            "datasets": [
                {"label": str(s.get("label", "")), "data": [_number(v) for v in s.get("data", [])]}
                for s in series
            ],
            "hrefs": [list(hrefs)] if hrefs else [],
        }
    else:
        rows = data.get("rows")
        if rows is None:
            rows = [[label, *[s["data"][i] for s in series]] for i, label in enumerate(labels)]
        headers = data.get("columns") or [""] + [str(s.get("label", "")) for s in series]
        out.more = max(0, len(rows) - TABLE_MAX_ROWS)
        out.table = {
            "headers": [str(h) for h in headers],
            "numeric_from": 1,
            "rows": [
                {"cells": list(r), "href": hrefs[i] if i < len(hrefs) else ""}
                for i, r in enumerate(rows[:TABLE_MAX_ROWS])
            ],
        }


def render_component(c, run_as, viewer_reports, selected, ctx) -> Rendered:
    out = Rendered(component=c, title=c.display_title)
    try:
        if c.source:
            _source_component(out, c, run_as, selected)
        else:
            _report_component(out, c, run_as, viewer_reports, selected, ctx)
    except ValidationError as e:
        out.error = " ".join(e.messages)
    except Exception:  # one broken tile must not take the dashboard down with it
        logger.exception("dashboard component %s failed", c.pk)
        out.error = _("This component could not be computed; the error was logged.")
    return out


def render_dashboard(dashboard: Dashboard, viewer, params) -> dict:
    """Everything the dashboard page shows, computed as the running user."""
    run_as = dashboard.running_user_for(viewer)
    selected = active_filters(dashboard, params)
    components = list(dashboard.components.select_related("report"))
    report_ids = [c.report_id for c in components if c.report_id]
    # Drill-down links only to the reports the viewer may open (the report page runs as them).
    viewer_reports = set()
    for report in Report.objects.for_user(viewer).filter(pk__in=report_ids):
        rtype = get_type(report.report_type)
        if rtype and may_use(rtype, viewer):
            viewer_reports.add(report.pk)
    ctx = engine.Context.current()
    return {
        "run_as": run_as,
        "runs_as_other": run_as.pk != viewer.pk,
        "filters": selected,
        "tiles": [render_component(c, run_as, viewer_reports, selected, ctx) for c in components],
    }
