"""Browser journey: build a summary report with a chart, put it on a new dashboard, drag it to
another place on the grid, save the layout and see it drawn."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tandem.dashboards.models import Dashboard
from tandem.reports.models import Report
from tests import factories as f
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.browser


def _add_component(page, report_name, kind, chart_type=""):
    page.locator("#add-component").click()
    page.locator("#id_report").select_option(label=report_name)
    page.locator("#id_kind").select_option(kind)
    if chart_type:
        page.locator("#id_chart_type").select_option(chart_type)
    page.locator("#save-component").click()
    expect(page.locator("#layout-grid")).to_be_visible()


def test_build_a_report_add_it_to_a_dashboard_and_arrange_it(browse, org):
    for stage, amount in (("Prospecting", "100"), ("Qualification", "250")):
        f.opportunity(
            org.owner,
            name=f"{stage} deal",
            stage=stage,
            amount=Decimal(amount),
            close_date=datetime.date.today(),
        )
    page = browse.signed_in(org.admin)

    # A summary report with a bar chart, built and saved in the report builder.
    page.goto("/reports/new/")
    page.get_by_role("link", name="Opportunities with Account and Owner").click()
    page.locator("#id_format").select_option("summary")
    page.locator("select[name=group_0_field]").select_option("stage")
    page.locator("select[name=summary_0_agg]").select_option("sum")
    page.locator("select[name=summary_0_field]").select_option("amount")
    page.locator("#id_chart").select_option("bar")
    page.locator("#id_name").fill("Pipeline by stage")
    page.locator("#save-report").click()
    expect(page).to_have_url(re.compile(r"/reports/\d+/$"))
    assert Report.objects.filter(name="Pipeline by stage").exists()

    # A new dashboard with the report as a chart, then as a metric.
    page.goto("/dashboards/new/")
    page.locator("#id_title").fill("Team pipeline")
    page.get_by_role("button", name="Create").click()
    expect(page).to_have_url(re.compile(r"/dashboards/\d+/edit/$"))
    _add_component(page, "Pipeline by stage", "chart", "bar")
    _add_component(page, "Pipeline by stage", "metric")
    tiles = page.locator("#layout-grid > .dash-tile")
    expect(tiles).to_have_count(2)
    chart_id = tiles.nth(0).get_attribute("data-id")

    # Drag the chart after the metric, and save the layout.
    second = tiles.nth(1)
    box = second.bounding_box()
    tiles.nth(0).locator(".component-title").drag_to(
        second, target_position={"x": box["width"] - 10, "y": box["height"] / 2}
    )
    expect(tiles.nth(1)).to_have_attribute("data-id", chart_id)
    # The arrow buttons do the same from the keyboard.
    tiles.nth(1).get_by_role("button", name="Move Pipeline by stage earlier").press("Enter")
    expect(tiles.nth(0)).to_have_attribute("data-id", chart_id)
    tiles.nth(0).get_by_role("button", name="Move Pipeline by stage later").press("Enter")
    expect(tiles.nth(1)).to_have_attribute("data-id", chart_id)
    page.locator("#save-layout").click()
    expect(page.get_by_text("Layout saved.")).to_be_visible()
    board = Dashboard.objects.get(title="Team pipeline")
    assert [str(c.pk) for c in board.components.all()][1] == chart_id

    # The dashboard draws the chart in its new place, and the metric shows the total.
    page.locator("#view-dashboard").click()
    rendered = page.locator("#dashboard-grid .dash-tile")
    expect(rendered).to_have_count(2)
    expect(rendered.nth(0).locator(".metric-value")).to_have_text("350")
    expect(rendered.nth(1).locator("canvas")).to_be_visible()
    assert rendered.nth(1).locator("canvas").evaluate("c => c.width > 0 && !!c._chart")
    expect(page.locator("#dashboard-running-user")).to_contain_text(org.admin.full_name)


def test_filtering_then_leaving_and_coming_back_shows_the_whole_dashboard(browse, org):
    """Back to a filtered dashboard shows the page, not the grid fragment the filter fetched;
    a large average on a narrow metric tile stays on one line."""
    f.opportunity(org.owner, name="Web deal", amount=Decimal("439117.65"), lead_source="Web")
    report = Report.objects.create(
        name="Average deal",
        owner=org.admin,
        visibility="public",
        report_type="opportunity_account",
        definition={
            "format": "summary",
            "columns": ["name", "amount"],
            "groupings": [],
            "summaries": [{"field": "amount", "agg": "avg"}],
        },
    )
    board = Dashboard.objects.create(
        title="Deals",
        owner=org.admin,
        visibility="public",
        filters=[{"field": "lead_source", "label": "Lead source", "options": ["Web", "Other"]}],
    )
    board.components.create(report=report, kind="metric", width=3, height=2, position=0)
    page = browse.signed_in(org.admin)
    page.goto(f"/dashboards/{board.pk}/")
    page.get_by_label("Lead source").select_option("Web")
    expect(page).to_have_url(re.compile(r"\?f0=Web$"))
    value = page.locator(".metric-value")
    expect(value).to_have_text("439,117.65")
    # One line: the figure is no taller than one line of its own text and is not cut off.
    assert value.evaluate(
        "e => e.scrollWidth <= e.clientWidth && e.getBoundingClientRect().height"
        " < 1.6 * parseFloat(getComputedStyle(e).lineHeight || getComputedStyle(e).fontSize)"
    )
    page.goto("/reports/")
    page.go_back()
    expect(page.get_by_role("heading", name="Deals")).to_be_visible()
    expect(page.get_by_label("Lead source")).to_have_value("Web")
    expect(page.locator("nav, header").first).to_be_visible()


def test_the_dashboard_list_fits_a_phone(browse, org):
    Dashboard.objects.create(
        title="Quarterly pipeline review for the whole sales organisation",
        description="Pipeline, wins and losses, deal size, time in stage and activity per rep.",
        owner=org.admin,
        visibility="public",
    )
    page = browse.signed_in(org.admin, viewport=PHONE)
    page.goto("/dashboards/")
    link = page.get_by_role(
        "link", name="Quarterly pipeline review for the whole sales organisation"
    )
    expect(link).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_chart_of_many_series_keeps_its_room_for_the_bars(browse, org):
    """Nineteen users' logins per week: no legend eating the tile; hovering names each series."""
    from tandem.dashboards import sources

    def logins(user, filters):
        weeks = [f"Week {n}" for n in range(1, 9)]
        people = [f"Person {n}" for n in range(1, 20)]
        return {"labels": weeks, "series": [{"label": p, "data": [3] * 8} for p in people]}

    sources.register("many_logins", "Logins", logins)
    try:
        board = Dashboard.objects.create(title="Adoption", owner=org.admin, visibility="public")
        board.components.create(
            source="many_logins", kind="chart", chart_type="stacked_bar", width=8, height=2
        )
        page = browse.signed_in(org.admin)
        page.goto(f"/dashboards/{board.pk}/")
        canvas = page.locator("#dashboard-grid canvas")
        expect(canvas).to_be_visible()
        page.wait_for_function(
            "() => document.querySelector('#dashboard-grid canvas')._chart !== undefined"
        )
        shown = canvas.evaluate(
            "c => ({legend: c._chart.options.plugins.legend.display,"
            " plot: c._chart.chartArea.bottom - c._chart.chartArea.top,"
            " height: c._chart.height})"
        )
        assert shown["legend"] is False
        assert shown["plot"] > 0.6 * shown["height"]
    finally:
        sources.unregister("many_logins")
