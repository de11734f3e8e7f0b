"""One description of every field, standard or custom, for forms, lists, filters and the API."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from tandem.core import registry
from tandem.core.models import CustomField, PicklistValue

CUSTOM_PREFIX = "custom."

# Fields every record has that no form edits.
SYSTEM_FIELDS = ("created_by", "updated_by", "created_at", "updated_at")


@dataclass(frozen=True)
class FieldSpec:
    name: str  # "status", or "custom.region" for a custom field
    label: str
    type: str  # one of CustomField.TYPES' values, plus "owner"
    required: bool = False
    editable: bool = True
    is_custom: bool = False
    lookup_object: str = ""  # object name, "user" or "queue" for lookups
    help_text: str = ""
    max_length: int | None = None
    decimal_places: int | None = None
    definition: CustomField | None = None
    object_name: str = ""

    @property
    def orm(self) -> str:
        """The ORM path to filter and sort on."""
        if self.is_custom:
            return "custom__" + self.name[len(CUSTOM_PREFIX) :]
        return self.name

    @property
    def key(self) -> str:
        """The name as it appears in form data and the API (dots are awkward there)."""
        return self.name.replace(".", "__")


def _standard_type(obj: registry.ObjectDef, f: models.Field) -> tuple[str, str]:
    if isinstance(f, models.ForeignKey):
        target = f.related_model
        if target._meta.label_lower == "access.user":
            return ("owner" if f.name == "owner" else "lookup"), "user"
        if target._meta.label_lower == "access.group":
            return "lookup", "queue"
        return "lookup", target._meta.model_name
    if f.name in obj.picklists:
        return "picklist", ""
    if isinstance(f, models.EmailField):
        return "email", ""
    if isinstance(f, models.URLField):
        return "url", ""
    if isinstance(f, models.TextField):
        return "textarea", ""
    if isinstance(f, models.BooleanField):
        return "checkbox", ""
    if isinstance(f, models.DateTimeField):
        return "datetime", ""
    if isinstance(f, models.DateField):
        return "date", ""
    if isinstance(f, models.DecimalField):
        return ("currency" if f.name in ("amount", "annual_revenue") else "number"), ""
    if isinstance(f, (models.IntegerField, models.FloatField)):
        return ("percent" if f.name == "probability" else "number"), ""
    if "phone" in f.name:
        return "phone", ""
    return "text", ""


def standard_fields(obj: registry.ObjectDef) -> list[FieldSpec]:
    specs = []
    for f in obj.model._meta.concrete_fields:
        if f.primary_key or f.name == "custom":
            continue
        kind, target = _standard_type(obj, f)
        specs.append(
            FieldSpec(
                name=f.name,
                label=str(f.verbose_name).capitalize() if f.verbose_name else f.name,
                type=kind,
                required=not f.blank and f.name not in SYSTEM_FIELDS,
                editable=f.editable and f.name not in SYSTEM_FIELDS,
                lookup_object=target,
                help_text=str(f.help_text or ""),
                max_length=getattr(f, "max_length", None),
                decimal_places=getattr(f, "decimal_places", None),
                object_name=obj.name,
            )
        )
    return specs


def custom_fields(obj: registry.ObjectDef) -> list[FieldSpec]:
    return [
        FieldSpec(
            name=CUSTOM_PREFIX + cf.name,
            label=cf.label,
            type=cf.field_type,
            required=cf.required,
            is_custom=True,
            lookup_object=cf.lookup_object,
            help_text=cf.help_text,
            max_length=cf.max_length,
            decimal_places=cf.decimal_places,
            definition=cf,
            object_name=cf.object_name,
        )
        for cf in CustomField.objects.filter(object_name=obj.name)
    ]


def all_fields(obj: registry.ObjectDef) -> list[FieldSpec]:
    return standard_fields(obj) + custom_fields(obj)


def field_map(obj: registry.ObjectDef) -> dict[str, FieldSpec]:
    return {spec.name: spec for spec in all_fields(obj)}


def fields_named(obj: registry.ObjectDef, names) -> list[FieldSpec]:
    """The fields called `names`, in that order; unknown names (a deleted field) are skipped."""
    by_name = field_map(obj)
    return [by_name[n] for n in names if n in by_name]


def get_field(obj: registry.ObjectDef, name: str) -> FieldSpec | None:
    """A field by name ("status", "custom.region" or "custom__region"), or None."""
    if name.startswith("custom__"):
        name = CUSTOM_PREFIX + name[len("custom__") :]
    if name.startswith(CUSTOM_PREFIX):
        return next((s for s in custom_fields(obj) if s.name == name), None)
    return next((s for s in standard_fields(obj) if s.name == name), None)


def picklist_choices(object_name: str, field_name: str, include=None) -> list[tuple[str, str]]:
    """Active values of a picklist as (value, label); `include` keeps a retired current value."""
    rows = list(
        PicklistValue.objects.filter(
            object_name=object_name, field_name=field_name, is_active=True
        ).values_list("value", "label")
    )
    if include and include not in {v for v, _ in rows}:
        rows.append((include, include))
    return rows


def default_picklist_value(object_name: str, field_name: str) -> str:
    row = (
        PicklistValue.objects.filter(
            object_name=object_name, field_name=field_name, is_active=True, is_default=True
        )
        .values_list("value", flat=True)
        .first()
    )
    return row or ""


def record_value(record, spec: FieldSpec):
    """The value of a field on a record (custom fields read from the JSON column)."""
    if spec.is_custom:
        return (record.custom or {}).get(spec.name[len(CUSTOM_PREFIX) :])
    if spec.type in ("lookup", "owner"):
        return getattr(record, spec.name, None)
    return getattr(record, spec.name)


TYPE_LABELS = dict(CustomField.TYPES) | {"owner": _("Owner")}
