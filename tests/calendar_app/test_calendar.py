"""The calendar page: day/week/month, a colleague's calendar through the door, create, move."""

import datetime

import pytest
from django.utils import timezone

from tandem.access.models import READ, TARGET_USER, RecordShare
from tandem.activities.models import Event
from tandem.calendar_app import agenda
from tandem.calendar_app.models import EventReminder
from tandem.core.models import FieldHistory
from tests import factories as f
from tests.calendar_app.helpers import at, event, task

MONDAY = datetime.date(2026, 11, 16)


def page(client, viewer, **params):
    client.force_login(viewer)
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = client.get(f"/calendar/?{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_ranges_cover_whole_weeks():
    assert agenda.date_range("day", MONDAY) == (MONDAY, MONDAY)
    assert agenda.date_range("week", MONDAY + datetime.timedelta(days=3)) == (
        MONDAY,
        MONDAY + datetime.timedelta(days=6),
    )
    first, last = agenda.date_range("month", datetime.date(2026, 11, 18))
    assert first == datetime.date(2026, 10, 26) and last == datetime.date(2026, 12, 6)
    assert agenda.step("month", datetime.date(2026, 12, 31), 1) == datetime.date(2027, 1, 1)
    assert agenda.step("month", datetime.date(2026, 1, 31), -1) == datetime.date(2025, 12, 1)


@pytest.mark.parametrize("view", ["day", "week", "month"])
def test_my_events_and_open_tasks_in_every_view(client, org, view):
    event(org.owner, "Kick-off", start=at(MONDAY, 10))
    task(org.owner, "Send the proposal", due=MONDAY)
    task(org.owner, "Already done", due=MONDAY, completed_at=timezone.now())
    event(org.owner, "Next month", start=at(MONDAY + datetime.timedelta(days=60), 10))
    html = page(client, org.owner, view=view, date=MONDAY.isoformat())
    assert "Kick-off" in html
    assert "Send the proposal" in html
    assert "Already done" not in html
    assert "Next month" not in html
    assert f'data-start="{MONDAY.isoformat()}T' in html


def test_a_colleagues_calendar_shows_only_what_the_door_lets_me_read(client, org):
    event(org.owner, "Owner private meeting", start=at(MONDAY, 9))
    shared = event(org.owner, "Owner shared meeting", start=at(MONDAY, 11))
    task(org.owner, "Owner private task", due=MONDAY)
    RecordShare.objects.create(
        object_name="event",
        record_id=shared.pk,
        target_kind=TARGET_USER,
        target_id=org.teammate.pk,
        access_level=READ,
    )
    # The manager is above the owner in the role hierarchy: sees everything.
    html = page(client, org.manager, view="week", date=MONDAY.isoformat(), user=org.owner.pk)
    assert (
        "Owner private meeting" in html
        and "Owner shared meeting" in html
        and "Owner private task" in html
    )
    # The teammate sees only the shared event, read-only (not draggable).
    html = page(client, org.teammate, view="week", date=MONDAY.isoformat(), user=org.owner.pk)
    assert "Owner shared meeting" in html
    assert "Owner private meeting" not in html and "Owner private task" not in html
    assert 'draggable="true"' not in html.split('id="calendar-grid"')[1]
    # The outsider sees none of it.
    html = page(client, org.outsider, view="month", date=MONDAY.isoformat(), user=org.owner.pk)
    assert "Owner" not in html.split('id="calendar-grid"')[1]


def test_unknown_colleague_is_404(client, org):
    client.force_login(org.owner)
    assert client.get("/calendar/?user=999999").status_code == 404


def test_slot_form_is_prefilled_with_the_slot_start(client, org):
    client.force_login(org.owner)
    html = client.get(
        "/calendar/events/new/?start=2026-11-16T14:00", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'value="2026-11-16T14:00"' in html
    assert 'value="2026-11-16T15:00"' in html


def test_create_an_event_from_the_form(client, org):
    client.force_login(org.owner)
    response = client.post(
        "/calendar/events/new/",
        {
            "subject": "Demo",
            "start": "2026-11-16T14:00",
            "end": "2026-11-16T15:30",
            "reminder": "15",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204
    assert response["HX-Redirect"].endswith("date=2026-11-16")
    created = Event.objects.unrestricted().get(subject="Demo")
    assert created.owner == org.owner and created.start == at(MONDAY, 14)
    assert created.end - created.start == datetime.timedelta(minutes=90)
    assert EventReminder.objects.get(event=created).minutes_before == 15
    assert FieldHistory.objects.filter(
        object_name="event", record_id=created.pk, field_name="created"
    ).exists()
    assert "Demo" in page(client, org.owner, view="day", date="2026-11-16")


def test_end_before_start_is_refused_at_the_field(client, org):
    client.force_login(org.owner)
    response = client.post(
        "/calendar/events/new/",
        {"subject": "Backwards", "start": "2026-11-16T14:00", "end": "2026-11-16T13:00"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="end-error"' in html and "The end must not be before the start." in html
    assert "is-invalid" in html
    assert not Event.objects.unrestricted().filter(subject="Backwards").exists()


def test_invalid_date_is_refused_at_the_field(client, org):
    client.force_login(org.owner)
    response = client.post(
        "/calendar/events/new/", {"subject": "X", "start": "not a date", "end": ""}
    )
    html = response.content.decode()
    assert 'id="start-error"' in html and 'id="end-error"' in html
    assert not Event.objects.unrestricted().filter(subject="X").exists()


def test_drag_moves_the_event_and_keeps_its_duration(client, org):
    e = event(org.owner, "Movable", start=at(MONDAY, 9), minutes=45)
    client.force_login(org.owner)
    response = client.post(f"/calendar/events/{e.pk}/move/", {"start": "2026-11-18T15:00"})
    assert response.status_code == 200, response.content
    e.refresh_from_db()
    assert e.start == at(MONDAY + datetime.timedelta(days=2), 15)
    assert e.end - e.start == datetime.timedelta(minutes=45)
    assert e.updated_by == org.owner


def test_drag_refused_when_not_editable(client, org):
    e = event(org.owner, "Read only for teammate", start=at(MONDAY, 9))
    RecordShare.objects.create(
        object_name="event",
        record_id=e.pk,
        target_kind=TARGET_USER,
        target_id=org.teammate.pk,
        access_level=READ,
    )
    client.force_login(org.teammate)
    response = client.post(f"/calendar/events/{e.pk}/move/", {"start": "2026-11-18T15:00"})
    assert response.status_code == 403
    client.force_login(org.outsider)
    assert (
        client.post(f"/calendar/events/{e.pk}/move/", {"start": "2026-11-18T15:00"}).status_code
        == 404
    )
    e.refresh_from_db()
    assert e.start == at(MONDAY, 9)


def test_drag_with_a_bad_start_is_400(client, org):
    e = event(org.owner, "Movable", start=at(MONDAY, 9))
    client.force_login(org.owner)
    assert client.post(f"/calendar/events/{e.pk}/move/", {"start": "tomorrow"}).status_code == 400


def test_times_follow_the_users_time_zone(client, org):
    org.owner.time_zone = "Europe/Rome"
    org.owner.save()
    event(org.owner, "Rome meeting", start=at(MONDAY, 9))  # 10:00 in Rome in November
    html = page(client, org.owner, view="day", date=MONDAY.isoformat())
    assert "10:00 Rome meeting" in html


def test_external_user_gets_no_colleague_picker(client, org):
    partner_account = f.account(org.owner, name="Partner Co")
    person = f.contact(org.owner, partner_account)
    partner = f.user(external=True, contact=person, profile_name="Partner User")
    html = page(client, partner, view="week")
    assert 'id="cal-user"' not in html


def test_set_and_clear_the_reminder_of_an_existing_event(client, org):
    e = event(org.owner, "Remind me", start=at(MONDAY, 9))
    client.force_login(org.owner)
    assert client.post(f"/calendar/events/{e.pk}/reminder/", {"minutes": "30"}).status_code == 200
    assert EventReminder.objects.get(event=e).minutes_before == 30
    assert (
        client.post(f"/calendar/events/{e.pk}/reminder/", {"minutes": "99999"}).status_code == 400
    )
    assert client.post(f"/calendar/events/{e.pk}/reminder/", {"minutes": "soon"}).status_code == 400
    assert client.post(f"/calendar/events/{e.pk}/reminder/", {"minutes": ""}).status_code == 200
    assert not EventReminder.objects.filter(event=e).exists()
    RecordShare.objects.create(
        object_name="event",
        record_id=e.pk,
        target_kind=TARGET_USER,
        target_id=org.teammate.pk,
        access_level=READ,
    )
    client.force_login(org.teammate)
    assert client.post(f"/calendar/events/{e.pk}/reminder/", {"minutes": "5"}).status_code == 403
    client.force_login(org.outsider)
    assert client.post(f"/calendar/events/{e.pk}/reminder/", {"minutes": "5"}).status_code == 404
    assert not EventReminder.objects.filter(event=e).exists()


def test_calendar_query_count_does_not_grow_with_the_events(
    client, org, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(org.owner)
    event(org.owner, "One", start=at(MONDAY, 9))
    task(org.owner, "One task", due=MONDAY)
    client.get(f"/calendar/?view=month&date={MONDAY.isoformat()}")  # warm caches
    with CaptureQueriesContext(connection) as few:
        client.get(f"/calendar/?view=month&date={MONDAY.isoformat()}")
    for i in range(25):
        event(org.owner, f"Many {i}", start=at(MONDAY + datetime.timedelta(days=i % 7), 8 + i % 10))
        task(org.owner, f"Many task {i}", due=MONDAY + datetime.timedelta(days=i % 7))
    with CaptureQueriesContext(connection) as many:
        html = client.get(f"/calendar/?view=month&date={MONDAY.isoformat()}").content.decode()
    assert "Many 24" in html and "Many task 24" in html
    assert len(many) == len(few)


def test_new_event_page_works_without_javascript(client, org):
    client.force_login(org.owner)
    html = client.get("/calendar/events/new/?start=2026-11-16T09:00").content.decode()
    assert "<html" in html and 'name="subject"' in html
    response = client.post(
        "/calendar/events/new/",
        {"subject": "No JS", "start": "2026-11-16T09:00", "end": "2026-11-16T09:30"},
    )
    assert response.status_code == 302 and "date=2026-11-16" in response["Location"]


def test_new_event_page_is_laid_out_as_the_dialog_and_closes_back_to_the_calendar(client, org):
    """The New Event button opens a page: the dialog's header, padding and footer in place."""
    client.force_login(org.owner)
    html = client.get("/calendar/events/new/?view=month").content.decode()
    assert '<div class="modal position-static d-block" id="event-page"' in html
    assert 'class="modal-content" id="event-modal-body"' in html
    assert '<a class="btn-close" href="/calendar/?view=month"' in html
    assert 'data-bs-dismiss="modal"' not in html.split('id="event-page"')[1].split("</form>")[0]
