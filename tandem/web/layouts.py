"""Page layouts resolved for a user: the sections and fields a record page and form show."""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from tandem.core.fields import FieldSpec, all_fields, request_cached
from tandem.core.models import PageLayout

ADDRESS_FIELDS = ("street", "city", "state", "postal_code", "country")
SYSTEM_FIELDS = ("owner", "owner_queue", "created_by", "created_at", "updated_by", "updated_at")


@dataclass
class Section:
    title: str
    fields: list[FieldSpec]


@dataclass
class Layout:
    sections: list[Section]
    required: set[str] = field(default_factory=set)
    name: str = ""


def _stored_layout(obj_def, user) -> PageLayout | None:
    """The layout assigned to the user's profile, else the default one, else the first; one query."""
    assigned = PageLayout.profiles.through.objects.filter(
        pagelayout_id=OuterRef("pk"), profile_id=user.profile_id
    )
    layouts = list(
        PageLayout.objects.filter(object_name=obj_def.name).annotate(mine=Exists(assigned))
    )
    return (
        next((lo for lo in layouts if lo.mine), None)
        or next((lo for lo in layouts if lo.is_default), None)
        or (layouts[0] if layouts else None)
    )


def automatic_layout(obj_def, specs: list[FieldSpec]) -> Layout:
    """What a record page shows when no layout was designed: every field, grouped sensibly."""
    main = [s for s in specs if not s.is_custom and s.name not in ADDRESS_FIELDS + SYSTEM_FIELDS]
    main = [s for s in main if s.editable or s.name.startswith(("is_", "converted"))]
    address = [s for s in specs if s.name in ADDRESS_FIELDS]
    custom = [s for s in specs if s.is_custom]
    system = [s for s in specs if s.name in SYSTEM_FIELDS]
    sections = [Section(_("%(object)s Information") % {"object": obj_def.label}, main)]
    if address:
        sections.append(Section(_("Address Information"), address))
    if custom:
        sections.append(Section(_("Additional Information"), custom))
    sections.append(Section(_("System Information"), system))
    return Layout(sections=sections)


def layout_for(obj_def, user) -> Layout:
    specs = all_fields(obj_def)
    stored = request_cached(
        ("layout", obj_def.name, user.profile_id), lambda: _stored_layout(obj_def, user)
    )
    if stored is None or not stored.sections:
        return automatic_layout(obj_def, specs)
    by_name = {s.name: s for s in specs}
    sections = [
        Section(
            str(sec.get("title", "")),
            [by_name[name] for name in sec.get("fields", []) if name in by_name],
        )
        for sec in stored.sections
    ]
    placed = {s.name for sec in sections for s in sec.fields}
    system = [by_name[n] for n in SYSTEM_FIELDS if n in by_name and n not in placed]
    if system:
        sections.append(Section(_("System Information"), system))
    return Layout(sections=sections, required=set(stored.required or []), name=stored.name)
