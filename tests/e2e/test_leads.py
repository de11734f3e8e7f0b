"""A sales rep creates a lead from the Leads tab, edits it and finds it with global search."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories as f
from tests.e2e.steps import field_value, label

pytestmark = pytest.mark.browser


def test_create_lead_from_leads_tab(browse, org):
    page = browse.signed_in(org.owner)
    page.goto("/")
    page.get_by_role("link", name="Leads").first.click()
    expect(page.get_by_role("heading", name="Leads")).to_be_visible()
    page.get_by_role("link", name="New", exact=True).click()
    expect(page.get_by_role("heading", name="New Lead")).to_be_visible()

    # Saving without the required fields keeps the form and names the field.
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", name="New Lead")).to_be_visible()
    expect(page.locator("#id_last_name-errors")).to_contain_text("This field is required")

    page.get_by_label(label("Last name")).fill("Lovelace")
    page.get_by_label(label("Company")).fill("Analytical Engines Ltd")
    page.get_by_label(label("Lead status")).select_option("Working - Contacted")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page).to_have_url(re.compile(r"/leads/\d+/$"))
    expect(page.locator("#record-title")).to_have_text("Lovelace")
    expect(page.get_by_role("alert")).to_contain_text("was created")
    expect(field_value(page, "company")).to_have_text("Analytical Engines Ltd")
    expect(field_value(page, "status")).to_have_text("Working - Contacted")
    expect(page.get_by_text(f"Owner: {org.owner.full_name}")).to_be_visible()
    expect(page.locator("#recent-items")).to_contain_text("Lovelace")


def test_edit_lead_status_shows_value_and_history(browse, org):
    lead = f.lead(org.owner, last_name="Hopper", company="Navy Labs", status="Open - Not Contacted")
    page = browse.signed_in(org.owner)
    page.goto(f"/leads/{lead.pk}/")
    expect(field_value(page, "status")).to_have_text("Open - Not Contacted")

    page.get_by_role("link", name="Edit", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(r"^Edit Lead: Hopper"))).to_be_visible()
    status = page.get_by_label(label("Lead status"))
    expect(status).to_have_value("Open - Not Contacted")
    status.select_option("Working - Contacted")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page).to_have_url(re.compile(rf"/leads/{lead.pk}/$"))
    expect(page.get_by_role("alert")).to_contain_text("Saved.")
    expect(field_value(page, "status")).to_have_text("Working - Contacted")
    history = page.locator("#field-history")
    expect(history).to_contain_text(
        re.compile(
            r"Changed\s+Lead status\s+from\s+Open - Not Contacted\s+to\s+Working - Contacted",
            re.IGNORECASE,
        )
    )
    expect(history).to_contain_text(org.owner.full_name)


def test_global_search_finds_a_visible_record(browse, org):
    mine = f.lead(org.owner, last_name="Zanzibar", company="Spice Traders")
    f.lead(org.outsider, last_name="Zanzibarian", company="Hidden Co")
    page = browse.signed_in(org.owner)
    page.goto("/")

    box = page.get_by_role("searchbox", name="Search", exact=True)
    box.fill("zanzib")
    box.press("Enter")

    expect(page).to_have_url(re.compile(r"/search/\?q=zanzib$"))
    expect(page.get_by_role("heading", name="Search results for “zanzib”")).to_be_visible()
    results = page.locator("main")
    expect(results.get_by_role("link", name="Zanzibar", exact=True)).to_be_visible()
    expect(results).to_contain_text("Spice Traders")
    expect(results).not_to_contain_text("Hidden Co")

    results.get_by_role("link", name="Zanzibar", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/leads/{mine.pk}/$"))
    expect(page.locator("#record-title")).to_have_text("Zanzibar")
