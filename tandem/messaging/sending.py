"""Send Email from a lead, contact, account or opportunity, keeping a copy in its history.

The copy is a completed task of type "Email" owned by the sender; it and the email are one
action: the task is written first, and the email leaves (through Django's email API and
so the Outbox) only once that has committed. No task, no email.
"""

import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from tandem.access.door import can, can_create
from tandem.core import registry
from tandem.core.actions import NotVisible, create_record
from tandem.messaging.merge_fields import TEMPLATE_OBJECTS

SEPARATORS = re.compile(r"[,;\s]+")
MAX_RECIPIENTS = 50


def parse_addresses(text: str, field: str) -> list[str]:
    """Addresses typed in one box (comma, semicolon or space separated), each checked."""
    found = []
    for part in SEPARATORS.split(text or ""):
        part = part.strip()
        if not part:
            continue
        try:
            validate_email(part)
        except ValidationError:
            raise ValidationError(
                {field: _("“%(address)s” is not a valid email address.") % {"address": part[:80]}}
            ) from None
        if part.lower() not in {a.lower() for a in found}:
            found.append(part)
    return found


def _completed_status() -> str:
    from tandem.activities.actions import _completed_status as status

    return status()


def _describe(to, cc, bcc, body: str, html_body: str) -> str:
    lines = [_("To: %(to)s") % {"to": ", ".join(to)}]
    if cc:
        lines.append(_("Cc: %(cc)s") % {"cc": ", ".join(cc)})
    if bcc:
        lines.append(_("Bcc: %(bcc)s") % {"bcc": ", ".join(bcc)})
    text = body.strip() or strip_tags(html_body).strip()
    return "\n".join(lines) + "\n\n" + text


def send_record_email(
    user, record, *, to, cc=(), bcc=(), subject: str, body: str = "", html_body: str = ""
):
    """Email people from `record`; returns the task holding the copy.

    Raises NotVisible if the user may not read the record, PermissionDenied if they may not
    create the task that keeps the copy, ValidationError naming the field otherwise.
    """
    obj_def = registry.for_model(type(record))
    if obj_def.name not in TEMPLATE_OBJECTS:
        raise ValidationError(
            _("Email can be sent from leads, contacts, accounts and opportunities.")
        )
    if not can(user, "read", record):
        raise NotVisible()
    if not can_create(user, "task"):
        raise PermissionDenied(
            _("Nothing was sent: you need permission to create tasks to keep a copy of the email.")
        )
    errors = {}
    subject = " ".join((subject or "").split())
    if not to:
        errors["to"] = _("Enter at least one recipient.")
    if len(to) + len(cc) + len(bcc) > MAX_RECIPIENTS:
        errors["to"] = _("An email can have at most %(n)d recipients.") % {"n": MAX_RECIPIENTS}
    if not subject:
        errors["subject"] = _("Enter a subject.")
    if not (body or "").strip() and not (html_body or "").strip():
        errors["body"] = _("Write the email, or choose a template.")
    if errors:
        raise ValidationError(errors)
    values = {
        "subject": (_("Email: %(subject)s") % {"subject": subject})[:255],
        "description": _describe(to, cc, bcc, body or "", html_body or ""),
        "status": _completed_status(),
        "priority": "Normal",
        "task_type": "Email",
        "due_date": timezone.localdate(),
        obj_def.name: record,
    }
    if obj_def.name in ("contact", "opportunity") and record.account_id:
        values["account"] = record.account
    message = EmailMultiAlternatives(
        subject=subject,
        body=body or strip_tags(html_body),
        from_email=_from_address(user),
        to=list(to),
        cc=list(cc),
        bcc=list(bcc),
        reply_to=[user.email] if user.email else None,
    )
    if (html_body or "").strip():
        message.attach_alternative(html_body, "text/html")
    with transaction.atomic():
        task = create_record(user, registry.get("task"), values)
        type(task).objects.unrestricted().filter(pk=task.pk).update(completed_at=timezone.now())
        message.tandem = {
            "sent_by": user,
            "object_name": obj_def.name,
            "record_id": record.pk,
            "activity": task,
        }
        transaction.on_commit(message.send)
    return task


def _from_address(user) -> str:
    """The company's sender address, with the user's name shown (replies go to the user)."""
    from email.utils import formataddr, parseaddr

    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return (
        formataddr((user.full_name, address))
        if user.full_name and address
        else settings.DEFAULT_FROM_EMAIL
    )
