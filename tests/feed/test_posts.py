"""Posting and commenting on a record's feed: what people see, escaping, errors, deleting, 404s."""

import pytest
from django.urls import reverse

from tandem.core.actions import update_record
from tandem.feed.models import Post
from tests.feed.conftest import fresh, post_url

HTMX = {"HTTP_HX_REQUEST": "true"}


def _panel(client, record):
    return client.get(record.get_absolute_url()).content.decode()


def test_post_and_comment_appear_on_the_record(client, deal):
    client.force_login(deal.org.owner)
    response = client.post(post_url(deal.opp), {"body": "Call booked for Monday"})
    assert response.status_code == 302 and response["Location"].endswith("#feed-panel")
    post = Post.objects.get()
    response = client.post(
        reverse("feed:comment_create", args=[post.pk]), {"body": "Agenda sent"}, **HTMX
    )
    assert response.status_code == 200
    assert "Agenda sent" in response.content.decode()
    page = _panel(client, deal.opp)
    assert 'id="feed-panel"' in page
    assert "Call booked for Monday" in page and "Agenda sent" in page
    comment = Post.objects.get(parent=post)
    assert comment.object_name == "opportunity" and comment.record_id == deal.opp.pk


def test_the_feed_panel_is_on_every_object(client, deal):
    from tandem.core import registry

    client.force_login(deal.org.admin)
    for obj_def in registry.all_objects():
        assert any(p.__name__ == "feed_panel" for p in obj_def.extra.get("detail_panels", [])), (
            obj_def.name
        )
    page = _panel(client, deal.account)
    assert 'id="feed-panel"' in page


def test_html_and_scripts_in_a_post_are_shown_as_text(client, deal):
    client.force_login(deal.org.owner)
    body = '<script>alert("x")</script>\n<b onmouseover="steal()">bold</b> & more'
    client.post(post_url(deal.opp), {"body": body})
    page = _panel(client, deal.opp)
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>" in page
    assert "&lt;b onmouseover=&quot;steal()&quot;&gt;bold&lt;/b&gt; &amp; more" in page
    assert Post.objects.get().body == body


def test_newlines_are_kept(client, deal):
    client.force_login(deal.org.owner)
    client.post(post_url(deal.opp), {"body": "First line\r\nSecond line"})
    assert "First line<br>Second line" in _panel(client, deal.opp)


def test_an_empty_post_says_why_at_the_field_and_saves_nothing(client, deal):
    client.force_login(deal.org.owner)
    response = client.post(post_url(deal.opp), {"body": "   "}, **HTMX)
    page = response.content.decode()
    assert "Write something before posting." in page and "is-invalid" in page
    assert not Post.objects.exists()
    response = client.post(post_url(deal.opp), {"body": "x" * 10_001}, follow=True)
    assert "Post: Keep it under 10000 characters" in response.content.decode()
    assert not Post.objects.exists()


def test_tracked_field_change_appears_as_a_feed_item(client, deal):
    update_record(fresh(deal.org.owner), deal.opp, {"stage": "Negotiation/Review"})
    client.force_login(deal.org.manager)
    page = _panel(client, deal.opp)
    # The fields changed in one save are one line, in the order they are tracked.
    assert (
        "<strong>Sam Taylor</strong> changed <strong>Stage</strong> from Prospecting to Negotiation/Review; "
        "<strong>Probability (%)</strong> from — to 90; <strong>Forecast category</strong> from — to Commit."
    ) in page


def test_posts_and_changes_are_merged_newest_first(client, deal):
    client.force_login(deal.org.owner)
    client.post(post_url(deal.opp), {"body": "Before the change"})
    update_record(fresh(deal.org.owner), deal.opp, {"stage": "Qualification"})
    client.post(post_url(deal.opp), {"body": "After the change"})
    page = _panel(client, deal.opp)
    after, change, before = (
        page.index(t)
        for t in ("After the change", "from Prospecting to Qualification", "Before the change")
    )
    assert after < change < before


def test_show_more_pages_the_record_feed_without_repeats(client, deal):
    client.force_login(deal.org.owner)
    for n in range(20):
        client.post(post_url(deal.opp), {"body": f"Update number {n:02d}"})
    page = _panel(client, deal.opp)
    shown = {n for n in range(20) if f"Update number {n:02d}" in page}
    assert shown == set(range(5, 20)) and "Show more" in page
    more_url = page.split('hx-get="')[1].split('"')[0].replace("&amp;", "&")
    rest = client.get(more_url).content.decode()
    assert {n for n in range(20) if f"Update number {n:02d}" in rest} == set(range(5))


