"""What a dashboard shows: figures through the door as the running user, filters, broken tiles."""

import json
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from tandem.dashboards import sources
from tandem.dashboards.models import RUN_AS_USER
from tandem.dashboards.rendering import render_dashboard
from tests.dashboards.conftest import make_dashboard

pytestmark = pytest.mark.django_db


def _tiles(dashboard, viewer, params=None):
    return render_dashboard(dashboard, viewer, params or {})["tiles"]


def test_a_rep_sees_only_their_own_totals_when_the_dashboard_runs_as_the_viewer(data):
    board = make_dashboard(data.admin, {"report": data.pipeline, "kind": "metric"})
    [owner_tile] = _tiles(board, data.owner)
    [teammate_tile] = _tiles(board, data.teammate)
    [admin_tile] = _tiles(board, data.admin)
    assert owner_tile.value == 300
    assert teammate_tile.value == 1500
    assert admin_tile.value == 1800


def test_a_chart_counts_only_visible_records_and_links_each_bar_to_its_rows(data, client):
    board = make_dashboard(data.admin, {"report": data.pipeline, "chart_type": "funnel"})
    [tile] = _tiles(board, data.owner)
    assert tile.chart["labels"] == ["Prospecting", "Qualification"]
    assert tile.chart["datasets"][0]["data"] == [100.0, 200.0]
    href = tile.chart["hrefs"][0][0]
    assert href.startswith(reverse("reports:run", args=[data.pipeline.pk]))
    client.force_login(data.owner)
    page = client.get(href).content.decode()
    assert "O1" in page and "O2" not in page and "T1" not in page


def test_a_dashboard_running_as_a_chosen_user_shows_that_users_figures(data, client):
    board = make_dashboard(
        data.admin,
        {"report": data.pipeline, "kind": "metric"},
        running_mode=RUN_AS_USER,
        running_user=data.manager,
    )
    ctx = render_dashboard(board, data.owner, {})
    assert ctx["run_as"] == data.manager and ctx["runs_as_other"]
    assert ctx["tiles"][0].value == 1800  # the manager sees both reps' deals
    client.force_login(data.owner)
    page = client.get(reverse("dashboards:view", args=[board.pk])).content.decode()
    assert "Viewing as Test User" in page or data.manager.full_name in page
    assert data.manager.full_name in page


def test_an_inactive_running_user_falls_back_to_the_viewer(data):
    data.manager.is_active = False
    data.manager.save()
    board = make_dashboard(
        data.admin,
        {"report": data.pipeline, "kind": "metric"},
        running_mode=RUN_AS_USER,
        running_user=data.manager,
    )
    assert _tiles(board, data.owner)[0].value == 300


def test_dashboard_filters_narrow_every_component_whose_report_has_the_field(data):
    sources.register("plain", "Plain", lambda user, filters: {"value": len(filters)})
    try:
        board = make_dashboard(
            data.admin,
            {"report": data.pipeline, "kind": "metric"},
            {"report": data.listing, "kind": "table"},
            {"source": "plain", "kind": "metric"},
            filters=[
                {
                    "field": "lead_source",
                    "label": "Lead source",
                    "options": ["Web", "Phone Inquiry"],
                },
                {"field": "industry", "label": "Industry", "options": ["Energy"]},
            ],
        )
        metric, table, source = _tiles(board, data.admin, {"f0": "Phone Inquiry"})
        assert metric.value == 200
        assert [r["cells"][0] for r in table.table["rows"]] == ["O2"]
        assert source.value == 1  # the source received the chosen filter
        # A value that is not one of the options is ignored (All).
        assert _tiles(board, data.admin, {"f0": "Nope"})[0].value == 1800
        # A filter on a field the report type lacks is named, and the figures stand.
        metric = _tiles(board, data.admin, {"f1": "Energy"})[0]
        assert metric.value == 1800
        assert any("Industry" in n for n in metric.notes)
    finally:
        sources.unregister("plain")


def test_filter_links_open_the_report_filtered_the_same_way(data):
    board = make_dashboard(
        data.admin,
        {"report": data.pipeline},
        filters=[{"field": "lead_source", "label": "Lead source", "options": ["Web"]}],
    )
    [tile] = _tiles(board, data.admin, {"f0": "Web"})
    drill = json.loads(parse_qs(urlparse(tile.chart["hrefs"][0][0]).query)["drill"][0])
    assert {"field": "lead_source", "date_group": "", "key": "Web"} in drill


