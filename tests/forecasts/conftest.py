"""A sales team with deals in FY2026 Q1 (fiscal year from January), figures worked out by hand.

CEO ─┬─ VP Sales (manager) ── Sales Rep (owner, teammate)
     └─ Support (outsider)
"""

import datetime
from decimal import Decimal

import pytest

from tandem.forecasts.models import QUARTER
from tandem.forecasts.periods import Period
from tests import factories as f

Q1 = Period(QUARTER, datetime.date(2026, 1, 1), 1)
CATEGORY_STAGE = {
    "Closed": "Closed Won",
    "Commit": "Negotiation/Review",
    "Best Case": "Proposal/Price Quote",
    "Pipeline": "Prospecting",
    "Omitted": "Closed Lost",
}


def deal(owner, category, amount, close=datetime.date(2026, 2, 10), **kw):
    return f.opportunity(
        owner,
        name=kw.pop("name", f"{owner.last_name} {category} {amount}"),
        amount=Decimal(amount),
        stage=CATEGORY_STAGE[category],
        forecast_category=category,
        close_date=close,
        is_closed=category in ("Closed", "Omitted"),
        is_won=category == "Closed",
        **kw,
    )


def fresh(user):
    """The same user as a new request would load it (principals resolved anew)."""
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def team(org):
    for u, first, last in [
        (org.ceo, "Cleo", "Chief"),
        (org.manager, "Max", "Manager"),
        (org.owner, "Rita", "Rep"),
        (org.teammate, "Tom", "Teammate"),
        (org.outsider, "Otto", "Outsider"),
    ]:
        u.first_name, u.last_name = first, last
        u.save()
    acme = f.account(org.owner, name="Acme")
    deal(org.owner, "Closed", 100, close=datetime.date(2026, 1, 1), account=acme)
    deal(org.owner, "Commit", 200, account=acme)
    deal(org.owner, "Best Case", 300)
    deal(org.owner, "Pipeline", 400, close=datetime.date(2026, 3, 31))
    deal(org.owner, "Omitted", 1000)
    deal(org.owner, "Commit", 5000, close=datetime.date(2026, 4, 1))  # next quarter
    deal(org.owner, "Commit", 7000, close=datetime.date(2025, 12, 31))  # last quarter
    deal(org.teammate, "Closed", 50)
    deal(org.teammate, "Commit", 25)
    deal(org.teammate, "Pipeline", 10)
    deal(org.manager, "Best Case", 70)
    deal(org.manager, "Closed", 30)
    deal(org.ceo, "Pipeline", 1)
    deal(org.outsider, "Closed", 999)
    return org


# (closed, commit, best case, pipeline) worked out by hand from the deals above.
EXPECTED = {
    "owner": (100, 300, 600, 900),
    "teammate": (50, 75, 75, 35),
    "manager": (180, 405, 775, 1005),
    "outsider": (999, 999, 999, 0),
    "ceo": (1179, 1404, 1774, 1006),
}