def test_delete_own_post_but_not_someone_elses(client, deal):
    org = deal.org
    client.force_login(org.manager)
    client.post(post_url(deal.opp), {"body": "Manager's note"})
    note = Post.objects.get()
    client.force_login(org.owner)
    client.post(post_url(deal.opp), {"body": "Rep's note"})
    mine = Post.objects.get(body="Rep's note")
    response = client.post(reverse("feed:post_delete", args=[note.pk]), **HTMX)
    assert "Only the author or an administrator can delete this post." in response.content.decode()
    assert Post.objects.filter(pk=note.pk).exists()
    client.post(reverse("feed:post_delete", args=[mine.pk]))
    assert not Post.objects.filter(pk=mine.pk).exists()
    client.force_login(org.admin)
    client.post(reverse("feed:post_delete", args=[note.pk]))
    assert not Post.objects.exists()


def test_deleting_a_post_removes_its_comments(client, deal):
    client.force_login(deal.org.owner)
    client.post(post_url(deal.opp), {"body": "Parent"})
    post = Post.objects.get()
    client.post(reverse("feed:comment_create", args=[post.pk]), {"body": "Child"})
    client.post(reverse("feed:post_delete", args=[post.pk]))
    assert not Post.objects.exists()


@pytest.mark.parametrize("who", ["teammate", "outsider"])
def test_feed_urls_on_hidden_records_answer_404(client, deal, who):
    org = deal.org
    client.force_login(org.owner)
    client.post(post_url(deal.opp), {"body": "Private"})
    post = Post.objects.get()
    client.force_login(getattr(org, who))
    slug_pk = ["opportunities", deal.opp.pk]
    assert client.post(post_url(deal.opp), {"body": "Hi"}).status_code == 404
    assert client.post(reverse("feed:follow", args=slug_pk), {"following": "1"}).status_code == 404
    assert client.get(reverse("feed:mention_options", args=slug_pk)).status_code == 404
    assert client.get(reverse("feed:record_items", args=slug_pk)).status_code == 404
    assert (
        client.post(reverse("feed:comment_create", args=[post.pk]), {"body": "Hi"}).status_code
        == 404
    )
    assert client.post(reverse("feed:post_delete", args=[post.pk])).status_code == 404
    assert Post.objects.count() == 1


def test_feed_urls_on_missing_records_answer_404(client, deal):
    client.force_login(deal.org.admin)
    assert (
        client.post(
            reverse("feed:post_create", args=["opportunities", 999999]), {"body": "x"}
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("feed:post_create", args=["nothing", 1]), {"body": "x"}).status_code
        == 404
    )
    assert client.post(reverse("feed:post_delete", args=[999999])).status_code == 404


def test_partner_sees_the_feed_only_on_records_they_can_see(client, partners):
    north = partners.north_rep
    client.force_login(partners.channel_manager)
    client.post(post_url(partners.north_lead), {"body": "Welcome aboard, Northwind"})
    client.post(post_url(partners.blue_lead), {"body": "Bluepeak only"})
    client.force_login(north)
    page = _panel(client, partners.north_lead)
    assert 'id="feed-panel"' in page and "Welcome aboard, Northwind" in page
    assert "Bluepeak only" not in page
    assert client.get(partners.blue_lead.get_absolute_url()).status_code == 404
    assert client.post(post_url(partners.blue_lead), {"body": "peek"}).status_code == 404
    response = client.post(post_url(partners.north_lead), {"body": "Thanks, working it"}, **HTMX)
    assert response.status_code == 200 and "Thanks, working it" in response.content.decode()


def _detail_queries(client, record):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(record.get_absolute_url()).status_code == 200
    return len(ctx.captured_queries)


def test_the_feed_panel_adds_a_bounded_number_of_queries(client, deal):
    org = deal.org
    owner = fresh(org.owner)

    def add(n):
        for i in range(n):
            post = Post.objects.create(
                object_name="opportunity",
                record_id=deal.opp.pk,
                author=owner,
                body=f"@Maria Lopez {i}",
            )
            post.mentions.create(user=org.manager, notified=True)
            reply = Post.objects.create(
                object_name="opportunity",
                record_id=deal.opp.pk,
                author=org.manager,
                body="ok",
                parent=post,
            )
            reply.mentions.create(user=org.owner, notified=True)
            update_record(owner, deal.opp, {"amount": 100 + i})

    client.force_login(org.owner)
    add(2)
    _detail_queries(client, deal.opp)
    small = _detail_queries(client, deal.opp)
    add(12)
    assert _detail_queries(client, deal.opp) == small
