"""A manager opens Forecasts, expands a subordinate, adjusts Commit with a note and sees it."""

import re

import pytest
from playwright.sync_api import expect

from tests.forecasts.conftest import Q1, team  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _row(page, name):
    return page.locator("tr.forecast-row", has=page.get_by_text(name, exact=True))


def _cell(page, name, figure):
    return _row(page, name).locator(f'td[data-figure="{figure}"]')


def test_manager_expands_adjusts_commit_and_sees_the_adjusted_figure(browse, team):  # noqa: F811
    page = browse.signed_in(team.ceo)
    page.goto(f"/forecasts/?period={Q1.key}")
    expect(page.get_by_role("heading", name="Forecasts")).to_be_visible()
    expect(page.locator("#forecast-period")).to_have_text("FY2026 Q1")
    expect(_cell(page, "Cleo Chief", "commit").locator(".forecast-amount")).to_have_text("1,404.00")
    expect(page.get_by_text("the role hierarchy grants them the records")).to_be_visible()
    expect(_row(page, "Rita Rep")).to_have_count(0)

    # Expand the VP: the reps appear under them, each with their own roll-up.
    page.get_by_role("button", name="Show the people under Max Manager").click()
    expect(_cell(page, "Rita Rep", "commit").locator(".forecast-amount")).to_have_text("300.00")
    expect(_cell(page, "Tom Teammate", "commit").locator(".forecast-amount")).to_have_text("75.00")
    # Collapse and expand again: the rows go and come back, once.
    page.get_by_role("button", name="Show the people under Max Manager").click()
    expect(_row(page, "Rita Rep")).to_have_count(0)
    page.get_by_role("button", name="Show the people under Max Manager").click()
    expect(_row(page, "Rita Rep")).to_have_count(1)

    # Adjust Rita's Commit; a missing note is named at the field first.
    page.get_by_role("link", name="Adjust Commit of Rita Rep").click()
    expect(
        page.get_by_role("heading", name=re.compile("Adjust the forecast of Rita Rep"))
    ).to_be_visible()
    page.get_by_label("Adjusted amount").fill("250")
    page.get_by_role("button", name="Save adjustment").click()
    expect(page.locator("#id_note-error")).to_have_text("Note: say why the forecast is adjusted.")
    page.get_by_label("Note").fill("Globex pushed to next quarter")
    page.get_by_role("button", name="Save adjustment").click()

    expect(page.get_by_role("alert")).to_contain_text("Commit for Rita Rep adjusted.")
    # Back on the forecast where Rita is a row (her VP's): adjusted, the original struck through.
    expect(page.locator("#forecast-user")).to_have_value(str(team.manager.pk))
    rita = _cell(page, "Rita Rep", "commit")
    expect(rita.locator(".forecast-amount")).to_have_text("250.00")
    expect(rita.locator("del")).to_have_text("300.00")
    rita.get_by_text("Adjusted").click()
    expect(rita.get_by_text("Globex pushed to next quarter")).to_be_visible()
    expect(page.locator("#forecast-history")).to_contain_text("Globex pushed to next quarter")
    # The VP's roll-up includes the adjusted figure: 405 - 300 + 250; so does the CEO's total.
    expect(_cell(page, "Max Manager", "commit").locator(".forecast-amount")).to_have_text("355.00")
    page.locator("#forecast-user").select_option(str(team.ceo.pk))
    expect(_cell(page, "Cleo Chief", "commit").locator(".forecast-amount")).to_have_text("1,354.00")
    page.get_by_role("button", name="Show the people under Max Manager").click()
    rita = _cell(page, "Rita Rep", "commit")
    expect(rita.locator(".forecast-amount")).to_have_text("250.00")

    # Drill down from Rita's adjusted Commit to the deals behind the computed figure.
    rita.locator(".forecast-amount").click()
    expect(page.get_by_role("heading", name="Commit: Rita Rep")).to_be_visible()
    expect(page.locator("#drilldown-table")).to_contain_text("Rep Commit 200")
