"""Event attendees: invite users and contacts, answer, see it everywhere the event shows."""

import datetime

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tandem.access.door import can
from tandem.activities.models import Event, EventAttendee
from tandem.calendar_app import agenda
from tandem.calendar_app.attendees import invite, parse_invitees, remove, respond
from tandem.calendar_app.models import EventReminder, FeedToken
from tandem.calendar_app.reminders import send_due_reminders
from tandem.messaging.models import Notification
from tests import factories as f
from tests.calendar_app.helpers import at, event

DAY = timezone.now().date() + datetime.timedelta(days=2)


def new_event(client, user, **extra):
    client.force_login(user)
    data = {
        "subject": "Kick-off",
        "start": f"{DAY.isoformat()}T10:00",
        "end": f"{DAY.isoformat()}T11:00",
        "view": "week",
        **extra,
    }
    return client.post(reverse("calendar:event_new"), data)


def test_create_with_user_and_contact_attendees(client, org):
    account = f.account(org.owner, name="Acme")
    ann = f.contact(org.owner, account, first_name="Ann", last_name="Lee", email="ann@acme.test")
    response = new_event(
        client, org.owner, attendees=[f"user:{org.teammate.pk}", f"contact:{ann.pk}"]
    )
    assert response.status_code == 302
    e = Event.objects.unrestricted().get(subject="Kick-off")
    rows = {(a.user_id, a.contact_id, a.status) for a in e.attendees.all()}
    assert rows == {(org.teammate.pk, None, "new"), (None, ann.pk, "new")}
    # The teammate (same role, so normally blind to the owner's events) now sees it, read only.
    assert can(org.teammate, "read", e) and not can(org.teammate, "edit", e)
    assert Notification.objects.filter(user=org.teammate, kind="invitation").count() == 1


def test_a_contact_the_user_cannot_see_is_refused_at_the_field(client, org):
    hidden = f.contact(org.outsider, f.account(org.outsider), last_name="Secret")
    response = new_event(client, org.owner, attendees=[f"contact:{hidden.pk}"])
    assert response.status_code == 200
    errors = response.context["form"].errors["attendees"]
    assert errors == ["Attendees: choose active users and contacts you can see."]
    assert not Event.objects.unrestricted().filter(subject="Kick-off").exists()


def test_end_before_start_and_invalid_dates_are_field_errors(client, org):
    response = new_event(client, org.owner, end=f"{DAY.isoformat()}T09:00")
    assert response.context["form"].errors["end"] == ["The end must not be before the start."]
    response = new_event(client, org.owner, start="31/02/2026 25:00")
    assert response.context["form"].errors["start"] == ["Enter a valid date/time."]
    assert not Event.objects.unrestricted().exists()


def test_lookup_offers_users_and_only_visible_contacts(client, org):
    mine = f.contact(org.owner, f.account(org.owner), first_name="Lee", last_name="Mine")
    f.contact(org.outsider, f.account(org.outsider), first_name="Lee", last_name="Hidden")
    client.force_login(org.owner)
    results = client.get(reverse("calendar:attendee_lookup"), {"q": "Mine"}).json()["results"]
    assert [r["id"] for r in results] == [f"contact:{mine.pk}"]
    results = client.get(reverse("calendar:attendee_lookup"), {"q": "Hidden"}).json()["results"]
    assert results == []
    results = client.get(reverse("calendar:attendee_lookup"), {"q": "teammate@"}).json()["results"]
    assert [r["id"] for r in results] == [f"user:{org.teammate.pk}"]


def test_partner_user_can_only_pick_people_of_their_company(org):
    partner_account = f.account(org.owner, name="Northwind")
    contact = f.contact(org.owner, partner_account, last_name="Brandt")
    partner = f.user("lena@northwind.test", external=True, contact=contact)
    with pytest.raises(ValidationError) as info:
        parse_invitees(partner, [f"user:{org.teammate.pk}"])
    assert "attendees" in info.value.message_dict


def test_invited_user_sees_it_in_their_calendar_and_answers(client, org):
    e = event(org.owner, "Pricing", start=at(DAY, 10))
    invite(org.owner, e, [org.teammate])
    first, last = agenda.date_range("week", DAY)
    days = agenda.load(org.teammate, org.teammate, first, last, datetime.UTC)
    shown = [ev for d in days for ev in d.events]
    assert [ev.subject for ev in shown] == ["Pricing"] and shown[0].invitation == "new"
    client.force_login(org.teammate)
    page = client.get(e.get_absolute_url()).content.decode()
    assert "Your answer" in page and "Accept" in page
    response = client.post(reverse("calendar:event_respond", args=[e.pk]), {"status": "accepted"})
    assert response.status_code == 302
    assert EventAttendee.objects.get(event=e, user=org.teammate).status == "accepted"
    assert Notification.objects.filter(user=org.owner, title__contains="accepted Pricing").exists()
    respond(org.teammate, e, "declined")
    days = agenda.load(org.teammate, org.teammate, first, last, datetime.UTC)
    assert [ev for d in days for ev in d.events] == []  # declined: off their calendar
    # Someone not invited cannot answer, and an unseen event is 404.
    client.force_login(org.outsider)
    assert (
        client.post(
            reverse("calendar:event_respond", args=[e.pk]), {"status": "accepted"}
        ).status_code
        == 404
    )


