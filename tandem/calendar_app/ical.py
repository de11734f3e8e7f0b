"""A user's iCalendar feed: their events (VEVENT) and open tasks (VTODO), through the door."""

import datetime

from django.utils import timezone
from icalendar import Calendar, Todo
from icalendar import Event as VEvent

from tandem.activities.models import Event, Task

PAST = datetime.timedelta(days=180)


def feed(user, domain: str = "tandem") -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Tandem CRM//Calendar feed//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"Tandem: {user.full_name}")
    now = timezone.now()
    events = (
        Event.objects.visible_to(user, "read")
        .filter(owner=user, end__gte=now - PAST)
        .order_by("start", "id")
    )
    for e in events:
        item = VEvent()
        item.add("uid", f"event-{e.pk}@{domain}")
        item.add("summary", e.subject)
        if e.is_all_day:
            item.add("dtstart", e.start.date())
            item.add("dtend", e.end.date() + datetime.timedelta(days=1))
        else:
            item.add("dtstart", e.start)
            item.add("dtend", e.end)
        item.add("dtstamp", e.updated_at)
        item.add("last-modified", e.updated_at)
        if e.location:
            item.add("location", e.location)
        if e.description:
            item.add("description", e.description)
        cal.add_component(item)
    tasks = (
        Task.objects.visible_to(user, "read")
        .filter(owner=user, completed_at__isnull=True)
        .order_by("due_date", "id")
    )
    for t in tasks:
        item = Todo()
        item.add("uid", f"task-{t.pk}@{domain}")
        item.add("summary", t.subject)
        item.add("dtstamp", t.updated_at)
        item.add("status", "NEEDS-ACTION")
        if t.due_date:
            item.add("due", t.due_date)
        if t.description:
            item.add("description", t.description)
        cal.add_component(item)
    return cal.to_ical()
