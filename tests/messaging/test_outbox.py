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
    assert (
        merge(text, {"Record.Name": "<b>Acme</b>"}, html=True)
        == "Hi there, &lt;b&gt;Acme&lt;/b&gt; "
    )
    # Anything but a plain Object.Field name is left as text, never evaluated.
    assert merge("{{__class__.__init__}}", {}) == "{{__class__.__init__}}"


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_smtp_down_marks_the_email_failed_and_it_is_retried(
    org, settings, client, django_capture_on_commit_callbacks
):
    """Django's real SMTP backend against a closed port: failed, shown, retried, then sent."""
    from tandem.activities.models import Task
    from tests import factories as f

    settings.EMAIL_BACKEND = "tandem.messaging.backends.OutboxBackend"
    settings.TANDEM_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _closed_port()
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 5
    contact = f.contact(org.owner, email="ada@example.com")
    client.force_login(org.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("email_send", args=["contact", contact.pk]),
            {"to": "ada@example.com", "subject": "Proposal", "body": "Attached."},
            follow=True,
        )
    assert response.status_code == 200
    email = OutboundEmail.objects.get()
    assert email.status == "failed" and "Connection" in email.last_error
    assert email.next_attempt_at is not None and email.activity == Task.objects.unrestricted().get()
    # The sender sees it failed, with the error, from the copy in the activity history.
    sent = client.get(reverse("email_sent", args=[email.activity_id])).content.decode()
    assert "Failed" in sent and "Connection" in sent and "next attempt" in sent

    client.force_login(org.admin)
    listing = client.get(reverse("outbox"), {"status": "failed"}).content.decode()
    assert "Proposal" in listing and "table-danger" in listing and "Retry now" in listing
    assert "1 email failed to send." in listing
    # Retry now while the server is still down: one more attempt, still failed, error kept.
    client.post(reverse("outbox_retry", args=[email.pk]))
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("failed", 2)
    # The worker's sweep, once the server is back, sends it.
    settings.TANDEM_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert retry_due(timezone.now() + datetime.timedelta(hours=2)) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == ("sent", 3, "")
    assert mail.outbox[-1].subject == "Proposal"
    page = client.get(reverse("outbox_email", args=[email.pk])).content.decode()
    assert "Retry now" not in page and "Attached." in page


def test_retry_now_is_for_administrators_only(org, outbox_mail, client):
    outbox_mail.TANDEM_EMAIL_DELIVERY_BACKEND = "tests.messaging.test_outbox.BrokenBackend"
    send_mail("Down", "x", None, ["a@example.com"])
    email = OutboundEmail.objects.get()
    client.force_login(org.owner)
    assert client.post(reverse("outbox_retry", args=[email.pk])).status_code == 404
    email.refresh_from_db()
    assert email.attempts == 1


def test_html_email_is_shown_in_a_sandboxed_frame(org, outbox_mail, client):
    from django.core.mail import EmailMultiAlternatives

    message = EmailMultiAlternatives("Styled", "plain", None, ["a@example.com"])
    message.attach_alternative('<p onclick="x()">Hi</p><script>alert(1)</script>', "text/html")
    message.send()
    email = OutboundEmail.objects.get()
    client.force_login(org.admin)
    page = client.get(reverse("outbox_email", args=[email.pk])).content.decode()
    assert '<iframe sandbox=""' in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_a_failed_email_is_claimed_by_one_retry_only(outbox_mail, db):
    from tandem.messaging.delivery import claim

    outbox_mail.TANDEM_EMAIL_DELIVERY_BACKEND = "tests.messaging.test_outbox.BrokenBackend"
    send_mail("Once", "x", None, ["a@example.com"])
    seen_by_worker_1 = OutboundEmail.objects.get()
    seen_by_worker_2 = OutboundEmail.objects.get()
    assert claim(seen_by_worker_1) is True
    assert claim(seen_by_worker_2) is False
    # The claim pushed the next attempt ahead: the sweep does not pick it up meanwhile.
    outbox_mail.TANDEM_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert retry_due(timezone.now() + datetime.timedelta(minutes=5)) == 0
    assert retry_due(timezone.now() + datetime.timedelta(minutes=11)) == 1
    assert len(mail.outbox) == 1
