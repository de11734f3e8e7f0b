"""A small pipeline: the owner's and the teammate's deals, a deal shared read-only with the
outsider, and the manager above both reps (GUIDE.md personas, from the `org` fixture)."""

import datetime
from decimal import Decimal

import pytest

from tandem.access.models import READ, TARGET_USER
from tandem.core.actions import share_record
from tests import factories as f

TODAY = datetime.date.today()


def fresh(user):
    """The same user as a new request would load it (principals resolved anew)."""
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def pipe(org):
    class Pipe:
        pass

    p = Pipe()
    p.org = org
    p.acme = f.account(org.owner, name="Acme")
    p.big = f.opportunity(
        org.owner, p.acme, name="Big deal", amount=Decimal(1000), stage="Prospecting"
    )
    p.small = f.opportunity(
        org.owner, p.acme, name="Small deal", amount=Decimal("250.50"), stage="Prospecting"
    )
    p.mid = f.opportunity(
        org.owner,
        name="Mid deal",
        amount=Decimal(500),
        stage="Qualification",
        close_date=TODAY + datetime.timedelta(days=90),
    )
    p.theirs = f.opportunity(
        org.teammate, name="Teammate deal", amount=Decimal(70), stage="Prospecting"
    )
    p.won = f.opportunity(org.owner, name="Won deal", amount=Decimal(9), stage="Closed Won")
    share_record(org.owner, p.big, TARGET_USER, org.outsider.pk, READ)
    return p
