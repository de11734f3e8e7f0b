"""The ready-made dashboards install once, open for an administrator, and skip a missing source."""

import pytest
from django.urls import reverse

from tandem.dashboards import sources
from tandem.dashboards.demo import install_demo_dashboards
from tandem.dashboards.models import Dashboard
from tandem.dashboards.rendering import render_dashboard
from tandem.reports.models import Report

pytestmark = pytest.mark.django_db

TITLES = {"Sales", "Adoption", "Data Quality", "Channel"}


def test_install_is_idempotent_and_every_component_renders_for_an_admin(data, client):
    install_demo_dashboards(data.admin)
    counts = (Dashboard.objects.count(), Report.objects.count())
    components = {d.title: d.components.count() for d in Dashboard.objects.all()}
    install_demo_dashboards(data.admin)
    assert (Dashboard.objects.count(), Report.objects.count()) == counts
    assert {d.title: d.components.count() for d in Dashboard.objects.all()} == components
    assert TITLES <= set(components)
    client.force_login(data.admin)
    for board in Dashboard.objects.filter(demo_key__gt=""):
        response = client.get(reverse("dashboards:view", args=[board.pk]))
        page = response.content.decode()
        assert response.status_code == 200, board.title
        assert "component-error" not in page, (
            board.title,
            page[page.find("component-error") :][:400],
        )


def test_the_demo_dashboards_folder_is_not_named_like_the_tab(data, client):
    """The breadcrumb reads "Dashboards / Company Dashboards", never "Dashboards · Dashboards"."""
    from tandem.reports.models import PUBLIC, ReportFolder

    ReportFolder.objects.create(name="Dashboards", owner=data.admin, visibility=PUBLIC)
    install_demo_dashboards(data.admin)  # an older demo's folder is renamed, not duplicated
    names = list(ReportFolder.objects.values_list("name", flat=True))
    assert names.count("Company Dashboards") == 1 and "Dashboards" not in names
    client.force_login(data.admin)
    page = client.get(Dashboard.objects.get(demo_key="sales").get_absolute_url()).content.decode()
    assert 'id="dashboard-folder">Company Dashboards<' in page
    assert "Dashboards · Dashboards" not in page


def test_the_sales_dashboard_shows_a_reps_own_pipeline(data, client):
    install_demo_dashboards(data.admin)
    sales = Dashboard.objects.get(demo_key="sales")
    client.force_login(data.owner)
    page = client.get(sales.get_absolute_url()).content.decode()
    assert "Pipeline by Stage" in page
    assert "component-error" not in page

    tiles = {t.title: t for t in render_dashboard(sales, data.owner, {})["tiles"]}
    assert tiles["Pipeline by Stage"].chart["datasets"][0]["data"] == [100.0, 200.0]


def test_adoption_is_for_administrators(data, client):
    install_demo_dashboards(data.admin)
    adoption = Dashboard.objects.get(demo_key="adoption")
    client.force_login(data.owner)
    assert client.get(adoption.get_absolute_url()).status_code == 404


def test_forecast_accuracy_appears_once_its_source_is_registered(data):
    install_demo_dashboards(data.admin)
    sales = Dashboard.objects.get(demo_key="sales")
    had = sources.get("forecast_accuracy")
    if had is None:
        assert not sales.components.filter(source="forecast_accuracy").exists()
    sources.register(
        "forecast_accuracy",
        "Forecast accuracy",
        lambda user, filters: {"labels": ["Q1"], "series": [{"label": "Accuracy", "data": [90]}]},
    )
    try:
        install_demo_dashboards(data.admin)
        assert sales.components.filter(source="forecast_accuracy").count() == 1
    finally:
        if had is None:
            sources.unregister("forecast_accuracy")
        else:
            sources.register(had.key, had.label, had.fn)


def test_lost_to_competitor_counts_only_the_losses_a_rep_may_see(data):
    from tandem.pipeline.models import OpportunityLoss
    from tandem.sales.models import Opportunity

    for o, competitor in ((data.o1, "Globex"), (data.t1, "Initech")):
        Opportunity.objects.unrestricted().filter(pk=o.pk).update(
            is_closed=True, is_won=False, stage="Closed Lost"
        )
        OpportunityLoss.objects.create(opportunity=o, reason="Price", competitor=competitor)
    install_demo_dashboards(data.admin)
    sales = Dashboard.objects.get(demo_key="sales")
    mine = {t.title: t for t in render_dashboard(sales, data.owner, {})["tiles"]}
    assert mine["Lost to Competitor"].chart["labels"] == ["Globex"]
    assert mine["Lost to Competitor"].chart["datasets"][0]["data"] == [100.0]
    every = {t.title: t for t in render_dashboard(sales, data.admin, {})["tiles"]}
    assert sorted(every["Lost to Competitor"].chart["labels"]) == ["Globex", "Initech"]
