"""Saved reports and the folders they live in."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PRIVATE, PUBLIC, SHARED = "private", "public", "shared"
VISIBILITY = [(PRIVATE, _("Private")), (PUBLIC, _("Public"))]
FOLDER_VISIBILITY = VISIBILITY + [(SHARED, _("Shared with roles and groups"))]
SHARE_ROLE, SHARE_ROLE_SUBS, SHARE_GROUP = "role", "role_subs", "group"
SHARE_KINDS = [
    (SHARE_ROLE, _("Role")),
    (SHARE_ROLE_SUBS, _("Role and subordinates")),
    (SHARE_GROUP, _("Public group")),
]


def folders_for(user):
    """The folders `user` may open: their own, public ones, and those shared with them."""
    if getattr(user, "is_admin", False):
        return ReportFolder.objects.all()
    return ReportFolder.objects.filter(_folder_q(user))


def _folder_q(user) -> Q:
    from django.db.models import Exists, OuterRef

    from tandem.access.principals import principals_for

    p = principals_for(user)
    role_ids = {p.role_id} if p.role_id else set()
    # "Role and subordinates" of R reaches a user whose role is R or below R.
    above = set(p.ancestor_role_ids) | role_ids
    shares = ReportFolderShare.objects.filter(folder=OuterRef("pk"))
    shared = Exists(
        shares.filter(
            Q(kind=SHARE_ROLE, role_id__in=role_ids)
            | Q(kind=SHARE_ROLE_SUBS, role_id__in=above)
            | Q(kind=SHARE_GROUP, group_id__in=set(p.group_ids))
        )
    )
    return Q(owner=user) | Q(visibility=PUBLIC) | (Q(visibility=SHARED) & Q(shared))


class ReportFolder(models.Model):
    """A folder of reports; a public folder's reports are listed for everyone."""

    name = models.CharField(_("name"), max_length=120)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=FOLDER_VISIBILITY, default=PRIVATE
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("report folder")
        verbose_name_plural = _("report folders")

    def __str__(self):
        return self.name


class ReportFolderShare(models.Model):
    """A folder opened to a role (optionally with its subordinates) or a public group."""

    folder = models.ForeignKey(ReportFolder, on_delete=models.CASCADE, related_name="shares")
    kind = models.CharField(_("share with"), max_length=10, choices=SHARE_KINDS)
    role = models.ForeignKey(
        "access.Role", verbose_name=_("role"), null=True, blank=True, on_delete=models.CASCADE
    )
    group = models.ForeignKey(
        "access.Group", verbose_name=_("group"), null=True, blank=True, on_delete=models.CASCADE
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("folder share")
        verbose_name_plural = _("folder shares")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.role or self.group}"


class ReportQuerySet(models.QuerySet):
    def for_user(self, user):
        """The reports `user` may open: their own, public ones, and those in folders they may open."""
        if getattr(user, "is_admin", False):
            return self
        folders = ReportFolder.objects.filter(_folder_q(user)).values("pk")
        return self.filter(Q(owner=user) | Q(visibility=PUBLIC) | Q(folder__in=folders))


class Report(models.Model):
    """A saved report definition. Its rows are always computed for the person running it."""

    name = models.CharField(_("report name"), max_length=120)
    description = models.CharField(_("description"), max_length=255, blank=True)
    report_type = models.CharField(_("report type"), max_length=60)
    definition = models.JSONField(_("definition"), default=dict, blank=True)
    folder = models.ForeignKey(
        ReportFolder,
        verbose_name=_("folder"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=VISIBILITY, default=PRIVATE
    )
    # Standard reports installed by install_standard_reports() carry a stable key.
    standard_key = models.CharField(_("standard report"), max_length=60, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["standard_key"],
                condition=~Q(standard_key=""),
                name="report_standard_key_unique",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("reports:run", args=[self.pk])

    def can_edit(self, user) -> bool:
        return self.owner_id == user.pk or getattr(user, "is_admin", False)


class CustomReportType(models.Model):
    """A report type an administrator defined in Setup: a primary object and the lookups it reaches."""

    label = models.CharField(_("report type name"), max_length=120)
    description = models.CharField(_("description"), max_length=255, blank=True)
    object_name = models.CharField(_("primary object"), max_length=40)
    # Keys from custom_types.lookup_options(object_name): ["owner", "account", "contact_roles"]
    lookups = models.JSONField(_("related objects"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        ordering = ["label", "pk"]
        verbose_name = _("custom report type")
        verbose_name_plural = _("custom report types")

    def __str__(self):
        return self.label

    @property
    def key(self) -> str:
        return f"custom_{self.pk}"


DAILY, WEEKLY, MONTHLY = "daily", "weekly", "monthly"
FREQUENCIES = [(DAILY, _("Daily")), (WEEKLY, _("Weekly")), (MONTHLY, _("Monthly"))]
RUN_AS_OWNER, RUN_AS_RECIPIENT = "owner", "recipient"
RUN_AS = [
    (RUN_AS_OWNER, _("The report owner (everyone gets the owner's rows)")),
    (RUN_AS_RECIPIENT, _("Each recipient (everyone gets the rows they may see)")),
]
WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class ReportSchedule(models.Model):
    """A report emailed to chosen users on a schedule, in the company's time zone.

    `next_run_at` is when it is next due (UTC); the sender claims a due schedule by moving it
    forward with a conditional UPDATE, so two workers never send the same run twice.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="schedules")
    frequency = models.CharField(_("frequency"), max_length=10, choices=FREQUENCIES, default=DAILY)
    weekday = models.PositiveSmallIntegerField(_("day of the week"), choices=WEEKDAYS, default=0)
    month_day = models.PositiveSmallIntegerField(_("day of the month"), default=1)
    hour = models.PositiveSmallIntegerField(_("hour"), default=8)
    run_as = models.CharField(_("run as"), max_length=10, choices=RUN_AS, default=RUN_AS_OWNER)
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("recipients"), related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    next_run_at = models.DateTimeField(_("next run"), db_index=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        ordering = ["next_run_at", "pk"]
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")

    def __str__(self):
        return f"{self.report} ({self.get_frequency_display()})"
