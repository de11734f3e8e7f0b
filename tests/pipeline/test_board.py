"""The board shows, per open stage, only the deals the user may read, with their count and total."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f
from tests.pipeline.conftest import TODAY


def _columns(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("pipeline:board"), params)
    assert response.status_code == 200
    return response, {c["stage"].value: c for c in response.context["columns"]}


def _names(column):
    return sorted(o.name for o in column["cards"])


def test_owner_sees_own_deals_with_counts_and_totals(client, pipe):
    response, cols = _columns(client, pipe.org.owner)
    assert _names(cols["Prospecting"]) == ["Big deal", "Small deal"]
    assert cols["Prospecting"]["count"] == 2
    assert cols["Prospecting"]["total"] == Decimal("1250.50")
    assert cols["Qualification"]["count"] == 1
    assert "Closed Won" not in cols and "Closed Lost" not in cols  # only open stages are columns
    html = response.content.decode()
    assert "USD 1,250.50" in html
    assert "Teammate deal" not in html and "Won deal" not in html


def test_columns_follow_setup_order(client, pipe):
    _response, cols = _columns(client, pipe.org.owner)
    assert list(cols)[:3] == ["Prospecting", "Qualification", "Needs Analysis"]


def test_outsider_sees_only_the_shared_deal_and_cannot_move_it(client, pipe):
    response, cols = _columns(client, pipe.org.outsider)
    assert _names(cols["Prospecting"]) == ["Big deal"]
    assert cols["Prospecting"]["total"] == Decimal(1000)
    assert cols["Qualification"]["count"] == 0
    assert not cols["Prospecting"]["cards"][0].can_move
    assert 'class="move-form' not in response.content.decode()


def test_manager_sees_the_team(client, pipe):
    _response, cols = _columns(client, pipe.org.manager)
    assert _names(cols["Prospecting"]) == ["Big deal", "Small deal", "Teammate deal"]
    assert cols["Prospecting"]["total"] == Decimal("1320.50")


def test_filters_owner_role_close_date(client, pipe):
    org = pipe.org
    _r, cols = _columns(client, org.manager, owner=org.teammate.pk)
    assert _names(cols["Prospecting"]) == ["Teammate deal"]
    _r, cols = _columns(client, org.manager, role=org.rep_role.pk)
    assert cols["Prospecting"]["count"] == 3
    _r, cols = _columns(client, org.manager, role=org.support_role.pk)
    assert cols["Prospecting"]["count"] == 0
    later = TODAY + datetime.timedelta(days=60)
    _r, cols = _columns(client, org.manager, close_from=later.isoformat())
    assert cols["Prospecting"]["count"] == 0 and _names(cols["Qualification"]) == ["Mid deal"]
    _r, cols = _columns(client, org.manager, close_to=later.isoformat())
    assert cols["Prospecting"]["count"] == 3 and cols["Qualification"]["count"] == 0


def test_bad_date_range_is_named(client, pipe):
    response, _cols = _columns(
        client, pipe.org.owner, close_from="2030-01-10", close_to="2030-01-01"
    )
    assert "Close date to: must be on or after the start date." in response.content.decode()


@pytest.fixture
def partner_deal(pipe):
    from tandem.partners.actions import (
        enable_partner_account,
        enable_partner_management,
        enable_partner_user,
    )

    org = pipe.org
    enable_partner_management(org.admin, {})
    account = f.account(org.manager, name="Northwind")
    enable_partner_account(org.manager, account)
    contact = f.contact(org.manager, account, last_name="Rep", email="rep@northwind.example")
    partner_user, _password = enable_partner_user(
        org.manager, contact, email=contact.email, first_name="Pat", last_name="Rep"
    )
    partner_user.must_change_password = False
    partner_user.save()
    deal = f.opportunity(partner_user, name="Partner deal", amount=Decimal(42))
    return account, deal


def test_partner_filter(client, pipe, partner_deal):
    account, _deal = partner_deal
    _r, cols = _columns(client, pipe.org.manager, partner=account.pk)
    assert _names(cols["Prospecting"]) == ["Partner deal"]
    _r, cols = _columns(client, pipe.org.manager)
    assert "Partner deal" in _names(cols["Prospecting"])


def test_partner_filter_keeps_a_registered_deal_handed_to_an_internal_rep(
    client, pipe, partner_deal
):
    from tandem.channel.models import DealRegistration

    account, deal = partner_deal
    DealRegistration.objects.create(
        partner_account=account,
        submitted_by=deal.owner,
        company="Globex",
        contact_name="Ann Lee",
        contact_email="ann@globex.example",
        expected_amount=Decimal(42),
        expected_close_date=TODAY,
        status=DealRegistration.APPROVED,
        opportunity=deal,
    )
    type(deal).objects.unrestricted().filter(pk=deal.pk).update(owner=pipe.org.owner)
    f.opportunity(pipe.org.owner, name="Direct deal")
    _r, cols = _columns(client, pipe.org.manager, partner=account.pk)
    assert _names(cols["Prospecting"]) == ["Partner deal"]


def test_partner_user_sees_own_deals_in_the_portal(client, pipe, partner_deal):
    _account, deal = partner_deal
    response, cols = _columns(client, deal.owner)
    assert _names(cols["Prospecting"]) == ["Partner deal"]
    assert cols["Qualification"]["count"] == 0
    assert 'class="portal"' in response.content.decode()


def test_board_needs_login(client, db):
    response = client.get(reverse("pipeline:board"))
    assert response.status_code == 302


def test_board_query_count_does_not_grow_with_cards(client, pipe):
    client.force_login(pipe.org.owner)
    client.get(reverse("pipeline:board"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("pipeline:board"))
    for _ in range(20):
        f.opportunity(pipe.org.owner, amount=Decimal(1))
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("pipeline:board"))
    assert response.context["columns"][0]["count"] == 22
    assert len(many) == len(few) <= 25, [q["sql"] for q in many]
