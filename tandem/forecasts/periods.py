"""Forecast periods: fiscal quarters and months that follow the company's fiscal year start.

A period is named in URLs as FY2026-Q1 or FY2026-M01 (fiscal years are named after the
calendar year they start in, as in tandem.reports.dates), so links stay readable and
survive a change of the fiscal year start only as far as their meaning allows.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tandem.forecasts.models import MONTH, QUARTER
from tandem.reports.dates import add_months, fiscal_quarter_start, fiscal_year_start

_KEY = re.compile(r"^FY(\d{4})-(Q|M)(\d{1,2})$")


@dataclass(frozen=True)
class Period:
    kind: str  # QUARTER or MONTH
    start: datetime.date
    fiscal_start_month: int

    @property
    def months(self) -> int:
        return 3 if self.kind == QUARTER else 1

    @property
    def end(self) -> datetime.date:
        """The first day after the period (ranges are half-open)."""
        return add_months(self.start, self.months)

    @property
    def last_day(self) -> datetime.date:
        return self.end - datetime.timedelta(days=1)

    @property
    def fiscal_year(self) -> int:
        return fiscal_year_start(self.start, self.fiscal_start_month).year

    @property
    def number(self) -> int:
        """1-4 for a quarter, 1-12 for a month, counted from the fiscal year start."""
        fy = fiscal_year_start(self.start, self.fiscal_start_month)
        months_in = (self.start.year * 12 + self.start.month) - (fy.year * 12 + fy.month)
        return months_in // self.months + 1

    @property
    def key(self) -> str:
        if self.kind == QUARTER:
            return f"FY{self.fiscal_year}-Q{self.number}"
        return f"FY{self.fiscal_year}-M{self.number:02d}"

    @property
    def label(self) -> str:
        if self.kind == QUARTER:
            return _("FY%(year)s Q%(n)s") % {"year": self.fiscal_year, "n": self.number}
        # A month is called by its calendar name; its fiscal number goes under it (span).
        return formats.date_format(self.start, "YEAR_MONTH_FORMAT")

    @property
    def span(self) -> str:
        """The calendar months of a quarter ("February 2026 – April 2026"); a month's fiscal place."""
        first = formats.date_format(self.start, "YEAR_MONTH_FORMAT")
        if self.kind == MONTH:
            return _("FY%(year)s, month %(n)s") % {"year": self.fiscal_year, "n": self.number}
        return f"{first} – {formats.date_format(self.last_day, 'YEAR_MONTH_FORMAT')}"

    def shifted(self, n: int) -> "Period":
        return Period(self.kind, add_months(self.start, n * self.months), self.fiscal_start_month)

    @property
    def previous(self) -> "Period":
        return self.shifted(-1)

    @property
    def next(self) -> "Period":
        return self.shifted(1)

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day < self.end

    def as_other_kind(self, day: datetime.date | None = None) -> "Period":
        """The quarter holding this month; for a quarter, the month of `day` if the quarter holds
        it (Month on the current quarter opens this month), else the quarter's first month."""
        if self.kind == QUARTER:
            if day is not None and self.contains(day):
                return Period(MONTH, day.replace(day=1), self.fiscal_start_month)
            return Period(MONTH, self.start, self.fiscal_start_month)
        return Period(
            QUARTER,
            fiscal_quarter_start(self.start, self.fiscal_start_month),
            self.fiscal_start_month,
        )


def fiscal_start_month() -> int:
    from tandem.core.models import Company

    return Company.current().fiscal_year_start_month


def today() -> datetime.date:
    return timezone.localdate()


def current_period(kind: str = QUARTER, day: datetime.date | None = None, fsm: int | None = None):
    """The fiscal quarter (or month) holding `day` (today by default)."""
    fsm = fsm or fiscal_start_month()
    day = day or today()
    if kind == QUARTER:
        return Period(QUARTER, fiscal_quarter_start(day, fsm), fsm)
    return Period(MONTH, day.replace(day=1), fsm)


def parse_period(text: str, fsm: int | None = None) -> Period:
    """FY2026-Q1 / FY2026-M01 -> Period; a ValidationError names the field otherwise."""
    fsm = fsm or fiscal_start_month()
    m = _KEY.match((text or "").strip().upper())
    if m:
        year, unit, n = int(m.group(1)), m.group(2), int(m.group(3))
        limit = 4 if unit == "Q" else 12
        if 1 <= n <= limit and 1900 <= year <= 9998:
            kind = QUARTER if unit == "Q" else MONTH
            months = 3 if unit == "Q" else 1
            return Period(kind, add_months(datetime.date(year, fsm, 1), (n - 1) * months), fsm)
    raise ValidationError(
        {
            "period": _(
                "Period: “%(value)s” is not a fiscal period such as FY2026-Q1 or FY2026-M03."
            )
            % {"value": (text or "")[:40]}
        }
    )


def period_of(kind: str, start: datetime.date, fsm: int | None = None) -> Period:
    return Period(kind, start, fsm or fiscal_start_month())
