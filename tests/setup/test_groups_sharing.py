"""Public groups, queues, organisation-wide defaults and sharing rules."""

from django.urls import reverse

from tandem.access.door import can
from tandem.access.models import Group, GroupMember, OrgDefault, SharingRule
from tandem.core import registry
from tests import factories as f


def test_create_a_public_group_with_every_kind_of_member(admin_web, org):
    other = Group.objects.create(name="Partners desk")
    response = admin_web.post(
        reverse("setup:group_add"),
        {
            "name": "Sales team",
            "users": [org.owner.pk, org.teammate.pk],
            "roles": [org.vp_role.pk],
            "roles_and_subordinates": [org.support_role.pk],
            "groups": [other.pk],
        },
    )
    assert response.status_code == 302
    group = Group.objects.get(name="Sales team", kind=Group.KIND_GROUP)
    members = {(m.kind, m.user_id or m.role_id or m.member_group_id) for m in group.members.all()}
    assert members == {
        ("user", org.owner.pk),
        ("user", org.teammate.pk),
        ("role", org.vp_role.pk),
        ("role_and_subordinates", org.support_role.pk),
        ("group", other.pk),
    }


def test_edit_members_replaces_them(admin_web, org):
    group = Group.objects.create(name="Team")
    GroupMember.objects.create(group=group, kind="user", user=org.owner)
    response = admin_web.post(
        reverse("setup:group_edit", args=[group.pk]), {"name": "Team", "users": [org.ceo.pk]}
    )
    assert response.status_code == 302
    assert list(group.members.values_list("user_id", flat=True)) == [org.ceo.pk]


def test_a_group_cannot_contain_itself_even_through_another(admin_web, org):
    a = Group.objects.create(name="A")
    b = Group.objects.create(name="B")
    GroupMember.objects.create(group=b, kind="group", member_group=a)  # A is inside B
    # Direct: A is not even offered as a member of itself.
    response = admin_web.post(
        reverse("setup:group_edit", args=[a.pk]), {"name": "A", "groups": [a.pk]}
    )
    assert response.status_code == 400
    assert "groups" in response.context["form"].errors
    # Through B: putting B inside A would make a loop.
    response = admin_web.post(
        reverse("setup:group_edit", args=[a.pk]),
        {"name": "A", "groups": [b.pk], "users": [org.owner.pk]},
    )
    assert response.status_code == 400
    assert "B" in response.context["form"].errors["groups"][0]
    assert not a.members.exists()


def test_duplicate_group_name_refused(admin_web):
    Group.objects.create(name="Team")
    response = admin_web.post(reverse("setup:group_add"), {"name": "team"})
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    assert Group.objects.count() == 1


def test_create_a_queue_with_objects_and_email(admin_web, org):
    response = admin_web.post(
        reverse("setup:queue_add"),
        {
            "name": "Web leads",
            "email": "leads@example.com",
            "queue_objects": ["lead"],
            "users": [org.owner.pk],
        },
    )
    assert response.status_code == 302
    queue = Group.objects.get(name="Web leads")
    assert queue.kind == Group.KIND_QUEUE
    assert queue.queue_objects == ["lead"]
    assert queue.email == "leads@example.com"
    assert queue.members.get().user == org.owner


