"""A sales rep converts a qualified lead into a new account, contact and opportunity."""

import re

import pytest
from playwright.sync_api import expect

from tandem.activities.models import Task
from tandem.sales.models import Account, Contact, Lead, Opportunity
from tests import factories as f
from tests.e2e.steps import field_value

pytestmark = pytest.mark.browser


def test_convert_a_lead_to_new_account_contact_and_opportunity(browse, org):
    lead = f.lead(
        org.owner,
        first_name="Maria",
        last_name="Rossi",
        company="Ferro SpA",
        email="maria@ferro.it",
        city="Turin",
        lead_source="Web",
    )
    Task.objects.create(
        owner=org.owner,
        subject="Send the brochure",
        status="Not Started",
        priority="Normal",
        lead=lead,
    )
    page = browse.signed_in(org.owner)
    page.goto(lead.get_absolute_url())
    page.get_by_role("link", name="Convert", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(r"^Convert Lead"))).to_be_visible()

    # A mistake first: an empty account name is refused at the field, nothing is converted.
    page.get_by_label("New account name").fill("")
    page.get_by_role("button", name="Convert", exact=True).click()
    expect(page.locator("#id_account_name-errors")).to_have_text(
        "Enter the name of the new account."
    )
    assert not Lead.objects.unrestricted().get(pk=lead.pk).is_converted

    page.get_by_label("New account name").fill("Ferro SpA")
    page.get_by_label("Opportunity name").fill("Ferro SpA - welding robots")
    expect(page.get_by_label("Converted Status")).to_have_value("Closed - Converted")
    page.get_by_role("button", name="Convert", exact=True).click()

    # The rep lands on the new opportunity, linked to the new account.
    expect(page).to_have_url(re.compile(r"/opportunities/\d+/$"))
    expect(page.locator("#record-title")).to_have_text("Ferro SpA - welding robots")
    expect(page.get_by_role("alert").first).to_contain_text("Lead converted.")
    expect(field_value(page, "account")).to_have_text("Ferro SpA")
    # The lead's open task came along.
    expect(page.locator("#timeline")).to_contain_text("Send the brochure")

    page.locator('dd[data-field="account"] a').click()
    expect(page.locator("#record-title")).to_have_text("Ferro SpA")
    expect(field_value(page, "city")).to_have_text("Turin")
    expect(page.get_by_role("link", name="Maria Rossi")).to_be_visible()

    # Back on the lead: converted, read-only, saying what it became, when and by whom.
    page.goto(lead.get_absolute_url())
    banner = page.locator("#converted-banner")
    expect(banner).to_contain_text(f"by {org.owner.full_name}")
    expect(banner).to_contain_text("Ferro SpA - welding robots")
    expect(banner.get_by_role("link", name="Maria Rossi")).to_be_visible()
    expect(field_value(page, "status")).to_have_text("Closed - Converted")
    expect(page.get_by_role("link", name="Edit", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Convert", exact=True)).to_have_count(0)

    account = Account.objects.unrestricted().get()
    contact = Contact.objects.unrestricted().get()
    opportunity = Opportunity.objects.unrestricted().get()
    assert (contact.account, opportunity.account) == (account, account)
    assert account.owner == contact.owner == opportunity.owner == org.owner
