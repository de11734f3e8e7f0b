"""One description of every field, standard or custom, for forms, lists, filters and the API.

Metadata reads (custom fields, picklist values, page layouts, the company profile) are
cached for the length of one GET/HEAD request (see `request_cached`): a record page asks
for the same fields a dozen times, but an administrator's change must show on the next
request in every web thread and in the worker, which a per-request cache guarantees with
no version stamp to check. Writes (POST...) are never cached, and a save or delete of a
metadata row clears the cache of the thread that made it.
"""

import threading
from dataclasses import dataclass

from django.core.signals import got_request_exception, request_finished, request_started
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tandem.core import registry
from tandem.core.models import Company, CustomField, PageLayout, PicklistValue

CUSTOM_PREFIX = "custom."

# Fields every record has that no form edits.
SYSTEM_FIELDS = ("created_by", "updated_by", "created_at", "updated_at")


_local = threading.local()
CACHED_METHODS = ("GET", "HEAD")


def _start(sender, environ=None, **kwargs):
    method = (environ or {}).get("REQUEST_METHOD", "")
    _local.cache = {} if method in CACHED_METHODS else None


def _stop(sender=None, **kwargs):
    _local.cache = None


def _invalidate(sender=None, **kwargs):
    if getattr(_local, "cache", None) is not None:
        _local.cache = {}


request_started.connect(_start, dispatch_uid="tandem.core.fields.start")
request_finished.connect(_stop, dispatch_uid="tandem.core.fields.stop")
got_request_exception.connect(_stop, dispatch_uid="tandem.core.fields.error")
for _model in (CustomField, PicklistValue, PageLayout, Company):
    post_save.connect(
        _invalidate, sender=_model, dispatch_uid=f"tandem.core.fields.save.{_model.__name__}"
    )
    post_delete.connect(
        _invalidate, sender=_model, dispatch_uid=f"tandem.core.fields.del.{_model.__name__}"
    )


def _invalidate_m2m(sender, instance=None, **kwargs):
    if isinstance(instance, PageLayout):
        _invalidate()


m2m_changed.connect(_invalidate_m2m, dispatch_uid="tandem.core.fields.m2m")


def request_cached(key, compute):
    """`compute()`, remembered until the end of the current GET request (computed each time
    outside one: tests, the worker, the shell, writes)."""
    cache = getattr(_local, "cache", None)
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def current_company() -> Company:
    """The company profile, read once per request."""
    return request_cached("company", Company.current)


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
    return list(
        request_cached(
            ("standard", obj.name, obj.model, get_language()), lambda: _standard_fields(obj)
        )
    )


def _sentence_case(text: str) -> str:
    """Upper-case the first letter only: str.capitalize would turn "CEP" into "Cep"."""
    return text[:1].upper() + text[1:]


def _standard_fields(obj: registry.ObjectDef) -> list[FieldSpec]:
    specs = []
    for f in obj.model._meta.concrete_fields:
        if f.primary_key or f.name == "custom":
            continue
        kind, target = _standard_type(obj, f)
        specs.append(
            FieldSpec(
                name=f.name,
                label=_sentence_case(str(f.verbose_name)) if f.verbose_name else f.name,
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


def _custom_spec(cf: CustomField) -> FieldSpec:
    return FieldSpec(
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


def _all_custom_fields() -> dict[str, list[FieldSpec]]:
    """Every object's custom fields in one query: a record page shows several objects."""
    out: dict[str, list[FieldSpec]] = {}
    for cf in CustomField.objects.all():
        out.setdefault(cf.object_name, []).append(_custom_spec(cf))
    return out


def custom_fields(obj: registry.ObjectDef) -> list[FieldSpec]:
    if getattr(_local, "cache", None) is None:
        return [_custom_spec(cf) for cf in CustomField.objects.filter(object_name=obj.name)]
    return list(request_cached("custom", _all_custom_fields).get(obj.name, []))


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


def _active_picklists() -> dict[tuple[str, str], list[tuple[str, str, bool]]]:
    """Every active picklist value in one query, in order: (value, label, is_default)."""
    out: dict[tuple[str, str], list[tuple[str, str, bool]]] = {}
    rows = PicklistValue.objects.filter(is_active=True).values_list(
        "object_name", "field_name", "value", "label", "is_default"
    )
    for object_name, field_name, value, label, is_default in rows:
        out.setdefault((object_name, field_name), []).append((value, label, is_default))
    return out


def picklist_choices(object_name: str, field_name: str, include=None) -> list[tuple[str, str]]:
    """Active values of a picklist as (value, label); `include` keeps a retired current value."""
    if getattr(_local, "cache", None) is None:
        rows = list(
            PicklistValue.objects.filter(
                object_name=object_name, field_name=field_name, is_active=True
            ).values_list("value", "label")
        )
    else:
        active = request_cached("picklists", _active_picklists)
        rows = [(v, label) for v, label, _d in active.get((object_name, field_name), [])]
    if include and include not in {v for v, _ in rows}:
        rows.append((include, include))
    return rows


def default_picklist_value(object_name: str, field_name: str) -> str:
    if getattr(_local, "cache", None) is not None:
        active = request_cached("picklists", _active_picklists)
        return next((v for v, _label, d in active.get((object_name, field_name), []) if d), "")
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
