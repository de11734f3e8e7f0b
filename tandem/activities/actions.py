"""Named actions on activities: log a call in one step, complete a task in one click."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.access.door import can
from tandem.core import registry
from tandem.core.actions import NotVisible, create_record, update_record
from tandem.core.models import PicklistValue

LINK_FIELDS = {"lead", "contact", "account", "opportunity"}


def _completed_status() -> str:
    return (
        PicklistValue.objects.filter(object_name="task", field_name="status", is_closed=True)
        .values_list("value", flat=True)
        .first()
        or "Completed"
    )


def log_call(user, record, subject: str, comments: str = ""):
    """Record a call that happened, as a completed task linked to `record`."""
    obj_def = registry.for_model(type(record))
    if obj_def.name not in LINK_FIELDS:
        raise ValidationError(
            _("Calls can be logged on leads, contacts, accounts and opportunities.")
        )
    if not can(user, "read", record):
        raise NotVisible()
    subject = (subject or "").strip()
    if not subject:
        raise ValidationError({"subject": _("Enter what the call was about.")})
    values = {
        "subject": subject[:255],
        "description": comments,
        "status": _completed_status(),
        "priority": "Normal",
        "task_type": "Call",
        "due_date": timezone.localdate(),
        obj_def.name: record,
    }
    if obj_def.name == "contact" and record.account_id:
        values["account"] = record.account
    if obj_def.name == "opportunity" and record.account_id:
        values["account"] = record.account
    task = create_record(user, registry.get("task"), values)
    type(task).objects.unrestricted().filter(pk=task.pk).update(completed_at=timezone.now())
    return task


def complete_task(user, task):
    if task.completed_at is not None:
        return task
    update_record(user, task, {"status": _completed_status()})
    type(task).objects.unrestricted().filter(pk=task.pk).update(completed_at=timezone.now())
    task.refresh_from_db()
    return task
