"""Channel management: deals registered by partners and reviewed by their channel manager."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DealRegistration(models.Model):
    """A deal a partner found and registered, waiting for (or past) the channel manager's review.

    Approval creates an opportunity owned by the partner user and protects the deal until
    `protected_until`: other partners' registrations for the same company are then flagged.
    """

    PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
    STATUSES = (
        (PENDING, _("Pending review")),
        (APPROVED, _("Approved")),
        (REJECTED, _("Rejected")),
    )
    DEFAULT_PROTECTION_DAYS = 90

    partner_account = models.ForeignKey(
        "sales.Account",
        verbose_name=_("partner account"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    company = models.CharField(_("company"), max_length=255)
    # The company name lower-cased without spaces: how registrations of one company are matched.
    company_key = models.CharField(max_length=255, editable=False, db_index=True)
    contact_name = models.CharField(_("contact name"), max_length=160)
    contact_email = models.EmailField(_("contact email"))
    product_interest = models.CharField(_("product interest"), max_length=255, blank=True)
    expected_amount = models.DecimalField(_("expected amount"), max_digits=18, decimal_places=2)
    expected_close_date = models.DateField(_("expected close date"))
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=STATUSES, default=PENDING)
    # What the conflict check found when the deal was registered; the review page checks again.
    conflicts = models.JSONField(_("conflicts"), default=list, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    account = models.ForeignKey(
        "sales.Account",
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opportunity = models.ForeignKey(
        "sales.Opportunity",
        verbose_name=_("opportunity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    protected_until = models.DateField(_("protected until"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    updated_at = models.DateTimeField(_("last modified"), default=timezone.now)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("deal registration")
        verbose_name_plural = _("deal registrations")
        indexes = (
            models.Index(fields=["partner_account", "status", "-created_at"]),
            models.Index(fields=["submitted_by", "-created_at"]),
            models.Index(fields=["status", "protected_until"]),
        )

    def __str__(self):
        return self.company

    @property
    def is_pending(self) -> bool:
        return self.status == self.PENDING

    @property
    def is_protected(self) -> bool:
        return (
            self.status == self.APPROVED
            and self.protected_until is not None
            and self.protected_until >= timezone.localdate()
        )
