"""Demo quotas and the current quarter's forecast snapshot, so Forecasts shows attainment at once.

`install_demo_quotas()` is idempotent: it adds what is missing and never overwrites a quota
someone has edited. Quotas go to the sales teams (everyone in the VP Sales and VP Channel
branches) for the current and the next fiscal quarter, sized from each person's own
figures so attainment looks like a real quarter's: 1.2 × Commit, at least 100,000, in
steps of 25,000; the next quarter 5 % more.
"""

from decimal import ROUND_CEILING, Decimal

from django.db import transaction

from tandem.access.models import User
from tandem.demo.company import DOMAIN
from tandem.forecasts.figures import figures_for
from tandem.forecasts.models import QUARTER, Quota
from tandem.forecasts.periods import current_period
from tandem.forecasts.snapshots import take_snapshots
from tandem.forecasts.tree import ForecastTree

SALES_LEADERS = (f"vp.sales@{DOMAIN}", f"vp.channel@{DOMAIN}")
STEP = Decimal(25_000)
FLOOR = Decimal(100_000)


def _rounded(amount: Decimal) -> Decimal:
    return max(FLOOR, (amount / STEP).to_integral_value(rounding=ROUND_CEILING) * STEP)


def install_demo_quotas(today=None) -> int:
    """Quotas for the demo's sales people, this and next fiscal quarter; returns how many added."""
    tree = ForecastTree()
    leaders = [
        tree.get(pk)
        for pk in User.objects.filter(email__in=SALES_LEADERS, is_active=True).values_list(
            "pk", flat=True
        )
    ]
    this_quarter = current_period(QUARTER, today)
    next_quarter = this_quarter.next
    partners = set(User.objects.filter(is_external=True).values_list("pk", flat=True))
    rows = []
    for leader in filter(None, leaders):
        figs = figures_for(None, tree, leader, this_quarter)
        for person, _depth in tree.walk(leader):
            if person.pk in partners:
                continue
            quota = _rounded(figs[person.pk].value["commit"] * Decimal("1.2"))
            rows.append((person.pk, this_quarter, quota))
            rows.append((person.pk, next_quarter, _rounded(quota * Decimal("1.05"))))
    with transaction.atomic():
        before = Quota.objects.count()
        Quota.objects.bulk_create(
            [
                Quota(user_id=pk, period_kind=p.kind, period_start=p.start, amount=amount)
                for pk, p, amount in rows
            ],
            ignore_conflicts=True,
            batch_size=500,
        )
        added = Quota.objects.count() - before
    take_snapshots(this_quarter)
    return added
