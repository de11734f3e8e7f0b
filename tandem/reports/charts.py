"""Chart data for a report's result: what reports/_chart.html and report-chart.js draw.

The chart kinds and the JSON they are drawn from:
- bar, stacked_bar, line, donut, funnel: {"type", "labels": [...], "datasets": [{"label", "data"}]}
  (a summary report: one bar per top-level group; a matrix: one dataset per column group);
- number: {"type", "value", "label"};
- gauge: {"type", "value", "label", "target", "ranges": [low, high]} (red below low, amber
  below high, green above; the dial ends at the target, or at the value when it is higher).
Values are the first summary, or the record count when the report has none.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CHARTS = {
    "": gettext_lazy("No chart"),
    "bar": gettext_lazy("Bar"),
    "stacked_bar": gettext_lazy("Stacked bar"),
    "line": gettext_lazy("Line"),
    "donut": gettext_lazy("Donut"),
    "funnel": gettext_lazy("Funnel"),
    "gauge": gettext_lazy("Gauge"),
    "number": gettext_lazy("Single number"),
}
GROUPED = {"bar", "stacked_bar", "line", "donut", "funnel"}


def _number(raw, label) -> float | None:
    if raw in (None, ""):
        return None
    try:
        return float(Decimal(str(raw).strip()))
    except (InvalidOperation, ValueError):
        raise ValidationError(
            _("%(field)s: “%(value)s” is not a number.") % {"field": label, "value": raw}
        ) from None


def chart_settings(chart: dict) -> dict:
    """A chart definition checked: {"type", "target", "ranges"}; errors name the field."""
    kind = str(chart.get("type") or "")
    if kind not in CHARTS:
        raise ValidationError(_("Chart: unknown chart type “%(type)s”.") % {"type": kind})
    out = {"type": kind}
    if kind == "gauge":
        target = _number(chart.get("target"), _("Gauge target"))
        if target is None or target <= 0:
            raise ValidationError(_("Gauge target: enter a number above zero."))
        ranges = [
            _number(v, _("Gauge ranges"))
            for v in str(chart.get("ranges") or "").split(",")
            if v.strip()
        ]
        if len(ranges) not in (0, 2) or (ranges and ranges[0] > ranges[1]):
            raise ValidationError(
                _("Gauge ranges: enter two numbers, low and high, such as 300,700.")
            )
        out.update(target=target, ranges=ranges or [target / 3, target * 2 / 3])
    return out


def _value(v) -> float:
    val = (v["values"][0] if v["values"] else v["count"]) if v else 0
    return float(val or 0)


def chart_data(p, result: dict) -> dict | None:
    """The chart of a prepared report's result (engine.run), or None (no chart, or an error)."""
    try:
        settings = chart_settings(p.definition.get("chart") or {})
    except ValidationError:
        return None
    kind = settings["type"]
    if not kind or result.get("errors"):
        return None
    block = result.get("summary") or result.get("matrix") or {}
    total = result.get("total") or block.get("total")
    labels = block.get("summary_labels") or result.get("summary_labels") or []
    label = str(labels[0]) if p.summaries and labels else _("Record count")
    if kind == "number":
        return {"type": kind, "value": _value(total), "label": label}
    if kind == "gauge":
        return {"type": kind, "value": _value(total), "label": label, **settings}
    if "summary" in result:
        groups = result["summary"]["groups"]
        return {
            "type": kind,
            "labels": [" ".join(g["labels"][:1]) for g in groups],
            "datasets": [{"label": label, "data": [_value(g) for g in groups]}],
        }
    if "matrix" in result:
        m = result["matrix"]
        return {
            "type": kind,
            "labels": [r["labels"][0] for r in m["rows"]],
            "datasets": [
                {"label": c["labels"][0], "data": [_value(r["cells"][j]) for r in m["rows"]]}
                for j, c in enumerate(m["columns"])
            ],
        }
    return None
