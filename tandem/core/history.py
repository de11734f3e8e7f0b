"""Field history: before and after values of tracked fields, written by the record actions."""

from tandem.core.fields import CUSTOM_PREFIX, FieldSpec, custom_fields, get_field, record_value
from tandem.core.models import FieldHistory


def display_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def tracked_specs(obj_def) -> list[FieldSpec]:
    specs = [get_field(obj_def, name) for name in obj_def.tracked_fields]
    specs += [s for s in custom_fields(obj_def) if s.definition.track_history]
    return [s for s in specs if s is not None]


def snapshot(record, specs: list[FieldSpec]) -> dict[str, str]:
    return {s.name: display_value(record_value(record, s)) for s in specs}


def record_changes(obj_def, record, before: dict[str, str], user) -> list[FieldHistory]:
    """Write one FieldHistory row per tracked field whose shown value changed."""
    specs = tracked_specs(obj_def)
    after = snapshot(record, specs)
    rows = [
        FieldHistory(
            object_name=obj_def.name,
            record_id=record.pk,
            field_name=s.name,
            old_value=before.get(s.name, ""),
            new_value=after[s.name],
            changed_by=user,
        )
        for s in specs
        if before.get(s.name, "") != after[s.name]
    ]
    FieldHistory.objects.bulk_create(rows)
    return rows


def history_for(obj_def, record, limit: int = 50):
    labels = {s.name: s.label for s in tracked_specs(obj_def)}
    rows = list(
        FieldHistory.objects.filter(object_name=obj_def.name, record_id=record.pk)
        .select_related("changed_by")[:limit]
    )
    for row in rows:
        row.field_label = labels.get(row.field_name, row.field_name.removeprefix(CUSTOM_PREFIX))
    return rows