def test_a_filter_value_of_the_wrong_type_breaks_only_its_component(data, client):
    board = make_dashboard(
        data.admin,
        {"report": data.pipeline, "kind": "metric"},
        filters=[{"field": "amount", "label": "Amount", "options": ["lots"]}],
    )
    [tile] = _tiles(board, data.admin, {"f0": "lots"})
    assert tile.error and "Amount" in tile.error
    client.force_login(data.admin)
    response = client.get(reverse("dashboards:view", args=[board.pk]), {"f0": "lots"})
    assert response.status_code == 200
    assert "component-error" in response.content.decode()


def test_a_deleted_report_leaves_a_named_broken_component_and_the_rest_renders(data, client):
    board = make_dashboard(
        data.admin,
        {"report": data.pipeline, "kind": "metric", "title": "Pipeline"},
        {"report": data.listing, "kind": "table", "title": "Deals"},
    )
    data.listing.delete()
    client.force_login(data.admin)
    response = client.get(reverse("dashboards:view", args=[board.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "The report “All deals” behind this component was deleted" in page
    assert "1,800" in page


def test_a_report_with_a_deleted_field_still_renders_and_says_which_field_is_gone(data):
    data.pipeline.definition["summaries"] = [{"field": "custom.gone", "agg": "sum"}]
    data.pipeline.save()
    board = make_dashboard(data.admin, {"report": data.pipeline, "kind": "metric"})
    [tile] = _tiles(board, data.admin)
    assert not tile.error
    assert any("custom.gone" in n for n in tile.notes)
    assert tile.value == 4  # falls back to the record count


def test_a_chart_of_a_tabular_report_explains_why_it_cannot_be_drawn(data):
    board = make_dashboard(data.admin, {"report": data.listing})
    [tile] = _tiles(board, data.admin)
    assert "no groupings" in tile.error


def test_tables_and_gauges(data):
    board = make_dashboard(
        data.admin,
        {"report": data.pipeline, "kind": "table"},
        {
            "report": data.pipeline,
            "kind": "gauge",
            "gauge_min": 0,
            "gauge_max": 2000,
            "gauge_low": 500,
            "gauge_high": 1500,
            "gauge_target": 1000,
        },
    )
    table, gauge = _tiles(board, data.owner)
    assert [r["cells"][0] for r in table.table["rows"]] == ["Prospecting", "Qualification"]
    assert table.table["total"][1:] == ["Grand total"][1:] + [2, 300]
    assert gauge.value == 300 and gauge.gauge["band"] == "low"
    assert gauge.gauge["position"] == 15.0 and gauge.gauge["target"] == 50.0
    assert gauge.gauge["of_target"] == 30  # 300 of a 1,000 target


def test_a_gauge_says_what_share_of_its_target_is_reached(data, client):
    board = make_dashboard(
        data.admin,
        {"report": data.pipeline, "kind": "gauge", "gauge_max": 2000, "gauge_target": 400},
    )
    client.force_login(data.owner)
    page = client.get(board.get_absolute_url()).content.decode()
    assert "75 % of target" in page


def test_a_single_series_chart_names_what_its_value_axis_measures(data):
    board = make_dashboard(data.admin, {"report": data.pipeline, "chart_type": "bar"})
    [tile] = _tiles(board, data.owner)
    # One series draws no legend: without the axis title the reader cannot tell sum from count.
    assert tile.chart["axis"] == tile.chart["datasets"][0]["label"] != ""


def test_a_chart_whose_every_figure_is_zero_says_so_instead_of_drawing_bare_axes(data, client):
    def nothing_yet(user, filters):
        return {
            "labels": ["Northwind", "Bluepeak"],
            "series": [{"label": "Won", "data": [0, 0]}, {"label": "Open", "data": [0, 0]}],
        }

    sources.register("nothing_yet", "Nothing yet", nothing_yet)
    try:
        board = make_dashboard(data.admin, {"source": "nothing_yet", "title": "Partner wins"})
        client.force_login(data.admin)
        page = client.get(board.get_absolute_url()).content.decode()
        assert "Every figure is 0 for Northwind, Bluepeak." in page
        assert "<canvas" not in page
    finally:
        sources.unregister("nothing_yet")


def test_a_table_tile_shows_dates_as_short_dates(data, client):
    data.listing.definition = {
        "format": "tabular",
        "columns": ["name", "close_date", "created_at"],
        "sort": "name",
    }
    data.listing.save()
    board = make_dashboard(data.admin, {"report": data.listing, "kind": "table"})
    client.force_login(data.admin)
    page = client.get(board.get_absolute_url()).content.decode()
    table = page[page.find("dash-table") :]
    table = table[: table.find("</table>")]
    assert "midnight" not in table and "a.m." not in table and "p.m." not in table
    # Both the close date and the created time read as a short date, e.g. 11/22/2026.
    rows = table.count('class="dash-row"')
    assert rows and len(re.findall(r"<td>\d{1,2}/\d{1,2}/\d{4}</td>", table)) == 2 * rows


def test_a_count_metric_says_what_it_counted(data):
    board = make_dashboard(
        data.admin,
        {"report": data.listing, "kind": "metric"},
        {"report": data.pipeline, "kind": "metric"},
    )
    count, total = _tiles(board, data.admin)
    assert (count.value, count.value_label) == (4, "Opportunities")
    assert total.value_label == "Sum: Amount"


def test_an_average_over_no_visible_records_is_a_dash_not_zero(data, client):
    from tandem.reports.models import Report

    average = Report.objects.create(
        name="Average deal",
        report_type="opportunity_account",
        owner=data.admin,
        folder=data.folder,
        visibility="public",
        definition={
            "format": "summary",
            "columns": ["name", "amount"],
            "filters": [{"field": "amount", "op": "greater_than", "value": "1000000"}],
            "groupings": [],
            "summaries": [{"field": "amount", "agg": "avg"}],
        },
    )
    board = make_dashboard(data.admin, {"report": average, "kind": "metric"})
    [tile] = _tiles(board, data.owner)
    assert tile.value is None
    client.force_login(data.owner)
    page = client.get(board.get_absolute_url()).content.decode()
    assert '<div class="display-6 fw-semibold metric-value">—</div>' in page


def test_source_components_unknown_and_failing_sources(data, client):
    def broken(user, filters):
        raise RuntimeError("boom")

    sources.register("broken", "Broken", broken)
    try:
        board = make_dashboard(
            data.admin,
            {"source": "broken", "kind": "metric", "title": "Broken tile"},
            {"source": "missing", "kind": "table", "title": "Missing tile"},
            {"report": data.pipeline, "kind": "metric"},
        )
        bad, missing, good = _tiles(board, data.admin)
        assert "could not be computed" in bad.error
        assert "“missing” is not available" in missing.error
        assert good.value == 1800
    finally:
        sources.unregister("broken")


def test_the_query_count_does_not_grow_with_the_number_of_groups_or_records(data, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests import factories as f

    board = make_dashboard(
        data.admin,
        {"report": data.pipeline},
        {"report": data.pipeline, "kind": "table"},
        {"report": data.listing, "kind": "table"},
    )
    client.force_login(data.admin)
    url = reverse("dashboards:view", args=[board.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for stage in (
        "Needs Analysis",
        "Value Proposition",
        "Perception Analysis",
        "Negotiation/Review",
    ):
        for _i in range(3):
            f.opportunity(data.owner, stage=stage)
    with CaptureQueriesContext(connection) as after:
        page = client.get(url).content.decode()
    assert "Negotiation/Review" in page
    assert len(after.captured_queries) == len(before.captured_queries)


def test_administrative_report_types_explain_themselves_to_a_rep(data):
    from tandem.reports.models import Report

    users = Report.objects.create(
        name="Users",
        report_type="admin_users",
        owner=data.admin,
        definition={"format": "tabular", "columns": ["name", "email"]},
    )
    board = make_dashboard(data.admin, {"report": users, "kind": "table"})
    [tile] = _tiles(board, data.owner)
    assert "Only administrators may run" in tile.error
    [tile] = _tiles(board, data.admin)
    assert not tile.error and len(tile.table["rows"]) == 6
