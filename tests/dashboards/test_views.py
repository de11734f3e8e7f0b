"""The dashboard pages: who may open and edit what, building a dashboard, limits, bad input."""

import pytest
from django.urls import reverse

from tandem.dashboards.models import (
    MAX_COMPONENTS,
    PRIVATE,
    RUN_AS_USER,
    Dashboard,
    DashboardComponent,
)
from tests import factories as f
from tests.dashboards.conftest import make_dashboard

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def test_the_list_shows_own_and_public_dashboards_and_hides_others_private_ones(data, client):
    make_dashboard(data.admin, title="Public board")
    make_dashboard(data.teammate, title="Teammate's own", visibility=PRIVATE)
    make_dashboard(data.owner, title="My own", visibility=PRIVATE)
    page = _login(client, data.owner).get(reverse("dashboards:list")).content.decode()
    assert "Public board" in page and "My own" in page
    assert "Teammate&#x27;s own" not in page and "Teammate's own" not in page


def test_a_private_dashboard_of_someone_else_is_404_and_partners_get_404(data, client):
    board = make_dashboard(data.teammate, title="Secret", visibility=PRIVATE)
    assert _login(client, data.owner).get(board.get_absolute_url()).status_code == 404
    public = make_dashboard(data.admin)
    partner_account = f.account(data.admin, name="Partner Co")
    partner = f.user(external=True, contact=f.contact(data.admin, partner_account))
    assert _login(client, partner).get(public.get_absolute_url()).status_code == 404


def test_only_the_owner_or_an_admin_edits(data, client):
    board = make_dashboard(data.admin, {"report": data.pipeline})
    assert (
        _login(client, data.owner).get(reverse("dashboards:edit", args=[board.pk])).status_code
        == 404
    )
    page = _login(client, data.admin).get(reverse("dashboards:edit", args=[board.pk]))
    assert page.status_code == 200 and b"Save layout" in page.content


def test_create_a_dashboard_add_a_component_and_view_it(data, client):
    _login(client, data.owner)
    response = client.post(
        reverse("dashboards:new"),
        {"title": "My pipeline", "visibility": "private", "running_mode": "viewer"},
    )
    board = Dashboard.objects.get(title="My pipeline")
    assert response.url == reverse("dashboards:edit", args=[board.pk])
    assert board.owner == data.owner
    response = client.post(
        reverse("dashboards:component_new", args=[board.pk]),
        {
            "report": data.pipeline.pk,
            "kind": "chart",
            "chart_type": "donut",
            "width": 6,
            "height": 2,
            "title": "By stage",
        },
    )
    assert response.status_code == 302
    page = client.get(board.get_absolute_url()).content.decode()
    assert "By stage" in page and 'data-dashboard-chart="chart-data-' in page
    assert "Viewing as" in page and data.owner.full_name in page


def test_component_form_errors_name_the_field(data, client):
    board = make_dashboard(data.owner)
    _login(client, data.owner)
    url = reverse("dashboards:component_new", args=[board.pk])
    page = client.post(url, {"kind": "chart", "chart_type": "bar", "width": 6, "height": 2})
    assert page.status_code == 400
    assert "Report: choose a report or a data source" in page.content.decode()
    page = client.post(
        url,
        {"report": data.listing.pk, "kind": "chart", "chart_type": "bar", "width": 6, "height": 2},
    )
    assert "“All deals” has no groupings" in page.content.decode()
    page = client.post(
        url,
        {"report": data.pipeline.pk, "kind": "gauge", "width": 6, "height": 2, "gauge_max": "-5"},
    )
    assert "Gauge maximum: must be greater than the minimum" in page.content.decode()
    assert not board.components.exists()


def test_a_private_report_of_someone_else_cannot_be_put_on_a_dashboard(data, client):
    private = data.pipeline
    private.owner, private.folder, private.visibility = data.teammate, None, PRIVATE
    private.save()
    board = make_dashboard(data.owner)
    _login(client, data.owner)
    page = client.post(
        reverse("dashboards:component_new", args=[board.pk]),
        {"report": private.pk, "kind": "metric", "width": 6, "height": 2},
    )
    assert page.status_code == 400
    assert not board.components.exists()


