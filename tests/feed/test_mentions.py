"""@mentions: the autocomplete offers only people who can see the record, and only they are told."""

import itertools

import pytest
from django.core import mail
from django.urls import reverse

from tandem.access.door import can
from tandem.calendar_app.models import EmailPreference
from tandem.feed.models import Mention, Post
from tandem.messaging.models import Notification
from tandem.messaging.notify import template as notification_template
from tests import factories as f
from tests.feed.conftest import fresh, post_url


def _options(client, record, q=""):
    url = reverse("feed:mention_options", args=[type(record).object_def.slug, record.pk])
    return client.get(url, {"q": q}).content.decode()


def _mention(client, record, people, text="Please look", **extra):
    body = text + " " + " ".join(f"@{p.full_name}" for p in people)
    return client.post(
        post_url(record), {"body": body, "mention": [p.pk for p in people]}, follow=True, **extra
    )


def test_autocomplete_offers_active_people_who_can_see_the_record(client, deal):
    org = deal.org
    gone = f.user(
        "gone@example.com", role=org.vp_role, first_name="Maria", last_name="Gone", is_active=False
    )
    client.force_login(org.owner)
    everyone = _options(client, deal.opp)
    assert "Maria Lopez" in everyone  # the manager above the rep
    assert org.ceo.full_name in everyone and org.admin.full_name in everyone
    for hidden in (org.teammate, org.outsider, gone, org.owner):
        assert hidden.full_name not in everyone
    assert 'data-mention-name="Maria Lopez"' in _options(client, deal.opp, "mar")
    assert "Maria Lopez" in _options(client, deal.opp, "Maria Lo")
    assert "Maria Lopez" not in _options(client, deal.opp, "Tom")
    assert "No one who can see this record matches." in _options(client, deal.opp, "Olivia")


def test_autocomplete_offers_partner_users_who_can_see_it(client, partners):
    client.force_login(partners.channel_manager)
    page = _options(client, partners.north_lead, "Pat")
    assert "Pat North" in page and "Partner" in page
    assert "Pat Blue" not in page


def test_mention_notifies_only_people_who_can_see_the_record(
    client, deal, django_capture_on_commit_callbacks
):
    """Every combination of five colleagues, some with access and some without."""
    org = deal.org
    people = [fresh(u) for u in (org.manager, org.ceo, org.admin, org.teammate, org.outsider)]
    sees = {u.pk: can(u, "read", deal.opp) for u in people}
    assert sees == {
        org.manager.pk: True,
        org.ceo.pk: True,
        org.admin.pk: True,
        org.teammate.pk: False,
        org.outsider.pk: False,
    }
    client.force_login(org.owner)
    for size in range(1, len(people) + 1):
        for group in itertools.combinations(people, size):
            Notification.objects.all().delete()
            mail.outbox.clear()
            with django_capture_on_commit_callbacks(execute=True):
                response = _mention(client, deal.opp, group)
            page = response.content.decode()
            told = set(
                Notification.objects.filter(kind="mention").values_list("user_id", flat=True)
            )
            assert told == {u.pk for u in group if sees[u.pk]}
            assert {m.to[0] for m in mail.outbox} == {u.email for u in group if sees[u.pk]}
            for u in group:
                warning = f"{u.full_name} can&#x27;t see this record and wasn&#x27;t notified."
                assert (warning in page) is (not sees[u.pk])
            post = Post.objects.latest("pk")
            assert {m.user_id: m.notified for m in post.mentions.all()} == {
                u.pk: sees[u.pk] for u in group
            }


def test_the_mention_notification_links_to_the_record(client, deal):
    client.force_login(deal.org.owner)
    _mention(client, deal.opp, [deal.org.manager])
    note = Notification.objects.get(user=deal.org.manager)
    post = Post.objects.get()
    assert note.kind == "mention"
    assert note.title == "Sam Taylor mentioned you on Opportunity Globex renewal"
    assert note.url == f"{deal.opp.get_absolute_url()}#post-{post.pk}"
    assert (note.object_name, note.record_id) == ("opportunity", deal.opp.pk)
    page = client.get(deal.opp.get_absolute_url()).content.decode()
    assert '<span class="feed-mention fw-semibold text-primary">@Maria Lopez</span>' in page


