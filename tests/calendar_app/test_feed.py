"""The personal iCalendar feed: parses with icalendar, holds exactly what the door allows."""

import datetime

import icalendar
from django.utils import timezone

from tandem.access.models import READ, TARGET_USER, RecordShare
from tandem.activities.models import Event, Task
from tandem.calendar_app.models import FeedToken
from tests.calendar_app.helpers import at, event, task

DAY = timezone.now().date() + datetime.timedelta(days=3)


def fetch(client, token):
    return client.get(f"/calendar/feed/{token}.ics")


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_feed_holds_my_events_and_open_tasks(client, org):
    mine = event(org.owner, "Quarterly review", start=at(DAY, 10), location="Room 4")
    all_day = event(org.owner, "Offsite", start=at(DAY, 0), minutes=60 * 24, is_all_day=True)
    open_task = task(org.owner, "Send contract", due=DAY)
    task(org.owner, "Finished", due=DAY, completed_at=timezone.now())
    event(org.teammate, "Teammate meeting", start=at(DAY, 11))
    shared = event(org.teammate, "Shared with owner", start=at(DAY, 12))
    RecordShare.objects.create(
        object_name="event",
        record_id=shared.pk,
        target_kind=TARGET_USER,
        target_id=org.owner.pk,
        access_level=READ,
    )
    token = FeedToken.issue(org.owner)
    cal = parse(fetch(client, token))  # no login: the token is the credential

    vevents = {str(c["uid"]): c for c in cal.walk("VEVENT")}
    vtodos = {str(c["uid"]): c for c in cal.walk("VTODO")}
    assert set(vevents) == {f"event-{mine.pk}@testserver", f"event-{all_day.pk}@testserver"}
    assert set(vtodos) == {f"task-{open_task.pk}@testserver"}
    review = vevents[f"event-{mine.pk}@testserver"]
    assert str(review["summary"]) == "Quarterly review"
    assert str(review["location"]) == "Room 4"
    assert review.decoded("dtstart") == mine.start
    assert review.decoded("dtend") == mine.end
    assert vevents[f"event-{all_day.pk}@testserver"].decoded("dtstart") == DAY
    assert vtodos[f"task-{open_task.pk}@testserver"].decoded("due") == DAY


def test_feed_is_exactly_what_the_door_lets_the_user_read(client, org):
    """The manager owns records too; the feed equals visible_to(manager) ∩ owned by the manager."""
    for i in range(3):
        event(org.manager, f"Manager event {i}", start=at(DAY, 9 + i))
        task(org.manager, f"Manager task {i}", due=DAY)
        event(
            org.owner, f"Below event {i}", start=at(DAY, 9 + i)
        )  # readable, but not the manager's
    token = FeedToken.issue(org.manager)
    cal = parse(fetch(client, token))
    expected_events = {
        f"event-{pk}@testserver"
        for pk in Event.objects.visible_to(org.manager, "read")
        .filter(owner=org.manager)
        .values_list("pk", flat=True)
    }
    expected_tasks = {
        f"task-{pk}@testserver"
        for pk in Task.objects.visible_to(org.manager, "read")
        .filter(owner=org.manager, completed_at__isnull=True)
        .values_list("pk", flat=True)
    }
    assert {str(c["uid"]) for c in cal.walk("VEVENT")} == expected_events
    assert {str(c["uid"]) for c in cal.walk("VTODO")} == expected_tasks
    assert len(expected_events) == 3 and len(expected_tasks) == 3


def test_revoked_token_answers_404(client, org):
    token = FeedToken.issue(org.owner)
    assert fetch(client, token).status_code == 200
    FeedToken.revoke(org.owner)
    assert fetch(client, token).status_code == 404


def test_regenerate_retires_the_old_url(client, org):
    old = FeedToken.issue(org.owner)
    new = FeedToken.issue(org.owner)
    assert fetch(client, old).status_code == 404
    parse(fetch(client, new))


def test_unknown_token_and_inactive_user_answer_404(client, org):
    assert fetch(client, "not-a-token").status_code == 404
    token = FeedToken.issue(org.owner)
    org.owner.is_active = False
    org.owner.save()
    assert fetch(client, token).status_code == 404


def test_only_a_hash_of_the_token_is_stored(org):
    token = FeedToken.issue(org.owner)
    row = FeedToken.objects.get(user=org.owner)
    assert token not in row.token_hash and len(row.token_hash) == 64


def test_settings_page_shows_the_url_once_and_revokes(client, org):
    client.force_login(org.owner)
    response = client.post("/calendar/feed/regenerate/", follow=True)
    html = response.content.decode()
    assert "/calendar/feed/" in html and 'id="feed-url"' in html
    url = html.split('id="feed-url" readonly value="')[1].split('"')[0]
    path = url.split("testserver", 1)[1]
    assert client.get(path).status_code == 200
    assert 'id="feed-url"' not in client.get("/calendar/settings/").content.decode()
    client.post("/calendar/feed/revoke/")
    assert client.get(path).status_code == 404
