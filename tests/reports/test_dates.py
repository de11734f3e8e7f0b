"""Relative dates at month, quarter and year boundaries, for January and April fiscal years."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from tandem.reports.dates import fiscal_quarter_label, fiscal_quarter_start, relative_range

D = datetime.date


@pytest.mark.parametrize(
    "token,today,fy,expected",
    [
        ("THIS_FISCAL_QUARTER", D(2026, 3, 31), 4, (D(2026, 1, 1), D(2026, 4, 1))),
        ("THIS_FISCAL_QUARTER", D(2026, 4, 1), 4, (D(2026, 4, 1), D(2026, 7, 1))),
        ("LAST_FISCAL_QUARTER", D(2026, 4, 1), 4, (D(2026, 1, 1), D(2026, 4, 1))),
        ("NEXT_FISCAL_QUARTER", D(2026, 12, 31), 4, (D(2027, 1, 1), D(2027, 4, 1))),
        ("THIS_FISCAL_YEAR", D(2026, 3, 31), 4, (D(2025, 4, 1), D(2026, 4, 1))),
        ("THIS_FISCAL_YEAR", D(2026, 4, 1), 4, (D(2026, 4, 1), D(2027, 4, 1))),
        ("LAST_FISCAL_YEAR", D(2026, 1, 1), 1, (D(2025, 1, 1), D(2026, 1, 1))),
        ("THIS_FISCAL_QUARTER", D(2026, 2, 1), 11, (D(2026, 2, 1), D(2026, 5, 1))),
        ("LAST_FISCAL_QUARTER", D(2026, 1, 15), 1, (D(2025, 10, 1), D(2026, 1, 1))),
        ("THIS_QUARTER", D(2026, 6, 30), 4, (D(2026, 4, 1), D(2026, 7, 1))),
        ("THIS_MONTH", D(2026, 12, 31), 1, (D(2026, 12, 1), D(2027, 1, 1))),
        ("NEXT_MONTH", D(2026, 12, 31), 1, (D(2027, 1, 1), D(2027, 2, 1))),
        ("LAST_MONTH", D(2026, 1, 1), 1, (D(2025, 12, 1), D(2026, 1, 1))),
        ("LAST_N_DAYS:30", D(2026, 3, 1), 1, (D(2026, 1, 30), D(2026, 3, 2))),
        ("NEXT_N_DAYS:7", D(2026, 12, 30), 1, (D(2026, 12, 31), D(2027, 1, 7))),
        ("this_year", D(2026, 5, 5), 4, (D(2026, 1, 1), D(2027, 1, 1))),
    ],
)
def test_relative_ranges(token, today, fy, expected):
    assert relative_range(token, today, fy) == expected


def test_fiscal_quarter_labels_follow_the_start_month():
    assert fiscal_quarter_label(fiscal_quarter_start(D(2026, 3, 31), 4), 4) == "FY2025 Q4"
    assert fiscal_quarter_label(fiscal_quarter_start(D(2026, 4, 1), 4), 4) == "FY2026 Q1"
    assert fiscal_quarter_label(fiscal_quarter_start(D(2026, 3, 31), 1), 1) == "FY2026 Q1"


def test_unknown_token_names_the_field():
    with pytest.raises(ValidationError) as e:
        relative_range("NEXT_DECADE", D(2026, 1, 1), 1, "Close date")
    assert "Close date" in e.value.messages[0]