def test_a_dashboard_holds_at_most_twenty_components(data, client):
    board = make_dashboard(
        data.owner, *[{"report": data.pipeline, "kind": "metric"}] * MAX_COMPONENTS
    )
    _login(client, data.owner)
    response = client.post(
        reverse("dashboards:component_new", args=[board.pk]),
        {"report": data.pipeline.pk, "kind": "metric", "width": 6, "height": 2},
    )
    assert response.status_code == 400
    assert "at most 20 components" in response.content.decode()
    assert board.components.count() == MAX_COMPONENTS
    response = client.get(reverse("dashboards:component_new", args=[board.pk]), follow=True)
    assert "at most 20 components" in response.content.decode()
    assert (
        "at most 20 components"
        in client.get(reverse("dashboards:edit", args=[board.pk])).content.decode()
    )


def test_save_layout_orders_and_resizes_and_refuses_a_stale_page(data, client):
    board = make_dashboard(
        data.owner,
        {"report": data.pipeline, "title": "A"},
        {"report": data.pipeline, "title": "B", "kind": "metric"},
    )
    a, b = board.components.all()
    _login(client, data.owner)
    url = reverse("dashboards:layout", args=[board.pk])
    client.post(url, {"component": [b.pk, a.pk], f"width_{b.pk}": 12, f"height_{b.pk}": 1})
    assert [c.title for c in board.components.all()] == ["B", "A"]
    assert DashboardComponent.objects.get(pk=b.pk).width == 12
    page = client.post(url, {"component": [a.pk]}, follow=True).content.decode()
    assert "the dashboard changed while you were arranging it" in page
    assert [c.title for c in board.components.all()] == ["B", "A"]
    page = client.post(url, {"component": [a.pk, b.pk], f"width_{a.pk}": 40}, follow=True)
    assert "must be 1–12 columns wide" in page.content.decode()


def test_remove_a_component(data, client):
    board = make_dashboard(data.owner, {"report": data.pipeline})
    c = board.components.get()
    _login(client, data.owner).post(reverse("dashboards:component_delete", args=[board.pk, c.pk]))
    assert not board.components.exists()


def test_a_non_admin_cannot_run_a_dashboard_as_another_user(data, client):
    board = make_dashboard(data.owner, visibility=PRIVATE)
    _login(client, data.owner)
    form = {"title": "Mine", "visibility": "private", "running_mode": RUN_AS_USER}
    response = client.post(
        reverse("dashboards:edit", args=[board.pk]), {**form, "running_user": data.manager.pk}
    )
    assert response.status_code == 400
    board.refresh_from_db()
    assert board.running_user is None
    # Oneself is allowed.
    response = client.post(
        reverse("dashboards:edit", args=[board.pk]), {**form, "running_user": data.owner.pk}
    )
    assert response.status_code == 302


def test_admins_and_view_all_data_users_choose_the_running_user(data, client):
    from tandem.access.models import Profile

    viewer_all = Profile.objects.create(
        name="Analyst",
        object_permissions={"opportunity": {"read": True}},
        system_permissions={"view_all_data": True},
    )
    analyst = f.user(profile_name="Analyst")
    assert analyst.profile == viewer_all
    board = make_dashboard(analyst, visibility=PRIVATE)
    _login(client, analyst)
    form = {"title": "Mine", "visibility": "private", "running_mode": RUN_AS_USER}
    response = client.post(
        reverse("dashboards:edit", args=[board.pk]), {**form, "running_user": data.manager.pk}
    )
    assert response.status_code == 302
    board.refresh_from_db()
    assert board.running_user == data.manager


