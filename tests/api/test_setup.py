"""Setup through the API: administrators manage the org's configuration; nobody else may."""

import pytest

from tandem.access.door import can
from tandem.access.models import Group, OrgDefault, Profile, Role, RoleClosure, SharingRule, User
from tandem.api.setup_views import SETUP_ENDPOINTS
from tandem.core.models import Company, CustomField, PageLayout, PicklistValue
from tandem.sales.models import Lead
from tests import factories as f
from tests.api.conftest import API, client_for

SETUP = f"{API}setup/"
SETUP_LIST_URLS = [f"{SETUP}{segment}/" for segment, _view, _name in SETUP_ENDPOINTS] + [
    f"{SETUP}company/"
]


@pytest.mark.parametrize("url", SETUP_LIST_URLS)
def test_non_admin_gets_403_everywhere_in_setup(url, org, api):
    assert api.owner.get(url).status_code == 403
    response = api.owner.post(url, {"name": "Sneaky"}, format="json")
    assert response.status_code in (403, 405)
    assert "detail" in response.json()


@pytest.mark.parametrize("url", SETUP_LIST_URLS)
def test_admin_can_list_every_setup_entity(url, org, api):
    response = api.admin.get(url)
    assert response.status_code == 200
    if not url.endswith("company/"):
        assert set(response.json()) == {"next", "previous", "results"}


def test_manage_users_alone_opens_users_but_not_customisation(org):
    profile = Profile.objects.create(
        name="User Admin", system_permissions={"manage_users": True, "api_enabled": True}
    )
    client = client_for(f.user(profile_name=profile.name))
    assert client.get(f"{SETUP}users/").status_code == 200
    assert client.get(f"{SETUP}roles/").status_code == 403