def test_event_page_lists_attendees_hiding_contacts_the_viewer_cannot_see(client, org):
    secret = f.contact(org.owner, f.account(org.owner), first_name="Zed", last_name="Private")
    e = event(org.owner, "Board", start=at(DAY, 9))
    invite(org.owner, e, [org.teammate], [secret])
    client.force_login(org.owner)
    page = client.get(e.get_absolute_url()).content.decode()
    assert "Zed Private" in page and org.teammate.full_name in page
    client.force_login(org.teammate)
    page = client.get(e.get_absolute_url()).content.decode()
    assert "Zed Private" not in page and "1 contact you cannot see" in page
    assert 'id="attendee-form"' not in page  # read only for an invitee


def test_add_and_remove_from_the_event_page(client, org):
    e = event(org.owner, "Review", start=at(DAY, 9))
    client.force_login(org.owner)
    client.post(
        reverse("calendar:event_attendee_add", args=[e.pk]),
        {"attendees": [f"user:{org.teammate.pk}"]},
    )
    row = EventAttendee.objects.get(event=e)
    assert can(org.teammate, "read", e)
    client.post(reverse("calendar:event_attendee_remove", args=[e.pk, row.pk]))
    assert not EventAttendee.objects.filter(event=e).exists()
    assert not can(org.teammate, "read", e)  # the share went with the invitation
    # An invitee may not add people.
    invite(org.owner, e, [org.teammate])
    client.force_login(org.teammate)
    client.post(
        reverse("calendar:event_attendee_add", args=[e.pk]),
        {"attendees": [f"user:{org.manager.pk}"]},
    )
    assert not EventAttendee.objects.filter(event=e, user=org.manager).exists()


def test_feed_has_attendee_lines_and_invited_events(client, org):
    ann = f.contact(
        org.owner, f.account(org.owner), first_name="Ann", last_name="Lee", email="ann@acme.test"
    )
    e = event(org.owner, "Demo", start=at(DAY, 14))
    invite(org.owner, e, [org.teammate], [ann])
    respond(org.teammate, e, "accepted")
    cal = icalendar.Calendar.from_ical(
        client.get(f"/calendar/feed/{FeedToken.issue(org.owner)}.ics").content
    )
    (vevent,) = cal.walk("VEVENT")
    attendees = vevent.get("attendee")
    lines = {str(a): a.params for a in (attendees if isinstance(attendees, list) else [attendees])}
    assert lines[f"mailto:{org.teammate.email}"]["PARTSTAT"] == "ACCEPTED"
    assert lines["mailto:ann@acme.test"]["CN"] == "Ann Lee"
    assert str(vevent["organizer"]) == f"mailto:{org.owner.email}"
    # The invitee's own feed holds the event too, without the contact they cannot see.
    cal = icalendar.Calendar.from_ical(
        client.get(f"/calendar/feed/{FeedToken.issue(org.teammate)}.ics").content
    )
    (vevent,) = cal.walk("VEVENT")
    assert str(vevent["summary"]) == "Demo"
    attendees = vevent.get("attendee")
    listed = [str(a) for a in (attendees if isinstance(attendees, list) else [attendees])]
    assert listed == [f"mailto:{org.teammate.email}"]


@pytest.mark.django_db(transaction=True)
def test_reminder_goes_to_attendees_who_did_not_decline_and_names_them(org):
    now = timezone.now().replace(microsecond=0)
    e = event(org.owner, "Steering", start=now + datetime.timedelta(minutes=10))
    EventReminder.objects.create(event=e, minutes_before=10)
    invite(org.owner, e, [org.teammate, org.manager])
    respond(org.manager, e, "declined")
    assert send_due_reminders(now) == 1
    reminded = set(Notification.objects.filter(kind="reminder").values_list("user_id", flat=True))
    assert reminded == {org.owner.pk, org.teammate.pk}
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert org.teammate.full_name in bodies[org.owner.email]
    assert org.owner.full_name in bodies[org.teammate.email]
    assert org.manager.full_name not in bodies[org.owner.email]
    assert send_due_reminders(now + datetime.timedelta(minutes=1)) == 0


def test_remove_needs_edit_access(org):
    e = event(org.owner, "X", start=at(DAY, 9))
    (row,) = invite(org.owner, e, [org.teammate])
    with pytest.raises(PermissionDenied, match="may not change the attendees"):
        remove(org.teammate, e, row.pk)
    assert EventAttendee.objects.filter(pk=row.pk).exists()
