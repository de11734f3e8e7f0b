"""Lead field mapping: which account, contact or opportunity custom field receives a lead
custom field's value when the lead is converted (Setup › Map Lead Fields).

A mapping lives on the lead field (`CustomField.convert_to`, {"account": "territory", ...}),
at most one target per object. Only type-compatible targets may be chosen; a mapping whose
target was deleted or no longer fits is reported here and skipped by the conversion.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from tandem.core import registry
from tandem.core.models import CustomField, PicklistValue

TARGET_OBJECTS = ("account", "contact", "opportunity")
# Values of these types read well as text, so they may also go into a text or long text field.
TEXT_LIKE = {
    CustomField.TEXT,
    CustomField.EMAIL,
    CustomField.PHONE,
    CustomField.URL,
    CustomField.PICKLIST,
}


def compatible(source: CustomField, target: CustomField) -> bool:
    """May `source`'s values go into `target`? Same type (same lookup object), or text-like into text."""
    if source.field_type == target.field_type:
        return (
            source.field_type != CustomField.LOOKUP or source.lookup_object == target.lookup_object
        )
    if target.field_type == CustomField.TEXT:
        return source.field_type in TEXT_LIKE
    if target.field_type == CustomField.TEXTAREA:
        return source.field_type in TEXT_LIKE | {CustomField.TEXTAREA}
    return False


def target_fields() -> dict[str, list[CustomField]]:
    """Every custom field of account, contact and opportunity, per object (one query)."""
    out: dict[str, list[CustomField]] = {name: [] for name in TARGET_OBJECTS}
    for cf in CustomField.objects.filter(object_name__in=TARGET_OBJECTS):
        out[cf.object_name].append(cf)
    return out


def choices_for(source: CustomField, targets=None) -> dict[str, list[tuple[str, str]]]:
    """For each target object, the (name, label) of the fields `source` may map to."""
    targets = target_fields() if targets is None else targets
    return {
        obj: [
            (cf.name, f"{cf.label} ({cf.get_field_type_display()})")
            for cf in fields
            if compatible(source, cf)
        ]
        for obj, fields in targets.items()
    }


@dataclass
class Mapping:
    """One configured lead field → target field pair; `problem` says why it cannot be used."""

    source: CustomField
    target_object: str
    target_name: str
    target: CustomField | None
    problem: str = ""

    @property
    def object_label(self) -> str:
        return registry.get(self.target_object).label

    def describe(self) -> str:
        return _("%(lead_field)s → %(object)s field %(target)s") % {
            "lead_field": self.source.label,
            "object": self.object_label,
            "target": self.target.label if self.target else self.target_name,
        }


def mappings(sources=None, targets=None) -> list[Mapping]:
    """Every configured mapping of the lead's custom fields, each checked against its target."""
    sources = list(CustomField.objects.filter(object_name="lead")) if sources is None else sources
    targets = target_fields() if targets is None else targets
    by_name = {obj: {cf.name: cf for cf in fields} for obj, fields in targets.items()}
    out = []
    for source in sources:
        for obj, name in sorted((source.convert_to or {}).items()):
            if obj not in TARGET_OBJECTS or not name:
                continue
            target = by_name[obj].get(name)
            problem = ""
            if target is None:
                problem = _("The %(object)s field “%(name)s” no longer exists.") % {
                    "object": registry.get(obj).label,
                    "name": name,
                }
            elif not compatible(source, target):
                problem = _("The %(object)s field %(label)s no longer has a compatible type.") % {
                    "object": registry.get(obj).label,
                    "label": target.label,
                }
            out.append(Mapping(source, obj, name, target, problem))
    return out


def broken_mappings() -> list[Mapping]:
    return [m for m in mappings() if m.problem]


def check_value(mapping: Mapping, value):
    """The value as the target field stores it, or a message naming both fields."""
    target = mapping.target
    if target.field_type in (CustomField.TEXT, CustomField.TEXTAREA):
        if not isinstance(value, str):
            value = str(value)
        limit = target.max_length or (255 if target.field_type == CustomField.TEXT else None)
        if limit and len(value) > limit:
            return None, _(
                "%(lead_field)s: the value is longer than the %(limit)d characters the "
                "%(object)s field %(target)s allows."
            ) % {
                "lead_field": mapping.source.label,
                "limit": limit,
                "object": mapping.object_label,
                "target": target.label,
            }
        return value, ""
    if target.field_type in (CustomField.PICKLIST, CustomField.MULTIPICKLIST):
        allowed = set(
            PicklistValue.objects.filter(
                object_name=target.object_name, field_name="custom." + target.name, is_active=True
            ).values_list("value", flat=True)
        )
        wanted = value if isinstance(value, list) else [value]
        missing = [v for v in wanted if v not in allowed]
        if missing:
            return None, _(
                "%(lead_field)s: “%(value)s” is not a value of the %(object)s field %(target)s."
            ) % {
                "lead_field": mapping.source.label,
                "value": missing[0],
                "object": mapping.object_label,
                "target": target.label,
            }
    return value, ""


def save_mapping(source: CustomField, wanted: dict[str, str]) -> None:
    """Store `wanted` ({object: field name or ""}) on the lead field; callers validated it."""
    source.convert_to = {
        obj: name for obj, name in wanted.items() if obj in TARGET_OBJECTS and name
    }
    source.save(update_fields=["convert_to", "updated_at"])


def forget_target(target: CustomField) -> list[CustomField]:
    """Drop mappings into `target` (it is being deleted); returns the lead fields changed."""
    changed = []
    for source in CustomField.objects.filter(object_name="lead"):
        if (source.convert_to or {}).get(target.object_name) == target.name:
            source.convert_to = {
                k: v for k, v in source.convert_to.items() if k != target.object_name
            }
            source.save(update_fields=["convert_to", "updated_at"])
            changed.append(source)
    return changed


def sources_mapped_to(target: CustomField) -> list[CustomField]:
    return [
        s
        for s in CustomField.objects.filter(object_name="lead")
        if (s.convert_to or {}).get(target.object_name) == target.name
    ]
