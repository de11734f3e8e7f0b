"""Serializer fields for records: lookups through the door, picklists and custom fields from metadata."""

from decimal import Decimal, InvalidOperation
from typing import ClassVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tandem.access.directory import pickable_users
from tandem.access.models import Group
from tandem.core import registry
from tandem.core.models import PicklistValue


def _current(field):
    """The value of this field on the record being updated, or None on create."""
    instance = getattr(field.parent, "instance", None)
    if instance is None or isinstance(instance, (list, tuple)):
        return None
    return instance


@extend_schema_field(OpenApiTypes.INT)
class LookupField(serializers.Field):
    """A foreign key given as an id. Only targets the user may see are accepted.

    A record the user cannot see gets the same answer as one that does not exist. The
    value a record already holds is always accepted, so a PUT can resend it.
    """

    default_error_messages: ClassVar[dict] = {
        "does_not_exist": "Invalid id “{value}”: no such record.",
        "incorrect_type": "Expected an id, got “{value}”.",
    }

    def __init__(self, target: str, **kwargs):
        self.target = target  # an object name, "user" or "queue"
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value

    def get_attribute(self, instance):
        return getattr(instance, self.source + "_id", None)

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("incorrect_type", value=data)
        try:
            pk = int(data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", value=data)
        instance = _current(self)
        if instance is not None and getattr(instance, self.source + "_id", None) == pk:
            return getattr(instance, self.source)
        target = fetch_target(self.target, pk, self.context["request"].user)
        if target is None:
            self.fail("does_not_exist", value=pk)
        return target


def fetch_target(target: str, pk: int, user):
    """The record, active user or queue with this id that `user` may link to, else None."""
    if target == "user":
        # The same people the pages offer: partner users pick only their own account's.
        return pickable_users(user).filter(pk=pk).first()
    if target == "queue":
        return Group.objects.filter(pk=pk, kind=Group.KIND_QUEUE).first()
    obj = registry.get(target)
    return obj.model.objects.visible_to(user, "read").filter(pk=pk).first()


class PicklistField(serializers.CharField):
    """A standard picklist: the value must be an active PicklistValue (or the record's current one)."""

    def __init__(self, object_name: str, field_name: str, **kwargs):
        self.object_name = object_name
        self.field_name = field_name
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value == "":
            return value
        instance = _current(self)
        if instance is not None and getattr(instance, self.source, None) == value:
            return value
        allowed = PicklistValue.objects.filter(
            object_name=self.object_name, field_name=self.field_name, is_active=True, value=value
        ).exists()
        if not allowed:
            raise serializers.ValidationError(
                _("“%(value)s” is not one of the values of this picklist.") % {"value": value}
            )
        return value


def picklist_values(object_name: str, cf_name: str) -> set[str]:
    """Active values of a custom picklist (stored under the field's name, with or without "custom.")."""
    return set(
        PicklistValue.objects.filter(
            object_name=object_name,
            field_name__in=(cf_name, "custom." + cf_name),
            is_active=True,
        ).values_list("value", flat=True)
    )


def _number(cf, raw):
    if isinstance(raw, bool):
        raise ValueError  # noqa: TRY004  turned into a field error by the caller
    value = Decimal(str(raw).strip())
    if not value.is_finite():
        raise ValueError
    if cf.decimal_places is not None:
        value = round(value, cf.decimal_places)
    # JSON holds numbers as numbers (see core.filters).
    return int(value) if value == value.to_integral_value() else float(value)


def clean_custom_value(cf, raw, user, current=None):
    """A custom field's value as stored in the JSON column, or raise a message for that field."""
    if raw is None or raw == "" or raw == []:
        return None
    if raw == current:
        return raw
    kind = cf.field_type
    try:
        if kind in ("number", "currency", "percent"):
            return _number(cf, raw)
        if kind == "checkbox":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("true", "1", "yes"):
                return True
            if text in ("false", "0", "no"):
                return False
            raise ValueError
        if kind == "date":
            value = parse_date(str(raw))
            if value is None:
                raise ValueError
            return value.isoformat()
        if kind == "datetime":
            value = parse_datetime(str(raw))
            if value is None:
                raise ValueError
            return value.isoformat()
        if kind == "lookup":
            if isinstance(raw, bool):
                raise ValueError
            pk = int(raw)
            if fetch_target(cf.lookup_object, pk, user) is None:
                raise serializers.ValidationError(
                    _("Invalid id “%(value)s”: no such record.") % {"value": pk}
                )
            return pk
        if kind == "multipicklist":
            values = raw if isinstance(raw, list) else [v.strip() for v in str(raw).split(";")]
            values = [str(v) for v in values if str(v).strip()]
            unknown = sorted(set(values) - picklist_values(cf.object_name, cf.name))
            if unknown:
                raise serializers.ValidationError(
                    _("“%(value)s” is not one of the values of this picklist.")
                    % {"value": ", ".join(unknown)}
                )
            return values
        if isinstance(raw, (dict, list)):
            raise ValueError  # noqa: TRY004  turned into a field error below
        text = str(raw).strip()
        if kind == "picklist" and text not in picklist_values(cf.object_name, cf.name):
            raise serializers.ValidationError(
                _("“%(value)s” is not one of the values of this picklist.") % {"value": text}
            )
        if kind == "email":
            EmailValidator()(text)
        if kind == "url":
            URLValidator()(text)
        if cf.max_length and kind not in ("textarea",) and len(text) > cf.max_length:
            raise serializers.ValidationError(
                _("Ensure this value has at most %(n)d characters.") % {"n": cf.max_length}
            )
        return text
    except (ValueError, TypeError, InvalidOperation, DjangoValidationError):
        raise serializers.ValidationError(
            _("“%(value)s” is not a valid %(type)s.")
            % {"value": raw, "type": cf.get_field_type_display()}
        ) from None


class CustomValuesField(serializers.Field):
    """The record's custom fields as one object, checked against the CustomField definitions."""

    def __init__(self, object_name: str, **kwargs):
        self.object_name = object_name
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def definitions(self) -> dict:
        defs = self.context.get("custom_definitions")
        if defs is None:
            from tandem.core.models import CustomField

            defs = {cf.name: cf for cf in CustomField.objects.filter(object_name=self.object_name)}
            self.context["custom_definitions"] = defs
        return defs

    def get_attribute(self, instance):
        return instance.custom or {}

    def to_representation(self, value):
        return {name: value.get(name) for name in self.definitions()}

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError(_("Expected an object of custom field values."))
        defs = self.definitions()
        instance = _current(self)
        stored = (instance.custom or {}) if instance is not None else {}
        user = self.context["request"].user
        errors, cleaned = {}, {}
        for key, raw in data.items():
            cf = defs.get(key)
            if cf is None:
                errors[key] = [_("Unknown custom field.")]
                continue
            try:
                cleaned[key] = clean_custom_value(cf, raw, user, stored.get(key))
            except serializers.ValidationError as exc:
                errors[key] = exc.detail if isinstance(exc.detail, list) else [exc.detail]
                continue
            if cleaned[key] is None and cf.required:
                errors[key] = [_("This field is required.")]
        if errors:
            raise serializers.ValidationError(errors)
        return cleaned
