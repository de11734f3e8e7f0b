"""A partner user never sees another partner's records, even under generous internal sharing."""

from tandem.access.door import can
from tandem.access.models import Group, GroupMember, OrgDefault, SharingRule
from tandem.activities.models import Task
from tandem.sales.models import Account, Contact, Lead, Opportunity
from tests import factories as f
from tests.access.conftest import fresh


def rule(object_name, source, target, level="read_write", source_kind="role_and_subordinates"):
    return SharingRule.objects.create(
        object_name=object_name,
        name=f"{object_name} rule {SharingRule.objects.count()}",
        kind=SharingRule.KIND_OWNER,
        source_kind=source_kind,
        source_id=source.pk,
        target_kind="role_and_subordinates",
        target_id=target.pk,
        access_level=level,
    )


def everything_of(p, name):
    """What a partner company's people own: leads, an opportunity, a contact, a task."""
    account = getattr(p, name)
    rep, executive = getattr(p, f"{name}_rep"), getattr(p, f"{name}_exec")
    lead = f.lead(rep)
    exec_lead = f.lead(executive)
    customer = f.account(rep, name=f"{name} customer")
    contact = f.contact(rep, customer)
    opportunity = f.opportunity(rep, account)
    task = Task.objects.create(
        owner=rep, subject="Follow up", status="Not Started", priority="Normal", lead=lead
    )
    return [lead, exec_lead, customer, contact, opportunity, task]


def test_partners_do_not_see_each_other_under_generous_internal_sharing(partners):
    org = partners.org
    acme_records = everything_of(partners, "acme")
    globex_records = everything_of(partners, "globex")
    # The kind of set-up a sales org has: everything the CEO's organisation owns is shared
    # with the CEO's organisation, a company-wide group, and public internal defaults.
    for obj in ("lead", "account", "contact", "opportunity"):
        rule(obj, org.ceo_role, org.ceo_role)
    everyone = Group.objects.create(name="Everyone")
    GroupMember.objects.create(group=everyone, kind="role_and_subordinates", role=org.ceo_role)
    SharingRule.objects.create(
        object_name="lead",
        name="All open leads to everyone",
        kind=SharingRule.KIND_CRITERIA,
        criteria=[{"field": "status", "op": "equals", "value": "Open - Not Contacted"}],
        target_kind="group",
        target_id=everyone.pk,
        access_level="read",
    )
    OrgDefault.objects.filter(object_name__in=["lead", "account", "opportunity"]).update(
        internal_access="read_write", external_access="private"
    )

    for mine, theirs, people in (
        (acme_records, globex_records, (partners.acme_rep, partners.acme_exec)),
        (globex_records, acme_records, (partners.globex_rep, partners.globex_exec)),
    ):
        for person in people:
            person = fresh(person)
            for record in theirs:
                assert not can(person, "read", record), (person, record)
            for model in (Lead, Account, Contact, Opportunity, Task):
                visible = set(model.objects.visible_to(person).values_list("pk", flat=True))
                assert not visible & {r.pk for r in theirs if isinstance(r, model)}
    # Internal people still get what the rules give them...
    for record in acme_records + globex_records:
        assert can(fresh(org.outsider), "read", record)
    # ...and the channel manager is above both partner companies.
    for record in acme_records + globex_records:
        assert can(fresh(partners.channel_manager), "edit", record)


def test_the_partner_hierarchy_works_inside_one_partner(partners):
    rep_lead = f.lead(partners.acme_rep)
    exec_lead = f.lead(partners.acme_exec)
    assert can(fresh(partners.acme_exec), "edit", rep_lead)
    assert not can(fresh(partners.acme_rep), "read", exec_lead)
    assert not can(fresh(partners.globex_exec), "read", rep_lead)


def test_partner_queue_leads_reach_only_its_members(partners):
    queue = Group.objects.create(
        name="Acme queue",
        kind=Group.KIND_QUEUE,
        queue_objects=["lead"],
        partner_account=partners.acme,
    )
    GroupMember.objects.create(
        group=queue, kind="role_and_subordinates", role=partners.acme_exec_role
    )
    waiting = f.lead(None, owner_queue=queue)
    assert can(fresh(partners.acme_rep), "edit", waiting)
    assert can(fresh(partners.acme_exec), "read", waiting)
    assert can(fresh(partners.channel_manager), "read", waiting)
    assert not can(fresh(partners.globex_rep), "read", waiting)
    assert not can(fresh(partners.globex_exec), "read", waiting)


def test_sharing_explicitly_with_a_partner_role_still_works(partners):
    org = partners.org
    lead = f.lead(org.owner)
    SharingRule.objects.create(
        object_name="lead",
        name="Reps' leads to Acme",
        kind=SharingRule.KIND_OWNER,
        source_kind="role",
        source_id=org.rep_role.pk,
        target_kind="role_and_subordinates",
        target_id=partners.acme_exec_role.pk,
        access_level="read",
    )
    assert can(fresh(partners.acme_rep), "read", lead)
    assert not can(fresh(partners.acme_rep), "edit", lead)
    assert not can(fresh(partners.globex_rep), "read", lead)


def test_partner_users_read_their_own_company_but_not_edit_it(partners):
    rep = fresh(partners.acme_rep)
    assert can(rep, "read", partners.acme)
    assert not can(rep, "edit", partners.acme)
    assert not can(rep, "read", partners.globex)