def test_running_user_error_message(data, client):
    from django.core.exceptions import ValidationError

    from tandem.dashboards import actions

    board = make_dashboard(data.owner, visibility=PRIVATE)
    board.running_mode, board.running_user = RUN_AS_USER, data.manager
    with pytest.raises(ValidationError) as exc:
        actions.save_dashboard(data.owner, board)
    assert "only administrators and users with View All Data" in str(exc.value)


def test_filter_on_an_unknown_field_is_refused_with_the_field_named(data, client):
    board = make_dashboard(data.owner, visibility=PRIVATE)
    _login(client, data.owner)
    response = client.post(
        reverse("dashboards:edit", args=[board.pk]),
        {
            "title": "Mine",
            "visibility": "private",
            "running_mode": "viewer",
            "filter_0_field": "no_such_field",
            "filter_0_options": "a, b",
        },
    )
    assert response.status_code == 400
    assert (
        "Filter 1: “no_such_field” is not a field of any report type." in response.content.decode()
    )


def test_filters_are_saved_and_a_picklist_fills_empty_options(data, client):
    board = make_dashboard(data.owner, {"report": data.pipeline}, visibility=PRIVATE)
    _login(client, data.owner)
    response = client.post(
        reverse("dashboards:edit", args=[board.pk]),
        {
            "title": "Mine",
            "visibility": "private",
            "running_mode": "viewer",
            "filter_0_field": "stage",
            "filter_0_label": "Stage",
            "filter_0_options": "",
            "filter_1_field": "lead_source",
            "filter_1_options": "Web, Phone Inquiry",
        },
    )
    assert response.status_code == 302
    board.refresh_from_db()
    assert board.filters[0]["field"] == "stage" and "Prospecting" in board.filters[0]["options"]
    assert board.filters[1]["options"] == ["Web", "Phone Inquiry"]
    page = client.get(board.get_absolute_url(), {"f0": "Qualification"}, HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert html.lstrip().startswith('<div id="dashboard-grid">')
    assert "Qualification" in html and "Prospecting" not in html


def test_back_button_history_restore_gets_the_whole_page(data, client):
    board = make_dashboard(
        data.owner,
        {"report": data.pipeline},
        visibility=PRIVATE,
        filters=[{"field": "stage", "label": "Stage", "options": ["Prospecting"]}],
    )
    _login(client, data.owner)
    page = client.get(
        board.get_absolute_url(),
        {"f0": "Prospecting"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    ).content.decode()
    assert 'id="dashboard-filters"' in page and "<html" in page


def test_the_filtered_grid_fragment_is_never_reused_as_the_page_by_the_browser(data, client):
    """The filtered URL goes into the address bar: Back from another page reloads that URL, and
    a cached fragment would show a bare, unstyled grid."""
    board = make_dashboard(
        data.owner,
        {"report": data.pipeline},
        visibility=PRIVATE,
        filters=[{"field": "stage", "label": "Stage", "options": ["Prospecting"]}],
    )
    _login(client, data.owner)
    fragment = client.get(board.get_absolute_url(), {"f0": "Prospecting"}, HTTP_HX_REQUEST="true")
    assert "HX-Request" in fragment["Vary"]
    assert "no-store" in fragment["Cache-Control"]
    whole = client.get(board.get_absolute_url(), {"f0": "Prospecting"})
    assert "HX-Request" in whole["Vary"]


def test_a_dashboard_in_a_folder_shared_with_a_role_opens_for_that_role_only(data, client):
    from tandem.reports.models import SHARE_ROLE, SHARED, ReportFolder, ReportFolderShare

    folder = ReportFolder.objects.create(name="Reps", owner=data.admin, visibility=SHARED)
    ReportFolderShare.objects.create(folder=folder, kind=SHARE_ROLE, role=data.rep_role)
    board = make_dashboard(data.admin, title="For reps", visibility=PRIVATE, folder=folder)
    assert _login(client, data.owner).get(board.get_absolute_url()).status_code == 200
    assert _login(client, data.outsider).get(board.get_absolute_url()).status_code == 404