def test_typed_mention_of_someone_without_access_saves_and_warns(client, deal):
    client.force_login(deal.org.owner)
    response = client.post(
        post_url(deal.opp), {"body": "FYI @Olivia Chen and @Maria Lopez"}, follow=True
    )
    page = response.content.decode()
    assert "Olivia Chen can&#x27;t see this record and wasn&#x27;t notified." in page
    assert Post.objects.count() == 1
    assert list(Notification.objects.values_list("user_id", flat=True)) == [deal.org.manager.pk]


def test_a_picked_person_whose_name_was_removed_is_not_mentioned(client, deal):
    client.force_login(deal.org.owner)
    client.post(
        post_url(deal.opp), {"body": "Never mind", "mention": [deal.org.manager.pk, "junk"]}
    )
    assert not Mention.objects.exists() and not Notification.objects.exists()


def test_two_people_with_the_same_typed_name_are_not_guessed(client, deal):
    f.user("maria2@example.com", role=deal.org.ceo_role, first_name="Maria", last_name="Lopez")
    client.force_login(deal.org.owner)
    client.post(post_url(deal.opp), {"body": "Ping @Maria Lopez"})
    assert not Notification.objects.exists()
    # Picked in the autocomplete, the right one is told.
    client.post(post_url(deal.opp), {"body": "Ping @Maria Lopez", "mention": [deal.org.manager.pk]})
    assert list(Notification.objects.values_list("user_id", flat=True)) == [deal.org.manager.pk]


def test_mention_in_a_comment_notifies(client, deal):
    client.force_login(deal.org.owner)
    client.post(post_url(deal.opp), {"body": "Pricing question"})
    post = Post.objects.get()
    client.post(
        reverse("feed:comment_create", args=[post.pk]),
        {"body": "@Maria Lopez can you approve?", "mention": [deal.org.manager.pk]},
    )
    note = Notification.objects.get(user=deal.org.manager)
    assert note.url.endswith(f"#post-{post.pk + 1}")


def test_email_follows_the_preference_and_the_editable_template(
    client, deal, django_capture_on_commit_callbacks
):
    org = deal.org
    template = notification_template("mention")  # as Setup › Email Templates lists it
    template.subject = "Heads up from {{Sender.Name}} on {{Record.Name}}"
    template.save()
    EmailPreference.objects.create(user=org.ceo, kind="mention", enabled=False)
    client.force_login(org.owner)
    with django_capture_on_commit_callbacks(execute=True):
        _mention(client, deal.opp, [org.manager, org.ceo], text="Line one\nLine <two>")
    assert [m.to for m in mail.outbox] == [[org.manager.email]]
    message = mail.outbox[0]
    assert message.subject == "Heads up from Sam Taylor on Globex renewal"
    assert "Line one\nLine <two>" in message.body
    assert f"http://testserver{deal.opp.get_absolute_url()}#post-" in message.body
    assert Notification.objects.filter(user=org.ceo, kind="mention").exists()


def test_self_mentions_are_ignored(client, deal):
    client.force_login(deal.org.owner)
    _mention(client, deal.opp, [deal.org.owner])
    assert not Notification.objects.exists()


@pytest.mark.parametrize("partner_sees", [True, False])
def test_a_partner_mentioned_by_the_channel_manager(client, partners, partner_sees):
    lead = partners.north_lead if partner_sees else partners.blue_lead
    client.force_login(partners.channel_manager)
    response = _mention(client, lead, [partners.north_rep])
    told = Notification.objects.filter(user=partners.north_rep).exists()
    assert told is partner_sees
    assert ("can&#x27;t see this record" in response.content.decode()) is (not partner_sees)
