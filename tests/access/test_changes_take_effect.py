"""A reorganisation is effective on the next request: nothing is stored per record, nothing recalculated."""

from tandem.access.door import can
from tandem.access.hierarchy import save_role
from tandem.access.models import Group, GroupMember, OrgDefault, RecordShare, SharingRule
from tandem.sales.models import Lead
from tests import factories as f
from tests.access.conftest import fresh


def visible_leads(user):
    return set(Lead.objects.visible_to(fresh(user)).values_list("pk", flat=True))


def test_moving_a_role_moves_the_records_its_managers_see(org):
    lead = f.lead(org.owner)
    assert lead.pk in visible_leads(org.manager)
    assert lead.pk not in visible_leads(org.outsider)

    org.rep_role.parent = org.support_role  # the reps now report to Support
    save_role(org.rep_role)

    assert lead.pk not in visible_leads(org.manager)
    assert lead.pk in visible_leads(org.outsider)
    assert can(fresh(org.outsider), "delete", lead)
    assert lead.pk in visible_leads(org.ceo)  # still above, through Support


def test_a_new_sharing_rule_applies_at_once_without_writing_shares(org):
    lead = f.lead(org.owner, lead_source="Web")
    other = f.lead(org.owner, lead_source="Trade Show")
    assert lead.pk not in visible_leads(org.outsider)

    SharingRule.objects.create(
        object_name="lead",
        name="Web leads to Support",
        kind=SharingRule.KIND_CRITERIA,
        criteria=[{"field": "lead_source", "op": "equals", "value": "Web"}],
        target_kind="role",
        target_id=org.support_role.pk,
        access_level="read",
    )

    assert visible_leads(org.outsider) == {lead.pk}
    assert not can(fresh(org.outsider), "edit", lead)
    assert other.pk not in visible_leads(org.outsider)
    assert RecordShare.objects.count() == 0

    SharingRule.objects.filter(name="Web leads to Support").update(is_active=False)
    assert visible_leads(org.outsider) == set()


def test_an_owner_based_rule_follows_whoever_holds_the_role_now(org):
    SharingRule.objects.create(
        object_name="lead",
        name="Reps' leads to Support",
        kind=SharingRule.KIND_OWNER,
        source_kind="role",
        source_id=org.rep_role.pk,
        target_kind="role",
        target_id=org.support_role.pk,
        access_level="read_write",
    )
    newcomer = f.user("newcomer@example.com")  # no role yet
    lead = f.lead(newcomer)
    assert lead.pk not in visible_leads(org.outsider)

    newcomer.role = org.rep_role
    newcomer.save()

    assert lead.pk in visible_leads(org.outsider)
    assert can(fresh(org.outsider), "edit", lead)


def test_joining_a_group_opens_what_is_shared_with_the_group(org):
    group = Group.objects.create(name="Key account team")
    lead = f.lead(org.owner)
    RecordShare.objects.create(
        object_name="lead",
        record_id=lead.pk,
        target_kind="group",
        target_id=group.pk,
        access_level="read",
    )
    assert lead.pk not in visible_leads(org.outsider)

    GroupMember.objects.create(group=group, kind="user", user=org.outsider)

    assert lead.pk in visible_leads(org.outsider)
    assert lead.pk not in visible_leads(org.teammate)


def test_changing_a_default_applies_on_the_next_request(org):
    lead = f.lead(org.owner)
    outsider = fresh(org.outsider)
    assert not can(outsider, "read", lead)

    OrgDefault.objects.filter(object_name="lead").update(internal_access="read_write")

    # Principals are resolved once per request: the same user object keeps its answer...
    assert not can(outsider, "read", lead)
    # ...and the next request sees the change.
    assert can(fresh(org.outsider), "edit", lead)
    assert not can(fresh(org.outsider), "delete", lead)
