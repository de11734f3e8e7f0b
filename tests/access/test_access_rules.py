"""The access rules one at a time, in the words of a sales admin (see docs/security-model.md)."""

import pytest

from tandem.access.door import can
from tandem.access.models import OrgDefault, RecordShare, User
from tandem.activities.models import Task
from tandem.sales.models import Account, Contact, Lead, Opportunity
from tests import factories as f
from tests.access.conftest import fresh

MODELS = (Account, Contact, Lead, Opportunity, Task)


def set_default(object_name, internal, external=None):
    OrgDefault.objects.filter(object_name=object_name).update(
        internal_access=internal, external_access=external or internal
    )


def ids(model, user, action="read"):
    return set(model.objects.visible_to(fresh(user), action).values_list("pk", flat=True))


def task(owner, **links):
    return Task.objects.create(
        owner=owner, subject="Call", status="Not Started", priority="Normal", **links
    )


def share(record, target, level="read", kind="user"):
    return RecordShare.objects.create(
        object_name=type(record).object_def.name,
        record_id=record.pk,
        target_kind=kind,
        target_id=target.pk,
        access_level=level,
    )


# --- Inactive users -----------------------------------------------------------------------


def test_an_inactive_user_sees_nothing_not_even_their_own_records(org):
    account = f.account(org.owner)
    records = [
        account,
        f.contact(org.owner, account),
        f.lead(org.owner),
        f.opportunity(org.owner, account),
        task(org.owner, account=account),
    ]
    for obj in ("account", "lead", "opportunity"):
        set_default(obj, "read_write")
    User.objects.filter(pk__in=[org.owner.pk, org.admin.pk]).update(is_active=False)

    for person in (org.owner, org.admin):
        for model in MODELS:
            for action in ("read", "edit", "delete"):
                assert ids(model, person, action) == set(), (person, model, action)
        for record in records:
            assert not can(fresh(person), "read", record)
    # Their records stay visible to everyone else who should see them.
    assert account.pk in ids(Account, org.manager)


def test_anonymous_sees_nothing(org):
    from django.contrib.auth.models import AnonymousUser

    f.lead(org.owner)
    set_default("lead", "read_write")
    assert list(Lead.objects.visible_to(AnonymousUser())) == []
    assert list(Lead.objects.visible_to(None)) == []


# --- External defaults ----------------------------------------------------------------------


def test_external_default_never_wider_than_internal(partners):
    org = partners.org
    lead = f.lead(org.owner)

    set_default("lead", "private", "read_write")  # external asks for more than internal
    assert not can(fresh(partners.acme_rep), "read", lead)
    assert not can(fresh(org.outsider), "read", lead)

    set_default("lead", "read", "read_write")
    assert can(fresh(partners.acme_rep), "read", lead)
    assert not can(fresh(partners.acme_rep), "edit", lead)

    set_default("lead", "read_write", "private")  # narrower is fine
    assert not can(fresh(partners.acme_rep), "read", lead)
    assert can(fresh(org.outsider), "edit", lead)


def test_external_controlled_by_parent_only_when_internal_is(partners):
    org = partners.org
    account = f.account(org.owner)
    contact = f.contact(org.owner, account)
    share(account, partners.acme_rep, "read_write")

    set_default("contact", "private", "parent")  # Controlled by Parent would open the contact
    assert can(fresh(partners.acme_rep), "read", account)
    assert not can(fresh(partners.acme_rep), "read", contact)

    set_default("contact", "parent", "read")  # clamped to Controlled by Parent
    assert can(fresh(partners.acme_rep), "edit", contact)
    set_default("contact", "parent", "read_write")
    share(f.account(org.owner), org.outsider)  # unrelated
    # Besides the shared account's contact, only the contacts of the partner's own company.
    own = set(
        Contact.objects.unrestricted().filter(account=partners.acme).values_list("pk", flat=True)
    )
    assert ids(Contact, partners.acme_rep) == {contact.pk} | own


# --- Implicit read of the parent account -------------------------------------------------


def test_an_opportunity_gives_read_not_edit_on_its_account(org):
    account = f.account(org.owner)
    f.opportunity(org.teammate, account)
    assert can(fresh(org.teammate), "read", account)
    assert not can(fresh(org.teammate), "edit", account)
    assert not can(fresh(org.teammate), "delete", account)
    assert ids(Account, org.teammate) == {account.pk}
    assert ids(Account, org.teammate, "edit") == set()
    assert ids(Account, org.outsider) == set()


def test_a_shared_contact_gives_read_on_its_account(org):
    set_default("contact", "private")
    account = f.account(org.owner)
    contact = f.contact(org.owner, account)
    assert not can(fresh(org.outsider), "read", account)
    share(contact, org.outsider)
    assert can(fresh(org.outsider), "read", account)
    assert not can(fresh(org.outsider), "edit", account)


