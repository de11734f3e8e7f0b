"""Lead distribution: round-robin groups, assignment rules and mass owner-change jobs."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_WEIGHT = 100


class RoundRobinGroup(models.Model):
    """A named, stored rotation over users and/or queues.

    `position` counts the turns handed out so far; it lives in the database so the
    rotation survives restarts and is shared by every process (see actions.next_assignee).
    """

    name = models.CharField(_("name"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=255, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveBigIntegerField(_("turns taken"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("round-robin group")
        verbose_name_plural = _("round-robin groups")

    def __str__(self):
        return self.name


class RoundRobinMember(models.Model):
    """A user or a queue taking `weight` turns in each cycle of its group's rotation."""

    group = models.ForeignKey(
        RoundRobinGroup,
        verbose_name=_("round-robin group"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    queue = models.ForeignKey(
        "access.Group",
        verbose_name=_("queue"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"kind": "queue"},
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_WEIGHT)],
        help_text=_("Turns per cycle: a member with weight 2 gets twice as many records."),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("round-robin member")
        verbose_name_plural = _("round-robin members")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, queue__isnull=True)
                    | models.Q(user__isnull=True, queue__isnull=False)
                ),
                name="rr_member_user_or_queue",
            ),
            models.UniqueConstraint(fields=["group", "user"], name="rr_member_user_unique"),
            models.UniqueConstraint(fields=["group", "queue"], name="rr_member_queue_unique"),
        ]

    def __str__(self):
        return str(self.user or self.queue)

    @property
    def target(self):
        return self.user or self.queue


class AssignmentRule(models.Model):
    """A set of ordered entries deciding who owns a new record; one active set per object."""

    object_name = models.CharField(_("object"), max_length=40, default="lead")
    name = models.CharField(_("rule name"), max_length=80)
    is_active = models.BooleanField(_("active"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        ordering = ["object_name", "name"]
        verbose_name = _("assignment rule")
        verbose_name_plural = _("assignment rules")
        constraints = [
            models.UniqueConstraint(
                fields=["object_name", "name"], name="assignment_rule_name_unique"
            ),
            models.UniqueConstraint(
                fields=["object_name"],
                condition=models.Q(is_active=True),
                name="assignment_rule_one_active",
            ),
        ]

    def __str__(self):
        return self.name


class AssignmentRuleEntry(models.Model):
    """One step of a rule: when the criteria match, assign to the target (first match wins)."""

    TARGET_USER, TARGET_QUEUE, TARGET_ROUND_ROBIN = "user", "queue", "round_robin"
    TARGET_KINDS = [
        (TARGET_USER, _("User")),
        (TARGET_QUEUE, _("Queue")),
        (TARGET_ROUND_ROBIN, _("Round-robin group")),
    ]

    rule = models.ForeignKey(
        AssignmentRule,
        verbose_name=_("assignment rule"),
        on_delete=models.CASCADE,
        related_name="entries",
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    # [{"field": "country", "op": "equals", "value": "Italy"}, ...]; empty matches every record.
    criteria = models.JSONField(_("criteria"), default=list, blank=True)
    criteria_logic = models.CharField(
        _("criteria logic"), max_length=3, choices=[("and", "AND"), ("or", "OR")], default="and"
    )
    target_kind = models.CharField(_("assign to"), max_length=20, choices=TARGET_KINDS, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    queue = models.ForeignKey(
        "access.Group",
        verbose_name=_("queue"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "queue"},
    )
    round_robin = models.ForeignKey(
        RoundRobinGroup,
        verbose_name=_("round-robin group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rule_entries",
    )
    email_template = models.CharField(
        _("notification email template"),
        max_length=40,
        blank=True,
        help_text=_(
            "Key of the notification template sent to the new owner; empty uses “Record assigned to you”."
        ),
    )
    do_not_reassign = models.BooleanField(
        _("do not reassign owner"),
        default=False,
        help_text=_("A matching record keeps its owner, and no later entry is tried."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        ordering = ["rule", "sort_order", "id"]
        verbose_name = _("rule entry")
        verbose_name_plural = _("rule entries")

    def __str__(self):
        return f"{self.rule} #{self.sort_order}"

    @property
    def target(self):
        return {
            self.TARGET_USER: self.user,
            self.TARGET_QUEUE: self.queue,
            self.TARGET_ROUND_ROBIN: self.round_robin,
        }.get(self.target_kind)


class MassOwnerJob(models.Model):
    """A mass change of owner running in the background, with its progress and result."""

    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATUSES = [
        (QUEUED, _("Waiting")),
        (RUNNING, _("Running")),
        (DONE, _("Finished")),
        (FAILED, _("Failed")),
    ]

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    object_name = models.CharField(_("object"), max_length=40)
    record_ids = models.JSONField(_("records"), default=list)
    new_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("new owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    new_queue = models.ForeignKey(
        "access.Group",
        verbose_name=_("new queue"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    send_email = models.BooleanField(_("send notification email"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=STATUSES, default=QUEUED)
    total = models.PositiveIntegerField(_("records selected"), default=0)
    done = models.PositiveIntegerField(_("records processed"), default=0)
    changed = models.PositiveIntegerField(_("owners changed"), default=0)
    skipped = models.PositiveIntegerField(_("records skipped"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("mass owner change")
        verbose_name_plural = _("mass owner changes")

    def __str__(self):
        return f"{self.object_name} ×{self.total}"

    @property
    def finished(self) -> bool:
        return self.status in (self.DONE, self.FAILED)

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else 100
