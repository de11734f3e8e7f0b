"""Saved reports and the folders they live in."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PRIVATE, PUBLIC = "private", "public"
VISIBILITY = [(PRIVATE, _("Private")), (PUBLIC, _("Public"))]


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
        _("visibility"), max_length=10, choices=VISIBILITY, default=PRIVATE
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("report folder")
        verbose_name_plural = _("report folders")

    def __str__(self):
        return self.name


class ReportQuerySet(models.QuerySet):
    def for_user(self, user):
        """The reports `user` may open: their own, public ones, and those in public folders."""
        if getattr(user, "is_admin", False):
            return self
        return self.filter(Q(owner=user) | Q(visibility=PUBLIC) | Q(folder__visibility=PUBLIC))


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
