"""Serializers for the metadata part of Setup: custom fields, picklist values, page layouts and the
company profile. Errors name the field; one default per picklist and per object's layouts."""

import re
import zoneinfo

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import serializers

from tandem.api.setup_serializers import SetupSerializer, object_def, unchanged
from tandem.core import registry
from tandem.core.fields import field_map, standard_fields
from tandem.core.models import Company, CustomField, PageLayout, PicklistValue

FIELD_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


class CustomFieldSerializer(SetupSerializer):
    class Meta:
        model = CustomField
        fields = (
            "id",
            "object_name",
            "name",
            "label",
            "field_type",
            "required",
            "help_text",
            "default_value",
            "max_length",
            "decimal_places",
            "lookup_object",
            "track_history",
            "sort_order",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("created_at", "updated_at")

    def validate_object_name(self, value):
        object_def(value)
        return value

    def validate_name(self, value):
        if not FIELD_NAME_RE.match(value):
            raise serializers.ValidationError(
                _("Use lower-case letters, digits and underscores, starting with a letter.")
            )
        return value

    def validate(self, attrs):
        for name in ("object_name", "name", "field_type"):
            unchanged(self, attrs, name)
        obj = object_def(attrs.get("object_name", getattr(self.instance, "object_name", None)))
        name = attrs.get("name", getattr(self.instance, "name", None))
        if self.instance is None:
            if name in {s.name for s in standard_fields(obj)} or name in ("id", "custom"):
                raise serializers.ValidationError(
                    {"name": [_("A standard field already has this name.")]}
                )
            self.check_unique(attrs, "name", object_name=obj.name)
        field_type = attrs.get("field_type", getattr(self.instance, "field_type", None))
        lookup = attrs.get("lookup_object", getattr(self.instance, "lookup_object", ""))
        if field_type == CustomField.LOOKUP:
            if lookup not in ("user", "queue") and registry.find(lookup) is None:
                raise serializers.ValidationError(
                    {"lookup_object": [_("Choose the object this field looks up.")]}
                )
        elif lookup:
            raise serializers.ValidationError(
                {"lookup_object": [_("Only lookup fields relate to another object.")]}
            )
        default = attrs.get("default_value")
        if default and field_type in (
            "number",
            "currency",
            "percent",
            "date",
            "datetime",
            "checkbox",
            "email",
            "url",
        ):
            from tandem.api.record_fields import clean_custom_value

            probe = CustomField(
                object_name=obj.name,
                name=name,
                field_type=field_type,
                decimal_places=attrs.get("decimal_places"),
                label=name,
            )
            try:
                clean_custom_value(probe, default, self.context["request"].user)
            except serializers.ValidationError as exc:
                raise serializers.ValidationError({"default_value": exc.detail}) from None
        return attrs


def _picklist_fields(obj: registry.ObjectDef) -> set[str]:
    names = set(obj.picklists)
    for cf in CustomField.objects.filter(
        object_name=obj.name, field_type__in=(CustomField.PICKLIST, CustomField.MULTIPICKLIST)
    ):
        names.update({cf.name, "custom." + cf.name})
    return names


class PicklistValueSerializer(SetupSerializer):
    label = serializers.CharField(max_length=120, required=False, allow_blank=True)

    class Meta:
        model = PicklistValue
        fields = (
            "id",
            "object_name",
            "field_name",
            "value",
            "label",
            "sort_order",
            "is_default",
            "is_active",
            "probability",
            "forecast_category",
            "is_closed",
            "is_won",
            "is_converted",
        )

    def validate_object_name(self, value):
        object_def(value)
        return value

    def validate(self, attrs):
        for name in ("object_name", "field_name"):
            unchanged(self, attrs, name)
        obj = object_def(attrs.get("object_name", getattr(self.instance, "object_name", None)))
        field_name = attrs.get("field_name", getattr(self.instance, "field_name", None))
        if field_name not in _picklist_fields(obj):
            raise serializers.ValidationError(
                {
                    "field_name": [
                        _("%(object)s has no picklist “%(field)s”.")
                        % {"object": obj.label, "field": field_name}
                    ]
                }
            )
        if "value" in attrs:
            self.check_unique(attrs, "value", object_name=obj.name, field_name=field_name)
        if self.instance is None and "sort_order" not in attrs:
            # A new value goes to the end of the list.
            last = (
                PicklistValue.objects.filter(object_name=obj.name, field_name=field_name)
                .order_by("-sort_order")
                .values_list("sort_order", flat=True)
                .first()
            )
            attrs["sort_order"] = 0 if last is None else last + 1
        if not attrs.get("label") and ("label" in attrs or self.instance is None):
            attrs["label"] = attrs.get("value", getattr(self.instance, "value", ""))
        return attrs

    def save(self, **kwargs):
        row = super().save(**kwargs)
        if row.is_default:
            # One default per picklist.
            PicklistValue.objects.filter(
                object_name=row.object_name, field_name=row.field_name, is_default=True
            ).exclude(pk=row.pk).update(is_default=False)
        return row


class PageLayoutSerializer(SetupSerializer):
    class Meta:
        model = PageLayout
        fields = (
            "id",
            "object_name",
            "name",
            "sections",
            "required",
            "related_lists",
            "profiles",
            "is_default",
            "updated_at",
        )
        read_only_fields = ("updated_at",)

    def validate_object_name(self, value):
        object_def(value)
        return value

    def validate(self, attrs):
        unchanged(self, attrs, "object_name")
        obj = object_def(attrs.get("object_name", getattr(self.instance, "object_name", None)))
        known = set(field_map(obj))
        errors = {}
        sections = attrs.get("sections", getattr(self.instance, "sections", []))
        if not isinstance(sections, list):
            errors["sections"] = [_("Expected a list of sections.")]
        else:
            placed = []
            for section in sections:
                if not isinstance(section, dict) or not isinstance(section.get("fields", []), list):
                    errors["sections"] = [
                        _("Each section is an object with a title and a list of fields.")
                    ]
                    break
                placed += [str(f) for f in section.get("fields", [])]
            unknown = sorted(set(placed) - known)
            if unknown and "sections" not in errors:
                errors["sections"] = [
                    _("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)}
                ]
        required = attrs.get("required", getattr(self.instance, "required", []))
        if not isinstance(required, list) or sorted({str(f) for f in required} - known):
            errors["required"] = [_("Required fields must be fields of the object.")]
        related = attrs.get("related_lists", getattr(self.instance, "related_lists", []))
        if not isinstance(related, list):
            errors["related_lists"] = [_("Expected a list.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def save(self, **kwargs):
        layout = super().save(**kwargs)
        if layout.is_default:
            PageLayout.objects.filter(object_name=layout.object_name, is_default=True).exclude(
                pk=layout.pk
            ).update(is_default=False)
        return layout


class CompanySerializer(SetupSerializer):
    class Meta:
        model = Company
        fields = (
            "name",
            "time_zone",
            "language",
            "currency",
            "fiscal_year_start_month",
            "primary_color",
            "logo",
            "default_lead_owner",
            "updated_at",
        )
        read_only_fields = ("logo", "updated_at")

    def validate_time_zone(self, value):
        if value not in zoneinfo.available_timezones():
            raise serializers.ValidationError(_("Unknown time zone “%(tz)s”.") % {"tz": value})
        return value

    def validate_language(self, value):
        codes = [code for code, _label in settings.LANGUAGES]
        if value not in codes:
            raise serializers.ValidationError(
                _("Use one of: %(codes)s.") % {"codes": ", ".join(codes)}
            )
        return value

    def validate_currency(self, value):
        value = value.strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", value):
            raise serializers.ValidationError(_("Use a three-letter ISO 4217 code, such as EUR."))
        return value

    def validate_primary_color(self, value):
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
            raise serializers.ValidationError(_("Use a colour like #0b5cab."))
        return value

    def validate_default_lead_owner(self, value):
        if value is not None and not value.is_active:
            raise serializers.ValidationError(_("Choose an active user."))
        return value
