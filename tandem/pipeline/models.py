"""Contact roles on opportunities and the reason an opportunity was lost."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ContactRole(models.TextChoices):
    DECISION_MAKER = "Decision Maker", _("Decision Maker")
    ECONOMIC_BUYER = "Economic Buyer", _("Economic Buyer")
    TECHNICAL_BUYER = "Technical Buyer", _("Technical Buyer")
    INFLUENCER = "Influencer", _("Influencer")
    EVALUATOR = "Evaluator", _("Evaluator")
    OTHER = "Other", _("Other")


class LossReason(models.TextChoices):
    PRICE = "Price", _("Price")
    PRODUCT_FIT = "Product fit", _("Product fit")
    COMPETITOR = "Competitor", _("Competitor")
    NO_DECISION = "No decision", _("No decision")
    TIMING = "Timing", _("Timing")
    OTHER = "Other", _("Other")


class OpportunityContactRole(models.Model):
    """A contact's part in a deal. At most one per opportunity is primary (database constraint);
    the actions keep exactly one primary whenever the opportunity has any contact role."""

    opportunity = models.ForeignKey(
        "sales.Opportunity",
        verbose_name=_("opportunity"),
        on_delete=models.CASCADE,
        related_name="contact_roles",
    )
    contact = models.ForeignKey(
        "sales.Contact",
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        related_name="opportunity_roles",
    )
    role = models.CharField(_("role"), max_length=40, choices=ContactRole.choices)
    is_primary = models.BooleanField(_("primary"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        ordering = ["-is_primary", "created_at", "id"]
        verbose_name = _("opportunity contact role")
        verbose_name_plural = _("opportunity contact roles")
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity"],
                condition=Q(is_primary=True),
                name="pipeline_one_primary_contact_role",
            ),
            models.UniqueConstraint(
                fields=["opportunity", "contact"], name="pipeline_contact_role_unique"
            ),
        ]

    def __str__(self):
        return f"{self.contact} ({self.get_role_display()})"


class OpportunityLoss(models.Model):
    """Why a deal was lost and to whom: filled when the stage moves to a closed-not-won stage."""

    opportunity = models.OneToOneField(
        "sales.Opportunity",
        verbose_name=_("opportunity"),
        on_delete=models.CASCADE,
        related_name="loss",
    )
    reason = models.CharField(_("loss reason"), max_length=40, choices=LossReason.choices)
    competitor = models.CharField(_("competitor"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("opportunity loss")
        verbose_name_plural = _("opportunity losses")

    def __str__(self):
        return f"{self.opportunity}: {self.get_reason_display()}"
