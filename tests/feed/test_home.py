"""Home: my feed (followed records and mentions, only what I can still see), follow buttons,
tasks, today's events, my pipeline by stage, and a bounded number of queries."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.access.models import READ, TARGET_USER, RecordShare
from tandem.activities.models import Event, Task
from tandem.core.actions import change_owner, share_record, update_record
from tandem.feed.models import Follow, Post
from tandem.feed.stream import home_feed, parse_cursor
from tests import factories as f
from tests.feed.conftest import fresh, post_url


def _home(client):
    return client.get(reverse("home")).content.decode()


def _follow(client, record, on=True):
    url = reverse("feed:follow", args=[type(record).object_def.slug, record.pk])
    return client.post(url, {"following": "1" if on else "0"}, HTTP_HX_REQUEST="true")


def test_owner_follows_automatically_and_can_unfollow(client, deal):
    owner = deal.org.owner
    client.force_login(deal.org.manager)
    client.post(post_url(deal.opp), {"body": "Manager's advice"})
    client.force_login(owner)
    assert "Manager&#x27;s advice" in _home(client)
    page = client.get(deal.opp.get_absolute_url()).content.decode()
    assert "Unfollow" in page and "1 follower" in page
    panel = _follow(client, deal.opp, on=False).content.decode()
    assert '<i class="bi bi-bell"></i> Follow</button>' in panel
    assert "0 followers" in panel
    assert "Manager&#x27;s advice" not in _home(client)
    _follow(client, deal.opp, on=True)
    assert "Manager&#x27;s advice" in _home(client)


def test_following_a_record_brings_its_posts_and_changes_to_home(client, deal):
    org = deal.org
    client.force_login(org.manager)
    assert "Deal is moving" not in _home(client)
    client.force_login(org.owner)
    client.post(post_url(deal.opp), {"body": "Deal is moving"})
    update_record(fresh(org.owner), deal.opp, {"stage": "Needs Analysis"})
    client.force_login(org.manager)
    home = _home(client)
    assert "Deal is moving" not in home and "Needs Analysis" not in home
    panel = _follow(client, deal.opp).content.decode()
    assert "Unfollow" in panel and "2 followers" in panel
    home = _home(client)
    assert "Deal is moving" in home
    assert (
        "<strong>Sam Taylor</strong> changed <strong>Stage</strong> from Prospecting to Needs Analysis"
        in home
    )
    assert "Globex renewal" in home and deal.opp.get_absolute_url() in home
    assert home.index("Needs Analysis") < home.index("Deal is moving")


def test_home_feed_leaves_out_records_i_can_no_longer_see(client, deal):
    org = deal.org
    share_record(org.owner, deal.opp, TARGET_USER, org.teammate.pk, READ)
    client.force_login(org.teammate)
    _follow(client, deal.opp)
    client.force_login(org.owner)
    client.post(post_url(deal.opp), {"body": "Shared progress"})
    client.force_login(org.teammate)
    assert "Shared progress" in _home(client)
    RecordShare.objects.all().delete()
    home = _home(client)
    assert "Shared progress" not in home and "Globex renewal" not in home
    assert Follow.objects.filter(user=org.teammate, following=True).exists()
    assert client.get(reverse("feed:home_items")).content.decode().count("feed-item") == 0


def test_posts_mentioning_me_reach_my_home_only_while_i_can_see_the_record(client, deal):
    org = deal.org
    share_record(org.owner, deal.opp, TARGET_USER, org.teammate.pk, READ)
    client.force_login(org.owner)
    client.post(post_url(deal.opp), {"body": "Thoughts, @Tom Reed?", "mention": [org.teammate.pk]})
    client.force_login(org.teammate)
    assert "Thoughts, " in _home(client)
    RecordShare.objects.all().delete()
    assert "Thoughts, " not in _home(client)


def test_a_new_owner_follows_and_the_old_one_stops(client, deal):
    org = deal.org
    client.force_login(org.owner)
    client.post(post_url(deal.opp), {"body": "Handing over"})
    change_owner(fresh(org.admin), deal.opp, new_owner=org.teammate)
    client.force_login(org.teammate)
    assert "Handing over" in _home(client)
    client.force_login(org.owner)
    assert "Handing over" not in _home(client)  # and he can no longer see it at all


def test_home_feed_pages_with_show_more(client, deal):
    client.force_login(deal.org.owner)
    for n in range(40):
        client.post(post_url(deal.opp), {"body": f"Note {n:02d}"})
    home = _home(client)
    first = {n for n in range(40) if f"Note {n:02d}" in home}
    assert first == set(range(25, 40)) and "Show more" in home
    seen = set(first)
    url = home.split('hx-get="/feed/home/')[1].split('"')[0]
    url = "/feed/home/" + url.replace("&amp;", "&")
    while url:
        part = client.get(url).content.decode()
        got = {n for n in range(40) if f"Note {n:02d}" in part}
        assert not got & seen
        seen |= got
        url = (
            (
                "/feed/home/"
                + part.split('hx-get="/feed/home/')[1].split('"')[0].replace("&amp;", "&")
            )
            if "Show more" in part
            else None
        )
    assert seen == set(range(40))


def test_items_at_the_same_moment_are_neither_lost_nor_repeated(deal):
    from tandem.core.models import FieldHistory

    owner = fresh(deal.org.owner)
    moment = timezone.now()
    for n in range(3):
        Post.objects.create(
            object_name="opportunity",
            record_id=deal.opp.pk,
            author=owner,
            body=f"p{n}",
            created_at=moment,
        )
        FieldHistory.objects.create(
            object_name="opportunity",
            record_id=deal.opp.pk,
            field_name="stage",
            old_value="a",
            new_value=f"c{n}",
            changed_by=owner,
            changed_at=moment,
        )
    seen, cursor = [], None
    while True:
        page = home_feed(owner, cursor, limit=2)
        for item in page.items:
            seen += [("post", item.pk)] if item.post else [("change", c.pk) for c in item.changes]
        if not page.next_cursor:
            break
        cursor = parse_cursor(page.next_cursor)
    assert len(seen) == len(set(seen)) == 6


def test_home_shows_my_open_tasks_with_one_click_complete(client, deal):
    owner = deal.org.owner
    task = Task.objects.create(
        owner=owner,
        subject="Send the quote",
        status="Not Started",
        priority="Normal",
        opportunity=deal.opp,
    )
    Task.objects.create(
        owner=deal.org.teammate, subject="Not mine", status="Not Started", priority="Normal"
    )
    client.force_login(owner)
    home = _home(client)
    assert "Send the quote" in home and "Not mine" not in home
    assert reverse("task_complete", args=[task.pk]) in home
    response = client.post(reverse("task_complete", args=[task.pk]), {"next": reverse("home")})
    assert response["Location"] == reverse("home")
    home = _home(client)
    tasks = home[home.index('id="home-tasks"') : home.index('id="home-events"')]
    assert "Send the quote" not in tasks and "No open tasks." in tasks
    # ...and the change shows in the feed, since he follows the task he owns.
    assert "changed <strong>Status</strong> from Not Started to Completed." in home


def test_home_shows_todays_events_only(client, deal):
    owner = deal.org.owner
    now = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    Event.objects.create(
        owner=owner, subject="Lunch with Globex", start=now, end=now + datetime.timedelta(hours=1)
    )
    Event.objects.create(
        owner=owner,
        subject="Next week's review",
        start=now + datetime.timedelta(days=7),
        end=now + datetime.timedelta(days=7, hours=1),
    )
    client.force_login(owner)
    home = _home(client)
    assert "Lunch with Globex" in home and "12:00–13:00" in home
    assert "Next week&#x27;s review" not in home


def test_home_shows_my_pipeline_by_stage_with_a_link_to_the_board(client, deal):
    owner = deal.org.owner
    f.opportunity(owner, name="Second", amount=Decimal(300), stage="Prospecting")
    f.opportunity(owner, name="Third", amount=Decimal(50), stage="Qualification")
    f.opportunity(owner, name="Won", amount=Decimal(999), stage="Closed Won")
    f.opportunity(deal.org.teammate, name="Theirs", amount=Decimal(777), stage="Prospecting")
    client.force_login(owner)
    response = client.get(reverse("home"))
    rows = response.context["pipeline"]
    assert [(r["stage"], r["count"], r["total"]) for r in rows] == [
        ("Prospecting", 2, Decimal(1500)),
        ("Qualification", 1, Decimal(50)),
    ]
    page = response.content.decode()
    assert f"{reverse('pipeline:board')}?owner={owner.pk}" in page
    assert 'id="home-pipeline-chart"' in page and "USD 1,500.00" in page
    assert response.context["pipeline_chart"]["amounts"] == [1500.0, 50.0]


def test_home_keeps_my_leads_and_recent_records(client, deal):
    lead = f.lead(deal.org.owner, last_name="Keeper", company="Initech")
    client.force_login(deal.org.owner)
    client.get(deal.opp.get_absolute_url())
    home = _home(client)
    assert "My Leads" in home and "Keeper" in home
    recent = home[home.index('id="recent-items"') :].split("</ul>")[0]
    assert "Globex renewal" in recent
    assert lead.get_absolute_url() in home


def _data(deal, n):
    """Records of several objects, posts with comments and mentions, changes, tasks, events."""
    org = deal.org
    owner = fresh(org.owner)
    now = timezone.now()
    for i in range(n):
        lead = f.lead(owner)
        account = f.account(owner)
        opp = f.opportunity(owner, account, amount=Decimal(10 * i + 1))
        contact = f.contact(owner, account)
        task = Task.objects.create(
            owner=owner,
            subject=f"Task {i}",
            status="Not Started",
            priority="Normal",
            opportunity=opp,
        )
        Event.objects.create(owner=owner, subject=f"Event {i}", start=now, end=now)
        for record in (lead, account, opp, contact, task):
            post = Post.objects.create(
                object_name=type(record).object_def.name,
                record_id=record.pk,
                author=owner,
                body=f"On {record}",
            )
            Post.objects.create(
                object_name=post.object_name,
                record_id=record.pk,
                author=org.manager,
                body="Reply",
                parent=post,
            )
        update_record(owner, opp, {"stage": "Qualification"})
        update_record(owner, lead, {"status": "Working - Contacted"})
        Follow.objects.create(user=owner, object_name="contact", record_id=contact.pk)
        client_post = Post.objects.create(
            object_name="opportunity", record_id=opp.pk, author=org.manager, body=f"@Sam Taylor {i}"
        )
        client_post.mentions.create(user=owner, notified=True)


def _count(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_home_loads_with_a_bounded_number_of_queries(client, deal):
    client.force_login(deal.org.owner)
    _data(deal, 2)
    for record in list(Post.objects.all()[:5]):
        client.get(reverse("home"))  # warm the session
    small = _count(client)
    _data(deal, 12)
    big = _count(client)
    assert big == small, (small, big)
    assert big <= 45, big


def test_home_shows_todays_events_i_am_invited_to_unless_declined(client, deal):
    from tandem.activities.models import EventAttendee
    from tandem.calendar_app.attendees import invite

    org = deal.org
    now = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0)
    kickoff = Event.objects.create(
        owner=org.owner, subject="Kickoff", start=now, end=now + datetime.timedelta(hours=1)
    )
    invite(fresh(org.owner), kickoff, users=[org.manager])
    client.force_login(org.manager)
    assert "Kickoff" in _home(client)
    EventAttendee.objects.filter(user=org.manager).update(status=EventAttendee.DECLINED)
    events = client.get(reverse("home")).context["todays_events"]
    assert kickoff not in events


def test_home_shows_older_items_behind_a_page_of_posts_on_a_record_i_lost(client, deal):
    """Home reads past more than a page of items on a hidden record to fill its first page."""
    org = deal.org
    other = f.opportunity(
        org.owner, deal.account, name="Globex expansion", close_date=datetime.date.today()
    )
    share_record(org.owner, deal.opp, TARGET_USER, org.teammate.pk, READ)
    share_record(org.owner, other, TARGET_USER, org.teammate.pk, READ)
    client.force_login(org.teammate)
    _follow(client, deal.opp)
    _follow(client, other)
    client.force_login(org.owner)
    client.post(post_url(other), {"body": "Older but still mine to see"})
    for n in range(35):
        client.post(post_url(deal.opp), {"body": f"Private {n:02d}"})
    RecordShare.objects.filter(record_id=deal.opp.pk, object_name="opportunity").delete()
    client.force_login(org.teammate)
    home = _home(client)
    assert "Older but still mine to see" in home and "Globex expansion" in home
    assert "Private" not in home and "Show more" not in home


def test_my_leads_leaves_out_leads_in_a_closed_status(client, deal):
    f.lead(deal.org.owner, last_name="Working", status="Working - Contacted")
    f.lead(deal.org.owner, last_name="Dropped", status="Closed - Not Converted")
    client.force_login(deal.org.owner)
    leads = _home(client).split('id="home-leads"')[1].split("</section>")[0]
    assert "Working" in leads and "Dropped" not in leads
