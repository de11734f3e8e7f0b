"""Logging in and out, on a desktop and on a phone."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories as f
from tests.e2e.conftest import PHONE
from tests.e2e.steps import log_in

pytestmark = pytest.mark.browser


def test_log_in_land_on_home_and_log_out(page, org):
    org.owner.first_name = "Olivia"
    org.owner.save()

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))

    # A wrong password keeps the user on the form with a message and the email kept.
    page.get_by_label("Email").fill("owner@example.com")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Please enter a correct email and password")
    expect(page.get_by_label("Email")).to_have_value("owner@example.com")
    expect(page.get_by_role("link", name="Leads")).to_have_count(0)

    log_in(page, "owner@example.com")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Welcome, Olivia")).to_be_visible()
    expect(page.get_by_role("heading", name="My Leads")).to_be_visible()
    expect(page.locator("#recent-items")).to_be_visible()

    page.get_by_role("button", name=re.compile(org.owner.full_name)).click()
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.get_by_role("heading", name="Log in to Tandem")).to_be_visible()
    page.goto("/leads/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/leads/$"))


def test_phone_can_log_in_and_open_the_leads_list(browse, org):
    f.lead(org.owner, last_name="Pocket", company="Mobile Ltd")
    phone = browse.new_page(viewport=PHONE)
    log_in(phone, "owner@example.com")

    leads_tab = phone.get_by_role("link", name="Leads").first
    toggler = phone.get_by_role("button", name="Menu")
    expect(toggler).to_be_visible()
    expect(leads_tab).to_be_hidden()
    toggler.click()
    expect(leads_tab).to_be_visible()
    leads_tab.click()

    expect(phone).to_have_url(re.compile(r"/leads/$"))
    expect(phone.get_by_role("heading", name="Leads")).to_be_visible()
    expect(phone.get_by_role("link", name="Pocket")).to_be_visible()
    expect(phone.get_by_role("link", name="New", exact=True)).to_be_visible()


def test_everyday_pages_fit_a_phone_screen(browse, org):
    """Wide tables scroll inside their box; the page itself never scrolls sideways."""
    lead = f.lead(org.owner, last_name="Pocket", company="Mobile Ltd")
    phone = browse.signed_in(org.owner, viewport=PHONE)
    too_wide = {}
    for url in ("/", "/leads/", f"/leads/{lead.pk}/", "/leads/new/", "/search/?q=pocket"):
        phone.goto(url)
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[url] = width
    assert not too_wide, f"pages wider than a {PHONE['width']}px phone (px): {too_wide}"
