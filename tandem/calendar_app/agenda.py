"""What a calendar page shows: a range of days, and the events and open tasks in it."""

import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from tandem.activities.models import Event, EventAttendee, Task
from tandem.calendar_app.attendees import invited_event_ids

VIEWS = ("day", "week", "month")


def user_zone(user):
    """The user's time zone, else the company's, else the server's."""
    from tandem.core.models import Company

    for name in (getattr(user, "time_zone", ""), getattr(Company.objects.first(), "time_zone", "")):
        if name:
            try:
                return zoneinfo.ZoneInfo(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                continue
    return timezone.get_default_timezone()


def date_range(view: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """First and last day shown (inclusive): the day, its Monday-to-Sunday week, or whole weeks of its month."""
    if view == "day":
        return day, day
    if view == "week":
        first = day - datetime.timedelta(days=day.weekday())
        return first, first + datetime.timedelta(days=6)
    first_of_month = day.replace(day=1)
    first = first_of_month - datetime.timedelta(days=first_of_month.weekday())
    next_month = (first_of_month + datetime.timedelta(days=32)).replace(day=1)
    last_of_month = next_month - datetime.timedelta(days=1)
    last = last_of_month + datetime.timedelta(days=6 - last_of_month.weekday())
    return first, last


def step(view: str, day: datetime.date, direction: int) -> datetime.date:
    if view == "day":
        return day + datetime.timedelta(days=direction)
    if view == "week":
        return day + datetime.timedelta(days=7 * direction)
    month = day.month - 1 + direction
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


@dataclass
class Day:
    date: datetime.date
    events: list = field(default_factory=list)
    tasks: list = field(default_factory=list)


def load(viewer, owner, first: datetime.date, last: datetime.date, tz) -> list[Day]:
    """`owner`'s events and open tasks between two dates, as far as the door lets `viewer` read."""
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    invited = dict(
        EventAttendee.objects.filter(user=owner)
        .exclude(status=EventAttendee.DECLINED)
        .values_list("event_id", "status")
    )
    events = (
        Event.objects.visible_to(viewer, "read")
        .filter(Q(owner=owner) | Q(pk__in=invited_event_ids(owner)), start__lt=end, end__gte=start)
        .order_by("start", "id")
    )
    tasks = (
        Task.objects.visible_to(viewer, "read")
        .filter(owner=owner, completed_at__isnull=True, due_date__gte=first, due_date__lte=last)
        .order_by("due_date", "id")
    )
    days = {}
    d = first
    while d <= last:
        days[d] = Day(d)
        d += datetime.timedelta(days=1)
    for event in events:
        # An invitation to someone else's event: its answer, for the calendar's styling.
        event.invitation = invited.get(event.pk) if event.owner_id != owner.pk else None
        local_start = event.start.astimezone(tz)
        event.local_start = local_start
        event.local_end = event.end.astimezone(tz)
        day = max(local_start.date(), first)
        days[day].events.append(event)
    for t in tasks:
        days[t.due_date].tasks.append(t)
    return list(days.values())
