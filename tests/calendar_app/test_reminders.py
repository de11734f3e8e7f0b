"""Reminders fire once, on time, after a simulated crash, and from two workers at once."""

import datetime
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import close_old_connections, connection
from django.utils import timezone

from tandem.calendar_app import reminders
from tandem.calendar_app.actions import move_event
from tandem.calendar_app.models import EmailPreference, EventReminder, Reminder
from tandem.calendar_app.reminders import send_due_reminders
from tandem.messaging.models import Notification
from tests.calendar_app.helpers import event, task

pytestmark = pytest.mark.django_db(transaction=True)

NOW = datetime.datetime(2026, 11, 16, 9, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)


def reminders_of(user):
    return list(
        Notification.objects.filter(user=user, kind="reminder").values_list("title", flat=True)
    )


def test_task_reminder_fires_once_at_the_chosen_time(org):
    task(org.owner, "Call Acme", is_reminder_set=True, reminder_at=NOW)
    assert send_due_reminders(NOW - MINUTE) == 0
    assert reminders_of(org.owner) == []
    assert send_due_reminders(NOW) == 1
    assert reminders_of(org.owner) == ["Reminder: Call Acme"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [org.owner.email]
    assert "Call Acme" in mail.outbox[0].subject
    assert "/tasks/" in mail.outbox[0].body
    # Again, and later: nothing more.
    assert send_due_reminders(NOW) == 0
    assert send_due_reminders(NOW + 10 * MINUTE) == 0
    assert len(reminders_of(org.owner)) == 1 and len(mail.outbox) == 1


def test_event_reminder_fires_minutes_before_the_start(org):
    e = event(org.owner, "Board meeting", start=NOW + 15 * MINUTE)
    EventReminder.objects.create(event=e, minutes_before=15)
    assert send_due_reminders(NOW - MINUTE) == 0
    assert send_due_reminders(NOW) == 1
    assert reminders_of(org.owner) == ["Reminder: Board meeting"]
    assert send_due_reminders(NOW + MINUTE) == 0


def test_no_reminder_without_setting_or_for_a_completed_task(org):
    task(org.owner, "No reminder", reminder_at=NOW)
    task(org.owner, "Done", is_reminder_set=True, reminder_at=NOW, completed_at=NOW - MINUTE)
    event(org.owner, "No reminder event", start=NOW)
    assert send_due_reminders(NOW) == 0
    assert reminders_of(org.owner) == [] and mail.outbox == []


def test_a_reminder_missed_while_no_worker_ran_is_sent_when_it_comes_back(org):
    task(org.owner, "Missed", is_reminder_set=True, reminder_at=NOW)
    assert send_due_reminders(NOW + datetime.timedelta(hours=3)) == 1
    assert reminders_of(org.owner) == ["Reminder: Missed"]


def test_a_worker_that_dies_mid_send_loses_nothing(org, monkeypatch):
    task(org.owner, "Survives a crash", is_reminder_set=True, reminder_at=NOW)
    real = reminders._deliver

    def crash(reminder):
        real(reminder)  # the notification is written...
        raise SystemExit("worker killed")  # ...and the process dies before committing

    monkeypatch.setattr(reminders, "_deliver", crash)
    with pytest.raises(SystemExit):
        send_due_reminders(NOW)
    assert reminders_of(org.owner) == []
    assert Reminder.objects.get().status == Reminder.PENDING
    monkeypatch.setattr(reminders, "_deliver", real)
    # The restarted worker sends it, once.
    assert send_due_reminders(NOW + MINUTE) == 1
    assert send_due_reminders(NOW + 2 * MINUTE) == 0
    assert reminders_of(org.owner) == ["Reminder: Survives a crash"]
    assert len(mail.outbox) == 1


def test_two_workers_at_once_send_each_reminder_once(org):
    for i in range(12):
        task(org.owner, f"Race {i}", is_reminder_set=True, reminder_at=NOW - i * MINUTE)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        close_old_connections()
        try:
            barrier.wait()
            results.append(send_due_reminders(NOW))
        except Exception as exc:  # noqa: BLE001 (a database error is a failure of the sweep)
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sum(results) == 12
    titles = reminders_of(org.owner)
    assert len(titles) == 12 and len(set(titles)) == 12
    assert len(mail.outbox) == 12


def test_email_only_if_the_user_wants_it(org):
    EmailPreference.objects.create(user=org.owner, kind="reminder", enabled=False)
    task(org.owner, "Quiet", is_reminder_set=True, reminder_at=NOW)
    assert send_due_reminders(NOW) == 1
    assert reminders_of(org.owner) == ["Reminder: Quiet"]
    assert mail.outbox == []


def test_a_moved_event_reminds_at_the_new_time_only(org):
    e = event(org.owner, "Moved", start=NOW + 30 * MINUTE)
    EventReminder.objects.create(event=e, minutes_before=30)
    move_event(org.owner, e, NOW + 90 * MINUTE)
    assert send_due_reminders(NOW) == 0
    assert send_due_reminders(NOW + 60 * MINUTE) == 1
    assert reminders_of(org.owner) == ["Reminder: Moved"]


def test_a_changed_task_reminder_replaces_the_old_one(org):
    t = task(org.owner, "Rescheduled", is_reminder_set=True, reminder_at=NOW)
    assert send_due_reminders(NOW) == 1
    type(t).objects.unrestricted().filter(pk=t.pk).update(reminder_at=NOW + 60 * MINUTE)
    assert send_due_reminders(NOW + 30 * MINUTE) == 0
    assert send_due_reminders(NOW + 60 * MINUTE) == 1
    assert len(reminders_of(org.owner)) == 2


def test_management_command_sends_due_reminders(org):
    task(org.owner, "Via the command", is_reminder_set=True, reminder_at=timezone.now() - MINUTE)
    call_command("send_reminders")
    assert reminders_of(org.owner) == ["Reminder: Via the command"]
    call_command("send_reminders")
    assert len(reminders_of(org.owner)) == 1


def test_the_worker_task_runs_the_sweep(org):
    task(org.owner, "Via the worker", is_reminder_set=True, reminder_at=timezone.now() - MINUTE)
    result = reminders.send_reminders_task.call()
    assert result == 1
    assert reminders_of(org.owner) == ["Reminder: Via the worker"]


def test_an_inactive_owner_gets_nothing(org):
    task(org.owner, "Gone", is_reminder_set=True, reminder_at=NOW)
    org.owner.is_active = False
    org.owner.save()
    assert send_due_reminders(NOW) == 0
    assert Reminder.objects.get().status == Reminder.SKIPPED
    assert Notification.objects.count() == 0
