"""How a report's figures read on screen: grouped amounts, whole counts, percents with a sign.

Exports keep the raw values (see exports.py); this is only the HTML viewer's wording.
"""

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import number_format

register = template.Library()

COUNTS = {"count", "unique", "true_count", "blank_count"}
PERCENTS = {"true_percent", "blank_percent"}


def _is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


@register.filter
def is_number(value) -> bool:
    return _is_number(value)


@register.filter
def report_cell(value):
    """A row's cell: decimals grouped with two places (492,000.00), other values as they are."""
    if isinstance(value, float | Decimal):
        return floatformat(value, "2g")
    return value


@register.filter
def with_kinds(values, p):
    """Pairs (value, aggregate) for a group's summary values, in the report's summary order."""
    kinds = [agg for _col, agg in getattr(p, "summaries", [])]
    return [(v, kinds[i] if i < len(kinds) else "") for i, v in enumerate(values or [])]


@register.filter
def first_kind(p) -> str:
    summaries = getattr(p, "summaries", None) or []
    return summaries[0][1] if summaries else ""


@register.filter
def summary_value(value, kind: str = ""):
    """A summary figure: a count as a whole number, a percent with %, amounts with two places."""
    if value is None or value == "":
        return ""
    if not _is_number(value):
        return value
    if kind in COUNTS:
        return number_format(round(value), 0, force_grouping=True)
    if kind in PERCENTS:
        return f"{floatformat(value, '-1g')}%"
    return floatformat(value, "2g")


@register.filter
def all_zero(chart) -> bool:
    """A bar, line or donut chart whose every figure is 0 (it would draw bare axes)."""
    if not chart or chart.get("type") in ("number", "gauge") or not chart.get("labels"):
        return False
    return all(not v for ds in chart.get("datasets", []) for v in ds.get("data", []))
