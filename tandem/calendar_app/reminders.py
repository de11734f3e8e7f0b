"""Reminders of tasks and events: found by a sweep, claimed once, sent by the background worker.

`send_due_reminders(now)` is safe to run from any number of workers at once and again after
a crash: each occurrence is a `Reminder` row (unique per record and time) that a worker
claims with a conditional UPDATE inside the transaction that writes the notification, so
it is sent exactly once, and a worker that dies before committing leaves it pending.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from tandem.activities.models import Event, Task
from tandem.calendar_app.models import EmailPreference, EventReminder, Reminder

logger = logging.getLogger(__name__)

# Reminders missed while no worker ran are still sent when it comes back, up to this long after.
LOOKBACK = datetime.timedelta(hours=24)
BATCH = 500
MAX_MINUTES_BEFORE = 7 * 24 * 60

REMINDER_TEMPLATE = (
    "reminder",
    "Reminder",
    "Reminder: {{Record.Name}} ({{Record.When}})",
    (
        'Hello {{Owner.FirstName|"there"}},\n\nThis is your reminder of the {{Record.Type}} '
        "{{Record.Name}}, {{Record.When}}.\n\nOpen it: {{Record.Link}}\n"
    ),
)


def _due_tasks(now):
    return (
        Task.objects.unrestricted()
        .filter(
            is_reminder_set=True,
            reminder_at__isnull=False,
            reminder_at__lte=now,
            reminder_at__gt=now - LOOKBACK,
            completed_at__isnull=True,
        )
        .values_list("pk", "reminder_at")
    )


def _due_events(now):
    # minutes_before is at most MAX_MINUTES_BEFORE, so the start bounds the candidates.
    rows = EventReminder.objects.filter(
        event__start__gt=now - LOOKBACK,
        event__start__lte=now + datetime.timedelta(minutes=MAX_MINUTES_BEFORE),
    ).values_list("event_id", "event__start", "minutes_before")
    for pk, start, minutes in rows:
        at = start - datetime.timedelta(minutes=minutes)
        if now - LOOKBACK < at <= now:
            yield pk, at


def _materialise(now) -> None:
    """Create a pending row for every reminder now due (a no-op for ones that exist)."""
    rows = [Reminder(object_name="task", record_id=pk, remind_at=at) for pk, at in _due_tasks(now)]
    rows += [
        Reminder(object_name="event", record_id=pk, remind_at=at) for pk, at in _due_events(now)
    ]
    if rows:
        Reminder.objects.bulk_create(rows, ignore_conflicts=True)


def send_due_reminders(now=None) -> int:
    """Send every reminder due at `now`; returns how many this call sent."""
    now = now or timezone.now()
    _materialise(now)
    due = list(
        Reminder.objects.filter(status=Reminder.PENDING, remind_at__lte=now).values_list(
            "pk", flat=True
        )[:BATCH]
    )
    sent = 0
    for pk in due:
        with transaction.atomic():
            claimed = Reminder.objects.filter(pk=pk, status=Reminder.PENDING).update(
                status=Reminder.SENT, sent_at=timezone.now()
            )
            if not claimed:
                continue  # another worker has it
            reminder = Reminder.objects.get(pk=pk)
            if _deliver(reminder):
                sent += 1
            else:
                Reminder.objects.filter(pk=pk).update(status=Reminder.SKIPPED)
    return sent


def _record(reminder: Reminder):
    model = Task if reminder.object_name == "task" else Event
    record = (
        model.objects.unrestricted().select_related("owner").filter(pk=reminder.record_id).first()
    )
    if record is None:
        return None
    # The record changed since this occurrence was due: the new time is a new occurrence.
    if isinstance(record, Task):
        if (
            not record.is_reminder_set
            or record.reminder_at != reminder.remind_at
            or record.completed_at
        ):
            return None
    else:
        setting = EventReminder.objects.filter(event=record).first()
        if (
            setting is None
            or record.start - datetime.timedelta(minutes=setting.minutes_before)
            != reminder.remind_at
        ):
            return None
    return record


def _when(record) -> str:
    if isinstance(record, Task):
        return (
            _("due %(date)s") % {"date": record.due_date.isoformat()}
            if record.due_date
            else _("no due date")
        )
    return timezone.localtime(record.start).strftime("%Y-%m-%d %H:%M %Z")


def _recipients(record) -> list:
    """The owner, and for an event the invited users who have not declined."""
    from tandem.activities.models import EventAttendee

    people = [record.owner]
    if isinstance(record, Event):
        people += [
            a.user
            for a in EventAttendee.objects.filter(event=record, user__isnull=False)
            .exclude(status=EventAttendee.DECLINED)
            .select_related("user")
            if a.user_id != record.owner_id
        ]
    return people


def _who_else(record, recipient) -> str:
    """“Maria Lopez, Ann Lee and 2 more”: the event's other people the recipient may see."""
    from django.utils.translation import ngettext

    from tandem.calendar_app.attendees import attendees_for

    if not isinstance(record, Event):
        return ""
    shown, _hidden = attendees_for(recipient, record)
    names = [record.owner.full_name] if record.owner_id != recipient.pk else []
    names += [
        a.user.full_name if a.user_id else str(a.contact)
        for a in shown
        if a.user_id != recipient.pk and a.status != a.DECLINED
    ]
    shown_names = ", ".join(names[:3])
    if len(names) > 3:
        rest = len(names) - 3
        shown_names += " " + ngettext("and %(n)d more", "and %(n)d more", rest) % {"n": rest}
    return shown_names


