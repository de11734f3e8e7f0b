"""Forecast figures: amounts summed in the database per owner and category, rolled up the tree.

One grouped query per level: the opportunities of the shown person's whole subtree, closing
in the period, that the viewer may read (the door), summed by (owner, forecast category).
The per-owner sums (never single opportunities) are then added up the forecast tree in
Python, applying the latest manager adjustment at each person. Adjusted figures roll up:
a manager's original figure includes their people's adjusted ones.

Categories are cumulative, like Salesforce's cumulative forecast rollups:
Closed = Closed; Commit = Closed + Commit; Best Case = Closed + Commit + Best Case;
Pipeline = the open pipeline, Commit + Best Case + Pipeline. Omitted is never counted.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum

from tandem.access.models import RoleClosure
from tandem.forecasts.models import (
    BEST_CASE,
    CLOSED,
    COMMIT,
    PIPELINE,
    ForecastAdjustment,
    Quota,
)
from tandem.forecasts.periods import Period
from tandem.forecasts.tree import ForecastTree, Person
from tandem.sales.models import Opportunity

FIGURES = (CLOSED, COMMIT, BEST_CASE, PIPELINE)
COUNTED = ("Closed", "Commit", "Best Case", "Pipeline")  # forecast_category values
CUMULATIVE = {
    CLOSED: ("Closed",),
    COMMIT: ("Closed", "Commit"),
    BEST_CASE: ("Closed", "Commit", "Best Case"),
    PIPELINE: ("Commit", "Best Case", "Pipeline"),
}
ZERO = Decimal("0.00")


@dataclass
class Figures:
    """One person's row: their roll-up per figure, as computed and as adjusted."""

    person: Person
    original: dict = field(
        default_factory=dict
    )  # figure -> Decimal, before this person's adjustments
    value: dict = field(default_factory=dict)  # figure -> Decimal, what counts
    adjustments: dict = field(default_factory=dict)  # figure -> latest ForecastAdjustment
    quota: Decimal | None = None
    quota_is_sum: bool = False  # no quota of their own: the sum of their people's

    @property
    def attainment(self) -> Decimal | None:
        if not self.quota:
            return None
        return (self.value[CLOSED] * 100 / self.quota).quantize(Decimal("0.1"))


# Above this many people in a subtree, the period's close dates select fewer rows than the
# owners do; SQLite's planner does not see it through the door's OR, so we say so (measured on
# the large demo: the CEO's roll-up 3.3 s -> 0.7 s; a manager's stays driven by owners, 90 ms).
PERIOD_DRIVES_ABOVE = 200


def opportunities(viewer, period: Period, people: int = 0):
    """The opportunities closing in the period that count: through the door, unless viewer is None
    (system code: snapshots). `people` is the size of the subtree about to be asked for."""
    manager = Opportunity.objects
    in_period = {"close_date__gte": period.start, "close_date__lt": period.end}
    if viewer is None:
        qs = manager.unrestricted().filter(**in_period)
    elif people > PERIOD_DRIVES_ABOVE:
        # Still the door; the subquery only narrows the rows by close date first.
        period_ids = manager.unrestricted().filter(**in_period).values("pk")
        qs = manager.visible_to(viewer, "read").filter(pk__in=period_ids)
    else:
        qs = manager.visible_to(viewer, "read").filter(**in_period)
    return qs.filter(owner__is_active=True)


def owned_by_subtree(qs, person: Person):
    """Deals that roll up to `person`: their own and, for a forecast manager, the roles below."""
    if person.is_manager and person.role_id is not None:
        below = RoleClosure.objects.filter(ancestor_id=person.role_id, depth__gt=0).values(
            "descendant_id"
        )
        return qs.filter(Q(owner_id=person.pk) | Q(owner__role_id__in=below))
    return qs.filter(owner_id=person.pk)


def in_figure(qs, figure: str):
    return qs.filter(forecast_category__in=CUMULATIVE[figure])


def sums_by_owner(qs) -> dict[int, dict[str, Decimal]]:
    """{owner id: {forecast category: amount}}, one GROUP BY in the database."""
    out: dict[int, dict[str, Decimal]] = {}
    rows = (
        qs.filter(forecast_category__in=COUNTED)
        .order_by()
        .values("owner_id", "forecast_category")
        .annotate(total=Sum("amount"))
    )
    for row in rows:
        out.setdefault(row["owner_id"], {})[row["forecast_category"]] = row["total"] or ZERO
    return out


def latest_adjustments(period: Period) -> dict[tuple[int, str], ForecastAdjustment]:
    """The adjustment in force for each (user, figure) in the period: the latest one."""
    out = {}
    for adj in (
        ForecastAdjustment.objects.filter(period_kind=period.kind, period_start=period.start)
        .select_related("adjusted_by")
        .order_by("created_at", "id")
    ):
        out[(adj.user_id, adj.category)] = adj
    return out


def quotas(period: Period) -> dict[int, Decimal]:
    return dict(
        Quota.objects.filter(period_kind=period.kind, period_start=period.start).values_list(
            "user_id", "amount"
        )
    )


def roll_up(tree: ForecastTree, root: Person, sums, adjustments, quota_of) -> dict[int, Figures]:
    """Figures for `root` and everyone below, children first so adjustments flow upwards."""
    out: dict[int, Figures] = {}
    order, stack = [], [root]
    while stack:  # depth-first pre-order; reversed it is a valid post-order
        person = stack.pop()
        order.append(person)
        stack.extend(person.children)
    for person in reversed(order):
        own = sums.get(person.pk, {})
        fig = Figures(person=person)
        for name, categories in CUMULATIVE.items():
            total = sum((own.get(c, ZERO) for c in categories), ZERO)
            for child in person.children:
                total += out[child.pk].value[name]
            fig.original[name] = total
            adj = adjustments.get((person.pk, name))
            fig.value[name] = adj.amount if adj is not None else total
            if adj is not None:
                fig.adjustments[name] = adj
        fig.quota = quota_of.get(person.pk)
        if fig.quota is None and person.children:
            child_quotas = [out[c.pk].quota for c in person.children if out[c.pk].quota is not None]
            if child_quotas:
                fig.quota, fig.quota_is_sum = sum(child_quotas, ZERO), True
        out[person.pk] = fig
    return out


def figures_for(viewer, tree: ForecastTree, root: Person, period: Period) -> dict[int, Figures]:
    """Everything the forecasts page needs for `root`'s level, in three small queries."""
    people = len(tree.subtree_ids(root.pk))
    qs = owned_by_subtree(opportunities(viewer, period, people), root)
    return roll_up(tree, root, sums_by_owner(qs), latest_adjustments(period), quotas(period))
