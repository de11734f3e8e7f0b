"""Assignment rules: order, criteria with AND/OR, fallbacks, do-not-reassign, emails, history."""

import pytest
from django.core import mail

from tandem.assignment.actions import apply_assignment_rules
from tandem.assignment.models import RoundRobinGroup
from tandem.core import registry
from tandem.core.actions import create_record
from tandem.core.models import Company, CustomField, FieldHistory
from tandem.messaging.models import Notification, NotificationTemplate
from tandem.sales.models import Lead
from tests import factories as f
from tests.assignment.conftest import make_group, make_rule

LEAD = registry.get("lead")


def new_lead(user, **values):
    values.setdefault("last_name", "Rossi")
    values.setdefault("company", "Acme")
    return create_record(user, LEAD, values)


def owner_of(lead):
    return Lead.objects.unrestricted().select_related("owner", "owner_queue").get(pk=lead.pk)


def test_first_matching_entry_wins_in_order(team):
    a, b, c = team.reps
    make_rule(
        [
            {"criteria": [{"field": "country", "op": "equals", "value": "Italy"}], "user": a},
            {"criteria": [{"field": "industry", "op": "equals", "value": "Banking"}], "user": b},
            {"criteria": [], "user": c},  # catch-all
        ]
    )
    both = new_lead(team.org.owner, country="Italy", industry="Banking")
    banking = new_lead(team.org.owner, country="France", industry="Banking")
    other = new_lead(team.org.owner, country="France", industry="Retail")
    for lead in (both, banking, other):
        apply_assignment_rules(lead, team.org.owner)
    assert owner_of(both).owner == a, "entry 1 matches first even though entry 2 matches too"
    assert owner_of(banking).owner == b
    assert owner_of(other).owner == c


def test_and_needs_every_condition_or_needs_one(team):
    a, b, _c = team.reps
    conditions = [
        {"field": "country", "op": "equals", "value": "Italy"},
        {"field": "number_of_employees", "op": "greater_or_equal", "value": "500"},
    ]
    make_rule([{"criteria": conditions, "criteria_logic": "and", "user": a}], name="AND")
    small = new_lead(team.org.owner, country="Italy", number_of_employees=10)
    big = new_lead(team.org.owner, country="Italy", number_of_employees=900)
    apply_assignment_rules(small, team.org.owner)
    apply_assignment_rules(big, team.org.owner)
    assert owner_of(big).owner == a
    assert owner_of(small).owner == team.default_owner, "AND: one condition is not enough"

    make_rule(
        [{"criteria": conditions, "criteria_logic": "or", "user": b}], name="OR", active=False
    )
    from tandem.assignment.models import AssignmentRule

    AssignmentRule.objects.filter(name="AND").update(is_active=False)
    AssignmentRule.objects.filter(name="OR").update(is_active=True)
    small_fr = new_lead(team.org.owner, country="Italy", number_of_employees=10)
    nothing = new_lead(team.org.owner, country="Spain", number_of_employees=10)
    apply_assignment_rules(small_fr, team.org.owner)
    apply_assignment_rules(nothing, team.org.owner)
    assert owner_of(small_fr).owner == b, "OR: one condition is enough"
    assert owner_of(nothing).owner == team.default_owner


def test_criteria_on_custom_fields_and_picklists(team):
    CustomField.objects.create(object_name="lead", name="region", label="Region", field_type="text")
    a, b, _c = team.reps
    make_rule(
        [
            {"criteria": [{"field": "custom.region", "op": "equals", "value": "EMEA"}], "user": a},
            {
                "criteria": [{"field": "lead_source", "op": "in", "value": "Web, Trade Show"}],
                "user": b,
            },
        ]
    )
    emea = create_record(
        team.org.owner, LEAD, {"last_name": "X", "company": "Y"}, {"region": "EMEA"}
    )
    web = new_lead(team.org.owner, lead_source="Trade Show")
    apply_assignment_rules(emea, team.org.owner)
    apply_assignment_rules(web, team.org.owner)
    assert owner_of(emea).owner == a
    assert owner_of(web).owner == b


def test_no_match_goes_to_the_default_lead_owner_or_stays(team):
    make_rule(
        [
            {
                "criteria": [{"field": "country", "op": "equals", "value": "Italy"}],
                "user": team.reps[0],
            }
        ]
    )
    lead = new_lead(team.org.owner, country="Peru")
    result = apply_assignment_rules(lead, team.org.owner)
    assert owner_of(lead).owner == team.default_owner and result.reason == "default_owner"

    Company.objects.update(default_lead_owner=None)
    kept = new_lead(team.org.owner, country="Peru")
    result = apply_assignment_rules(kept, team.org.owner)
    assert owner_of(kept).owner == team.org.owner and not result.changed