def _deliver(reminder: Reminder) -> bool:
    from tandem.access.door import can
    from tandem.messaging.models import NotificationTemplate
    from tandem.messaging.notify import email_from_template, notify

    record = _record(reminder)
    if record is None:
        return False
    obj_def = type(record).object_def
    title = _("Reminder: %(name)s") % {"name": record}
    delivered = False
    # Each person is reminded only while the door still lets them read the record.
    for person in _recipients(record):
        if not person.is_active or not can(person, "read", record):
            continue
        delivered = True
        notify(person, "reminder", title, record.get_absolute_url(), obj_def.name, record.pk)
        if not (person.email and EmailPreference.wants(person, "reminder")):
            continue
        key, name, subject, body = REMINDER_TEMPLATE
        NotificationTemplate.objects.get_or_create(
            key=key, defaults={"name": name, "subject": subject, "body": body}
        )
        base = getattr(settings, "TANDEM_BASE_URL", "")
        others = _who_else(record, person)
        when = _when(record)
        email_from_template(
            key,
            person.email,
            {
                "Record.Type": obj_def.label.lower(),
                "Record.Name": str(record),
                # The default template has no attendee field, so the people ride with the time.
                "Record.When": _("%(when)s, with %(who)s") % {"when": when, "who": others}
                if others
                else when,
                "Record.Attendees": others,
                "Record.Link": base + record.get_absolute_url(),
                "Owner.FirstName": person.first_name,
                "Owner.Name": person.full_name,
            },
        )
    return delivered


@task()
def send_reminders_task() -> int:
    """The worker's entry point: sweep now."""
    return send_due_reminders()


def schedule(remind_at) -> None:
    """Ask the worker to sweep when a reminder falls due (the periodic sweep is the safety net)."""
    if remind_at is None:
        return

    def enqueue():
        try:
            send_reminders_task.using(run_after=max(remind_at, timezone.now())).enqueue()
        except Exception:  # no task backend: the periodic sweep still finds it
            logger.warning("Could not enqueue the reminder sweep", exc_info=True)

    transaction.on_commit(enqueue)


def before_save_task(task_record) -> None:
    """Saving a task with a reminder queues a sweep for its time (after the save commits)."""
    if task_record.is_reminder_set and task_record.reminder_at and not task_record.completed_at:
        schedule(task_record.reminder_at)
