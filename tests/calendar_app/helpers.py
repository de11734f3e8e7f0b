"""Builders for calendar tests: events and tasks owned by a persona."""

import datetime

from django.utils import timezone

from tandem.activities.models import Event, Task


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=datetime.UTC)


def event(owner, subject="Meeting", start=None, minutes=60, **kw) -> Event:
    start = start or timezone.now().replace(minute=0, second=0, microsecond=0)
    return Event.objects.create(
        owner=owner,
        subject=subject,
        start=start,
        end=start + datetime.timedelta(minutes=minutes),
        **kw,
    )


def task(owner, subject="Call back", due=None, **kw) -> Task:
    kw.setdefault("status", "Not Started")
    kw.setdefault("priority", "Normal")
    return Task.objects.create(
        owner=owner, subject=subject, due_date=due or timezone.now().date(), **kw
    )