def test_without_an_active_rule_nothing_changes(team):
    make_rule([{"criteria": [], "user": team.reps[0]}], active=False)
    lead = new_lead(team.org.owner)
    assert not apply_assignment_rules(lead, team.org.owner).changed
    assert owner_of(lead).owner == team.org.owner


def test_do_not_reassign_keeps_the_owner_and_stops_there(team):
    make_rule(
        [
            {
                "criteria": [{"field": "rating", "op": "equals", "value": "Hot"}],
                "do_not_reassign": True,
            },
            {"criteria": [], "user": team.reps[1]},
        ]
    )
    hot = new_lead(team.org.owner, rating="Hot")
    result = apply_assignment_rules(hot, team.org.owner)
    assert owner_of(hot).owner == team.org.owner and result.reason == "kept"
    assert not FieldHistory.objects.filter(
        object_name="lead", record_id=hot.pk, field_name="owner"
    ).exists()


def test_queue_target_and_round_robin_target(team):
    a, b, c = team.reps
    group = make_group("Reps", [(a, 1), (b, 1), (c, 1)])
    make_rule(
        [
            {
                "criteria": [{"field": "lead_source", "op": "equals", "value": "Partner Referral"}],
                "queue": team.queue,
            },
            {"criteria": [], "round_robin": group},
        ]
    )
    partner = new_lead(team.org.owner, lead_source="Partner Referral")
    apply_assignment_rules(partner, team.org.owner)
    lead = owner_of(partner)
    assert lead.owner is None and lead.owner_queue == team.queue
    owners = []
    for _ in range(6):
        lead = new_lead(team.org.owner, lead_source="Web")
        apply_assignment_rules(lead, team.org.owner)
        owners.append(owner_of(lead).owner)
    assert owners == [a, b, c, a, b, c]
    assert RoundRobinGroup.objects.get(pk=group.pk).position == 6


def test_empty_round_robin_falls_back_to_the_default_owner(team):
    group = make_group("Nobody", [(team.reps[0], 1)])
    team.reps[0].is_active = False
    team.reps[0].save()
    make_rule([{"criteria": [], "round_robin": group}])
    lead = new_lead(team.org.owner)
    apply_assignment_rules(lead, team.org.owner)
    assert owner_of(lead).owner == team.default_owner


def test_invalid_criteria_skip_the_entry_instead_of_failing(team):
    make_rule(
        [
            {
                "criteria": [{"field": "custom.gone", "op": "equals", "value": "x"}],
                "user": team.reps[0],
            },
            {"criteria": [], "user": team.reps[1]},
        ]
    )
    lead = new_lead(team.org.owner)
    apply_assignment_rules(lead, team.org.owner)
    assert owner_of(lead).owner == team.reps[1]


def test_assignment_writes_history_notifies_and_emails(team, django_capture_on_commit_callbacks):
    make_rule([{"criteria": [], "user": team.reps[0]}])
    lead = new_lead(team.org.owner, last_name="Verdi", company="Opera Srl")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        apply_assignment_rules(lead, team.org.owner)
    row = FieldHistory.objects.get(object_name="lead", record_id=lead.pk, field_name="owner")
    assert row.new_value == team.reps[0].full_name and row.changed_by == team.org.owner
    assert Notification.objects.filter(user=team.reps[0], record_id=lead.pk).count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [team.reps[0].email]
    assert "Verdi" in mail.outbox[0].subject


def test_assignment_email_respects_the_owners_preference(team, django_capture_on_commit_callbacks):
    from tandem.calendar_app.models import EmailPreference

    EmailPreference.objects.create(user=team.reps[0], kind="assignment", enabled=False)
    make_rule([{"criteria": [], "user": team.reps[0]}])
    lead = new_lead(team.org.owner)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        apply_assignment_rules(lead, team.org.owner)
    assert mail.outbox == []
    # The in-app notification still arrives: only the email was turned off.
    assert Notification.objects.filter(user=team.reps[0], record_id=lead.pk).count() == 1


def test_send_email_false_sends_no_email(team, django_capture_on_commit_callbacks):
    make_rule([{"criteria": [], "user": team.reps[0]}])
    lead = new_lead(team.org.owner)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        apply_assignment_rules(lead, team.org.owner, send_email=False)
    assert mail.outbox == []
    assert Notification.objects.filter(user=team.reps[0]).count() == 1


