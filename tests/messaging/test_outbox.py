"""The Outbox keeps every email; failures are shown with their error and retried."""

import datetime

import pytest
from django.core import mail
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from tandem.messaging.delivery import retry_due
from tandem.messaging.merge import merge
from tandem.messaging.models import OutboundEmail


class BrokenBackend:
    """A delivery backend whose SMTP server is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server at mail.example.com:587 refused the connection")


@pytest.fixture
def outbox_mail(settings):
    settings.EMAIL_BACKEND = "tandem.messaging.backends.OutboxBackend"
    settings.TANDEM_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings


def test_sent_email_is_kept_and_delivered(outbox_mail, db):
    send_mail("Hello", "Body text", None, ["a@example.com"])
    record = OutboundEmail.objects.get()
    assert (record.status, record.to, record.body) == ("sent", ["a@example.com"], "Body text")
    assert len(mail.outbox) == 1


def test_outbox_only_mode_keeps_the_email_for_reading(settings, db):
    settings.EMAIL_BACKEND = "tandem.messaging.backends.OutboxBackend"
    settings.TANDEM_EMAIL_DELIVERY_BACKEND = ""
    send_mail("Welcome", "Your login", None, ["p@example.com"])
    assert OutboundEmail.objects.get().status == "sent"


def test_failed_email_shows_the_error_and_is_retried(outbox_mail, org, client):
    outbox_mail.TANDEM_EMAIL_DELIVERY_BACKEND = "tests.messaging.test_outbox.BrokenBackend"
    send_mail("Assignment", "A lead for you", None, ["rep@example.com"])
    record = OutboundEmail.objects.get()
    assert record.status == "failed" and "refused the connection" in record.last_error
    assert record.next_attempt_at is not None
    client.force_login(org.admin)
    page = client.get(reverse("outbox")).content.decode()
    assert "Assignment" in page and "refused the connect" in page
    client.force_login(org.owner)
    assert client.get(reverse("outbox")).status_code == 404
    outbox_mail.TANDEM_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert retry_due(timezone.now() + datetime.timedelta(hours=1)) == 1
    record.refresh_from_db()
    assert record.status == "sent" and record.attempts == 2


def test_merge_fields_fallbacks_and_escaping():
    text = 'Hi {{Owner.FirstName|"there"}}, {{Record.Name}} {{Record.Missing}}'
    assert merge(text, {"Record.Name": "<b>Acme</b>"}) == "Hi there, <b>Acme</b> "
    assert merge(text, {"Record.Name": "<b>Acme</b>"}, html=True) == "Hi there, &lt;b&gt;Acme&lt;/b&gt; "
    # Anything but a plain Object.Field name is left as text, never evaluated.
    assert merge("{{__class__.__init__}}", {}) == "{{__class__.__init__}}"
