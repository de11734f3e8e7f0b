"""Partner relationship management: the program switch, claim limits and the acceptance log."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerProgram(models.Model):
    """One row: whether partner management is on (it cannot be turned off) and its settings."""

    enabled = models.BooleanField(_("partner relationship management enabled"), default=False)
    enabled_at = models.DateTimeField(_("enabled on"), null=True, blank=True)
    enabled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    role_levels = models.PositiveSmallIntegerField(
        _("partner roles per account"),
        default=3,
        choices=[(1, "1"), (2, "2"), (3, "3")],
        help_text=_("Partner Executive, Partner Manager, Partner User: how many of these levels."),
    )
    portal_name = models.CharField(_("portal name"), max_length=80, default="Partner Portal")
    welcome_subject = models.CharField(
        _("welcome email subject"), max_length=200, default="Welcome to the {company} partner portal"
    )

    class Meta:
        verbose_name = _("partner program")

    def __str__(self):
        return str(self.portal_name)

    @classmethod
    def current(cls) -> "PartnerProgram":
        program = cls.objects.order_by("pk").first()
        return program or cls.objects.create()


class ClaimLimit(models.Model):
    """How many open leads a partner account (or one of its users) may hold and accept per day."""

    partner_account = models.ForeignKey(
        "sales.Account", verbose_name=_("partner account"), on_delete=models.CASCADE, related_name="claim_limits"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("partner user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Leave empty for a limit on the whole partner account."),
    )
    max_open_leads = models.PositiveIntegerField(_("open leads held at once"), null=True, blank=True)
    max_accepts_per_day = models.PositiveIntegerField(_("leads accepted per day"), null=True, blank=True)

    class Meta:
        verbose_name = _("claim limit")
        verbose_name_plural = _("claim limits")
        constraints = [
            models.UniqueConstraint(fields=["partner_account", "user"], name="claim_limit_unique"),
            models.UniqueConstraint(
                fields=["partner_account"], condition=models.Q(user__isnull=True), name="claim_limit_account_unique"
            ),
        ]

    def __str__(self):
        return f"{self.partner_account} {self.user or ''}".strip()


class LeadAcceptance(models.Model):
    """A lead taken from a queue: who, for which partner account, when (for limits and scorecards)."""

    lead = models.ForeignKey("sales.Lead", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    queue = models.ForeignKey("access.Group", null=True, on_delete=models.SET_NULL, related_name="+")
    partner_account = models.ForeignKey(
        "sales.Account", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted"))
    queued_at = models.DateTimeField(_("queued since"), null=True, blank=True)

    class Meta:
        ordering = ["-accepted_at"]
        indexes = [
            models.Index(fields=["user", "accepted_at"]),
            models.Index(fields=["partner_account", "accepted_at"]),
        ]
