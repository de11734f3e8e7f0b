"""A rep asks their manager for help on a deal through the feed; the manager finds it from the
notification bell, on the record and in Home's feed, on a desktop and on a phone."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tandem.feed.models import Mention
from tests import factories as f
from tests.e2e.conftest import PHONE
from tests.e2e.steps import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _people(org):
    for user, first, last in (
        (org.owner, "Sam", "Taylor"),
        (org.manager, "Maria", "Lopez"),
        (org.teammate, "Mark", "Reed"),
    ):
        user.first_name, user.last_name = first, last
        user.save()


def test_rep_mentions_manager_who_finds_the_post(browse, org):
    _people(org)
    account = f.account(org.owner, name="Globex")
    opp = f.opportunity(
        org.owner,
        account,
        name="Globex renewal",
        amount=Decimal(1200),
        close_date=datetime.date.today() + datetime.timedelta(days=20),
    )

    # The rep writes a post and picks the manager in the @mention autocomplete.
    rep = browse.signed_in(org.owner)
    rep.goto(opp.get_absolute_url())
    panel = rep.locator("#feed-panel")
    expect(
        panel.get_by_role("button", name="Unfollow")
    ).to_be_visible()  # owners follow their records
    box = panel.get_by_label("Share an update")
    box.click()
    box.press_sequentially("Can we give Globex 10% off? @Mar")
    menu = panel.get_by_role("listbox", name="People to mention")
    expect(menu.get_by_role("option")).to_have_text(
        ["Maria Lopez"]
    )  # Mark Reed cannot see the deal
    menu.get_by_role("option", name="Maria Lopez").click()
    box.press_sequentially("please approve <b>today</b>")
    expect(box).to_have_value(
        "Can we give Globex 10% off? @Maria Lopez please approve <b>today</b>"
    )
    panel.get_by_role("button", name="Share").click()
    post = rep.locator("#feed-items .feed-item").first
    expect(post).to_contain_text(
        "Can we give Globex 10% off? @Maria Lopez please approve <b>today</b>"
    )
    expect(post.locator(".feed-mention")).to_have_text("@Maria Lopez")
    expect(box).to_have_value("")
    assert Mention.objects.get().user_id == org.manager.pk

    # The manager logs in, sees one unread notification and opens it.
    manager = browse.new_page()
    log_in(manager, org.manager.email)
    expect(manager.locator("#unread-count")).to_have_text("1")
    manager.locator("#notifications-menu").click()
    item = manager.get_by_role(
        "button", name="Sam Taylor mentioned you on Opportunity Globex renewal"
    )
    expect(item).to_be_visible()
    item.click()
    expect(manager).to_have_url(re.compile(rf"{opp.get_absolute_url()}#post-\d+$"))
    expect(manager.locator("#feed-items")).to_contain_text("Can we give Globex 10% off?")
    expect(manager.locator("#unread-count")).to_have_count(0)

    # She answers with a comment, then finds the post in her feed on Home.
    first_post = manager.locator("#feed-items .feed-item").first
    first_post.locator("summary", has_text="Comment").click()
    first_post.get_by_label("Comment", exact=True).fill("Approved.")
    first_post.get_by_role("button", name="Comment").click()
    expect(manager.locator(".feed-comment")).to_contain_text("Approved.")

    manager.goto("/")
    feed = manager.locator("#home-feed-items")
    expect(feed).to_contain_text("Can we give Globex 10% off?")
    expect(feed).to_contain_text("Approved.")
    expect(feed.get_by_role("link", name="Globex renewal")).to_be_visible()

    # Home fits a phone: nothing wider than the screen, the feed is there.
    phone = browse.signed_in(org.manager, viewport=PHONE)
    phone.goto("/")
    expect(phone.locator("#home-feed-items")).to_contain_text("Can we give Globex 10% off?")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width

    # The rep's own Home has the deal in the pipeline chart and table.
    rep.goto("/")
    expect(rep.locator("#home-pipeline-table")).to_contain_text("Prospecting")
    expect(rep.locator("#home-pipeline-table")).to_contain_text("USD 1,200.00")
    expect(rep.locator("#home-feed-items")).to_contain_text("Approved.")
