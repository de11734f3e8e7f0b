"""The engine on the database: relative-date filters at boundaries, lookups, AND/OR, errors, query counts."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.reports.engine import Context, base_queryset, matrix, prepare, rows, summary
from tests import factories as f

D = datetime.date


def names(p, user, ctx):
    return sorted(r["cells"][0] for r in rows(p, user, ctx, limit=1000)["rows"])


def close_date_report(value, op="equals"):
    return prepare(
        "opportunity",
        {"columns": ["name"], "filters": [{"field": "close_date", "op": op, "value": value}]},
    )


@pytest.mark.parametrize(
    "token,today,expected",
    [
        # April fiscal year: Q1 is April to June.
        ("THIS_FISCAL_QUARTER", D(2026, 6, 30), ["O1", "O2", "O4", "T2"]),
        ("THIS_FISCAL_QUARTER", D(2026, 7, 1), ["T1", "T3"]),
        ("LAST_FISCAL_QUARTER", D(2026, 4, 1), ["O3"]),
        ("LAST_FISCAL_QUARTER", D(2026, 7, 1), ["O1", "O2", "O4", "T2"]),
        ("NEXT_FISCAL_QUARTER", D(2026, 3, 31), ["O1", "O2", "O4", "T2"]),
        ("THIS_FISCAL_YEAR", D(2026, 3, 31), ["O3"]),
        ("THIS_FISCAL_YEAR", D(2026, 4, 1), ["O1", "O2", "O4", "T1", "T2", "T3"]),
        ("LAST_FISCAL_YEAR", D(2026, 4, 1), ["O3"]),
        ("THIS_MONTH", D(2026, 4, 30), ["O1", "O4"]),
        ("NEXT_MONTH", D(2026, 6, 30), ["T1"]),
        ("LAST_N_DAYS:1", D(2026, 4, 1), ["O3", "O4"]),
        ("NEXT_N_DAYS:1", D(2026, 3, 31), ["O4"]),
        ("THIS_QUARTER", D(2026, 3, 31), ["O3"]),
        ("THIS_YEAR", D(2026, 12, 31), ["O1", "O2", "O3", "O4", "T1", "T2", "T3"]),
    ],
)
def test_relative_date_filters_at_boundaries(data, token, today, expected):
    assert names(close_date_report(token), data.admin, Context(today, 4)) == expected


def test_relative_dates_with_operators(data):
    ctx = Context(D(2026, 5, 15), 4)
    assert names(close_date_report("THIS_FISCAL_QUARTER", "less_than"), data.admin, ctx) == ["O3"]
    assert names(close_date_report("THIS_FISCAL_QUARTER", "greater_than"), data.admin, ctx) == [
        "T1",
        "T3",
    ]
    assert names(close_date_report("THIS_FISCAL_QUARTER", "not_equals"), data.admin, ctx) == [
        "O3",
        "T1",
        "T3",
    ]


def test_relative_dates_on_a_datetime_field(data):
    p = prepare(
        "opportunity",
        {
            "columns": ["name"],
            "filters": [{"field": "created_at", "op": "equals", "value": "LAST_N_DAYS:30"}],
        },
    )
    assert names(p, data.admin, Context.current()) == ["T3"]


def test_lookup_filters_columns_and_or_logic(data):
    ctx = Context(D(2026, 5, 15), 4)
    p = prepare(
        "opportunity_account",
        {
            "columns": ["name", "account__industry", "owner__name"],
            "filters": [
                {"field": "account__industry", "op": "equals", "value": "Banking"},
                {"field": "amount", "op": "greater_or_equal", "value": "700"},
            ],
            "filter_logic": "or",
            "sort": "name",
        },
    )
    got = rows(p, data.admin, ctx)["rows"]
    assert [r["cells"] for r in got] == [
        ["O2", "Banking", data.owner.full_name],
        ["T1", "Energy", data.teammate.full_name],
        ["T3", "Energy", data.teammate.full_name],
    ]
    p.definition["filter_logic"] = "and"
    assert rows(p, data.admin, ctx)["rows"] == []


def test_grouping_by_a_lookup_field_and_unique_count(data):
    p = prepare(
        "opportunity_account",
        {
            "format": "summary",
            "groupings": [{"field": "account__industry"}],
            "summaries": [{"field": "account", "agg": "unique"}, {"field": "amount", "agg": "max"}],
        },
    )
    result = summary(p, data.admin, Context(D(2026, 5, 15), 4))
    assert {g["labels"][0]: (g["count"], g["values"]) for g in result["groups"]} == {
        "Banking": (1, [1, Decimal(200)]),
        "Energy": (6, [2, Decimal(1000)]),
    }


def test_wrong_typed_value_names_the_field(data):
    p = prepare("opportunity", {"filters": [{"field": "amount", "op": "equals", "value": "abc"}]})
    with pytest.raises(ValidationError) as e:
        base_queryset(p, data.admin)
    assert "Amount" in e.value.messages[0]
    p = prepare(
        "opportunity",
        {"filters": [{"field": "stage", "op": "unchanged_for_days", "value": "soon"}]},
    )
    with pytest.raises(ValidationError) as e:
        base_queryset(p, data.admin)
    assert "Stage" in e.value.messages[0]


def test_bad_groupings_and_summaries_are_named(data):
    p = prepare(
        "opportunity",
        {
            "format": "summary",
            "groupings": [{"field": "name", "date_group": "month"}, {"field": "gone"}],
            "summaries": [{"field": "name", "agg": "sum"}],
        },
    )
    assert any("gone" in m for m in p.missing)
    assert any("Opportunity name" in e for e in p.errors)


def test_summaries_cost_the_same_queries_whatever_the_data(data):
    p = prepare(
        "opportunity_account",
        {
            "format": "matrix",
            "groupings": [{"field": "close_date", "date_group": "fiscal_quarter"}],
            "column_groupings": [{"field": "owner"}],
            "summaries": [{"field": "amount", "agg": "sum"}],
        },
    )
    ctx = Context(D(2026, 5, 15), 4)
    matrix(p, data.admin, ctx)  # the door loads the user's principals once
    with CaptureQueriesContext(connection) as few:
        matrix(p, data.admin, ctx)
    for i in range(20):
        f.opportunity(data.owner, amount=Decimal(i), close_date=D(2026, 1 + i % 12, 1))
    with CaptureQueriesContext(connection) as many:
        result = matrix(p, data.admin, ctx)
    assert len(many) == len(few)
    assert result["total"]["count"] == 27


def test_unchanged_for_days_needs_a_tracked_field(data):
    p = prepare(
        "opportunity", {"filters": [{"field": "name", "op": "unchanged_for_days", "value": "30"}]}
    )
    with pytest.raises(ValidationError) as e:
        base_queryset(p, data.admin)
    assert "Opportunity name" in e.value.messages[0]


def test_date_time_fields_group_by_fiscal_quarter_and_day(data):
    ctx = Context(D(2026, 5, 15), 4)
    for kind in ("fiscal_quarter", "fiscal_year", "quarter", "day"):
        p = prepare(
            "opportunity",
            {"format": "summary", "groupings": [{"field": "created_at", "date_group": kind}]},
        )
        result = summary(p, data.admin, ctx)
        assert sum(g["count"] for g in result["groups"]) == 7, kind
        assert all(g["labels"][0] != "(blank)" for g in result["groups"])
