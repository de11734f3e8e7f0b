"""Browser journey: an administrator sets up round-robin and a rule; a mass change shows live progress."""

import re

import pytest
from playwright.sync_api import expect

from tandem.assignment import actions
from tandem.assignment.models import AssignmentRule, RoundRobinGroup
from tandem.assignment.tasks import run_mass_owner_job
from tests import factories as f
from tests.e2e.conftest import browse, browser  # noqa: F401  (the session's one Chromium)

pytestmark = pytest.mark.browser


def test_admin_sets_up_round_robin_and_a_rule(browse, team):  # noqa: F811
    a, b, _c = team.reps
    page = browse.signed_in(team.admin)
    page.goto("/setup/assignment/")
    expect(page.get_by_role("heading", name="Lead Assignment")).to_be_visible()

    page.get_by_role("link", name="New round-robin group").click()
    page.get_by_label(re.compile("^Name")).fill("Inside sales")
    page.get_by_label("Member 1", exact=True).select_option(label=a.full_name)
    page.get_by_label("Member 2", exact=True).select_option(label=b.full_name)
    page.get_by_label("Member 2: weight").fill("2")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Inside sales")
    expect(page.locator("main")).to_contain_text(f"{b.full_name} (2)")

    page.get_by_role("link", name="New assignment rule").click()
    page.get_by_label(re.compile("^Rule name")).fill("Lead routing")
    page.get_by_label("Active").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Assignment rule Lead routing")).to_be_visible()

    page.get_by_role("link", name="New entry").click()
    page.get_by_label("Condition 1: field").select_option(label="Country")
    page.get_by_label("Condition 1: value").fill("lots")
    page.get_by_label("Condition 1: field").select_option(label="No. of employees")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".invalid-feedback").first).to_contain_text("No. of employees")
    expect(page.locator(".invalid-feedback").nth(1)).to_contain_text(
        "Choose who gets the matching records"
    )

    page.get_by_label("Condition 1: field").select_option(label="Country")
    page.get_by_label("Condition 1: value").fill("Italy")
    expect(page.get_by_label("Round-robin group")).to_be_hidden()
    page.get_by_label("Assign to").select_option(label="Round-robin group")
    page.get_by_label("Round-robin group").select_option(label="Inside sales")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#rule-entries")).to_contain_text("Country equals Italy")
    expect(page.locator("#rule-entries")).to_contain_text("Round-robin group: Inside sales")
    rule = AssignmentRule.objects.get(name="Lead routing")
    assert rule.is_active and rule.entries.get().round_robin == RoundRobinGroup.objects.get(
        name="Inside sales"
    )


def test_background_mass_change_shows_live_progress(browse, team):  # noqa: F811
    org = team.org
    ids = [f.lead(org.owner).pk for _ in range(actions.BACKGROUND_THRESHOLD + 1)]
    job = actions.start_mass_change(org.manager, "lead", ids, new_owner=team.reps[0])
    page = browse.signed_in(org.manager)
    page.goto(f"/assignment/jobs/{job.pk}/?next=/leads/")
    expect(page.locator("#job-progress")).to_contain_text("0 of 201 records processed")
    run_mass_owner_job.func(job.pk)  # what `manage.py db_worker` does
    expect(page.locator("#job-result")).to_contain_text("The owner of 201 records was changed.")
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    page.get_by_role("link", name="Back to Leads").click()
    expect(page).to_have_url(re.compile(r"/leads/$"))
