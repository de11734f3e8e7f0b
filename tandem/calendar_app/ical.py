"""A user's iCalendar feed: their events (VEVENT) and open tasks (VTODO), through the door."""

import datetime

from django.db.models import Q
from django.utils import timezone
from icalendar import Calendar, Todo
from icalendar import Event as VEvent

from tandem.activities.models import Event, EventAttendee, Task
from tandem.calendar_app.attendees import invited_event_ids
from tandem.sales.models import Contact

PAST = datetime.timedelta(days=180)


PARTSTAT = {
    EventAttendee.NEW: "NEEDS-ACTION",
    EventAttendee.ACCEPTED: "ACCEPTED",
    EventAttendee.DECLINED: "DECLINED",
}


def _address(email: str) -> str:
    # An attendee without an email still needs a calendar address; "invalid" is reserved.
    return f"mailto:{email}" if email else "mailto:noreply@invalid"


def _attendees(user, event_ids) -> dict[int, list[tuple[str, str, str]]]:
    """{event id: [(name, email, PARTSTAT)]}; contacts only when `user` may see them."""
    rows = list(
        EventAttendee.objects.filter(event_id__in=event_ids).select_related("user", "contact")
    )
    contact_ids = [r.contact_id for r in rows if r.contact_id]
    visible = (
        set(
            Contact.objects.visible_to(user, "read")
            .filter(pk__in=contact_ids)
            .values_list("pk", flat=True)
        )
        if contact_ids
        else set()
    )
    out: dict[int, list] = {}
    for r in rows:
        if r.user_id:
            out.setdefault(r.event_id, []).append(
                (r.user.full_name, r.user.email, PARTSTAT[r.status])
            )
        elif r.contact_id in visible:
            out.setdefault(r.event_id, []).append((str(r.contact), r.contact.email, "NEEDS-ACTION"))
    return out


def feed(user, domain: str = "tandem") -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Tandem CRM//Calendar feed//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"Tandem: {user.full_name}")
    now = timezone.now()
    events = list(
        Event.objects.visible_to(user, "read")
        .filter(Q(owner=user) | Q(pk__in=invited_event_ids(user)), end__gte=now - PAST)
        .select_related("owner")
        .order_by("start", "id")
    )
    people = _attendees(user, [e.pk for e in events])
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
        if e.owner_id:
            item.add("organizer", _address(e.owner.email), parameters={"CN": e.owner.full_name})
        for name, email, status in people.get(e.pk, []):
            item.add(
                "attendee",
                _address(email),
                parameters={"CN": name, "PARTSTAT": status, "ROLE": "REQ-PARTICIPANT"},
            )
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
