"""Change Owner to a partner user: the picker, the notification email and the in-app notice."""

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tandem.messaging.models import Notification
from tests import factories as f


def test_partner_picker_lists_only_active_partners_who_logged_in(client, channel):
    type(channel.north).objects.filter(pk=channel.north.pk).update(last_login=timezone.now())
    lead = f.lead(channel.manager)
    client.force_login(channel.manager)
    form = client.get(reverse("record_change_owner", args=["leads", lead.pk])).context["form"]
    choices = list(form.fields["partner_user"].queryset)
    assert choices == [type(channel.north).objects.get(pk=channel.north.pk)]
    assert "logged in at least once" in form.fields["partner_user"].help_text


def test_assigning_to_a_partner_sends_the_email_and_notification(client, channel, django_capture_on_commit_callbacks):
    type(channel.north).objects.filter(pk=channel.north.pk).update(last_login=timezone.now())
    lead = f.lead(channel.manager, last_name="Verdi", company="Opera Srl")
    client.force_login(channel.manager)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("record_change_owner", args=["leads", lead.pk]),
            {"partner_user": channel.north.pk, "send_email": "on"},
        )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.owner == channel.north
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [channel.north.email]
    assert "Verdi" in mail.outbox[0].subject and "/leads/" in mail.outbox[0].body
    note = Notification.objects.get(user=channel.north)
    assert "Verdi" in note.title and note.read_at is None
    partner = type(client)()
    partner.force_login(channel.north)
    home = partner.get(reverse("portal_home"))
    assert home.context["unread_notifications"] == 1
    assert "Verdi" in home.content.decode()


def test_without_the_checkbox_no_email_is_sent(client, channel, django_capture_on_commit_callbacks):
    lead = f.lead(channel.manager)
    client.force_login(channel.manager)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("record_change_owner", args=["leads", lead.pk]), {"owner": channel.org.owner.pk})
    assert mail.outbox == []
    assert Notification.objects.filter(user=channel.org.owner).count() == 1


def test_partner_lookup_lists_only_their_own_people(client, channel):
    client.force_login(channel.north)
    options = client.get(reverse("lookup", args=["user"])).content.decode()
    assert channel.north.email in options and channel.manager.email in options
    assert channel.blue.email not in options and channel.org.ceo.email not in options
