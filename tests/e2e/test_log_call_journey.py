"""A sales rep logs a call from a contact in one step and completes a follow-up task in one click."""

import pytest
from playwright.sync_api import expect

from tandem.activities.models import Task
from tests import factories as f

pytestmark = pytest.mark.browser


def test_log_a_call_from_a_contact_and_complete_a_task(browse, org):
    account = f.account(org.owner, name="Globex")
    contact = f.contact(org.owner, account, first_name="Ann", last_name="Lee")
    follow_up = Task.objects.create(
        owner=org.owner,
        subject="Send the proposal",
        status="Not Started",
        priority="High",
        contact=contact,
        account=account,
    )
    page = browse.signed_in(org.owner)
    page.goto(contact.get_absolute_url())
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Send the proposal")

    # One step: open Log a Call, say what it was about, save.
    page.locator("#log-call summary").click()
    page.get_by_label("Subject").fill("Discussed pricing")
    page.get_by_label("Comments").fill("Wants a 3-year deal")
    page.get_by_role("button", name="Save call").click()
    expect(page.get_by_role("alert").first).to_contain_text("Call logged.")
    call = timeline.locator("li", has_text="Discussed pricing")
    expect(call).to_be_visible()
    expect(call).to_contain_text("Completed")
    logged = Task.objects.unrestricted().get(subject="Discussed pricing")
    assert (logged.contact, logged.account, logged.task_type) == (contact, account, "Call")
    assert logged.completed_at is not None and logged.owner == org.owner

    # The call shows on the account too (it was logged against both).
    page.goto(account.get_absolute_url())
    expect(page.locator("#timeline")).to_contain_text("Discussed pricing")

    # One click completes the follow-up task.
    page.goto(contact.get_absolute_url())
    row = page.locator("#timeline li", has_text="Send the proposal")
    row.get_by_role("button", name="Complete").click()
    expect(page.get_by_role("alert").first).to_contain_text("Task completed.")
    row = page.locator("#timeline li", has_text="Send the proposal")
    expect(row).to_contain_text("Completed")
    expect(row.get_by_role("button", name="Complete")).to_have_count(0)
    follow_up.refresh_from_db()
    assert follow_up.status == "Completed" and follow_up.completed_at is not None