def test_entry_template_is_the_email_sent(team, django_capture_on_commit_callbacks):
    NotificationTemplate.objects.create(
        key="hot_lead",
        name="Hot lead",
        subject="HOT: {{Record.Name}}",
        body="Call {{Record.Company}} today.",
    )
    make_rule([{"criteria": [], "user": team.reps[0], "email_template": "hot_lead"}])
    lead = new_lead(team.org.owner, last_name="Bianchi", company="Fiat")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        apply_assignment_rules(lead, team.org.owner)
    assert [m.subject for m in mail.outbox] == ["HOT: Bianchi"]
    assert "Call Fiat today." in mail.outbox[0].body


def test_system_assigns_when_the_creator_may_not_transfer(team, django_capture_on_commit_callbacks):
    """A user without delete rights on leads creates one: the rule still hands it over."""
    from tandem.access.models import Profile

    profile = Profile.objects.get(name="Standard User")
    limited = Profile.objects.create(
        name="No Delete",
        object_permissions={
            **profile.object_permissions,
            "lead": {"read": True, "create": True, "edit": True},
        },
    )
    creator = f.user("creator@example.com", profile_name="No Delete", role=team.org.rep_role)
    assert limited.pk
    make_rule([{"criteria": [], "user": team.reps[2]}])
    lead = new_lead(creator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        apply_assignment_rules(lead, creator)
    assert owner_of(lead).owner == team.reps[2]
    row = FieldHistory.objects.get(object_name="lead", record_id=lead.pk, field_name="owner")
    assert row.changed_by == creator and row.old_value == creator.full_name
    assert len(mail.outbox) == 1


def test_web_to_lead_without_an_actor(team, django_capture_on_commit_callbacks):
    make_rule([{"criteria": [], "queue": team.queue}])
    lead = f.lead(team.default_owner)
    apply_assignment_rules(lead, None)
    assert owner_of(lead).owner_queue == team.queue
    row = FieldHistory.objects.get(object_name="lead", record_id=lead.pk, field_name="owner_queue")
    assert row.changed_by is None


def test_rule_evaluation_is_one_query_for_all_entries(team, django_assert_max_num_queries):
    from tandem.assignment.actions import matching_entry

    rule = make_rule(
        [
            {
                "criteria": [{"field": "country", "op": "equals", "value": f"C{i}"}],
                "user": team.reps[0],
            }
            for i in range(20)
        ]
    )
    lead = new_lead(team.org.owner, country="C19")
    with django_assert_max_num_queries(2):
        entry = matching_entry(rule, lead)
    assert entry.sort_order == 200


def test_create_and_assign_is_all_or_nothing(team, monkeypatch):
    from django.core.exceptions import ValidationError

    from tandem.assignment import actions

    make_rule([{"criteria": [], "user": team.reps[0]}])
    lead, outcome = actions.create_and_assign(
        team.org.owner, LEAD, {"last_name": "Neri", "company": "Neri Spa"}
    )
    assert owner_of(lead).owner == team.reps[0] and outcome.changed

    def broken(*args, **kwargs):
        raise ValidationError("no")

    monkeypatch.setattr(actions, "assign_owner", broken)
    with pytest.raises(ValidationError):
        actions.create_and_assign(team.org.owner, LEAD, {"last_name": "Gialli", "company": "X"})
    assert not Lead.objects.unrestricted().filter(last_name="Gialli").exists()
    unticked, outcome = actions.create_and_assign(
        team.org.owner, LEAD, {"last_name": "Blu", "company": "X"}, assign=False
    )
    assert owner_of(unticked).owner == team.org.owner and outcome is None


def test_checkbox_is_offered_for_leads_and_ticked_while_a_rule_is_active(team):
    from tandem.assignment.forms import assign_checkbox

    assert assign_checkbox("account") is None
    assert assign_checkbox("lead").initial is False
    make_rule([{"criteria": [], "user": team.reps[0]}])
    field = assign_checkbox("lead")
    assert field.initial is True and str(field.label) == "Assign using active assignment rule"


def test_a_queue_hears_about_its_new_lead_as_it_asks(team, django_capture_on_commit_callbacks):
    make_rule([{"criteria": [], "queue": team.queue}])
    team.queue.email = "inbound@example.com"
    team.queue.save()
    lead = new_lead(team.org.owner, last_name="Gallo")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        apply_assignment_rules(lead, team.org.owner)
    assert [m.to for m in mail.outbox] == [["inbound@example.com"]]
    assert "Gallo" in mail.outbox[0].subject

    team.queue.send_email_to_members = True
    team.queue.save()
    second = new_lead(team.org.owner, last_name="Corvo")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        apply_assignment_rules(second, team.org.owner)
    assert [m.to for m in mail.outbox] == [[team.org.teammate.email]]