def test_user_crud(org, api):
    profile = Profile.objects.get(name="Standard User")
    response = api.admin.post(
        f"{SETUP}users/",
        {
            "email": "New.Rep@Example.com",
            "last_name": "Rep",
            "profile": profile.pk,
            "role": org.rep_role.pk,
            "password": "a-long-enough-passphrase-7",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["email"] == "new.rep@example.com"
    assert "password" not in body
    user = User.objects.get(pk=body["id"])
    assert user.check_password("a-long-enough-passphrase-7")

    response = api.admin.post(
        f"{SETUP}users/",
        {"email": "new.rep@example.com", "last_name": "Twin", "profile": profile.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "email" in response.json()["errors"]

    response = api.admin.patch(f"{SETUP}users/{user.pk}/", {"title": "Closer"}, format="json")
    assert response.json()["title"] == "Closer"
    rows = api.admin.get(f"{SETUP}users/", {"role": org.rep_role.pk, "ordering": "email"}).json()[
        "results"
    ]
    assert [r["email"] for r in rows] == [
        "new.rep@example.com",
        "owner@example.com",
        "teammate@example.com",
    ]

    # DELETE deactivates: the user's records keep their owner, and the API shuts them out.
    token_client = client_for(user)
    assert token_client.get(f"{API}leads/").status_code == 200
    assert api.admin.delete(f"{SETUP}users/{user.pk}/").status_code == 204
    user.refresh_from_db()
    assert user.is_active is False
    assert token_client.get(f"{API}leads/").status_code == 401


def test_admin_cannot_deactivate_themselves(org, api):
    response = api.admin.patch(f"{SETUP}users/{org.admin.pk}/", {"is_active": False}, format="json")
    assert response.status_code == 400
    assert "is_active" in response.json()["errors"]


def test_roles_keep_the_closure_current_and_refuse_cycles(org, api):
    lead = f.lead(org.outsider)
    assert not can(org.manager, "read", lead)
    # Move Support under VP Sales: the VP now sees the outsider's records, on the next request.
    response = api.admin.patch(
        f"{SETUP}roles/{org.support_role.pk}/", {"parent": org.vp_role.pk}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert RoleClosure.objects.filter(ancestor=org.vp_role, descendant=org.support_role).exists()
    assert api.manager.get(f"{API}leads/{lead.pk}/").status_code == 200

    response = api.admin.patch(
        f"{SETUP}roles/{org.ceo_role.pk}/", {"parent": org.rep_role.pk}, format="json"
    )
    assert response.status_code == 400
    assert "parent" in response.json()["errors"]
    assert Role.objects.get(pk=org.ceo_role.pk).parent_id is None

    response = api.admin.post(
        f"{SETUP}roles/", {"name": "Intern", "parent": org.rep_role.pk}, format="json"
    )
    assert response.status_code == 201
    intern = response.json()["id"]
    assert RoleClosure.objects.filter(ancestor=org.ceo_role, descendant_id=intern).exists()

    response = api.admin.delete(f"{SETUP}roles/{org.vp_role.pk}/")
    assert response.status_code == 400  # it has roles below it
    assert Role.objects.filter(pk=org.vp_role.pk).exists()
    assert api.admin.delete(f"{SETUP}roles/{intern}/").status_code == 204
    assert not RoleClosure.objects.filter(descendant_id=intern).exists()


def test_profile_crud_and_validation(org, api):
    response = api.admin.post(
        f"{SETUP}profiles/",
        {"name": "Auditor", "object_permissions": {"lead": {"read": True, "fly": True}}},
        format="json",
    )
    assert response.status_code == 400
    assert "object_permissions" in response.json()["errors"]
    response = api.admin.post(
        f"{SETUP}profiles/",
        {
            "name": "Auditor",
            "object_permissions": {"lead": {"read": True, "view_all": True}},
            "system_permissions": {"api_enabled": True},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    auditor = f.user(profile_name="Auditor")
    hidden = f.lead(org.owner)
    assert client_for(auditor).get(f"{API}leads/{hidden.pk}/").status_code == 200
    response = api.admin.delete(f"{SETUP}profiles/{pk}/")
    assert response.status_code == 400  # a user has it
    assert "Users" in response.json()["errors"]["non_field_errors"][0]


def test_groups_and_queues_with_members(org, api):
    response = api.admin.post(
        f"{SETUP}groups/",
        {
            "name": "Reps",
            "members": [
                {"kind": "role", "id": org.rep_role.pk},
                {"kind": "user", "id": org.outsider.pk},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    group_id = response.json()["id"]
    assert {(m["kind"], m["id"]) for m in response.json()["members"]} == {
        ("role", org.rep_role.pk),
        ("user", org.outsider.pk),
    }
    response = api.admin.post(
        f"{SETUP}groups/",
        {"name": "Ghosts", "members": [{"kind": "user", "id": 999_999}]},
        format="json",
    )
    assert response.status_code == 400
    assert "members" in response.json()["errors"]

    response = api.admin.post(
        f"{SETUP}queues/", {"name": "Web", "queue_objects": ["account"]}, format="json"
    )
    assert response.status_code == 400
    assert "queue_objects" in response.json()["errors"]
    response = api.admin.post(
        f"{SETUP}queues/",
        {"name": "Web", "queue_objects": ["lead"], "members": [{"kind": "group", "id": group_id}]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    queue_id = response.json()["id"]
    assert Group.objects.get(pk=queue_id).kind == Group.KIND_QUEUE
    # Queues and groups are separate lists.
    assert [g["id"] for g in api.admin.get(f"{SETUP}queues/").json()["results"]] == [queue_id]
    assert api.admin.get(f"{SETUP}groups/{queue_id}/").status_code == 404

    lead = f.lead(None, owner_queue=Group.objects.get(pk=queue_id))
    assert api.outsider.get(f"{API}leads/{lead.pk}/").status_code == 200  # via group in queue
    response = api.admin.patch(f"{SETUP}groups/{group_id}/", {"members": []}, format="json")
    assert response.status_code == 200
    assert api.outsider.get(f"{API}leads/{lead.pk}/").status_code == 404
    assert api.admin.delete(f"{SETUP}queues/{queue_id}/").status_code == 400  # owns a lead


def test_org_defaults(org, api):
    lead = f.lead(org.owner)
    url = f"{SETUP}org-defaults/lead/"
    response = api.admin.patch(url, {"external_access": "read_write"}, format="json")
    assert response.status_code == 400
    assert "external_access" in response.json()["errors"]
    response = api.admin.patch(url, {"internal_access": "parent"}, format="json")
    assert response.status_code == 400
    assert "internal_access" in response.json()["errors"]
    response = api.admin.patch(url, {"internal_access": "read"}, format="json")
    assert response.status_code == 200
    assert OrgDefault.objects.get(object_name="lead").internal_access == "read"
    assert api.outsider.get(f"{API}leads/{lead.pk}/").status_code == 200
    rows = api.admin.get(f"{SETUP}org-defaults/", {"internal_access": "read"}).json()["results"]
    assert [r["object_name"] for r in rows] == ["lead"]
    assert api.admin.delete(url).status_code == 405


def test_sharing_rules(org, api):
    lead = f.lead(org.owner, lead_source="Web")
    response = api.admin.post(
        f"{SETUP}sharing-rules/",
        {
            "object_name": "lead",
            "name": "Bad",
            "kind": "criteria",
            "criteria": [{"field": "annual_revenue", "op": "greater_than", "value": "lots"}],
            "target_kind": "role",
            "target_id": org.support_role.pk,
            "access_level": "read",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "criteria" in response.json()["errors"]
    response = api.admin.post(
        f"{SETUP}sharing-rules/",
        {
            "object_name": "lead",
            "name": "Web leads to support",
            "kind": "criteria",
            "criteria": [{"field": "lead_source", "op": "equals", "value": "Web"}],
            "target_kind": "role",
            "target_id": org.support_role.pk,
            "access_level": "read",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert api.outsider.get(f"{API}leads/{lead.pk}/").status_code == 200
    response = api.admin.post(
        f"{SETUP}sharing-rules/",
        {
            "object_name": "lead",
            "name": "No source",
            "kind": "owner",
            "target_kind": "group",
            "target_id": 999_999,
            "access_level": "read",
        },
        format="json",
    )
    assert response.status_code == 400
    assert {"source_kind", "target_id"} <= set(response.json()["errors"])
    rule = SharingRule.objects.get()
    assert api.admin.delete(f"{SETUP}sharing-rules/{rule.pk}/").status_code == 204
    assert api.outsider.get(f"{API}leads/{lead.pk}/").status_code == 404


def test_custom_fields(org, api):
    url = f"{SETUP}custom-fields/"
    response = api.admin.post(
        url,
        {"object_name": "lead", "name": "company", "label": "Company", "field_type": "text"},
        format="json",
    )
    assert response.status_code == 400
    assert "name" in response.json()["errors"]
    response = api.admin.post(
        url,
        {"object_name": "lead", "name": "Bad Name", "label": "X", "field_type": "text"},
        format="json",
    )
    assert "name" in response.json()["errors"]
    response = api.admin.post(
        url,
        {"object_name": "lead", "name": "rel", "label": "Rel", "field_type": "lookup"},
        format="json",
    )
    assert "lookup_object" in response.json()["errors"]
    response = api.admin.post(
        url,
        {"object_name": "lead", "name": "score", "label": "Score", "field_type": "number"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    dup = api.admin.post(
        url,
        {"object_name": "lead", "name": "score", "label": "Score 2", "field_type": "number"},
        format="json",
    )
    assert "name" in dup.json()["errors"]
    response = api.admin.patch(f"{url}{pk}/", {"field_type": "date"}, format="json")
    assert "field_type" in response.json()["errors"]
    response = api.admin.patch(f"{url}{pk}/", {"label": "Lead score"}, format="json")
    assert response.json()["label"] == "Lead score"
    # The new field appears on records at once.
    lead = api.owner.post(
        f"{API}leads/", {"last_name": "A", "company": "B", "custom": {"score": 7}}, format="json"
    )
    assert lead.json()["custom"] == {"score": 7}
    assert api.admin.delete(f"{url}{pk}/").status_code == 204
    assert not CustomField.objects.exists()


def test_picklist_values_add_lukewarm_to_rating(org, api):
    url = f"{SETUP}picklist-values/"
    response = api.admin.post(
        url, {"object_name": "lead", "field_name": "rating", "value": "Lukewarm"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["label"] == "Lukewarm"
    dup = api.admin.post(
        url, {"object_name": "lead", "field_name": "rating", "value": "Lukewarm"}, format="json"
    )
    assert "value" in dup.json()["errors"]
    bad = api.admin.post(
        url, {"object_name": "lead", "field_name": "company", "value": "X"}, format="json"
    )
    assert "field_name" in bad.json()["errors"]
    response = api.owner.post(
        f"{API}leads/", {"last_name": "A", "company": "B", "rating": "Lukewarm"}, format="json"
    )
    assert response.status_code == 201
    rows = api.admin.get(url, {"object_name": "lead", "field_name": "rating"}).json()["results"]
    assert [r["value"] for r in rows] == ["Hot", "Warm", "Cold", "Lukewarm"]
    # One default per picklist.
    cold = PicklistValue.objects.get(
        object_name="lead", field_name="status", value="Working - Contacted"
    )
    api.admin.patch(f"{url}{cold.pk}/", {"is_default": True}, format="json")
    defaults = PicklistValue.objects.filter(
        object_name="lead", field_name="status", is_default=True
    )
    assert [d.value for d in defaults] == ["Working - Contacted"]
    lukewarm = PicklistValue.objects.get(value="Lukewarm")
    assert api.admin.delete(f"{url}{lukewarm.pk}/").status_code == 204


def test_page_layouts(org, api):
    url = f"{SETUP}page-layouts/"
    response = api.admin.post(
        url,
        {
            "object_name": "lead",
            "name": "Sales",
            "sections": [{"title": "Main", "fields": ["company", "warp_drive"]}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "warp_drive" in response.json()["errors"]["sections"][0]
    profile = Profile.objects.get(name="Standard User")
    response = api.admin.post(
        url,
        {
            "object_name": "lead",
            "name": "Sales",
            "sections": [{"title": "Main", "fields": ["company", "status"]}],
            "required": ["status"],
            "profiles": [profile.pk],
            "is_default": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["profiles"] == [profile.pk]
    assert (
        api.admin.patch(f"{url}{pk}/", {"name": "Sales v2"}, format="json").json()["name"]
        == "Sales v2"
    )
    assert api.admin.delete(f"{url}{pk}/").status_code == 204
    assert not PageLayout.objects.filter(pk=pk).exists()


def test_company_profile(org, api):
    url = f"{SETUP}company/"
    response = api.admin.patch(
        url, {"time_zone": "Mars/Olympus", "currency": "euros"}, format="json"
    )
    assert response.status_code == 400
    assert {"time_zone", "currency"} <= set(response.json()["errors"])
    response = api.admin.patch(
        url,
        {
            "name": "Acme",
            "time_zone": "Europe/Rome",
            "currency": "eur",
            "fiscal_year_start_month": 4,
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    company = Company.current()
    assert (company.name, company.time_zone, company.currency, company.fiscal_year_start_month) == (
        "Acme",
        "Europe/Rome",
        "EUR",
        4,
    )
    assert api.admin.get(url).json()["name"] == "Acme"


def test_setup_list_filters_are_checked(org, api):
    response = api.admin.get(f"{SETUP}users/", {"favourite_colour": "blue"})
    assert response.status_code == 400
    assert "favourite_colour" in response.json()["errors"]
    response = api.admin.get(f"{SETUP}users/", {"is_active": "perhaps"})
    assert "is_active" in response.json()["errors"]
    rows = api.admin.get(f"{SETUP}users/", {"search": "outsider"}).json()["results"]
    assert [r["email"] for r in rows] == ["outsider@example.com"]
    page = api.admin.get(f"{SETUP}users/", {"page_size": 2}).json()
    assert len(page["results"]) == 2 and page["next"]


def test_bad_setup_input_writes_nothing(org, api):
    before = Lead.objects.unrestricted().count(), Role.objects.count()
    response = api.admin.post(f"{SETUP}roles/", {"name": "", "parent": 999_999}, format="json")
    assert response.status_code == 400
    assert {"name", "parent"} <= set(response.json()["errors"])
    assert (Lead.objects.unrestricted().count(), Role.objects.count()) == before


def test_admin_cannot_lock_themselves_out_through_their_profile(org, api):
    profile = org.admin.profile
    response = api.admin.patch(
        f"{SETUP}profiles/{profile.pk}/",
        {"system_permissions": {"api_enabled": True}},
        format="json",
    )
    assert response.status_code == 400
    assert "customize_application" in response.json()["errors"]["system_permissions"][0]
    profile.refresh_from_db()
    assert profile.has_system_permission("customize_application")
