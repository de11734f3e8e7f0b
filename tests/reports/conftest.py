"""Fixed data for the report tests: two reps' opportunities, leads and accounts."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tandem.core.models import Company, FieldHistory
from tests import factories as f

TODAY = datetime.date(2026, 5, 15)


def opp(owner, account, name, stage, amount, close, category, closed=False, won=False, age_days=60):
    o = f.opportunity(
        owner,
        account,
        name=name,
        stage=stage,
        amount=Decimal(amount),
        close_date=close,
        forecast_category=category,
        is_closed=closed,
        is_won=won,
    )
    type(o).objects.unrestricted().filter(pk=o.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=age_days)
    )
    return o


@pytest.fixture
def data(org):
    """Opportunities (amounts chosen so every total is unique), leads and accounts of two reps."""
    Company.objects.update_or_create(
        pk=Company.current().pk, defaults={"fiscal_year_start_month": 4}
    )
    d = org
    d.acme = f.account(org.owner, name="Acme", industry="Energy")
    d.globex = f.account(org.owner, name="Globex", industry="Banking")
    d.initech = f.account(org.teammate, name="Initech", industry="Energy")
    D = datetime.date
    d.o1 = opp(org.owner, d.acme, "O1", "Prospecting", "100", D(2026, 4, 10), "Pipeline")
    d.o2 = opp(org.owner, d.globex, "O2", "Negotiation/Review", "200", D(2026, 6, 30), "Commit")
    d.o3 = opp(org.owner, d.acme, "O3", "Closed Won", "300", D(2026, 3, 31), "Closed", True, True)
    d.o4 = opp(org.owner, d.acme, "O4", "Closed Lost", "50", D(2026, 4, 1), "Omitted", True, False)
    d.t1 = opp(org.teammate, d.initech, "T1", "Prospecting", "1000", D(2026, 7, 1), "Pipeline")
    d.t2 = opp(
        org.teammate, d.initech, "T2", "Closed Won", "500", D(2026, 5, 5), "Closed", True, True
    )
    d.t3 = opp(
        org.teammate,
        d.initech,
        "T3",
        "Proposal/Price Quote",
        "700",
        D(2026, 9, 30),
        "Best Case",
        age_days=5,
    )
    now = timezone.now()
    for record, days_ago in ((d.o1, 10), (d.o2, 40)):
        FieldHistory.objects.create(
            object_name="opportunity",
            record_id=record.pk,
            field_name="stage",
            old_value="Qualification",
            new_value=record.stage,
            changed_at=now - datetime.timedelta(days=days_ago),
        )
    d.leads = [
        f.lead(org.owner, lead_source="Web", is_converted=True),
        f.lead(org.owner, lead_source="Web"),
        f.lead(org.owner, lead_source=""),
        f.lead(org.teammate, lead_source="Web", is_converted=True),
        f.lead(org.teammate, lead_source="Phone"),
    ]
    return d
