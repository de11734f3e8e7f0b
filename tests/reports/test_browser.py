"""Browser journey: build a summary report with a chart, watch the live preview, save, run, drill down."""

import re

import pytest
from playwright.sync_api import expect

from tandem.reports.models import Report
from tests.e2e.conftest import browse, browser  # noqa: F401 - the shared Chromium fixtures

pytestmark = pytest.mark.browser


def test_build_a_summary_report_with_a_chart(browse, data):  # noqa: F811
    page = browse.signed_in(data.admin)
    page.goto("/reports/new/")
    page.get_by_role("link", name="Opportunities with Account and Owner").click()
    expect(page).to_have_url(re.compile(r"/reports/new/opportunity_account/$"))
    page.locator("#id_format").select_option("summary")
    page.locator("select[name=group_0_field]").select_option("stage")
    page.locator("select[name=summary_0_agg]").select_option("sum")
    page.locator("select[name=summary_0_field]").select_option("amount")
    page.locator("#id_chart").select_option("bar")
    preview = page.locator("#preview")
    expect(preview.locator("#report-summary")).to_be_visible()
    expect(preview.locator("#grand-total")).to_contain_text("2,850.00")
    expect(preview.locator("canvas#report-chart")).to_be_visible()
    page.locator("#id_name").fill("Pipeline by stage")
    page.get_by_role("button", name="Save", exact=True).click()
    report = Report.objects.get(name="Pipeline by stage")
    expect(page).to_have_url(re.compile(rf"/reports/{report.pk}/$"))
    expect(page.locator("canvas#report-chart")).to_be_visible()
    page.get_by_role("link", name="Prospecting").click()
    expect(page.locator("#report-table")).to_contain_text("T1")
    expect(page.locator("#report-table")).not_to_contain_text("O2")


def test_every_chart_kind_draws_in_the_preview_and_on_the_report(browse, data):  # noqa: F811
    page = browse.signed_in(data.admin)
    page.goto("/reports/new/opportunity/")
    page.locator("#id_format").select_option("summary")
    page.locator("select[name=group_0_field]").select_option("stage")
    page.locator("select[name=summary_0_agg]").select_option("sum")
    page.locator("select[name=summary_0_field]").select_option("amount")
    preview = page.locator("#preview")
    drawn = "el => !!el._chart && el._chart.data.datasets.length > 0"
    for kind in ("bar", "stacked_bar", "line", "donut", "funnel"):
        page.locator("#id_chart").select_option(kind)
        page.wait_for_function(
            "k => { const s = document.querySelector('#preview #report-chart-data');"
            " return s && JSON.parse(s.textContent).type === k; }",
            arg=kind,
        )
        canvas = preview.locator("canvas#report-chart")
        expect(canvas).to_be_visible()
        page.wait_for_function(f"() => ({drawn})(document.querySelector('#report-chart'))")
    page.locator("#id_chart").select_option("number")
    expect(preview.locator("#report-chart-number")).to_have_text("2,850.00")
    page.locator("#id_chart_target").fill("4000")
    page.locator("#id_chart_ranges").fill("1000,3000")
    page.locator("#id_chart").select_option("gauge")
    expect(preview.locator("#report-chart-gauge")).to_contain_text("2,850.00")
    page.wait_for_function(f"() => ({drawn})(document.querySelector('#report-chart'))")
    page.locator("#id_name").fill("Gauge")
    page.get_by_role("button", name="Save", exact=True).click()
    report = Report.objects.get(name="Gauge")
    assert report.definition["chart"] == {"type": "gauge", "target": "4000", "ranges": "1000,3000"}
    expect(page.locator("#report-chart-gauge")).to_contain_text("4,000.00")
    page.wait_for_function(f"() => ({drawn})(document.querySelector('#report-chart'))")
