"""Browser journey: a partner registers a deal, the channel manager watches the live feed,
reads the dashboard chart and approves the registration."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tandem.partners.actions import accept_from_queue
from tests import factories as f
from tests.e2e.conftest import browse, browser  # noqa: F401 (fixtures)
from tests.partners.conftest import fresh

pytestmark = pytest.mark.browser


def test_register_watch_the_live_feed_and_approve(browse, channel):  # noqa: F811
    partner = browse.signed_in(channel.north)
    partner.goto("/portal/deals/new/")
    expect(partner.get_by_role("heading", name="Register a Deal")).to_be_visible()
    partner.get_by_label("Company").fill("Initech")
    partner.get_by_label("Contact name").fill("Bill Lumbergh")
    partner.get_by_label("Contact email").fill("bill@initech.example")
    partner.get_by_label("Product interest").fill("TPS reports")
    partner.get_by_label("Expected amount").fill("4200")
    close = datetime.date.today() + datetime.timedelta(days=20)
    partner.get_by_label("Expected close date").fill(close.isoformat())
    partner.get_by_role("button", name="Register").click()
    expect(partner.get_by_text("Pending review")).to_be_visible()

    manager = browse.signed_in(channel.manager)
    manager.goto(channel.north_account.get_absolute_url())
    feed = manager.locator("#partner-feed")
    expect(feed).to_contain_text("registered a deal: Initech")
    expect(feed).not_to_contain_text("accepted lead")
    lead = f.lead(owner=None, owner_queue=channel.queue, last_name="Waddams", company="Initech")
    accept_from_queue(fresh(channel.north), lead.pk)
    # No reload: the feed polls every 10 seconds.
    expect(feed).to_contain_text("accepted lead Waddams", timeout=25_000)

    manager.goto("/channel/")
    expect(manager.get_by_role("heading", name="Channel Dashboard")).to_be_visible()
    expect(manager.locator("#channel-scorecards")).to_contain_text("Northwind")
    drawn = manager.evaluate("() => !!(window.Chart && Chart.getChart('channel-amounts'))")
    assert drawn

    manager.goto("/channel/registrations/")
    manager.get_by_role("link", name="Initech").click()
    expect(manager.locator("#conflicts")).to_contain_text("A lead with the same company")
    manager.get_by_label(re.compile(r"^Protect the deal for")).fill("30")
    manager.get_by_role("button", name="Approve").click()
    expect(manager.get_by_text("Approved: the opportunity now belongs to")).to_be_visible()
    expect(manager.locator("#protected-until")).to_be_visible()
