"""Setup pages: administrators only, bad input named at the field, rules and groups editable."""

import pytest
from django.urls import reverse

from tandem.assignment.models import AssignmentRule, AssignmentRuleEntry, RoundRobinGroup
from tests.assignment.conftest import make_group, make_rule


@pytest.fixture
def admin_client(client, team):
    client.force_login(team.admin)
    return client


def setup_urls(team):
    group = make_group("G", [(team.reps[0], 1)])
    rule = make_rule([{"criteria": [], "user": team.reps[0]}])
    entry = rule.entries.get()
    return [
        ("get", reverse("assignment:setup")),
        ("get", reverse("assignment:group_add")),
        ("get", reverse("assignment:group_edit", args=[group.pk])),
        ("get", reverse("assignment:group_delete", args=[group.pk])),
        ("get", reverse("assignment:rule_add")),
        ("get", reverse("assignment:rule", args=[rule.pk])),
        ("get", reverse("assignment:rule_edit", args=[rule.pk])),
        ("get", reverse("assignment:rule_delete", args=[rule.pk])),
        ("post", reverse("assignment:rule_activate", args=[rule.pk])),
        ("get", reverse("assignment:entry_add", args=[rule.pk])),
        ("get", reverse("assignment:entry_edit", args=[rule.pk, entry.pk])),
        ("post", reverse("assignment:entry_delete", args=[rule.pk, entry.pk])),
        ("post", reverse("assignment:entry_move", args=[rule.pk, entry.pk])),
    ]


def test_setup_pages_are_404_for_everyone_but_administrators(client, team):
    urls = setup_urls(team)
    for person in (team.org.owner, team.org.ceo, team.org.manager):
        client.force_login(person)
        for method, url in urls:
            assert getattr(client, method)(url).status_code == 404, url
    client.force_login(team.admin)
    for method, url in urls:
        if method == "get":
            assert client.get(url).status_code == 200, url
    assert AssignmentRuleEntry.objects.count() == 1, "nothing was deleted by the refused posts"


def test_overview_lists_rules_groups_and_the_default_owner(admin_client, team):
    make_group("EMEA reps", [(team.reps[0], 2), (team.queue, 1)])
    make_rule([{"criteria": [], "user": team.reps[0]}], name="Lead routing")
    page = admin_client.get(reverse("assignment:setup")).content.decode()
    assert "EMEA reps" in page and "Lead routing" in page and "Inbound Leads" in page
    assert team.default_owner.full_name in page


def test_create_round_robin_group_with_members_and_weights(admin_client, team):
    a, b, _c = team.reps
    response = admin_client.post(
        reverse("assignment:group_add"),
        {
            "name": "Inside sales",
            "is_active": "on",
            "m0_member": f"user:{a.pk}",
            "m0_weight": "2",
            "m1_member": f"queue:{team.queue.pk}",
            "m1_weight": "1",
            "m2_member": f"user:{b.pk}",
            "m2_weight": "",
        },
    )
    assert response.status_code == 302
    group = RoundRobinGroup.objects.get(name="Inside sales")
    assert [(str(m), m.weight) for m in group.members.all()] == [
        (str(a), 2),
        (str(team.queue), 1),
        (str(b), 1),
    ]


def test_editing_members_restarts_the_cycle(admin_client, team):
    a, b, _c = team.reps
    group = make_group("G", [(a, 1)], position=7)
    admin_client.post(
        reverse("assignment:group_edit", args=[group.pk]),
        {
            "name": "G",
            "is_active": "on",
            "m0_member": f"user:{a.pk}",
            "m0_weight": "1",
            "m1_member": f"user:{b.pk}",
            "m1_weight": "1",
        },
    )
    group.refresh_from_db()
    assert group.position == 0 and group.members.count() == 2


