"""Fiscal periods: names, boundaries and navigation for any fiscal year start."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from tandem.forecasts.models import MONTH, QUARTER
from tandem.forecasts.periods import Period, current_period, parse_period

D = datetime.date


@pytest.mark.parametrize(
    "fsm, day, key, start, end",
    [
        (1, D(2026, 3, 31), "FY2026-Q1", D(2026, 1, 1), D(2026, 4, 1)),
        (1, D(2026, 4, 1), "FY2026-Q2", D(2026, 4, 1), D(2026, 7, 1)),
        (2, D(2026, 1, 31), "FY2025-Q4", D(2025, 11, 1), D(2026, 2, 1)),
        (2, D(2026, 2, 1), "FY2026-Q1", D(2026, 2, 1), D(2026, 5, 1)),
        (2, D(2026, 4, 30), "FY2026-Q1", D(2026, 2, 1), D(2026, 5, 1)),
        (2, D(2026, 5, 1), "FY2026-Q2", D(2026, 5, 1), D(2026, 8, 1)),
        (2, D(2027, 1, 15), "FY2026-Q4", D(2026, 11, 1), D(2027, 2, 1)),
        (10, D(2026, 9, 30), "FY2025-Q4", D(2026, 7, 1), D(2026, 10, 1)),
    ],
)
def test_fiscal_quarters(fsm, day, key, start, end):
    period = current_period(QUARTER, day, fsm)
    assert (period.key, period.start, period.end) == (key, start, end)
    assert parse_period(key, fsm) == period
    assert period.contains(day) and not period.contains(end)


def test_months_count_from_the_fiscal_year_start():
    feb = current_period(MONTH, D(2026, 2, 14), 2)
    assert feb.key == "FY2026-M01" and feb.label == "February 2026"
    assert feb.span == "FY2026, month 1"
    jan = current_period(MONTH, D(2027, 1, 3), 2)
    assert jan.key == "FY2026-M12"
    assert jan.next.key == "FY2027-M01" and jan.previous.key == "FY2026-M11"
    assert jan.as_other_kind().key == "FY2026-Q4"
    assert parse_period("fy2026-m1", 2) == feb


def test_navigation_crosses_fiscal_years():
    q4 = Period(QUARTER, D(2026, 11, 1), 2)
    assert q4.key == "FY2026-Q4"
    assert q4.next.key == "FY2027-Q1" and q4.next.start == D(2027, 2, 1)
    assert q4.previous.key == "FY2026-Q3"
    assert q4.as_other_kind().key == "FY2026-M10"
    # Month on the quarter that holds today opens today's month, not the quarter's first.
    assert q4.as_other_kind(D(2026, 12, 24)).key == "FY2026-M11"
    assert q4.as_other_kind(D(2027, 3, 1)).key == "FY2026-M10"


@pytest.mark.parametrize("text", ["", "2026-Q1", "FY2026-Q5", "FY2026-M13", "FY2026-Q0", "x" * 500])
def test_bad_period_names_the_field(text):
    with pytest.raises(ValidationError) as exc:
        parse_period(text, 1)
    assert list(exc.value.message_dict) == ["period"]
    assert exc.value.message_dict["period"][0].startswith("Period:")
