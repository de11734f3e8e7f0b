"""Telling people about things: in-app notifications and notification emails."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tandem.messaging.merge import merge
from tandem.messaging.models import Notification, NotificationTemplate

DEFAULT_TEMPLATES = {
    "record_assigned": (
        _("Record assigned to you"),
        "{{Record.Type}} assigned to you: {{Record.Name}}",
        (
            'Hello {{Owner.FirstName|"there"}},\n\n{{Sender.Name}} assigned the {{Record.Type}} '
            '{{Record.Name}} ({{Record.Company|"no company"}}) to you.\n\nOpen it: {{Record.Link}}\n'
        ),
    ),
}

_RECORD = {
    "Record.Type": _("Type of record (lead, contact...)"),
    "Record.Name": _("Record name"),
    "Record.Link": _("Link to the record"),
    "Owner.FirstName": _("Recipient's first name"),
    "Owner.Name": _("Recipient's full name"),
}

# The notification emails Tandem sends, with the merge fields each one is given.
# Keys match EmailPreference kinds through `preference` (None: always sent).
BUILT_IN = {
    "record_assigned": {
        "preference": "assignment",
        "fields": _RECORD
        | {"Record.Company": _("Company of the record"), "Sender.Name": _("Who assigned it")},
    },
    "reminder": {
        "preference": "reminder",
        "name": _("Reminder"),
        "subject": "Reminder: {{Record.Name}} ({{Record.When}})",
        "body": (
            'Hello {{Owner.FirstName|"there"}},\n\nThis is your reminder of the {{Record.Type}} '
            "{{Record.Name}}, {{Record.When}}.\n\nOpen it: {{Record.Link}}\n"
        ),
        "fields": _RECORD | {"Record.When": _("When it is due or starts")},
    },
    "mention": {
        # Sent by tandem.feed when a post mentions someone who can see the record.
        "preference": "mention",
        "name": _("Mentioned in a post"),
        "subject": "{{Sender.Name}} mentioned you on the {{Record.Type}} {{Record.Name}}",
        "body": (
            'Hello {{Recipient.FirstName|"there"}},\n\n'
            "{{Sender.Name}} mentioned you on the {{Record.Type}} {{Record.Name}}:\n\n"
            "{{Post.Text}}\n\nOpen it: {{Record.Link}}\n"
        ),
        "fields": {
            "Record.Type": _RECORD["Record.Type"],
            "Record.Name": _RECORD["Record.Name"],
            "Record.Link": _RECORD["Record.Link"],
            "Recipient.FirstName": _("Recipient's first name"),
            "Recipient.Name": _("Recipient's full name"),
            "Sender.Name": _("Who mentioned you"),
            "Post.Text": _("The post or comment"),
        },
    },
    "partner_welcome": {
        "preference": None,
        "name": _("Partner portal welcome"),
        # By default the subject is the one set in Partner Management.
        "subject": "{{Program.WelcomeSubject}}",
        "required": ("Portal.Link", "User.TemporaryPassword"),
        "body": (
            'Hello {{User.FirstName|"there"}},\n\n{{Organization.Name}} has invited you to its '
            "partner portal.\n\nPortal: {{Portal.Link}}\nLogin: {{User.Email}}\n"
            "Temporary password: {{User.TemporaryPassword}}\n\n"
            "You will choose your own password when you first log in.\n"
        ),
        "fields": {
            "User.FirstName": _("New user's first name"),
            "User.Email": _("New user's login"),
            "User.TemporaryPassword": _("Temporary password"),
            "Portal.Link": _("Link to the portal"),
            "Organization.Name": _("Company name"),
            "Program.WelcomeSubject": _("Welcome subject set in Partner Management"),
        },
    },
}
BUILT_IN["record_assigned"].update(
    name=DEFAULT_TEMPLATES["record_assigned"][0],
    subject=DEFAULT_TEMPLATES["record_assigned"][1],
    body=DEFAULT_TEMPLATES["record_assigned"][2],
)


def known_fields(key: str) -> dict:
    """Merge fields a notification template may use; extra templates are assignment emails."""
    return dict(BUILT_IN.get(key, BUILT_IN["record_assigned"])["fields"])


def required_fields(key: str) -> tuple[str, ...]:
    """Merge fields a notification cannot do without (a welcome email needs the password)."""
    return tuple(BUILT_IN.get(key, {}).get("required", ()))


def template(key: str) -> NotificationTemplate:
    found = NotificationTemplate.objects.filter(key=key).first()
    if found:
        return found
    spec = BUILT_IN[key]
    found, _created = NotificationTemplate.objects.get_or_create(
        key=key,
        defaults={"name": str(spec["name"]), "subject": spec["subject"], "body": spec["body"]},
    )
    return found


def ensure_built_in() -> list[NotificationTemplate]:
    """Every built-in notification template as a row, so Setup can list and edit them."""
    return [template(key) for key in BUILT_IN]


def notify(
    user, kind: str, title: str, url: str = "", object_name: str = "", record_id=None
) -> Notification:
    return Notification.objects.create(
        user=user, kind=kind, title=title, url=url, object_name=object_name, record_id=record_id
    )


def render_notification(key: str, values: dict) -> tuple[str, str]:
    """The subject and body of notification `key`, merged with `values`."""
    tpl = template(key)
    subject = merge(tpl.subject, values).replace("\n", " ").replace("\r", " ")
    return subject, merge(tpl.body, values)


def email_from_template(key: str, to: str, values: dict) -> None:
    """Send a notification email after the current transaction commits (never before)."""
    subject, body = render_notification(key, values)
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to]))


def email_user(user, key: str, values: dict) -> bool:
    """Send notification `key` to `user` unless they turned that kind off; True if queued."""
    from tandem.calendar_app.models import EmailPreference

    preference = BUILT_IN.get(key, {}).get("preference", "assignment")
    if not user.email or not user.is_active:
        return False
    if preference and not EmailPreference.wants(user, preference):
        return False
    email_from_template(key, user.email, values)
    return True


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
