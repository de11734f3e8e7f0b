"""An administrator adds a custom field in Setup and a user fills it in on the form."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import label

pytestmark = pytest.mark.browser


def test_admin_adds_custom_field_and_fills_it_on_a_new_lead(browse, org):
    page = browse.signed_in(org.admin)
    page.goto("/")
    page.get_by_role("link", name="Setup").click()
    expect(page.locator("h1")).to_have_text("Setup")
    page.get_by_role("link", name="Object Manager").first.click()
    lead_row = page.locator("tr").filter(has=page.locator("td").get_by_text("Lead", exact=True))
    lead_row.get_by_role("link", name="Fields").click()
    expect(page.get_by_role("heading", name="Lead fields")).to_be_visible()

    page.get_by_role("link", name="New field").click()
    page.get_by_label(label("Field label")).fill("Region")
    page.get_by_label(label("Data type")).select_option(label="Text")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_role("heading", name="Lead fields")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Region")
    expect(page.get_by_role("row", name=re.compile(r"Region"))).to_contain_text("Text")

    page.get_by_role("link", name="Leads").first.click()
    page.get_by_role("link", name="New", exact=True).click()
    page.get_by_label(label("Last name")).fill("Curie")
    page.get_by_label(label("Company")).fill("Radium Institute")
    page.get_by_label(label("Lead status")).select_option("Open - Not Contacted")
    page.get_by_label(label("Region")).fill("EMEA North")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page).to_have_url(re.compile(r"/leads/\d+/$"))
    expect(page.locator("#record-title")).to_have_text("Curie")
    region = page.locator("dt", has_text="Region").locator("xpath=following-sibling::dd[1]")
    expect(region).to_have_text("EMEA North")
