"""List views in Chromium: a relative-date view shared with a role, seen by a member, inline edit."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tandem.core.models import ListView
from tandem.sales.models import Lead
from tests import factories as f

pytestmark = pytest.mark.browser


def test_share_a_relative_date_view_with_a_role_and_edit_a_cell(browse, org):
    recent = f.lead(org.outsider, last_name="Fresh", company="New Fair Ltd")
    stale = f.lead(org.outsider, last_name="Stale", company="Old Fair Ltd")
    Lead.objects.unrestricted().filter(pk=stale.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=70)
    )

    # The rep builds a view of the last 30 days' leads and shares it with the Support role.
    page = browse.signed_in(org.owner)
    page.goto("/leads/")
    page.get_by_role("link", name="New view").click()
    page.get_by_label(re.compile(r"^View name")).fill("Last 30 days")
    page.get_by_label(re.compile(r"^Visible to")).select_option(label="Certain groups of users")
    roles = page.get_by_label("Roles", exact=True)
    expect(roles).to_be_visible()
    roles.select_option(label="Support")
    page.get_by_label("Filter 1 field").select_option(label="Created")
    page.get_by_label("Filter 1 operator").select_option(label="equals")
    value = page.get_by_label("Filter 1 value")
    expect(value).to_have_attribute("list", "relative-dates")  # offered for a date field
    value.fill("LAST_N_DAYS:abc")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#id_filter_0_value-errors")).to_contain_text("is not a relative date")
    page.get_by_label("Filter 1 value").fill("LAST_N_DAYS:30")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(re.compile(r"/leads/\?view=\d+$"))
    view = ListView.objects.get(name="Last 30 days")
    assert view.shared_with == [{"kind": "role", "id": org.support_role.pk}]

    # A member of the Support role finds it among their views; it shows only recent leads.
    member = browse.signed_in(org.outsider)
    member.goto("/leads/")
    member.get_by_label("List view").select_option(label="Last 30 days")
    table = member.locator("#list-table")
    expect(table.get_by_role("link", name="Fresh")).to_be_visible()
    expect(table.get_by_text("Stale")).to_have_count(0)
    expect(member.get_by_role("link", name="Edit view")).to_have_count(0)  # not theirs

    # Double-click the company cell, type, Enter: saved through the same checks as the form.
    cell = table.locator("tr:has(a:text-is('Fresh')) td[data-field='company']")
    cell.dblclick()
    box = table.get_by_label("Company", exact=True)
    expect(box).to_be_focused()
    box.fill("Renamed Fair Ltd")
    box.press("Enter")
    expect(table.locator("td[data-field='company']", has_text="Renamed Fair Ltd")).to_be_visible()
    recent.refresh_from_db()
    assert recent.company == "Renamed Fair Ltd"

    # Esc puts the value back without saving; an empty required value is refused at the cell.
    cell = table.locator("td[data-field='company']", has_text="Renamed Fair Ltd")
    cell.get_by_role("button", name="Edit Company").click()
    box = table.get_by_label("Company", exact=True)
    box.fill("")
    box.press("Enter")
    expect(table.locator("td[data-field='company'] [role=alert]")).to_contain_text("required")
    # htmx wires the swapped-in cell (its Esc trigger) as it settles: wait for that first.
    member.wait_for_function("() => !document.querySelector('.htmx-settling, .htmx-request')")
    table.get_by_label("Company", exact=True).press("Escape")
    expect(table.locator("td[data-field='company']", has_text="Renamed Fair Ltd")).to_be_visible()
    recent.refresh_from_db()
    assert recent.company == "Renamed Fair Ltd"
