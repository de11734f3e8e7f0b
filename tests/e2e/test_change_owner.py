"""Change Owner through the lookup search box; the record then follows the new owner's hierarchy."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories as f

pytestmark = pytest.mark.browser


def test_change_owner_with_lookup_then_a_peer_gets_404(browse, org):
    org.owner.first_name, org.owner.last_name = "Rita", "Rep"
    org.owner.save()
    org.manager.first_name, org.manager.last_name = "Max", "Manager"
    org.manager.save()
    lead = f.lead(org.manager, last_name="Turing", company="Bletchley Park")

    page = browse.signed_in(org.manager)
    page.goto(f"/leads/{lead.pk}/")
    expect(page.get_by_text("Owner: Max Manager")).to_be_visible()
    page.get_by_role("link", name="Change Owner").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Change Owner: Turing"))).to_be_visible()

    # The lookup: typing in its search box refills the Owner select with the users who match.
    # Wait for the answer to what was typed, then for a swap, so the check below cannot pass
    # on the select as first rendered (which holds no users at all).
    user_lookup = page.locator("main form .lookup").first  # the user lookup: search box + select
    with page.expect_response(lambda r: "/lookup/user/" in r.url and "Rita" in r.url):
        user_lookup.get_by_role("searchbox", name="Search").fill("Rita")
    owner_select = user_lookup.locator("select")
    expect(owner_select.locator("option", has_text="Rita Rep")).to_have_text(
        ["Rita Rep (owner@example.com)"]
    )
    expect(owner_select.locator("option", has_text="Max Manager")).to_have_count(0)
    owner_select.select_option(label="Rita Rep (owner@example.com)")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page).to_have_url(re.compile(rf"/leads/{lead.pk}/$"))
    expect(page.get_by_role("alert")).to_contain_text("Owner changed.")
    expect(page.get_by_text("Owner: Rita Rep")).to_be_visible()
    expect(page.locator("#field-history")).to_contain_text(
        re.compile(r"Changed\s+Owner", re.IGNORECASE)
    )

    # Rita's teammate is not above her in the role hierarchy: the lead does not exist for them.
    peer = browse.signed_in(org.teammate)
    response = peer.goto(f"/leads/{lead.pk}/")
    assert response.status == 404
    expect(peer.get_by_text("Turing")).to_have_count(0)
    expect(peer.get_by_role("heading", name="Not Found")).to_be_visible()

    # Rita herself now has it among her leads.
    rita = browse.signed_in(org.owner)
    rita.goto("/")
    expect(rita.locator("#home-leads").get_by_role("link", name="Turing")).to_be_visible()
