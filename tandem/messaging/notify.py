"""Telling people about things: in-app notifications and notification emails."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from tandem.messaging.merge import merge
from tandem.messaging.models import Notification, NotificationTemplate

DEFAULT_TEMPLATES = {
    "record_assigned": (
        _("Record assigned to you"),
        "{{Record.Type}} assigned to you: {{Record.Name}}",
        "Hello {{Owner.FirstName|\"there\"}},\n\n{{Sender.Name}} assigned the {{Record.Type}} "
        "{{Record.Name}} ({{Record.Company|\"no company\"}}) to you.\n\nOpen it: {{Record.Link}}\n",
    ),
}


def template(key: str) -> NotificationTemplate:
    found = NotificationTemplate.objects.filter(key=key).first()
    if found:
        return found
    name, subject, body = DEFAULT_TEMPLATES[key]
    return NotificationTemplate.objects.create(key=key, name=name, subject=subject, body=body)


def notify(user, kind: str, title: str, url: str = "", object_name: str = "", record_id=None) -> Notification:
    return Notification.objects.create(
        user=user, kind=kind, title=title, url=url, object_name=object_name, record_id=record_id
    )


def email_from_template(key: str, to: str, values: dict) -> None:
    """Send a notification email after the current transaction commits (never before)."""
    tpl = template(key)
    subject = merge(tpl.subject, values).replace("\n", " ")
    body = merge(tpl.body, values)
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to]))


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
