"""A real worker restart: `tandem worker` processes share the test database; the first is
killed (SIGKILL) before the reminder is due, a second sends it on time, a third sends nothing.

This is the promise of `tandem serve`: no reminder lost when the server restarts, none sent twice.
"""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from tandem.calendar_app.models import Reminder
from tandem.core import registry
from tandem.core.actions import create_record
from tandem.messaging.models import Notification, OutboundEmail

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
LEAD_TIME = datetime.timedelta(seconds=20)  # time for a killed worker and a fresh one to start


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_worker(log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "tandem.settings",
        "TANDEM_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.Popen(
        [sys.executable, "-m", "tandem.cli", "worker"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _kill(process: subprocess.Popen, sig=signal.SIGKILL) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        process.wait(20)


def _wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return condition()


def test_reminder_fires_once_on_time_across_a_worker_restart(org, tmp_path):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(":memory:"):
        pytest.skip("an in-memory test database cannot be shared with a worker process")
    log = tmp_path / "worker.log"
    remind_at = timezone.now().replace(microsecond=0) + LEAD_TIME
    # Saving the task through the named action queues the worker's sweep for remind_at.
    create_record(
        org.owner,
        registry.get("task"),
        {
            "subject": "Call Ferro back",
            "status": "Not Started",
            "priority": "High",
            "due_date": remind_at.date(),
            "is_reminder_set": True,
            "reminder_at": remind_at,
        },
    )
    workers = [_start_worker(log)]
    try:
        time.sleep(6)
        _kill(workers[0])  # the server goes down hard before the reminder is due
        assert not Notification.objects.filter(kind="reminder").exists()
        workers.append(_start_worker(log))
        sent = _wait_for(
            lambda: Notification.objects.filter(user=org.owner, kind="reminder").exists(),
            LEAD_TIME.total_seconds() + 40,
        )
        assert sent, log.read_text()[-3000:]
        reminder = Reminder.objects.get()
        assert reminder.status == Reminder.SENT
        # On time: not before it was due, and within seconds of it (not the next minute's sweep).
        assert remind_at <= reminder.sent_at <= remind_at + datetime.timedelta(seconds=30)
        _kill(workers[1], signal.SIGTERM)
        workers.append(_start_worker(log))  # its start-up sweep must find nothing to send
        time.sleep(8)
    finally:
        for w in workers:
            _kill(w)
    assert Notification.objects.filter(user=org.owner, kind="reminder").count() == 1
    emails = [e for e in OutboundEmail.objects.all() if org.owner.email in e.to]
    assert len(emails) == 1 and "Call Ferro back" in emails[0].subject
