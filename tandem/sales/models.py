"""Accounts, contacts, leads and opportunities: the core sales objects.

Picklist fields (status, stage, industry...) store the value; the allowed values are
data in core.PicklistValue, so administrators edit them without a release.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tandem.core.records import Record


class Address(models.Model):
    street = models.CharField(_("street"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    state = models.CharField(_("state/province"), max_length=80, blank=True)
    postal_code = models.CharField(_("zip/postal code"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=80, blank=True)

    class Meta:
        abstract = True


class Account(Address, Record):
    name = models.CharField(_("account name"), max_length=255)
    account_number = models.CharField(_("account number"), max_length=40, blank=True)
    type = models.CharField(_("type"), max_length=40, blank=True)
    industry = models.CharField(_("industry"), max_length=40, blank=True)
    rating = models.CharField(_("rating"), max_length=40, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), max_length=255, blank=True)
    annual_revenue = models.DecimalField(
        _("annual revenue"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    number_of_employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="child_accounts",
    )
    description = models.TextField(_("description"), blank=True)
    is_partner = models.BooleanField(_("partner account"), default=False, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        indexes = [
            models.Index(fields=["-created_at", "-id"]),
            models.Index(fields=["owner", "-created_at", "-id"]),
            models.Index(fields=["name"]),
        ]

    def __str__(self):
        return self.name


class Contact(Address, Record):
    account = models.ForeignKey(
        Account,
        verbose_name=_("account name"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    salutation = models.CharField(_("salutation"), max_length=20, blank=True)
    first_name = models.CharField(_("first name"), max_length=80, blank=True)
    last_name = models.CharField(_("last name"), max_length=80)
    title = models.CharField(_("title"), max_length=120, blank=True)
    department = models.CharField(_("department"), max_length=80, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    mobile_phone = models.CharField(_("mobile"), max_length=40, blank=True)
    lead_source = models.CharField(_("lead source"), max_length=40, blank=True)
    birthdate = models.DateField(_("birthdate"), null=True, blank=True)
    reports_to = models.ForeignKey(
        "self",
        verbose_name=_("reports to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            models.Index(fields=["-created_at", "-id"]),
            models.Index(fields=["owner", "-created_at", "-id"]),
            models.Index(fields=["last_name", "first_name"]),
            models.Index(fields=["email"]),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip()


class Lead(Address, Record):
    # A lead is owned by a user or, while it waits to be claimed, by a queue.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_queue = models.ForeignKey(
        "access.Group",
        verbose_name=_("queue"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "queue"},
    )
    salutation = models.CharField(_("salutation"), max_length=20, blank=True)
    first_name = models.CharField(_("first name"), max_length=80, blank=True)
    last_name = models.CharField(_("last name"), max_length=80)
    company = models.CharField(_("company"), max_length=255)
    title = models.CharField(_("title"), max_length=120, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    mobile_phone = models.CharField(_("mobile"), max_length=40, blank=True)
    website = models.URLField(_("website"), max_length=255, blank=True)
    status = models.CharField(_("lead status"), max_length=40)
    lead_source = models.CharField(_("lead source"), max_length=40, blank=True)
    rating = models.CharField(_("rating"), max_length=40, blank=True)
    industry = models.CharField(_("industry"), max_length=40, blank=True)
    annual_revenue = models.DecimalField(
        _("annual revenue"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    number_of_employees = models.PositiveIntegerField(_("no. of employees"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_converted = models.BooleanField(_("converted"), default=False, editable=False)
    converted_at = models.DateTimeField(_("converted date"), null=True, blank=True, editable=False)
    converted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("converted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    converted_account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    converted_contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    converted_opportunity = models.ForeignKey(
        "sales.Opportunity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        indexes = [
            models.Index(fields=["-created_at", "-id"]),
            models.Index(fields=["owner", "-created_at", "-id"]),
            models.Index(fields=["owner_queue", "-created_at", "-id"]),
            models.Index(fields=["status"]),
            # Serves the criteria sharing rules on the lead source as a newest-first walk.
            models.Index(fields=["lead_source", "-created_at", "-id"]),
            models.Index(fields=["email"]),
            models.Index(fields=["company"]),
            models.Index(fields=["last_name", "first_name"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner__isnull=False) | models.Q(owner_queue__isnull=False),
                name="lead_has_owner_or_queue",
            )
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip()


class Opportunity(Record):
    name = models.CharField(_("opportunity name"), max_length=255)
    account = models.ForeignKey(
        Account,
        verbose_name=_("account name"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    amount = models.DecimalField(
        _("amount"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    close_date = models.DateField(_("close date"))
    stage = models.CharField(_("stage"), max_length=40)
    probability = models.PositiveSmallIntegerField(_("probability (%)"), null=True, blank=True)
    forecast_category = models.CharField(_("forecast category"), max_length=20, blank=True)
    type = models.CharField(_("type"), max_length=40, blank=True)
    lead_source = models.CharField(_("lead source"), max_length=40, blank=True)
    next_step = models.CharField(_("next step"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_closed = models.BooleanField(_("closed"), default=False, editable=False)
    is_won = models.BooleanField(_("won"), default=False, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        indexes = [
            models.Index(fields=["-created_at", "-id"]),
            models.Index(fields=["owner", "-created_at", "-id"]),
            models.Index(fields=["account"]),
            models.Index(fields=["stage"]),
            models.Index(fields=["close_date"]),
            # Covers pipeline aggregates (open deals by stage and owner, summed amounts)
            # so reports read the index instead of the table.
            models.Index(
                fields=["is_closed", "stage", "owner", "amount"], name="opp_pipeline_cover_idx"
            ),
        ]

    def __str__(self):
        return self.name
