"""The partner activity feed on the partner account page, and notifying the channel manager."""

from django.urls import reverse

from tandem.channel.actions import notify_channel_manager, register_deal
from tandem.channel.feed import feed_for
from tandem.channel.views import feed_panel, scorecard_panel
from tandem.core import registry
from tandem.core.actions import update_record
from tandem.messaging.models import Notification
from tandem.partners.actions import accept_from_queue
from tandem.sales.conversion import convert_lead
from tandem.sales.models import Lead
from tests import factories as f
from tests.partners.conftest import fresh


def _work(channel, partner, last_name):
    """The partner accepts a queue lead, marks it contacted and converts it."""
    lead = f.lead(
        owner=None, owner_queue=channel.queue, last_name=last_name, company=f"{last_name} Ltd"
    )
    lead = accept_from_queue(fresh(partner), lead.pk)
    lead = update_record(fresh(partner), lead, {"status": "Working - Contacted"})
    lead = Lead.objects.unrestricted().get(pk=lead.pk)
    result = convert_lead(
        fresh(partner), lead, owner=partner, converted_status="Closed - Converted"
    )
    return lead, result


def test_feed_shows_this_partners_accept_status_change_and_conversion_only(client, channel):
    _north_lead, north_result = _work(channel, channel.north, "Northlead")
    _work(channel, channel.blue, "Bluelead")
    client.force_login(channel.manager)

    page = client.get(channel.north_account.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="partner-activity"' in html
    assert reverse("channel:account_feed", args=[channel.north_account.pk]) in html
    assert 'hx-trigger="every 10s"' in html

    partial = client.get(reverse("channel:account_feed", args=[channel.north_account.pk]))
    assert partial.status_code == 200
    feed = partial.content.decode()
    assert "accepted lead Northlead from Partner Leads" in feed
    assert (
        "changed the status of lead Northlead from Open - Not Contacted to Working - Contacted"
        in feed
    )
    assert "converted lead Northlead" in feed
    assert f"created opportunity {north_result.opportunity.name}" in feed
    assert "Bluelead" not in feed
    assert "Bluepeak" not in feed

    items = feed_for(fresh(channel.manager), channel.north_account)
    kinds = [i.kind for i in items]
    assert {"accepted", "status", "converted", "created"} <= set(kinds)
    assert [i.when for i in items] == sorted((i.when for i in items), reverse=True)
    # The conversion happened last, so it leads the feed (with the records it created).
    assert kinds.index("converted") < kinds.index("status") < kinds.index("accepted")


def test_feed_shows_opportunity_updates(client, channel):
    opp = f.opportunity(channel.north, name="Northwind Expansion", amount=1000)
    update_record(fresh(channel.north), opp, {"stage": "Negotiation/Review"})
    client.force_login(channel.manager)
    feed = client.get(
        reverse("channel:account_feed", args=[channel.north_account.pk])
    ).content.decode()
    assert (
        "changed stage of opportunity Northwind Expansion from Prospecting to Negotiation/Review"
        in feed
    )


def test_feed_hides_records_the_viewer_cannot_read(channel):
    opp = f.opportunity(channel.north, name="Secret Deal")
    update_record(fresh(channel.north), opp, {"stage": "Qualification"})
    outsider = fresh(channel.org.outsider)
    assert feed_for(outsider, channel.north_account) == []
    assert any(
        "Secret Deal" in i.text for i in feed_for(fresh(channel.manager), channel.north_account)
    )


def test_feed_endpoint_is_404_for_partners_and_for_accounts_the_user_cannot_read(client, channel):
    url = reverse("channel:account_feed", args=[channel.north_account.pk])
    client.force_login(channel.north)
    assert client.get(url).status_code == 404
    client.force_login(channel.org.outsider)
    assert client.get(url).status_code == 404
    not_partner = f.account(channel.manager, name="Plain Customer")
    client.force_login(channel.manager)
    assert client.get(reverse("channel:account_feed", args=[not_partner.pk])).status_code == 404
    page = client.get(not_partner.get_absolute_url()).content.decode()
    assert "partner-activity" not in page and "partner-scorecard" not in page


def test_partner_users_do_not_get_the_panels(rf, channel):
    request = rf.get("/")
    request.user = fresh(channel.north)
    assert feed_panel(request, channel.north_account) is None
    assert scorecard_panel(request, channel.north_account) is None
    request.user = fresh(channel.manager)
    assert feed_panel(request, channel.north_account)["template"] == "channel/feed_panel.html"
    assert scorecard_panel(request, channel.north_account)["score"].leads_received == 0


def test_notify_channel_manager(channel):
    lead = f.lead(channel.north, last_name="Notified")
    note = notify_channel_manager(
        fresh(channel.north), "lead", lead.pk, "changed the status of Notified"
    )
    assert note is not None and note.user == channel.manager
    assert (
        note.url == lead.get_absolute_url()
        and note.object_name == "lead"
        and note.record_id == lead.pk
    )
    assert "Northwind" in note.title and "changed the status of Notified" in note.title
    # Internal actors, missing records and records the manager cannot see notify nobody.
    assert notify_channel_manager(fresh(channel.manager), "lead", lead.pk, "x") is None
    assert notify_channel_manager(fresh(channel.north), "lead", 999999, "x") is None
    hidden = f.lead(channel.org.outsider)
    assert notify_channel_manager(fresh(channel.north), "lead", hidden.pk, "x") is None
    assert Notification.objects.filter(user=channel.manager, kind="partner_activity").count() == 1
    assert registry.get("lead")  # the object names are the registry's


def test_feed_shows_deal_registrations(client, channel):
    from tests.channel.test_registration import deal

    register_deal(fresh(channel.north), deal(company="Globex"))
    register_deal(fresh(channel.blue), deal(company="Soylent"))
    client.force_login(channel.manager)
    feed = client.get(
        reverse("channel:account_feed", args=[channel.north_account.pk])
    ).content.decode()
    assert "registered a deal: Globex" in feed and "Soylent" not in feed
