"""Partner scorecards and the channel dashboard: figures computed by the database, through the door."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.access.models import READ, TARGET_USER, RecordShare
from tandem.channel.scorecard import scorecards
from tandem.partners.actions import accept_from_queue
from tandem.partners.models import LeadAcceptance
from tandem.sales.conversion import convert_lead
from tandem.sales.models import Lead, Opportunity
from tests import factories as f
from tests.partners.conftest import fresh

BASE = timezone.now().replace(microsecond=0) - datetime.timedelta(days=2)


def accepted(channel, partner, waited_hours: float) -> Lead:
    """A queue lead the partner accepted after it waited `waited_hours` in the queue."""
    lead = f.lead(owner=None, owner_queue=channel.queue)
    accept_from_queue(fresh(partner), lead.pk)
    LeadAcceptance.objects.filter(lead=lead).update(
        accepted_at=BASE, queued_at=BASE - datetime.timedelta(hours=waited_hours)
    )
    return Lead.objects.unrestricted().get(pk=lead.pk)


def opp(owner, amount, stage="Prospecting", closed=False, won=False):
    o = f.opportunity(owner, amount=Decimal(amount), stage=stage)
    Opportunity.objects.unrestricted().filter(pk=o.pk).update(is_closed=closed, is_won=won)
    return o


def build(channel):
    # Northwind: two accepted (after 1 h and 3 h), one handed over directly; one converted.
    accepted(channel, channel.north, 1)
    second = accepted(channel, channel.north, 3)
    f.lead(owner=channel.north)
    f.lead(owner=channel.manager)  # the manager's own lead: not the partner's
    convert_lead(
        fresh(channel.north), second, owner=channel.north, converted_status="Closed - Converted"
    )
    opp(channel.north, "1000.00")
    opp(channel.north, "500.50")
    opp(channel.north, "2000.00", "Closed Won", closed=True, won=True)
    opp(channel.north, "700.00", "Closed Lost", closed=True)
    opp(channel.manager, "99999.00")  # not a partner's
    # Bluepeak: one accepted after 10 h, one won deal.
    accepted(channel, channel.blue, 10)
    opp(channel.blue, "300.00", "Closed Won", closed=True, won=True)


def test_scorecard_figures_match_hand_computed_values(channel):
    build(channel)
    scores = {s.account.name: s for s in scorecards(fresh(channel.manager))}
    assert set(scores) == {"Northwind", "Bluepeak"}
    north, blue = scores["Northwind"], scores["Bluepeak"]
    assert north.leads_received == 3
    assert north.leads_accepted == 2
    assert north.avg_time_to_accept == datetime.timedelta(hours=2)
    assert north.avg_hours_to_accept == 2.0
    assert north.leads_converted == 1
    # The opportunity created by the conversion has no amount: it adds nothing.
    assert north.open_pipeline == Decimal("1500.50")
    assert north.won_amount == Decimal("2000.00")
    assert (north.won_count, north.closed_count, north.win_rate) == (1, 2, 50.0)
    assert blue.leads_received == 1 and blue.leads_accepted == 1 and blue.leads_converted == 0
    assert blue.avg_time_to_accept == datetime.timedelta(hours=10)
    assert blue.open_pipeline == Decimal("0.00") and blue.won_amount == Decimal("300.00")
    assert blue.win_rate == 100.0


def test_scorecard_panel_on_the_partner_account_page(client, channel):
    build(channel)
    client.force_login(channel.manager)
    html = client.get(channel.north_account.get_absolute_url()).content.decode()
    assert 'id="partner-scorecard"' in html
    assert 'data-metric="leads_received">3<' in html
    assert 'data-metric="open_pipeline">1,500.50<' in html
    assert 'data-metric="win_rate">50.0%<' in html


def test_scorecards_are_one_query_whatever_the_number_of_partners(channel):
    build(channel)
    viewer = fresh(channel.manager)
    scorecards(viewer)  # warm the per-user caches
    with CaptureQueriesContext(connection) as two:
        assert len(scorecards(viewer)) == 2
    for n in range(3):
        account = f.account(channel.manager, name=f"Extra partner {n}", is_partner=True)
        accepted_user = f.user(external=True, contact=f.contact(channel.manager, account))
        opp(accepted_user, "10.00")
    viewer = fresh(channel.manager)
    scorecards(viewer)
    with CaptureQueriesContext(connection) as five:
        assert len(scorecards(viewer)) == 5
    assert len(five.captured_queries) == len(two.captured_queries)


def test_dashboard_shows_only_partner_accounts_the_viewer_can_read(client, channel):
    build(channel)
    client.force_login(channel.manager)
    page = client.get(reverse("channel:dashboard"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Northwind" in html and "Bluepeak" in html
    assert 'id="channel-chart-data"' in html and "chart.umd.min.js" in html
    assert [s.account.name for s in page.context["scores"]] == ["Bluepeak", "Northwind"]

    outsider = channel.org.outsider
    client.force_login(outsider)
    html = client.get(reverse("channel:dashboard")).content.decode()
    assert "Northwind" not in html and "Bluepeak" not in html

    RecordShare.objects.create(
        object_name="account",
        record_id=channel.blue_account.pk,
        target_kind=TARGET_USER,
        target_id=outsider.pk,
        access_level=READ,
    )
    page = client.get(reverse("channel:dashboard"))
    assert [s.account.name for s in page.context["scores"]] == ["Bluepeak"]
    assert "Northwind" not in page.content.decode()
    # Sharing the account does not open its partner's leads and deals: the figures count
    # only records the viewer may read.
    blue = page.context["scores"][0]
    assert blue.leads_received == 0 and blue.won_amount == Decimal("0.00")


def test_partners_do_not_get_the_dashboard(client, channel):
    client.force_login(channel.north)
    assert client.get(reverse("channel:dashboard")).status_code == 404
    assert client.get(reverse("channel:registration_list")).status_code == 404
