"""Calendar state of our own: event reminder settings, reminders to send, feed tokens, email preferences."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EventReminder(models.Model):
    """How long before an event its owner wants to be reminded (tasks carry their own reminder)."""

    event = models.OneToOneField(
        "activities.Event",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="reminder_setting",
    )
    minutes_before = models.PositiveIntegerField(_("minutes before"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        ordering = ["event_id"]
        verbose_name = _("event reminder")
        verbose_name_plural = _("event reminders")

    def __str__(self):
        return f"{self.event_id} -{self.minutes_before}m"


class Reminder(models.Model):
    """One reminder occurrence, claimed by exactly one worker with a conditional UPDATE.

    The key (object, record, remind_at) means a moved event or a changed task reminder is
    a new occurrence, and the same occurrence can never be created or sent twice.
    """

    PENDING, SENT, SKIPPED = "pending", "sent", "skipped"
    STATUSES = [(PENDING, _("Pending")), (SENT, _("Sent")), (SKIPPED, _("Skipped"))]

    object_name = models.CharField(_("object"), max_length=20)
    record_id = models.BigIntegerField(_("record"))
    remind_at = models.DateTimeField(_("remind at"))
    status = models.CharField(_("status"), max_length=10, choices=STATUSES, default=PENDING)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["remind_at", "id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["object_name", "record_id", "remind_at"], name="calendar_reminder_once"
            )
        ]
        indexes = [models.Index(fields=["status", "remind_at"])]

    def __str__(self):
        return f"{self.object_name} {self.record_id} at {self.remind_at:%Y-%m-%d %H:%M}"


class EmailPreference(models.Model):
    """Whether a user receives one kind of notification email; no row means yes."""

    KINDS = [
        ("reminder", _("Reminders of tasks and events")),
        ("assignment", _("Records assigned to me")),
        ("mention", _("Mentions")),
    ]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=KINDS)
    enabled = models.BooleanField(_("send me this email"), default=True)
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        ordering = ["user_id", "kind"]
        verbose_name = _("email preference")
        verbose_name_plural = _("email preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="calendar_email_pref_once")
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind}: {self.enabled}"

    @classmethod
    def wants(cls, user, kind: str) -> bool:
        row = cls.objects.filter(user=user, kind=kind).values_list("enabled", flat=True).first()
        return True if row is None else row


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class FeedToken(models.Model):
    """A personal iCalendar feed secret. Only its hash is stored; the URL is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self):
        return f"feed of {self.user_id}"

    @classmethod
    def issue(cls, user) -> str:
        """Revoke the user's current feed URL and return the secret of a new one."""
        token = secrets.token_urlsafe(32)
        cls.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        cls.objects.create(user=user, token_hash=hash_token(token))
        return token

    @classmethod
    def revoke(cls, user) -> int:
        return cls.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )

    @classmethod
    def user_for(cls, token: str):
        row = (
            cls.objects.select_related("user")
            .filter(token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        return row.user if row else None
