"""Partner scorecards: leads received and accepted, time to accept, conversions, pipeline, wins.

One SQL query for any number of partner accounts: every figure is a correlated subquery
aggregated by the database. Only partner accounts the viewer may read appear, and every
figure counts only records the viewer may read.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Avg,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from tandem.channel.access import partner_accounts_visible_to
from tandem.partners.models import LeadAcceptance
from tandem.sales.models import Lead, Opportunity

MONEY = DecimalField(max_digits=20, decimal_places=2)
CENTS = Decimal("0.01")


@dataclass
class Score:
    account: object
    leads_received: int
    leads_accepted: int
    avg_time_to_accept: datetime.timedelta | None
    leads_converted: int
    open_pipeline: Decimal
    won_amount: Decimal
    won_count: int
    closed_count: int

    @property
    def win_rate(self) -> float | None:
        """Won opportunities as a percentage of closed ones; None before anything closed."""
        if not self.closed_count:
            return None
        return round(100 * self.won_count / self.closed_count, 1)

    @property
    def conversion_rate(self) -> float | None:
        if not self.leads_received:
            return None
        return round(100 * self.leads_converted / self.leads_received, 1)

    @property
    def avg_hours_to_accept(self) -> float | None:
        if self.avg_time_to_accept is None:
            return None
        return round(self.avg_time_to_accept.total_seconds() / 3600, 1)


def _count(qs):
    """COUNT(*) of a correlated queryset, as a scalar subquery (no GROUP BY)."""
    return Coalesce(
        Subquery(
            qs.order_by().annotate(_n=Func(F("pk"), function="COUNT")).values("_n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _sum(qs, field: str):
    return Coalesce(
        Subquery(
            qs.order_by().annotate(_s=Func(F(field), function="SUM")).values("_s"),
            output_field=MONEY,
        ),
        Value(Decimal(0)),
        output_field=MONEY,
    )


def scored_accounts(viewer, accounts=None):
    """Partner accounts the viewer may read (optionally narrowed), annotated with their figures."""
    base = partner_accounts_visible_to(viewer, "read")
    if accounts is not None:
        base = base.filter(pk__in=[a.pk if hasattr(a, "pk") else a for a in accounts])
    leads = Lead.objects.visible_to(viewer, "read")
    opportunities = Opportunity.objects.visible_to(viewer, "read")
    acceptances = LeadAcceptance.objects.filter(
        partner_account=OuterRef("pk"), lead__in=leads.values("pk")
    )
    of_partner = Q(owner__is_external=True, owner__contact__account=OuterRef("pk"))
    received = leads.filter(
        of_partner
        | Q(
            pk__in=LeadAcceptance.objects.filter(partner_account=OuterRef(OuterRef("pk"))).values(
                "lead_id"
            )
        )
    )
    partner_opportunities = opportunities.filter(of_partner)
    wait = ExpressionWrapper(F("accepted_at") - F("queued_at"), output_field=DurationField())
    avg_wait = (
        acceptances.filter(queued_at__isnull=False)
        .order_by()
        .values("partner_account")
        .annotate(_avg=Avg(wait))
        .values("_avg")
    )
    return base.order_by("name", "pk").annotate(
        leads_received=_count(received),
        leads_accepted=_count(acceptances),
        avg_time_to_accept=Subquery(avg_wait, output_field=DurationField()),
        leads_converted=_count(received.filter(is_converted=True)),
        open_pipeline=_sum(partner_opportunities.filter(is_closed=False), "amount"),
        won_amount=_sum(partner_opportunities.filter(is_won=True), "amount"),
        won_count=_count(partner_opportunities.filter(is_won=True)),
        closed_count=_count(partner_opportunities.filter(is_closed=True)),
    )


def _money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENTS)


def _duration(value):
    if value is None or isinstance(value, datetime.timedelta):
        return value
    return datetime.timedelta(microseconds=float(value))  # some backends hand back microseconds


def scorecards(viewer, accounts=None) -> list[Score]:
    """One Score per partner account the viewer may read, by account name."""
    return [
        Score(
            account=a,
            leads_received=a.leads_received,
            leads_accepted=a.leads_accepted,
            avg_time_to_accept=_duration(a.avg_time_to_accept),
            leads_converted=a.leads_converted,
            open_pipeline=_money(a.open_pipeline),
            won_amount=_money(a.won_amount),
            won_count=a.won_count,
            closed_count=a.closed_count,
        )
        for a in scored_accounts(viewer, accounts).select_related("owner")
    ]
