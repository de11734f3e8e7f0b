"""The metadata layer: company profile, picklists, custom fields, layouts, list views, history."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Company(models.Model):
    """The company profile: one row, edited in Setup."""

    name = models.CharField(_("company name"), max_length=120, default="My Company")
    time_zone = models.CharField(_("default time zone"), max_length=64, default="UTC")
    language = models.CharField(_("default language"), max_length=10, default="en")
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("fiscal year start month"),
        default=1,
        choices=[(m, m) for m in range(1, 13)],
    )
    primary_color = models.CharField(_("primary colour"), max_length=7, default="#0b5cab")
    logo = models.FileField(_("logo"), upload_to="branding/", blank=True)
    default_lead_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("default lead owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        verbose_name = _("company profile")
        verbose_name_plural = _("company profile")

    def __str__(self):
        return self.name

    @classmethod
    def current(cls) -> "Company":
        company = cls.objects.order_by("pk").first()
        if company is None:
            company = cls.objects.create()
        return company


class PicklistValue(models.Model):
    """One value of a standard or custom picklist. Data, so administrators can edit it."""

    object_name = models.CharField(_("object"), max_length=40)
    field_name = models.CharField(_("field"), max_length=60)
    value = models.CharField(_("API value"), max_length=120)
    label = models.CharField(_("label"), max_length=120)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_default = models.BooleanField(_("default"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    # Extra meaning for some picklists: stage probability, forecast category, closed/won,
    # the converted lead status.
    probability = models.PositiveSmallIntegerField(_("probability (%)"), null=True, blank=True)
    forecast_category = models.CharField(_("forecast category"), max_length=20, blank=True)
    is_closed = models.BooleanField(_("closed"), default=False)
    is_won = models.BooleanField(_("won"), default=False)
    is_converted = models.BooleanField(_("converted"), default=False)

    class Meta:
        ordering = ["object_name", "field_name", "sort_order", "id"]
        verbose_name = _("picklist value")
        verbose_name_plural = _("picklist values")
        constraints = [
            models.UniqueConstraint(
                fields=["object_name", "field_name", "value"], name="picklist_value_unique"
            )
        ]

    def __str__(self):
        return self.label


class CustomField(models.Model):
    """A field an administrator added to an object; its values live in the record's JSON column."""

    TEXT, NUMBER, CURRENCY, PERCENT, DATE, DATETIME = (
        "text",
        "number",
        "currency",
        "percent",
        "date",
        "datetime",
    )
    CHECKBOX, PICKLIST, MULTIPICKLIST, EMAIL, PHONE, URL, TEXTAREA, LOOKUP = (
        "checkbox",
        "picklist",
        "multipicklist",
        "email",
        "phone",
        "url",
        "textarea",
        "lookup",
    )
    TYPES = [
        (TEXT, _("Text")),
        (NUMBER, _("Number")),
        (CURRENCY, _("Currency")),
        (PERCENT, _("Percent")),
        (DATE, _("Date")),
        (DATETIME, _("Date/Time")),
        (CHECKBOX, _("Checkbox")),
        (PICKLIST, _("Picklist")),
        (MULTIPICKLIST, _("Picklist (Multi-Select)")),
        (EMAIL, _("Email")),
        (PHONE, _("Phone")),
        (URL, _("URL")),
        (TEXTAREA, _("Text Area (Long)")),
        (LOOKUP, _("Lookup Relationship")),
    ]

    object_name = models.CharField(_("object"), max_length=40)
    name = models.SlugField(
        _("field name"),
        max_length=60,
        help_text=_("Letters, digits and underscores; used in the API and filters."),
    )
    label = models.CharField(_("field label"), max_length=80)
    field_type = models.CharField(_("data type"), max_length=20, choices=TYPES)
    required = models.BooleanField(_("required"), default=False)
    help_text = models.CharField(_("help text"), max_length=255, blank=True)
    default_value = models.CharField(_("default value"), max_length=255, blank=True)
    max_length = models.PositiveIntegerField(_("length"), null=True, blank=True)
    decimal_places = models.PositiveSmallIntegerField(_("decimal places"), null=True, blank=True)
    lookup_object = models.CharField(_("related to"), max_length=40, blank=True)
    track_history = models.BooleanField(_("track field history"), default=False)
    # Lead fields only: where the value goes on conversion, {"account": "region", ...}.
    convert_to = models.JSONField(_("lead conversion mapping"), default=dict, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        ordering = ["object_name", "sort_order", "label"]
        verbose_name = _("custom field")
        verbose_name_plural = _("custom fields")
        constraints = [
            models.UniqueConstraint(fields=["object_name", "name"], name="custom_field_unique")
        ]

    def __str__(self):
        return self.label


class PageLayout(models.Model):
    """Which fields a record page shows, in which sections and order, and which are required.

    `sections` is [{"title": "...", "fields": ["name", "custom.region", ...]}, ...];
    `required` lists fields the layout makes required on top of the field's own rule.
    """

    object_name = models.CharField(_("object"), max_length=40)
    name = models.CharField(_("name"), max_length=80)
    sections = models.JSONField(_("sections"), default=list)
    required = models.JSONField(_("required fields"), default=list, blank=True)
    related_lists = models.JSONField(_("related lists"), default=list, blank=True)
    profiles = models.ManyToManyField(
        "access.Profile", verbose_name=_("assigned profiles"), blank=True, related_name="+"
    )
    is_default = models.BooleanField(_("default layout"), default=False)
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        ordering = ["object_name", "name"]
        verbose_name = _("page layout")
        verbose_name_plural = _("page layouts")

    def __str__(self):
        return self.name


class ListView(models.Model):
    """A saved list view: columns, filters and sort, visible to its owner, everyone, or chosen
    roles and public groups (Salesforce's "Visible to certain groups of users")."""

    SCOPE_MINE, SCOPE_ALL, SCOPE_QUEUE = "mine", "all", "queue"
    SCOPES = [(SCOPE_MINE, _("My records")), (SCOPE_ALL, _("All records"))]
    VISIBLE_ME, VISIBLE_ALL, VISIBLE_SHARED = "me", "all", "some"
    VISIBILITIES = [
        (VISIBLE_ME, _("Only me")),
        (VISIBLE_ALL, _("All users")),
        (VISIBLE_SHARED, _("Certain groups of users")),
    ]

    object_name = models.CharField(_("object"), max_length=40)
    name = models.CharField(_("view name"), max_length=80)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    scope = models.CharField(_("show"), max_length=10, choices=SCOPES, default=SCOPE_ALL)
    columns = models.JSONField(_("columns"), default=list, blank=True)
    # [{"field": "status", "op": "equals", "value": "Open"}]
    filters = models.JSONField(_("filters"), default=list, blank=True)
    filter_logic = models.CharField(
        _("filter logic"), max_length=3, choices=[("and", "AND"), ("or", "OR")], default="and"
    )
    sort = models.CharField(_("sort by"), max_length=60, default="-created_at")
    visibility = models.CharField(
        _("visible to"), max_length=4, choices=VISIBILITIES, default=VISIBLE_ME
    )
    # Who a "certain groups" view is shared with: [{"kind": "role"|"role_and_subordinates"|
    # "group", "id": 3}], the target kinds of sharing rules; membership, not the hierarchy.
    shared_with = models.JSONField(_("shared with"), default=list, blank=True)
    is_standard = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["object_name", "-is_standard", "name"]
        verbose_name = _("list view")
        verbose_name_plural = _("list views")

    def __str__(self):
        return self.name


class FieldHistory(models.Model):
    """One change of one tracked field: who, when, old value, new value."""

    object_name = models.CharField(max_length=40)
    record_id = models.BigIntegerField()
    field_name = models.CharField(_("field"), max_length=60)
    old_value = models.TextField(_("original value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("field history")
        verbose_name_plural = _("field history")
        indexes = [models.Index(fields=["object_name", "record_id", "-changed_at"])]


class RecentItem(models.Model):
    """A record a user opened, for the Recent Items sidebar."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    object_name = models.CharField(max_length=40)
    record_id = models.BigIntegerField()
    viewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-viewed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "object_name", "record_id"], name="recent_item_unique"
            )
        ]
        indexes = [models.Index(fields=["user", "-viewed_at"])]
