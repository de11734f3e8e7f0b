"""Quotas, manager adjustments and period-start snapshots of each user's forecast.

A period is (kind, start): a fiscal quarter or a calendar month, starting on the first of a
month, as computed by tandem.forecasts.periods from the company's fiscal year start.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

QUARTER, MONTH = "quarter", "month"
PERIOD_KINDS = [(QUARTER, _("Fiscal quarter")), (MONTH, _("Fiscal month"))]

# The forecast figures (cumulative, Salesforce's "cumulative forecast rollups").
CLOSED, COMMIT, BEST_CASE, PIPELINE = "closed", "commit", "best_case", "pipeline"
FIGURE_CHOICES = [
    (CLOSED, _("Closed")),
    (COMMIT, _("Commit")),
    (BEST_CASE, _("Best Case")),
    (PIPELINE, _("Pipeline")),
]
ADJUSTABLE = (COMMIT, BEST_CASE, PIPELINE)
ADJUSTABLE_CHOICES = [(k, v) for k, v in FIGURE_CHOICES if k in ADJUSTABLE]


class Quota(models.Model):
    """How much a user (and, for a manager, their team) is expected to close in a period."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="forecast_quotas",
    )
    period_kind = models.CharField(_("period type"), max_length=10, choices=PERIOD_KINDS)
    period_start = models.DateField(_("period start"))
    amount = models.DecimalField(_("quota"), max_digits=18, decimal_places=2)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        ordering = ("period_start", "user_id")
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        constraints = (
            models.UniqueConstraint(
                fields=["user", "period_kind", "period_start"], name="forecast_quota_per_period"
            ),
        )
        indexes = (models.Index(fields=["period_kind", "period_start"]),)

    def __str__(self):
        return f"{self.user} {self.period_kind} {self.period_start}: {self.amount}"


class ForecastAdjustment(models.Model):
    """A manager's judgement replacing a user's roll-up figure in one category for a period.

    Every adjustment is kept as history; the latest one for (user, period, category) is the
    figure shown, and it rolls up into the managers above.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("forecast of"),
        on_delete=models.CASCADE,
        related_name="forecast_adjustments",
    )
    period_kind = models.CharField(_("period type"), max_length=10, choices=PERIOD_KINDS)
    period_start = models.DateField(_("period start"))
    category = models.CharField(_("category"), max_length=12, choices=ADJUSTABLE_CHOICES)
    amount = models.DecimalField(_("adjusted amount"), max_digits=18, decimal_places=2)
    original_amount = models.DecimalField(
        _("amount before adjustment"), max_digits=18, decimal_places=2
    )
    note = models.TextField(_("note"))
    adjusted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("adjusted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("forecast adjustment")
        verbose_name_plural = _("forecast adjustments")
        indexes = (models.Index(fields=["period_kind", "period_start", "user", "category"]),)

    def __str__(self):
        return f"{self.user} {self.category} {self.period_start}: {self.amount}"


class ForecastSnapshot(models.Model):
    """A user's forecast figures as they stood at the start of a period (forecast accuracy)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="forecast_snapshots",
    )
    period_kind = models.CharField(_("period type"), max_length=10, choices=PERIOD_KINDS)
    period_start = models.DateField(_("period start"))
    closed = models.DecimalField(_("closed"), max_digits=18, decimal_places=2, default=0)
    commit = models.DecimalField(_("commit"), max_digits=18, decimal_places=2, default=0)
    best_case = models.DecimalField(_("best case"), max_digits=18, decimal_places=2, default=0)
    pipeline = models.DecimalField(_("pipeline"), max_digits=18, decimal_places=2, default=0)
    quota = models.DecimalField(_("quota"), max_digits=18, decimal_places=2, null=True)
    taken_at = models.DateTimeField(_("taken"), auto_now_add=True)

    class Meta:
        ordering = ("period_start", "user_id")
        verbose_name = _("forecast snapshot")
        verbose_name_plural = _("forecast snapshots")
        constraints = (
            models.UniqueConstraint(
                fields=["user", "period_kind", "period_start"],
                name="forecast_snapshot_per_period",
            ),
        )
        indexes = (models.Index(fields=["period_kind", "period_start"]),)

    def __str__(self):
        return f"{self.user} {self.period_kind} {self.period_start}"
