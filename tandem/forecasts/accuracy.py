"""Forecast accuracy: each person's Commit forecast at the start of a period against what closed.

The forecast is the period's snapshot (tandem.forecasts.snapshots); the closed figure is
computed now, through the door, like the forecasts page. The people are those on the
viewer's forecasts page: the viewer's roll-up and their direct reports.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tandem.forecasts import permissions
from tandem.forecasts.figures import figures_for
from tandem.forecasts.models import QUARTER, ForecastSnapshot
from tandem.forecasts.periods import Period, current_period, fiscal_start_month, parse_period
from tandem.forecasts.tree import ForecastTree, Person


@dataclass
class Accuracy:
    person: Person
    forecast: Decimal | None  # Commit at the period's start; None when no snapshot was taken
    closed: Decimal

    @property
    def percent(self) -> Decimal | None:
        """Closed as a share of the forecast (100 % = the forecast came true)."""
        if not self.forecast:
            return None
        return (self.closed * 100 / self.forecast).quantize(Decimal("0.1"))


def accuracy(user, period: Period, person: Person | None = None) -> list[Accuracy]:
    if not permissions.uses_forecasts(user):
        return []
    tree = ForecastTree()
    person = person or permissions.default_person(user, tree)
    if person is None or not permissions.may_view(user, tree, person.pk):
        return []
    people = [person, *person.children]
    figs = figures_for(user, tree, person, period)
    forecasts = dict(
        ForecastSnapshot.objects.filter(
            period_kind=period.kind,
            period_start=period.start,
            user_id__in=[p.pk for p in people],
        ).values_list("user_id", "commit")
    )
    return [Accuracy(p, forecasts.get(p.pk), figs[p.pk].value["closed"]) for p in people]


def _period_from(filters: dict) -> Period:
    """A dashboard filter "period" (FY2026-Q1) or a relative close date; this quarter otherwise."""
    fsm = fiscal_start_month()
    value = (filters or {}).get("period") or (filters or {}).get("close_date")
    if isinstance(value, str) and value.strip():
        try:
            return parse_period(value, fsm)
        except ValidationError:
            pass
        from tandem.forecasts.periods import today
        from tandem.reports.dates import is_relative, relative_range

        if is_relative(value):
            try:
                start, _end = relative_range(value, today(), fsm)
            except ValidationError:
                start = None
            if start is not None:
                return current_period(QUARTER, start, fsm)
    return current_period(QUARTER, fsm=fsm)


def accuracy_source(user, filters: dict) -> dict:
    """The dashboards' "forecast_accuracy" source: forecast vs. closed per person."""
    period = _period_from(filters)
    rows = accuracy(user, period)
    labels = [r.person.name for r in rows]
    return {
        "labels": labels,
        "series": [
            {
                "label": _("Commit at the start of %(period)s") % {"period": period.label},
                "data": [float(r.forecast or 0) for r in rows],
            },
            {"label": _("Closed"), "data": [float(r.closed) for r in rows]},
        ],
        "columns": [_("Person"), _("Forecast (Commit at start)"), _("Closed"), _("Accuracy %")],
        "rows": [
            [
                r.person.name,
                "" if r.forecast is None else float(r.forecast),
                float(r.closed),
                "" if r.percent is None else float(r.percent),
            ]
            for r in rows
        ],
    }
