"""The fast paths of exports and subtotals give exactly what the plain paths give."""

import csv
import datetime
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest

from tandem.reports import grouping
from tandem.reports.engine import Context, prepare, summary
from tandem.reports.exports import csv_row_formatter, raw_formatter

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
    'say "hi"',
    "two\nlines",
    "cr\r",
    "=a,b",
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


def written(fields) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(fields)
    return buffer.getvalue()[:-2]


@pytest.mark.parametrize("value", VALUES, ids=repr)
@pytest.mark.parametrize(
    "col", COLUMNS, ids=lambda c: c.type + ("_custom" if c.spec.is_custom else "")
)
def test_a_row_is_written_as_each_value_formatted_and_written_by_csv(col, value):
    line = csv_row_formatter([col, column("text"), col])
    try:
        text = raw_formatter(col)(value)
    except (TypeError, ValueError, AttributeError) as exc:  # not a value this column holds
        with pytest.raises(type(exc)):
            line((value, "x", value))
        return
    assert line((value, "x", value)) == written([text, "x", text])


def test_formula_text_stays_neutralised_in_exports():
    line = csv_row_formatter([column("text"), column("text")])
    assert line(("=cmd|' /C calc'!A0", "Acme")) == "'=cmd|' /C calc'!A0,Acme"
    assert line(("=1,2", 'Acme "Ltd"')) == '"\'=1,2","Acme ""Ltd"""'


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


@pytest.mark.parametrize(
    "columns", [["name"], ["name", "account", "amount", "close_date", "stage"]]
)
def test_csv_export_is_what_csv_writer_writes_of_each_formatted_value(data, columns):
    from tandem.reports.engine import iter_raw_rows
    from tandem.reports.exports import csv_lines

    ctx = Context(datetime.date(2026, 5, 15), 4)
    p = prepare("opportunity", {"columns": columns})
    formatters = [raw_formatter(c) for c in p.columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.label for c in p.columns])
    for r in iter_raw_rows(p, data.admin, ctx):
        writer.writerow([f(v) for f, v in zip(formatters, r)])
    text = "".join(csv_lines(p, data.admin, ctx=ctx))
    assert text == buffer.getvalue()
    assert "O1" in text and "T3" in text
