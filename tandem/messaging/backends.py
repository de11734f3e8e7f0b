"""The Outbox email backend: records every message, then hands it to the real delivery backend.

Set TANDEM_EMAIL_DELIVERY_BACKEND to the backend that really sends (SMTP when EMAIL_HOST
is set); with none, email stays in the Outbox only, which is what the demo does.
"""

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend

from tandem.messaging.delivery import deliver
from tandem.messaging.models import OutboundEmail


def _html(message) -> str:
    for content, mimetype in getattr(message, "alternatives", []) or []:
        if mimetype == "text/html":
            return content
    return ""


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        sent = 0
        for message in email_messages:
            record = OutboundEmail.objects.create(
                from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
                to=list(message.to),
                cc=list(message.cc),
                bcc=list(message.bcc),
                subject=message.subject,
                body=message.body,
                html_body=_html(message),
                # Send Email from a record passes who sent it and the task holding its copy.
                **getattr(message, "tandem", {}),
            )
            if deliver(record, message):
                sent += 1
        return sent


def delivery_connection():
    backend = getattr(settings, "TANDEM_EMAIL_DELIVERY_BACKEND", "")
    return get_connection(backend) if backend else None
