"""Snapshots of every person's forecast at the start of a period, for forecast accuracy.

`take_snapshots(period)` stores each active person's roll-up (adjustments included) once;
running it again adds only people who have none yet, and two workers racing each other
cannot write a period twice (a unique constraint, rows inserted with ignore_conflicts).
The forecasts page takes them lazily the first time the current period is viewed;
`snapshot_due()` is the worker's sweep for the current fiscal quarter and month.
"""

from tandem.forecasts.figures import (
    latest_adjustments,
    opportunities,
    quotas,
    roll_up,
    sums_by_owner,
)
from tandem.forecasts.models import MONTH, QUARTER, ForecastSnapshot
from tandem.forecasts.periods import Period, current_period
from tandem.forecasts.tree import ForecastTree


def take_snapshots(period: Period) -> int:
    """Store the period's snapshot for everyone who has none; returns how many were written."""
    tree = ForecastTree()
    taken = set(
        ForecastSnapshot.objects.filter(
            period_kind=period.kind, period_start=period.start
        ).values_list("user_id", flat=True)
    )
    if taken >= set(tree.people):
        return 0
    # System figures: every counted deal of the period, not one viewer's share of them.
    sums = sums_by_owner(opportunities(None, period))
    adjustments, quota_of = latest_adjustments(period), quotas(period)
    figures = {}
    # The roots first: their roll-ups cover everyone with a role in one pass each.
    for person in [*tree.roots(), *tree.people.values()]:
        if person.pk not in figures:
            figures.update(roll_up(tree, person, sums, adjustments, quota_of))
    rows = [
        ForecastSnapshot(
            user_id=pk,
            period_kind=period.kind,
            period_start=period.start,
            quota=fig.quota,
            **fig.value,
        )
        for pk, fig in figures.items()
        if pk not in taken
    ]
    ForecastSnapshot.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def take_if_current(period: Period, today=None) -> int:
    """The lazy path: snapshot the period if it is under way and nobody has yet."""
    from tandem.forecasts.periods import today as local_today

    if not period.contains(today or local_today()):
        return 0
    if ForecastSnapshot.objects.filter(period_kind=period.kind, period_start=period.start).exists():
        return 0
    return take_snapshots(period)


def snapshot_due(today=None) -> int:
    """Worker sweep: snapshot the current fiscal quarter and month if not done yet."""
    return sum(take_if_current(current_period(kind, today), today) for kind in (QUARTER, MONTH))
