"""Activity actions a rep uses all day: log a call on any record, complete a task, reminders."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tandem.access.door import can
from tandem.access.models import READ, TARGET_USER, RecordShare
from tandem.activities.actions import complete_task, log_call
from tandem.activities.models import Task
from tandem.calendar_app import reminders
from tandem.core import registry
from tandem.core.actions import NotVisible, create_record
from tests import factories as f


def test_a_call_on_an_opportunity_is_linked_to_its_account(org):
    account = f.account(org.owner, name="Initech")
    deal = f.opportunity(org.owner, account, name="Initech renewal")
    call = log_call(org.owner, deal, "Negotiated the discount", "10% agreed")
    assert (call.opportunity, call.account, call.task_type) == (deal, account, "Call")
    assert call.description == "10% agreed" and call.status == "Completed"
    assert can(org.manager, "read", call) and not can(org.outsider, "read", call)


def test_a_call_on_an_account_and_on_a_lead(org):
    account = f.account(org.owner)
    lead = f.lead(org.owner)
    assert log_call(org.owner, account, "Intro").account == account
    assert log_call(org.owner, lead, "Qualified").lead == lead


def test_someone_who_may_only_read_the_record_can_still_log_a_call(org):
    lead = f.lead(org.owner)
    RecordShare.objects.create(
        object_name="lead",
        record_id=lead.pk,
        target_kind=TARGET_USER,
        target_id=org.teammate.pk,
        access_level=READ,
    )
    call = log_call(org.teammate, lead, "Covered for the owner")
    assert call.owner == org.teammate and can(org.teammate, "read", call)


def test_a_record_the_user_cannot_see_is_not_found_and_nothing_is_written(org):
    lead = f.lead(org.owner)
    with pytest.raises(NotVisible):
        log_call(org.outsider, lead, "Sneaky")
    assert not Task.objects.unrestricted().exists()


def test_calls_are_only_for_sales_records_and_need_a_subject(org):
    task = Task.objects.create(
        owner=org.owner, subject="x", status="Not Started", priority="Normal"
    )
    with pytest.raises(ValidationError):
        log_call(org.owner, task, "A call on a task")
    with pytest.raises(ValidationError) as info:
        log_call(org.owner, f.lead(org.owner), "   ")
    assert info.value.message_dict == {"subject": ["Enter what the call was about."]}


def test_completing_twice_keeps_the_first_completion(org):
    task = Task.objects.create(
        owner=org.owner, subject="Send quote", status="Not Started", priority="High"
    )
    done = complete_task(org.owner, task)
    first = done.completed_at
    assert done.status == "Completed" and first is not None
    again = complete_task(org.owner, Task.objects.unrestricted().get(pk=task.pk))
    assert again.completed_at == first


def test_a_read_only_user_cannot_complete_a_task(org):
    lead = f.lead(org.owner)
    task = Task.objects.create(
        owner=org.owner, subject="Send quote", status="Not Started", priority="High", lead=lead
    )
    RecordShare.objects.create(
        object_name="lead",
        record_id=lead.pk,
        target_kind=TARGET_USER,
        target_id=org.teammate.pk,
        access_level=READ,
    )
    with pytest.raises(NotVisible):
        complete_task(org.teammate, task)
    assert Task.objects.unrestricted().get(pk=task.pk).completed_at is None


def test_saving_a_task_with_a_reminder_asks_the_worker_to_sweep_at_that_time(org, monkeypatch):
    asked = []
    monkeypatch.setattr(reminders, "schedule", asked.append)
    at = timezone.now() + datetime.timedelta(hours=2)
    values = {"subject": "Call back", "status": "Not Started", "priority": "Normal"}
    create_record(
        org.owner, registry.get("task"), {**values, "is_reminder_set": True, "reminder_at": at}
    )
    create_record(org.owner, registry.get("task"), {**values, "reminder_at": at})  # reminder off
    assert asked == [at]
