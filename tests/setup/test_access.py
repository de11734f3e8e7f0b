"""Every Setup page opens for an administrator and answers 404 to everybody else."""

import pytest
from django.urls import reverse

from tandem.access.models import Group, Profile, SharingRule
from tandem.core.models import CustomField, PageLayout, PicklistValue
from tests import factories as f


@pytest.fixture
def things(db):
    """One of each thing a Setup page can show."""
    role = f.role("Boss")
    group = Group.objects.create(name="Everyone")
    queue = Group.objects.create(name="Web leads", kind=Group.KIND_QUEUE, queue_objects=["lead"])
    rule = SharingRule.objects.create(
        object_name="lead",
        name="Boss to all",
        source_kind="role",
        source_id=role.pk,
        target_kind="group",
        target_id=group.pk,
        access_level="read",
    )
    field = CustomField.objects.create(
        object_name="lead", name="region", label="Region", field_type="text"
    )
    layout = PageLayout.objects.create(
        object_name="lead", name="Lead Layout", sections=[], is_default=True
    )
    other = f.user("other@example.com", role=role)
    value = PicklistValue.objects.get(object_name="lead", field_name="rating", value="Hot")
    return {
        "role": role,
        "group": group,
        "queue": queue,
        "rule": rule,
        "field": field,
        "layout": layout,
        "user": other,
        "value": value,
        "profile": Profile.objects.get(name="Read Only"),
    }


def customize_urls(t):
    return [
        reverse("setup:home"),
        reverse("setup:profiles"),
        reverse("setup:profile", args=[t["profile"].pk]),
        reverse("setup:profile_clone", args=[t["profile"].pk]),
        reverse("setup:profile_delete", args=[t["profile"].pk]),
        reverse("setup:roles"),
        reverse("setup:role_add"),
        reverse("setup:role_edit", args=[t["role"].pk]),
        reverse("setup:role_delete", args=[t["role"].pk]),
        reverse("setup:groups"),
        reverse("setup:group_add"),
        reverse("setup:queues"),
        reverse("setup:queue_add"),
        reverse("setup:group_edit", args=[t["group"].pk]),
        reverse("setup:group_edit", args=[t["queue"].pk]),
        reverse("setup:group_delete", args=[t["group"].pk]),
        reverse("setup:sharing"),
        reverse("setup:sharing_rules", args=["lead"]),
        reverse("setup:sharing_rule_add", args=["lead"]),
        reverse("setup:sharing_rule_edit", args=["lead", t["rule"].pk]),
        reverse("setup:sharing_rule_delete", args=["lead", t["rule"].pk]),
        reverse("setup:objects"),
        reverse("setup:fields", args=["lead"]),
        reverse("setup:field_add", args=["lead"]),
        reverse("setup:field_edit", args=["lead", t["field"].pk]),
        reverse("setup:field_delete", args=["lead", t["field"].pk]),
        reverse("setup:picklists", args=["lead"]),
        reverse("setup:picklist", args=["lead", "rating"]),
        reverse("setup:picklist", args=["opportunity", "stage"]),
        reverse("setup:picklist_value_edit", args=["lead", "rating", t["value"].pk]),
        reverse("setup:layouts", args=["lead"]),
        reverse("setup:layout_add", args=["lead"]),
        reverse("setup:layout_edit", args=["lead", t["layout"].pk]),
        reverse("setup:layout_delete", args=["lead", t["layout"].pk]),
        reverse("setup:company"),
    ]


def user_urls(t):
    return [
        reverse("setup:users"),
        reverse("setup:user_add"),
        reverse("setup:user", args=[t["user"].pk]),
        reverse("setup:user_edit", args=[t["user"].pk]),
    ]


def test_every_page_opens_for_an_administrator(admin_web, things):
    for url in customize_urls(things) + user_urls(things):
        response = admin_web.get(url)
        assert response.status_code == 200, url
        assert (
            b"<form" in response.content
            or b"<table" in response.content
            or b"list-group" in response.content
        ), url


def test_every_page_is_404_for_a_standard_user(standard_web, things):
    for url in customize_urls(things) + user_urls(things):
        assert standard_web.get(url).status_code == 404, url
    assert (
        standard_web.post(reverse("setup:user_invite", args=[things["user"].pk])).status_code == 404
    )
    assert standard_web.post(reverse("setup:sharing"), {}).status_code == 404


def test_user_managers_reach_users_pages_only(user_manager_web, things):
    for url in user_urls(things) + [reverse("setup:home")]:
        assert user_manager_web.get(url).status_code == 200, url
    for url in customize_urls(things)[1:]:
        assert user_manager_web.get(url).status_code == 404, url


def test_home_links_to_every_page(admin_web, things):
    html = admin_web.get(reverse("setup:home")).content.decode()
    for name in (
        "users",
        "user_add",
        "profiles",
        "roles",
        "groups",
        "queues",
        "sharing",
        "objects",
        "company",
    ):
        assert reverse(f"setup:{name}") in html, name
    for obj in ("lead", "account", "opportunity"):
        for name in ("fields", "picklists", "layouts", "sharing_rules"):
            assert reverse(f"setup:{name}", args=[obj]) in html


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(reverse("setup:home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_unknown_object_is_404(admin_web):
    assert admin_web.get(reverse("setup:fields", args=["spaceship"])).status_code == 404
    assert admin_web.get(reverse("setup:picklist", args=["lead", "last_name"])).status_code == 404


def test_pages_fit_a_phone(admin_web, things):
    """Every page uses the responsive viewport and Bootstrap's grid or scrolling tables."""
    for url in (
        reverse("setup:users"),
        reverse("setup:sharing"),
        reverse("setup:profile", args=[things["profile"].pk]),
    ):
        html = admin_web.get(url).content.decode()
        assert 'name="viewport"' in html
        assert "table-responsive" in html or "col-12" in html
