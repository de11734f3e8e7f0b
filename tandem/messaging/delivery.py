"""Delivering Outbox emails, and retrying the ones that failed (in the background worker)."""

import datetime
import logging

from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import task

from tandem.messaging.models import OutboundEmail

logger = logging.getLogger(__name__)
RETRY_DELAYS = [1, 5, 15, 60]  # minutes after each failed attempt


def _message(record: OutboundEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=record.subject,
        body=record.body,
        from_email=record.from_email,
        to=record.to,
        cc=record.cc,
        bcc=record.bcc,
    )
    if record.html_body:
        message.attach_alternative(record.html_body, "text/html")
    return message


def deliver(record: OutboundEmail, message=None) -> bool:
    """Try to send one email now; on failure keep the error and schedule a retry."""
    from tandem.messaging.backends import delivery_connection

    connection = delivery_connection()
    record.attempts += 1
    try:
        if connection is not None:
            connection.send_messages([message or _message(record)])
    except Exception as exc:  # noqa: BLE001 any transport error: keep it for the Outbox, retry later
        record.status = OutboundEmail.FAILED
        record.last_error = f"{type(exc).__name__}: {exc}"
        if record.attempts < OutboundEmail.MAX_ATTEMPTS:
            delay = RETRY_DELAYS[min(record.attempts - 1, len(RETRY_DELAYS) - 1)]
            record.next_attempt_at = timezone.now() + datetime.timedelta(minutes=delay)
        else:
            record.next_attempt_at = None
        record.save()
        if record.next_attempt_at:
            try:
                retry_email.using(run_after=record.next_attempt_at).enqueue(record.pk)
            except Exception:  # the retry sweep below still finds it
                logger.warning("Could not enqueue the retry of email %s", record.pk, exc_info=True)
        return False
    record.status = OutboundEmail.SENT
    record.sent_at = timezone.now()
    record.last_error = ""
    record.next_attempt_at = None
    record.save()
    return True


LEASE = datetime.timedelta(minutes=10)


def claim(record: OutboundEmail, now=None) -> bool:
    """Take a failed email for one retry, so two workers (or a click) never send it twice.

    The claim pushes the next attempt a lease ahead with a conditional UPDATE; if the worker
    dies while sending, the email simply falls due again when the lease ends.
    """
    now = now or timezone.now()
    seen = (
        {"next_attempt_at": record.next_attempt_at}
        if record.next_attempt_at
        else {"next_attempt_at__isnull": True}
    )
    claimed = OutboundEmail.objects.filter(
        pk=record.pk, status=OutboundEmail.FAILED, attempts=record.attempts, **seen
    ).update(next_attempt_at=now + LEASE)
    return claimed == 1


@task()
def retry_email(email_id: int) -> str:
    record = OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.FAILED).first()
    if record is None or not claim(record):
        return "nothing to do"
    return "sent" if deliver(record) else "failed"


def retry_due(now=None) -> int:
    """Retry every failed email whose next attempt is due; returns how many were sent."""
    now = now or timezone.now()
    due = OutboundEmail.objects.filter(status=OutboundEmail.FAILED, next_attempt_at__lte=now)
    return sum(1 for record in due if claim(record, now) and deliver(record))
