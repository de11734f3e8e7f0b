"""Relative date ranges (THIS_FISCAL_QUARTER, LAST_N_DAYS:30...) that follow the company's fiscal year.

Every range is half-open, [start, end), in dates. A fiscal year is named after the calendar
year in which it starts (Salesforce's default): with an April start, FY2026 runs from
1 April 2026 to 31 March 2027.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_N_DAYS = re.compile(
    r"^(LAST|NEXT)_N_(DAYS|MONTHS|QUARTERS|YEARS|FISCAL_QUARTERS|FISCAL_YEARS):(\d{1,4})$"
)

TOKENS = (
    "TODAY",
    "YESTERDAY",
    "TOMORROW",
    "THIS_WEEK",
    "LAST_WEEK",
    "NEXT_WEEK",
    "THIS_MONTH",
    "LAST_MONTH",
    "NEXT_MONTH",
    "THIS_QUARTER",
    "LAST_QUARTER",
    "NEXT_QUARTER",
    "THIS_YEAR",
    "LAST_YEAR",
    "NEXT_YEAR",
    "THIS_FISCAL_QUARTER",
    "LAST_FISCAL_QUARTER",
    "NEXT_FISCAL_QUARTER",
    "THIS_FISCAL_YEAR",
    "LAST_FISCAL_YEAR",
    "NEXT_FISCAL_YEAR",
    "LAST_N_DAYS:n",
    "NEXT_N_DAYS:n",
    "LAST_N_MONTHS:n",
    "NEXT_N_MONTHS:n",
)


def add_months(d: datetime.date, months: int) -> datetime.date:
    """The first of the month `months` after d's month (d is expected to be a first)."""
    index = d.year * 12 + d.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_start(d: datetime.date) -> datetime.date:
    return d.replace(day=1)


def quarter_start(d: datetime.date) -> datetime.date:
    return datetime.date(d.year, (d.month - 1) // 3 * 3 + 1, 1)


def fiscal_year_start(d: datetime.date, start_month: int) -> datetime.date:
    year = d.year if d.month >= start_month else d.year - 1
    return datetime.date(year, start_month, 1)


def fiscal_quarter_start(d: datetime.date, start_month: int) -> datetime.date:
    fy = fiscal_year_start(d, start_month)
    months_in = (d.year * 12 + d.month) - (fy.year * 12 + fy.month)
    return add_months(fy, months_in // 3 * 3)


def fiscal_quarter_label(start: datetime.date, start_month: int) -> str:
    """ "FY2026 Q1" for the fiscal quarter starting on `start`."""
    fy = fiscal_year_start(start, start_month)
    quarter = ((start.year * 12 + start.month) - (fy.year * 12 + fy.month)) // 3 + 1
    return f"FY{fy.year} Q{quarter}"


def is_relative(value) -> bool:
    if not isinstance(value, str):
        return False
    text = value.strip().upper()
    return text in TOKENS or bool(_N_DAYS.match(text))


def relative_range(value: str, today: datetime.date, fiscal_start_month: int = 1, label: str = ""):
    """(start, end) for a relative date token; raises ValidationError naming the field."""
    text = value.strip().upper()
    m = _N_DAYS.match(text)
    if m:
        direction, unit, n = m.group(1), m.group(2), int(m.group(3))
        if unit == "DAYS":
            if direction == "LAST":  # today and the n days before it
                return today - datetime.timedelta(days=n), today + datetime.timedelta(days=1)
            return today + datetime.timedelta(days=1), today + datetime.timedelta(days=n + 1)
        size, base = {
            "MONTHS": (1, month_start(today)),
            "QUARTERS": (3, quarter_start(today)),
            "YEARS": (12, datetime.date(today.year, 1, 1)),
            "FISCAL_QUARTERS": (3, fiscal_quarter_start(today, fiscal_start_month)),
            "FISCAL_YEARS": (12, fiscal_year_start(today, fiscal_start_month)),
        }[unit]
        if direction == "LAST":  # the n whole periods before the current one
            return add_months(base, -n * size), base
        return add_months(base, size), add_months(base, (n + 1) * size)
    one_day = datetime.timedelta(days=1)
    if text == "TODAY":
        return today, today + one_day
    if text == "YESTERDAY":
        return today - one_day, today
    if text == "TOMORROW":
        return today + one_day, today + 2 * one_day
    if text.endswith("_WEEK"):
        start = today - datetime.timedelta(days=today.weekday())  # weeks start on Monday
        shift = {"THIS": 0, "LAST": -7, "NEXT": 7}[text.split("_")[0]]
        start += datetime.timedelta(days=shift)
        return start, start + datetime.timedelta(days=7)
    periods = {
        "MONTH": (1, month_start(today)),
        "QUARTER": (3, quarter_start(today)),
        "YEAR": (12, datetime.date(today.year, 1, 1)),
        "FISCAL_QUARTER": (3, fiscal_quarter_start(today, fiscal_start_month)),
        "FISCAL_YEAR": (12, fiscal_year_start(today, fiscal_start_month)),
    }
    when, _sep, period = text.partition("_")
    if when in ("THIS", "LAST", "NEXT") and period in periods:
        size, base = periods[period]
        shift = {"THIS": 0, "LAST": -size, "NEXT": size}[when]
        start = add_months(base, shift)
        return start, add_months(start, size)
    raise ValidationError(
        _(
            "%(field)s: “%(value)s” is not a relative date such as THIS_FISCAL_QUARTER or LAST_N_DAYS:30."
        )
        % {"field": label or _("Date"), "value": value}
    )


def bucket_start(kind: str, d: datetime.date, fiscal_start_month: int) -> datetime.date:
    if kind == "day":
        return d
    if kind == "week":
        return d - datetime.timedelta(days=d.weekday())
    if kind == "month":
        return month_start(d)
    if kind == "quarter":
        return quarter_start(d)
    if kind == "year":
        return datetime.date(d.year, 1, 1)
    if kind == "fiscal_quarter":
        return fiscal_quarter_start(d, fiscal_start_month)
    if kind == "fiscal_year":
        return fiscal_year_start(d, fiscal_start_month)
    raise ValueError(kind)


BUCKET_MONTHS = {"month": 1, "quarter": 3, "year": 12, "fiscal_quarter": 3, "fiscal_year": 12}


def bucket_range(kind: str, start: datetime.date):
    if kind == "day":
        return start, start + datetime.timedelta(days=1)
    if kind == "week":
        return start, start + datetime.timedelta(days=7)
    return start, add_months(start, BUCKET_MONTHS[kind])


def bucket_label(kind: str, start: datetime.date, fiscal_start_month: int) -> str:
    if kind == "day":
        return start.isoformat()
    if kind == "week":
        return _("Week of %(date)s") % {"date": start.isoformat()}
    if kind == "month":
        return start.strftime("%Y-%m")
    if kind == "quarter":
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    if kind == "year":
        return str(start.year)
    if kind == "fiscal_quarter":
        return fiscal_quarter_label(start, fiscal_start_month)
    if kind == "fiscal_year":
        return f"FY{start.year}"
    raise ValueError(kind)
