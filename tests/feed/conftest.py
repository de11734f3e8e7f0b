"""A deal and its people: the rep who owns it, the managers above who see it, colleagues who
do not, and two partner companies under a channel manager (GUIDE.md personas)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tandem.access.models import User
from tests import factories as f


def fresh(user):
    """The same person on their next request (principals resolved again)."""
    return User.objects.select_related("profile").get(pk=user.pk)


def post_url(record):
    return reverse("feed:post_create", args=[type(record).object_def.slug, record.pk])


@pytest.fixture
def deal(org):
    class Deal:
        pass

    d = Deal()
    d.org = org
    org.owner.first_name, org.owner.last_name = "Sam", "Taylor"
    org.owner.save()
    org.manager.first_name, org.manager.last_name = "Maria", "Lopez"
    org.manager.save()
    org.teammate.first_name, org.teammate.last_name = "Tom", "Reed"
    org.teammate.save()
    org.outsider.first_name, org.outsider.last_name = "Olivia", "Chen"
    org.outsider.save()
    d.account = f.account(org.owner, name="Globex")
    d.opp = f.opportunity(
        org.owner,
        d.account,
        name="Globex renewal",
        amount=Decimal(1200),
        stage="Prospecting",
        close_date=datetime.date.today() + datetime.timedelta(days=20),
    )
    return d


@pytest.fixture
def partners(org):
    """Two partner companies (Northwind, Bluepeak) whose users sit under the channel manager."""

    class Partners:
        pass

    p = Partners()
    p.channel_role = f.role("Channel Manager", org.vp_role)
    p.channel_manager = f.user(
        "channel@example.com", role=p.channel_role, first_name="Chris", last_name="Novak"
    )
    for name in ("north", "blue"):
        account = f.account(p.channel_manager, name=name.title(), is_partner=True)
        role = f.role(f"{name} Partner User", p.channel_role, partner_account=account)
        rep = f.user(
            f"rep@{name}.example",
            profile_name="Partner User",
            role=role,
            external=True,
            contact=f.contact(p.channel_manager, account, last_name=f"{name} rep"),
            first_name="Pat",
            last_name=name.title(),
        )
        setattr(p, f"{name}_account", account)
        setattr(p, f"{name}_rep", rep)
    p.north_lead = f.lead(p.north_rep, last_name="Northlead", company="North Customer")
    p.blue_lead = f.lead(p.blue_rep, last_name="Bluelead", company="Blue Customer")
    return p