def test_queue_needs_an_object_and_a_valid_email(admin_web):
    response = admin_web.post(
        reverse("setup:queue_add"), {"name": "Q", "email": "nope", "queue_objects": ["spaceship"]}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "email" in errors and "queue_objects" in errors
    assert not Group.objects.exists()


def test_group_used_by_a_sharing_rule_cannot_be_deleted(admin_web, org):
    group = Group.objects.create(name="Team")
    SharingRule.objects.create(
        object_name="lead",
        name="Reps to team",
        source_kind="role",
        source_id=org.rep_role.pk,
        target_kind="group",
        target_id=group.pk,
        access_level="read",
    )
    response = admin_web.post(reverse("setup:group_delete", args=[group.pk]))
    assert response.status_code == 409
    assert "Reps to team" in response.content.decode()
    assert Group.objects.filter(pk=group.pk).exists()
    spare = Group.objects.create(name="Spare")
    assert admin_web.post(reverse("setup:group_delete", args=[spare.pk])).status_code == 302


def owd_data(**overrides):
    data = {}
    for row in OrgDefault.objects.all():
        data[f"internal__{row.object_name}"] = row.internal_access
        data[f"external__{row.object_name}"] = row.external_access
    data.update(overrides)
    return data


def test_org_wide_defaults_saved(admin_web):
    response = admin_web.post(
        reverse("setup:sharing"), owd_data(internal__lead="read_write", external__lead="read")
    )
    assert response.status_code == 302
    row = OrgDefault.objects.get(object_name="lead")
    assert (row.internal_access, row.external_access) == ("read_write", "read")


def test_external_default_wider_than_internal_is_refused_naming_the_object(admin_web):
    before = list(
        OrgDefault.objects.values_list("object_name", "internal_access", "external_access")
    )
    response = admin_web.post(
        reverse("setup:sharing"),
        owd_data(
            internal__lead="read",
            external__lead="read",
            internal__opportunity="private",
            external__opportunity="read_write",
        ),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "Opportunity" in errors["external__opportunity"][0]
    assert "cannot be wider" in errors["external__opportunity"][0]
    # Nothing saved, not even the valid lead change.
    assert (
        list(OrgDefault.objects.values_list("object_name", "internal_access", "external_access"))
        == before
    )


def test_owd_choices_come_from_the_object(admin_web):
    response = admin_web.post(reverse("setup:sharing"), owd_data(internal__lead="parent"))
    assert response.status_code == 400
    assert "internal__lead" in response.context["form"].errors
    html = admin_web.get(reverse("setup:sharing")).content.decode()
    assert "Controlled by Parent" in html  # offered for contacts


def test_owner_based_rule_created_and_effective(admin_web, org):
    lead = f.lead(org.owner)
    assert not can(org.outsider, "read", lead)
    response = admin_web.post(
        reverse("setup:sharing_rule_add", args=["lead"]),
        {
            "name": "Reps to support",
            "kind": "owner",
            "source": f"role_and_subordinates:{org.rep_role.pk}",
            "criteria_logic": "and",
            "target": f"role:{org.support_role.pk}",
            "access_level": "read",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    rule = SharingRule.objects.get(name="Reps to support")
    assert (rule.source_kind, rule.source_id) == ("role_and_subordinates", org.rep_role.pk)
    assert (rule.target_kind, rule.target_id, rule.access_level) == (
        "role",
        org.support_role.pk,
        "read",
    )
    outsider = type(org.outsider).objects.get(pk=org.outsider.pk)
    assert can(outsider, "read", lead)
    assert not can(outsider, "edit", lead)


def criteria_data(**overrides):
    data = {
        "name": "Hot leads",
        "kind": "criteria",
        "source": "",
        "criteria_logic": "or",
        "target": "",
        "access_level": "read_write",
        "is_active": "on",
        "c0_field": "rating",
        "c0_op": "equals",
        "c0_value": "Hot",
        "c1_field": "annual_revenue",
        "c1_op": "greater_than",
        "c1_value": "1000000",
        "c2_field": "",
        "c2_op": "equals",
        "c2_value": "",
    }
    data.update(overrides)
    return data


def test_criteria_based_rule_created(admin_web, org):
    group = Group.objects.create(name="Everyone")
    response = admin_web.post(
        reverse("setup:sharing_rule_add", args=["lead"]), criteria_data(target=f"group:{group.pk}")
    )
    assert response.status_code == 302
    rule = SharingRule.objects.get(name="Hot leads")
    assert rule.kind == "criteria"
    assert rule.criteria_logic == "or"
    assert rule.criteria == [
        {"field": "rating", "op": "equals", "value": "Hot"},
        {"field": "annual_revenue", "op": "greater_than", "value": "1000000"},
    ]
    assert (rule.target_kind, rule.target_id) == ("group", group.pk)
    listing = admin_web.get(reverse("setup:sharing_rules", args=["lead"])).content.decode()
    assert "Rating equals Hot OR Annual revenue greater than 1000000" in listing
    # The edit page shows the rows back.
    html = admin_web.get(
        reverse("setup:sharing_rule_edit", args=["lead", rule.pk])
    ).content.decode()
    assert 'value="1000000"' in html


def test_criteria_bad_value_names_the_field(admin_web, org):
    response = admin_web.post(
        reverse("setup:sharing_rule_add", args=["lead"]),
        criteria_data(target=f"role:{org.ceo_role.pk}", c1_value="lots"),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "Annual revenue" in errors["c1_value"][0]
    assert not SharingRule.objects.exists()


def test_rule_without_target_or_source_refused(admin_web, org):
    response = admin_web.post(
        reverse("setup:sharing_rule_add", args=["lead"]),
        {
            "name": "x",
            "kind": "owner",
            "source": "",
            "criteria_logic": "and",
            "target": "",
            "access_level": "read",
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "source" in errors and "target" in errors
    response = admin_web.post(
        reverse("setup:sharing_rule_add", args=["lead"]),
        criteria_data(
            target=f"role:{org.ceo_role.pk}", c0_field="", c0_value="", c1_field="", c1_value=""
        ),
    )
    assert response.status_code == 400
    assert "c0_field" in response.context["form"].errors
    assert not SharingRule.objects.exists()


def test_edit_and_delete_a_rule(admin_web, org):
    rule = SharingRule.objects.create(
        object_name="account",
        name="Old",
        source_kind="role",
        source_id=org.rep_role.pk,
        target_kind="role",
        target_id=org.support_role.pk,
        access_level="read",
    )
    response = admin_web.post(
        reverse("setup:sharing_rule_edit", args=["account", rule.pk]),
        {
            "name": "New",
            "kind": "owner",
            "source": f"role:{org.rep_role.pk}",
            "criteria_logic": "and",
            "target": f"role_and_subordinates:{org.ceo_role.pk}",
            "access_level": "read_write",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.name, rule.target_kind, rule.access_level, rule.is_active) == (
        "New",
        "role_and_subordinates",
        "read_write",
        False,
    )
    assert (
        admin_web.post(reverse("setup:sharing_rule_delete", args=["account", rule.pk])).status_code
        == 302
    )
    assert not SharingRule.objects.exists()


def test_rule_of_another_object_is_404(admin_web, org):
    rule = SharingRule.objects.create(
        object_name="account",
        name="R",
        source_kind="role",
        source_id=org.rep_role.pk,
        target_kind="role",
        target_id=org.support_role.pk,
        access_level="read",
    )
    assert (
        admin_web.get(reverse("setup:sharing_rule_edit", args=["lead", rule.pk])).status_code == 404
    )
    assert len(registry.all_objects()) > 1
