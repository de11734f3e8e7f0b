"""Every email Tandem sends (the Outbox), email templates and in-app notifications."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboundEmail(models.Model):
    """One email as it was handed to the mail system, with its delivery status."""

    QUEUED, SENT, FAILED = "queued", "sent", "failed"
    STATUSES = [(QUEUED, _("Queued")), (SENT, _("Sent")), (FAILED, _("Failed"))]
    MAX_ATTEMPTS = 5

    from_email = models.CharField(_("from"), max_length=255)
    to = models.JSONField(_("to"), default=list)
    cc = models.JSONField(_("cc"), default=list, blank=True)
    bcc = models.JSONField(_("bcc"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=998)
    body = models.TextField(_("text body"), blank=True)
    html_body = models.TextField(_("HTML body"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=STATUSES, default=QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # Set for an email sent from a record (Send Email): who sent it, from where, and the
    # completed task that keeps its copy in the record's activity history.
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    object_name = models.CharField(_("object"), max_length=40, blank=True)
    record_id = models.BigIntegerField(_("record"), null=True, blank=True)
    activity = models.ForeignKey(
        "activities.Task",
        verbose_name=_("activity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbox")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["activity"]),
        ]

    def __str__(self):
        return self.subject


class Notification(models.Model):
    """Something waiting for a user in the app: an assignment, a mention, a reminder."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("type"), max_length=20)
    title = models.CharField(_("title"), max_length=255)
    url = models.CharField(_("link"), max_length=500, blank=True)
    object_name = models.CharField(max_length=40, blank=True)
    record_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"])]

    def __str__(self):
        return self.title


class NotificationTemplate(models.Model):
    """The editable text of a notification email, with merge fields like {{Lead.Company}}."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("notification template")
        verbose_name_plural = _("notification templates")

    def __str__(self):
        return self.name


class EmailTemplate(models.Model):
    """A reusable email (subject, text and HTML) with merge fields of one object, for Send Email."""

    OBJECTS = [
        ("", _("None (sender and company fields only)")),
        ("lead", _("Lead")),
        ("contact", _("Contact")),
        ("account", _("Account")),
        ("opportunity", _("Opportunity")),
    ]

    name = models.CharField(_("template name"), max_length=120)
    description = models.CharField(_("description"), max_length=255, blank=True)
    object_name = models.CharField(
        _("related object"), max_length=40, choices=OBJECTS, blank=True, default=""
    )
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text body"), blank=True)
    html_body = models.TextField(_("HTML body"), blank=True)
    is_active = models.BooleanField(_("available for use"), default=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_shared = models.BooleanField(
        _("shared with everyone"),
        default=True,
        help_text=_("Unshared templates are offered to their owner only."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("email template")
        verbose_name_plural = _("email templates")

    def __str__(self):
        return self.name

    @classmethod
    def usable_by(cls, user, object_names):
        """Active templates `user` may pick for a record whose context holds `object_names`."""
        return cls.objects.filter(
            models.Q(is_shared=True) | models.Q(owner=user),
            is_active=True,
            object_name__in=["", *object_names],
        )
