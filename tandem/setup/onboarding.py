"""Named actions for bringing people in: add a user, notify them, invite them later.

Emails go out on commit, so a failed save never sends a password for a user who does
not exist. A mail server that is down does not undo the save: the returned Delivery
says so, and the administrator can send again from the user's page.
"""

import logging
from dataclasses import dataclass

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import get_random_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from tandem.access.models import User
from tandem.core.models import Company

logger = logging.getLogger(__name__)


@dataclass
class Delivery:
    """Whether the email went out: None until the transaction commits, then True or False."""

    sent: bool | None = None

    @property
    def failed(self) -> bool:
        return self.sent is False


def _on_commit_send(delivery: Delivery, send, *args) -> None:
    def run():
        try:
            send(*args)
        except Exception:  # SMTP errors come in many classes; none may break the request
            logger.exception("could not send the onboarding email")
            delivery.sent = False
        else:
            delivery.sent = True

    transaction.on_commit(run)


# No look-alike characters (0/O, 1/l/I) in a password read from an email.
PASSWORD_CHARS = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def temporary_password() -> str:
    return get_random_string(14, PASSWORD_CHARS)


def _language(user: User) -> str:
    return user.language or Company.current().language or "en"


def _send(user: User, subject: str, template: str, context: dict) -> None:
    with translation.override(_language(user)):
        company = Company.current()
        context = {"user": user, "company": company, **context}
        body = render_to_string(template, context)
        send_mail(
            subject % {"company": company.name},
            body,
            None,
            [user.email],
        )


def _email_new_user(user: User, password: str, login_url: str) -> None:
    with translation.override(_language(user)):
        subject = _("Welcome to %(company)s on Tandem")
    _send(user, subject, "setup/email/new_user.txt", {"password": password, "login_url": login_url})


def password_setup_link(user: User, build_absolute_uri) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uidb64, "token": token})
    return build_absolute_uri(path)


def add_user(form, notify: bool, build_absolute_uri) -> tuple[User, Delivery]:
    """Create the user from a valid form; with `notify`, email a temporary password."""
    delivery = Delivery()
    with transaction.atomic():
        user = form.save(commit=False)
        password = None
        if notify:
            password = temporary_password()
            user.set_password(password)
            user.must_change_password = True
        else:
            user.set_unusable_password()
        user.save()
        if password:
            login_url = build_absolute_uri(reverse("login"))
            _on_commit_send(delivery, _email_new_user, user, password, login_url)
    return user, delivery


def reset_and_notify(user: User, build_absolute_uri) -> Delivery:
    """Give the user a new temporary password and email it."""
    delivery = Delivery()
    with transaction.atomic():
        password = temporary_password()
        user.set_password(password)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password", "updated_at"])
        login_url = build_absolute_uri(reverse("login"))
        _on_commit_send(delivery, _email_new_user, user, password, login_url)
    return delivery


def send_invitation(user: User, build_absolute_uri) -> Delivery:
    """Email a link where the user chooses their own password (valid until it is used)."""
    link = password_setup_link(user, build_absolute_uri)
    login_url = build_absolute_uri(reverse("login"))
    with translation.override(_language(user)):
        subject = _("You are invited to %(company)s on Tandem")
    delivery = Delivery()
    _on_commit_send(
        delivery,
        _send,
        user,
        subject,
        "setup/email/invitation.txt",
        {"link": link, "login_url": login_url},
    )
    return delivery