def test_owning_a_contact_opens_its_account_even_when_contacts_follow_accounts(org):
    account = f.account(org.owner)
    f.contact(org.outsider, account)  # the outsider owns a contact on someone else's account
    set_default("contact", "parent")
    # Owning the contact is access "other than through the account": it opens the account.
    assert can(fresh(org.outsider), "read", account)
    other = f.account(org.owner)
    assert not can(fresh(org.outsider), "read", other)


# --- Controlled by Parent ------------------------------------------------------------------


def test_contacts_follow_their_account(org):
    account = f.account(org.owner)
    contact = f.contact(org.outsider, account)
    orphan = f.contact(org.owner)  # no account: private to its owner and managers
    assert ids(Contact, org.teammate) == set()

    share(account, org.teammate, "read")
    assert ids(Contact, org.teammate) == {contact.pk}
    assert ids(Contact, org.teammate, "edit") == set()

    share(account, org.teammate, "read_write")
    assert ids(Contact, org.teammate, "edit") == {contact.pk}
    assert ids(Contact, org.teammate, "delete") == set()

    # Deleting follows the account too: the account owner's manager may delete the contact
    # even though somebody else owns it.
    assert can(fresh(org.manager), "delete", contact)
    assert can(fresh(org.manager), "read", orphan)
    assert not can(fresh(org.outsider), "read", orphan)


def test_tasks_follow_any_record_they_relate_to(org):
    account = f.account(org.owner)
    opportunity = f.opportunity(org.owner, account)
    lead = f.lead(org.owner)
    on_opportunity = task(org.outsider, opportunity=opportunity)
    on_lead = task(org.outsider, lead=lead)
    alone = task(org.outsider)

    assert ids(Task, org.teammate) == set()
    share(opportunity, org.teammate, "read_write")
    assert ids(Task, org.teammate) == {on_opportunity.pk}
    assert ids(Task, org.teammate, "edit") == {on_opportunity.pk}
    assert ids(Task, org.manager, "delete") == {on_opportunity.pk, on_lead.pk}
    # The task's own owner and their managers keep it; a task with no parent stays theirs.
    assert ids(Task, org.outsider) == {on_opportunity.pk, on_lead.pk, alone.pk}
    assert not can(fresh(org.manager), "read", alone)


def test_task_defaults_private_ignore_the_parent(org):
    account = f.account(org.owner)
    t = task(org.outsider, account=account)
    set_default("task", "private")
    assert not can(fresh(org.owner), "read", t)
    assert can(fresh(org.ceo), "read", t)  # above the task's owner


# --- Profiles ---------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_read_only_profile_cannot_change_even_its_own_records(org, action):
    reader = f.user("reader@example.com", profile_name="Read Only", role=org.vp_role)
    lead = f.lead(reader)
    assert can(fresh(reader), "read", lead)
    assert not can(fresh(reader), action, lead)


def test_view_all_on_one_object_reads_that_object_only(org):
    from tandem.access.models import Profile

    standard = Profile.objects.get(name="Standard User")
    perms = dict(standard.object_permissions)
    perms["lead"] = {**perms["lead"], "view_all": True}
    Profile.objects.create(name="Lead Auditor", object_permissions=perms)
    auditor = f.user("auditor@example.com", profile_name="Lead Auditor")
    lead = f.lead(org.owner)
    account = f.account(org.owner)
    assert can(fresh(auditor), "read", lead)
    assert not can(fresh(auditor), "edit", lead)
    assert not can(fresh(auditor), "read", account)


# --- Robustness ---------------------------------------------------------------------------------


def test_a_rule_whose_criteria_no_longer_make_sense_opens_nothing_and_breaks_nothing(org):
    from tandem.access.models import SharingRule

    lead = f.lead(org.owner, lead_source="Web")
    SharingRule.objects.create(
        object_name="lead",
        name="On a deleted custom field",
        kind=SharingRule.KIND_CRITERIA,
        criteria=[{"field": "custom.gone", "op": "equals", "value": "x"}],
        target_kind="role",
        target_id=org.support_role.pk,
        access_level="read",
    )
    SharingRule.objects.create(
        object_name="lead",
        name="Web leads to Support",
        kind=SharingRule.KIND_CRITERIA,
        criteria=[{"field": "lead_source", "op": "equals", "value": "Web"}],
        target_kind="role",
        target_id=org.support_role.pk,
        access_level="read",
    )
    assert ids(Lead, org.outsider) == {lead.pk}
    assert not can(fresh(org.outsider), "edit", lead)
