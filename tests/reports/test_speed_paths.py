"""The fast paths of exports and subtotals give exactly what the plain paths give."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from tandem.reports import grouping
from tandem.reports.engine import Context, prepare, summary
from tandem.reports.exports import raw_formatter, row_formatter

VALUES = [
    None,
    "",
    "plain",
    "=SUM(A1)",
    "+1",
    "-2",
    "@x",
    "\tx",
    "a, b",
    0,
    7,
    2.5,
    Decimal("12.30"),
    True,
    False,
    datetime.date(2026, 5, 15),
    "2026-05-15",
    "2026-05-15 10:30:00",
    datetime.datetime(2026, 5, 15, 10, 30, tzinfo=datetime.UTC),
    ["a", "b"],
]


def column(kind, places=2, custom=False):
    return SimpleNamespace(type=kind, spec=SimpleNamespace(is_custom=custom, decimal_places=places))


COLUMNS = [
    column("text"),
    column("picklist"),
    column("currency"),
    column("number", 0),
    column("percent", None),
    column("date"),
    column("checkbox"),
    column("datetime"),
    column("text", custom=True),
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
@pytest.mark.parametrize(
    "col", COLUMNS, ids=lambda c: c.type + ("_custom" if c.spec.is_custom else "")
)
def test_a_whole_row_is_formatted_as_each_column_formats_its_value(col, value):
    try:
        slow = raw_formatter(col)(value)
    except (TypeError, ValueError, AttributeError) as exc:  # not a value this column holds
        with pytest.raises(type(exc)):
            row_formatter([col, column("text")])((value, "x"))
        return
    assert row_formatter([col, column("text")])((value, "x")) == (slow, "x")


def test_formula_text_stays_neutralised_in_exports():
    row = row_formatter([column("text"), column("text")])
    assert row(("=cmd|' /C calc'!A0", "Acme")) == ("'=cmd|' /C calc'!A0", "Acme")


def _plain(p, user, ctx):
    """The summary computed one aggregate per grouping level (no roll-up)."""
    real = grouping._can_roll_up
    grouping._can_roll_up = lambda p: False
    try:
        return summary(p, user, ctx)
    finally:
        grouping._can_roll_up = real


@pytest.mark.parametrize("groupings", [["stage"], ["owner", "stage"], ["stage", "owner"]])
def test_rolled_up_subtotals_equal_the_databases_own(data, groupings):
    ctx = Context(datetime.date(2026, 5, 15), 4)
    p = prepare(
        "opportunity",
        {
            "format": "summary",
            "columns": ["name"],
            "groupings": [{"field": g} for g in groupings],
            "summaries": [
                {"field": "amount", "agg": "sum"},
                {"field": "amount", "agg": "max"},
                {"field": "", "agg": "count"},
            ],
        },
    )
    assert not p.errors
    fast = summary(p, data.admin, ctx)
    assert fast == _plain(p, data.admin, ctx)
    assert [g["labels"][0] for g in fast["groups"]]
