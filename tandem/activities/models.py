"""Tasks, events and notes: the work done around leads, contacts, accounts and opportunities.

Each may relate to a person (lead or contact) and to an account or opportunity; access to
an activity follows access to the records it relates to (Controlled by Parent).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tandem.core.records import Record


class RelatedTo(models.Model):
    lead = models.ForeignKey(
        "sales.Lead",
        verbose_name=_("lead"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    contact = models.ForeignKey(
        "sales.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    account = models.ForeignKey(
        "sales.Account",
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    opportunity = models.ForeignKey(
        "sales.Opportunity",
        verbose_name=_("opportunity"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        abstract = True


class Task(RelatedTo, Record):
    subject = models.CharField(_("subject"), max_length=255)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=40)
    priority = models.CharField(_("priority"), max_length=40)
    task_type = models.CharField(_("type"), max_length=40, blank=True)
    is_reminder_set = models.BooleanField(_("reminder set"), default=False)
    reminder_at = models.DateTimeField(_("reminder"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True, editable=False)
    description = models.TextField(_("comments"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(fields=["-created_at", "-id"]),
            models.Index(fields=["owner", "due_date"]),
            models.Index(fields=["lead"]),
            models.Index(fields=["contact"]),
            models.Index(fields=["account"]),
            models.Index(fields=["opportunity"]),
        ]

    def __str__(self):
        return self.subject


class Event(RelatedTo, Record):
    subject = models.CharField(_("subject"), max_length=255)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    is_all_day = models.BooleanField(_("all-day event"), default=False)
    location = models.CharField(_("location"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["-created_at", "-id"]),
            models.Index(fields=["owner", "start"]),
            models.Index(fields=["lead"]),
            models.Index(fields=["contact"]),
            models.Index(fields=["account"]),
            models.Index(fields=["opportunity"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")),
                name="event_end_after_start",
                violation_error_message=_("The end must not be before the start."),
            )
        ]

    def __str__(self):
        return self.subject


class Note(RelatedTo, Record):
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("body"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        indexes = [
            models.Index(fields=["-created_at", "-id"]),
            models.Index(fields=["lead"]),
            models.Index(fields=["contact"]),
            models.Index(fields=["account"]),
            models.Index(fields=["opportunity"]),
        ]

    def __str__(self):
        return self.title


class EventAttendee(models.Model):
    """Someone invited to an event: a user (who may answer) or a contact (who is only listed).

    An invited user is given a read-only manual share of the event (`share`), so the event
    reaches them through the door like any shared record; removing them removes the share.
    """

    NEW, ACCEPTED, DECLINED = "new", "accepted", "declined"
    STATUSES = [(NEW, _("New")), (ACCEPTED, _("Accepted")), (DECLINED, _("Declined"))]

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="attendees"
    )
    user = models.ForeignKey(
        "access.User",
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    contact = models.ForeignKey(
        "sales.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    status = models.CharField(_("response"), max_length=10, choices=STATUSES, default=NEW)
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)
    share = models.ForeignKey(
        "access.RecordShare",
        verbose_name=_("share"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        "access.User",
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["event_id", "id"]
        verbose_name = _("event attendee")
        verbose_name_plural = _("event attendees")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, contact__isnull=True)
                    | models.Q(user__isnull=True, contact__isnull=False)
                ),
                name="event_attendee_user_or_contact",
            ),
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=models.Q(user__isnull=False),
                name="event_attendee_user_once",
            ),
            models.UniqueConstraint(
                fields=["event", "contact"],
                condition=models.Q(contact__isnull=False),
                name="event_attendee_contact_once",
            ),
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self):
        return f"{self.user or self.contact} ({self.get_status_display()})"
