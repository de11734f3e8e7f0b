"""Bypassing the door is impossible by accident, and a write never leaves a record its writer cannot see."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count

from tandem.core import registry
from tandem.core.actions import create_record
from tandem.core.models import FieldHistory
from tandem.core.records import DoorNotUsed
from tandem.sales.models import Account, Lead
from tests import factories as f

UNGUARDED = {
    "list": lambda: list(Lead.objects.all()),
    "iterate a filter": lambda: [lead for lead in Lead.objects.filter(status="Open")],
    "count": lambda: Lead.objects.count(),
    "exists": lambda: Lead.objects.filter(pk=1).exists(),
    "get": lambda: Lead.objects.get(pk=1),
    "first": lambda: Lead.objects.first(),
    "values_list": lambda: list(Lead.objects.values_list("pk", flat=True)),
    "iterator": lambda: list(Lead.objects.iterator()),
    "aggregate": lambda: Lead.objects.aggregate(n=Count("pk")),
    "update": lambda: Lead.objects.filter(pk=1).update(status="Closed"),
    "delete": lambda: Lead.objects.filter(pk=1).delete(),
    "in_bulk": lambda: Lead.objects.in_bulk([1]),
}


@pytest.mark.parametrize("how", UNGUARDED)
def test_a_record_queryset_without_the_door_refuses_to_run(org, how):
    f.lead(org.owner)
    with pytest.raises(DoorNotUsed):
        UNGUARDED[how]()


def test_related_lists_go_through_the_door_too(org):
    account = f.account(org.owner)
    f.contact(org.owner, account)
    with pytest.raises(DoorNotUsed):
        list(account.contacts.all())
    assert account.contacts.all().visible_to(org.teammate).count() == 0
    assert account.contacts.all().visible_to(org.manager).count() == 1


def test_the_door_and_the_escape_both_run(org):
    lead = f.lead(org.owner)
    assert list(Lead.objects.visible_to(org.owner)) == [lead]
    assert Lead.objects.visible_to(org.owner).filter(pk=lead.pk).exists()
    assert Lead.objects.unrestricted().count() == 1
    # The door's mark survives chaining.
    assert (
        Lead.objects.visible_to(org.teammate).filter(status=lead.status).order_by("pk").count() == 0
    )


def test_create_refuses_a_record_its_writer_could_not_see_and_writes_nothing(org):
    obj = registry.get("lead")
    values = {"last_name": "Hidden", "company": "Elsewhere", "status": "Open - Not Contacted"}
    with pytest.raises(ValidationError) as excinfo:
        create_record(org.owner, obj, {**values, "owner": org.teammate})
    assert "owner" in excinfo.value.message_dict
    assert Lead.objects.unrestricted().count() == 0
    assert FieldHistory.objects.filter(object_name="lead").count() == 0

    # Giving it to someone below the writer is fine: the writer still sees it.
    lead = create_record(org.manager, obj, {**values, "owner": org.owner})
    assert Lead.objects.visible_to(org.manager).filter(pk=lead.pk).exists()


def test_create_needs_the_profile_permission(org):
    reader = f.user("reader@example.com", profile_name="Read Only")
    with pytest.raises(PermissionDenied):
        create_record(reader, registry.get("account"), {"name": "Nope"})
    assert Account.objects.unrestricted().count() == 0
