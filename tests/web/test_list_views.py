"""The list-view editor: who sees a saved view, who may change it, filters and relative dates."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.access.models import TARGET_GROUP, TARGET_ROLE, TARGET_ROLE_SUBS, Group, GroupMember
from tandem.core.models import Company, CustomField, ListView
from tandem.reports import dates
from tandem.sales.models import Lead
from tests import factories as f

NEW = reverse("list_view_new", args=["leads"])
LIST = reverse("record_list", args=["leads"])


def form_data(**overrides):
    data = {
        "name": "Hot leads",
        "scope": "all",
        "visibility": "me",
        "columns": ["last_name", "company", "status"],
        "sort": "-created_at",
        "filter_logic": "and",
    }
    data.update(overrides)
    return data


def view_names(client):
    response = client.get(LIST)
    assert response.status_code == 200
    return [v.name for v in response.context["views"]]


def shared_view(owner, targets, name="Team view"):
    return ListView.objects.create(
        object_name="lead",
        name=name,
        owner=owner,
        visibility=ListView.VISIBLE_SHARED,
        shared_with=[{"kind": k, "id": i} for k, i in targets],
        columns=["last_name", "company"],
    )


def test_view_shared_with_a_role_reaches_its_members_only(client, org):
    client.force_login(org.owner)
    response = client.post(
        NEW, form_data(visibility="some", share_roles=[str(org.support_role.pk)])
    )
    assert response.status_code == 302
    view = ListView.objects.get(name="Hot leads")
    assert view.shared_with == [{"kind": TARGET_ROLE, "id": org.support_role.pk}]
    assert "Hot leads" in view_names(client)
    client.force_login(org.outsider)  # in the Support role
    assert "Hot leads" in view_names(client)
    for other in (org.teammate, org.ceo):  # another role; a manager above is not a member
        client.force_login(other)
        assert "Hot leads" not in view_names(client)


def test_role_and_subordinates_and_groups(client, org):
    shared_view(org.admin, [(TARGET_ROLE_SUBS, org.vp_role.pk)], name="VP and below")
    group = Group.objects.create(name="Fair team")
    GroupMember.objects.create(group=group, kind="user", user=org.outsider)
    shared_view(org.admin, [(TARGET_GROUP, group.pk)], name="Fair team view")
    client.force_login(org.teammate)
    names = view_names(client)
    assert "VP and below" in names and "Fair team view" not in names
    client.force_login(org.outsider)
    names = view_names(client)
    assert "Fair team view" in names and "VP and below" not in names
    client.force_login(org.ceo)
    assert not {"VP and below", "Fair team view"} & set(view_names(client))


def test_only_creator_or_admin_edits_a_shared_view_others_clone_it(client, org):
    view = shared_view(org.owner, [(TARGET_ROLE, org.rep_role.pk)])
    edit = reverse("list_view_edit", args=["leads", view.pk])
    client.force_login(org.teammate)
    page = client.get(LIST + f"?view={view.pk}").content.decode()
    assert "Clone view" in page and edit not in page
    assert client.get(edit).status_code == 403
    assert client.post(edit, form_data(name="Hijacked")).status_code == 403
    assert client.post(edit, {"delete": "1"}).status_code == 403
    view.refresh_from_db()
    assert view.name == "Team view"
    response = client.get(NEW + f"?clone={view.pk}")
    assert response.status_code == 200
    assert response.context["form"].initial["name"] == "Copy of Team view"
    assert response.context["form"].initial["visibility"] == "me"
    client.post(NEW, form_data(name="My copy", columns=["last_name", "company"]))
    assert ListView.objects.get(name="My copy").owner == org.teammate
    # The creator and an administrator may edit it.
    for who in (org.owner, org.admin):
        client.force_login(who)
        assert client.get(edit).status_code == 200
    client.force_login(org.admin)
    response = client.post(
        edit, form_data(name="Renamed", visibility="some", share_roles=[str(org.rep_role.pk)])
    )
    assert response.status_code == 302
    view.refresh_from_db()
    assert view.name == "Renamed" and view.owner == org.owner


def test_a_view_you_cannot_see_is_404_and_cannot_be_cloned(client, org):
    private = ListView.objects.create(object_name="lead", name="Secret", owner=org.owner)
    client.force_login(org.teammate)
    assert client.get(reverse("list_view_edit", args=["leads", private.pk])).status_code == 404
    response = client.get(NEW + f"?clone={private.pk}")
    assert response.context["cloned_from"] is None
    assert "Secret" not in response.content.decode()
    assert client.get(LIST + f"?view={private.pk}").context["view"].pk != private.pk


def test_sharing_choices_are_checked(client, org):
    client.force_login(org.owner)
    response = client.post(NEW, form_data(visibility="all"))
    assert response.status_code == 400
    assert "visibility" in response.context["form"].errors
    response = client.post(NEW, form_data(visibility="some"))
    assert response.status_code == 400
    assert "Choose at least one role or public group" in response.content.decode()
    assert not ListView.objects.filter(name="Hot leads").exists()


def test_filters_on_custom_fields_with_or(client, org):
    CustomField.objects.create(object_name="lead", name="region", label="Region", field_type="text")
    f.lead(org.owner, last_name="Northerner", custom={"region": "North"})
    f.lead(org.owner, last_name="Southerner", custom={"region": "South"})
    f.lead(org.owner, last_name="Worker", status="Working")
    client.force_login(org.owner)
    client.post(
        NEW,
        form_data(
            filter_logic="or",
            filter_0_field="custom.region",
            filter_0_op="equals",
            filter_0_value="North",
            filter_1_field="status",
            filter_1_op="equals",
            filter_1_value="Working",
        ),
    )
    view = ListView.objects.get(name="Hot leads")
    page = client.get(LIST + f"?view={view.pk}").content.decode()
    assert "Northerner" in page and "Worker" in page and "Southerner" not in page


def test_relative_date_on_created(client, org):
    recent = f.lead(org.owner, last_name="Recent")
    old = f.lead(org.owner, last_name="Ancient")
    Lead.objects.unrestricted().filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=45)
    )
    client.force_login(org.owner)
    client.post(
        NEW,
        form_data(
            filter_0_field="created_at", filter_0_op="equals", filter_0_value="LAST_N_DAYS:30"
        ),
    )
    view = ListView.objects.get(name="Hot leads")
    assert view.filters == [{"field": "created_at", "op": "equals", "value": "LAST_N_DAYS:30"}]
    page = client.get(LIST + f"?view={view.pk}").content.decode()
    assert recent.last_name in page and "Ancient" not in page


def test_relative_dates_follow_the_fiscal_year(client, org):
    """With a February fiscal year, THIS_FISCAL_QUARTER is not the calendar quarter."""
    Company.objects.update(fiscal_year_start_month=2)
    today = timezone.localdate()
    start = dates.fiscal_quarter_start(today, 2)
    end = dates.add_months(start, 3)
    account = f.account(org.owner)
    inside = f.opportunity(org.owner, account, name="Inside FQ", close_date=start)
    f.opportunity(
        org.owner, account, name="Day before", close_date=start - datetime.timedelta(days=1)
    )
    f.opportunity(org.owner, account, name="Next FQ", close_date=end)
    view = ListView.objects.create(
        object_name="opportunity",
        name="This fiscal quarter",
        owner=org.owner,
        filters=[{"field": "close_date", "op": "equals", "value": "THIS_FISCAL_QUARTER"}],
        columns=["name", "close_date"],
    )
    client.force_login(org.owner)
    page = client.get(reverse("record_list", args=["opportunities"]) + f"?view={view.pk}")
    names = [row.name for row, _cells in page.context["table"]]
    assert names == [inside.name]
    last_fy = dates.relative_range("LAST_FISCAL_YEAR", today, 2)
    assert last_fy[0].month == 2 and last_fy[1] == dates.fiscal_year_start(today, 2)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("created_at", "LAST_N_DAYS:abc", "is not a relative date"),
        ("created_at", "31/02/2026", "is not a valid datetime"),
        ("annual_revenue", "lots", "is not a valid currency"),
        ("created_at", "THIS_FORTNIGHT", "is not a relative date"),
    ],
)
def test_a_wrong_filter_value_is_named_at_its_row(client, org, field, value, message):
    client.force_login(org.owner)
    response = client.post(
        NEW,
        form_data(
            filter_0_field="status",
            filter_0_op="equals",
            filter_0_value="Working",
            filter_1_field=field,
            filter_1_op="equals",
            filter_1_value=value,
        ),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["filter_1_value"]
    assert message in errors["filter_1_value"][0] and value in errors["filter_1_value"][0]
    assert 'id="id_filter_1_value-errors"' in response.content.decode()
    assert not ListView.objects.filter(name="Hot leads").exists()


def test_the_editor_offers_relative_dates(client, org):
    client.force_login(org.owner)
    page = client.get(NEW).content.decode()
    assert '<datalist id="relative-dates">' in page
    for token in ("THIS_FISCAL_QUARTER", "LAST_N_DAYS:30", "NEXT_MONTH", "YESTERDAY"):
        assert f'<option value="{token}">' in page
    assert '"created_at": "datetime"' in page