def test_round_robin_bad_input_is_named_at_the_field(admin_client, team):
    a = team.reps[0]
    make_group("Taken", [(a, 1)])
    response = admin_client.post(
        reverse("assignment:group_add"),
        {
            "name": "taken",
            "m0_member": f"user:{a.pk}",
            "m0_weight": "0",
            "m1_member": f"user:{a.pk}",
            "m1_weight": "1",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "already exists" in form.errors["name"][0]
    assert "greater than or equal to 1" in form.errors["m0_weight"][0]
    assert "Member 2 is already in the group" in form.errors["m1_member"][0]
    empty = admin_client.post(reverse("assignment:group_add"), {"name": "Empty"})
    assert "Add at least one user or queue" in empty.context["form"].errors["m0_member"][0]
    assert RoundRobinGroup.objects.count() == 1


def test_group_used_by_a_rule_cannot_be_deleted(admin_client, team):
    group = make_group("Used", [(team.reps[0], 1)])
    make_rule([{"criteria": [], "round_robin": group}], name="Routing")
    response = admin_client.post(reverse("assignment:group_delete", args=[group.pk]))
    assert response.status_code == 409 and "Routing" in response.content.decode()
    assert RoundRobinGroup.objects.filter(pk=group.pk).exists()


def test_create_rule_then_activate_keeps_one_active_rule(admin_client, team):
    old = make_rule([], name="Old rule", active=True)
    response = admin_client.post(
        reverse("assignment:rule_add"), {"name": "New rule", "object_name": "lead"}
    )
    rule = AssignmentRule.objects.get(name="New rule")
    assert response.url == reverse("assignment:rule", args=[rule.pk]) and not rule.is_active
    admin_client.post(reverse("assignment:rule_activate", args=[rule.pk]), {"active": "1"})
    old.refresh_from_db()
    rule.refresh_from_db()
    assert rule.is_active and not old.is_active
    dup = admin_client.post(
        reverse("assignment:rule_add"), {"name": "new RULE", "object_name": "lead"}
    )
    assert dup.status_code == 400 and "has this name" in dup.context["form"].errors["name"][0]


def test_add_entry_with_criteria_and_round_robin_target(admin_client, team):
    rule = make_rule([])
    group = make_group("G", [(team.reps[0], 1)])
    response = admin_client.post(
        reverse("assignment:entry_add", args=[rule.pk]),
        {
            "sort_order": "10",
            "criteria_logic": "or",
            "c0_field": "country",
            "c0_op": "equals",
            "c0_value": "Italy",
            "c1_field": "annual_revenue",
            "c1_op": "greater_than",
            "c1_value": "1000000",
            "target_kind": "round_robin",
            "round_robin": group.pk,
            "email_template": "",
        },
    )
    assert response.status_code == 302
    entry = rule.entries.get()
    assert entry.criteria_logic == "or" and entry.round_robin == group and entry.user is None
    assert entry.criteria == [
        {"field": "country", "op": "equals", "value": "Italy"},
        {"field": "annual_revenue", "op": "greater_than", "value": "1000000"},
    ]
    detail = admin_client.get(reverse("assignment:rule", args=[rule.pk])).content.decode()
    assert "Country equals Italy OR Annual revenue greater than 1000000" in detail


def test_entry_bad_input_is_named_at_the_field(admin_client, team):
    rule = make_rule([])
    response = admin_client.post(
        reverse("assignment:entry_add", args=[rule.pk]),
        {
            "sort_order": "10",
            "criteria_logic": "and",
            "c0_field": "number_of_employees",
            "c0_op": "equals",
            "c0_value": "lots",
            "c1_field": "company",
            "c1_op": "greater_than",
            "c1_value": "A",
            "c2_field": "",
            "c2_op": "equals",
            "c2_value": "orphan",
            "target_kind": "user",
            "user": "",
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert (
        "No. of employees" in errors["c0_value"][0]
        and "not a valid number" in errors["c0_value"][0]
    )
    assert "needs a number or a date field" in errors["c1_value"][0]
    assert "choose a field" in errors["c2_field"][0]
    assert "Choose the user" in errors["user"][0]
    missing = admin_client.post(
        reverse("assignment:entry_add", args=[rule.pk]), {"sort_order": "1"}
    )
    assert (
        "Choose who gets the matching records" in missing.context["form"].errors["target_kind"][0]
    )
    assert not rule.entries.exists()


def test_do_not_reassign_entry_needs_no_target(admin_client, team):
    rule = make_rule([])
    response = admin_client.post(
        reverse("assignment:entry_add", args=[rule.pk]),
        {
            "sort_order": "5",
            "criteria_logic": "and",
            "c0_field": "rating",
            "c0_op": "equals",
            "c0_value": "Hot",
            "do_not_reassign": "on",
        },
    )
    assert response.status_code == 302
    assert rule.entries.get().do_not_reassign


def test_reorder_edit_and_delete_entries(admin_client, team):
    a, b, c = team.reps
    rule = make_rule(
        [{"criteria": [], "user": a}, {"criteria": [], "user": b}, {"criteria": [], "user": c}]
    )
    third = rule.entries.get(user=c)
    admin_client.post(
        reverse("assignment:entry_move", args=[rule.pk, third.pk]), {"direction": "up"}
    )
    admin_client.post(
        reverse("assignment:entry_move", args=[rule.pk, third.pk]), {"direction": "up"}
    )
    order = [e.user for e in rule.entries.order_by("sort_order")]
    assert order == [c, a, b]
    assert [e.sort_order for e in rule.entries.order_by("sort_order")] == [10, 20, 30]
    first = rule.entries.get(user=a)
    admin_client.post(
        reverse("assignment:entry_edit", args=[rule.pk, first.pk]),
        {
            "sort_order": "20",
            "criteria_logic": "and",
            "target_kind": "queue",
            "queue": team.queue.pk,
        },
    )
    first.refresh_from_db()
    assert first.queue == team.queue and first.user is None
    admin_client.post(reverse("assignment:entry_delete", args=[rule.pk, first.pk]))
    assert rule.entries.count() == 2


def test_entry_template_is_chosen_by_name(admin_client, team):
    from tandem.messaging.models import NotificationTemplate

    NotificationTemplate.objects.create(
        key="hot_lead", name="Hot lead alert", subject="s", body="b"
    )
    rule = make_rule([])
    form = admin_client.get(reverse("assignment:entry_add", args=[rule.pk])).context["form"]
    assert ("hot_lead", "Hot lead alert") in form.fields["email_template"].choices
    admin_client.post(
        reverse("assignment:entry_add", args=[rule.pk]),
        {
            "sort_order": "1",
            "criteria_logic": "and",
            "target_kind": "user",
            "user": team.reps[0].pk,
            "email_template": "hot_lead",
        },
    )
    assert rule.entries.get().email_template == "hot_lead"
    assert (
        "Hot lead alert"
        in admin_client.get(reverse("assignment:rule", args=[rule.pk])).content.decode()
    )
    bad = admin_client.post(
        reverse("assignment:entry_add", args=[rule.pk]),
        {
            "sort_order": "2",
            "criteria_logic": "and",
            "target_kind": "user",
            "user": team.reps[0].pk,
            "email_template": "no_such_template",
        },
    )
    assert bad.status_code == 400 and "email_template" in bad.context["form"].errors


def test_deleting_the_active_rule_says_what_happens(admin_client, team):
    rule = make_rule([{"criteria": [], "user": team.reps[0]}])
    page = admin_client.get(reverse("assignment:rule_delete", args=[rule.pk])).content.decode()
    assert "Its 1 entry is deleted with it." in page and "until another one is activated" in page
    admin_client.post(reverse("assignment:rule_delete", args=[rule.pk]))
    assert not AssignmentRule.objects.exists() and not AssignmentRuleEntry.objects.exists()
