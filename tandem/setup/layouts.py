"""Page layout helpers: a starting layout from an object's fields, adding and removing fields."""

from django.utils.translation import gettext as _

from tandem.core import registry
from tandem.core.fields import SYSTEM_FIELDS, all_fields
from tandem.core.models import PageLayout


def layout_fields(obj: registry.ObjectDef):
    """The fields a layout may hold: every editable field, standard or custom."""
    return [s for s in all_fields(obj) if s.editable and s.name not in SYSTEM_FIELDS]


def starting_sections(obj: registry.ObjectDef) -> list[dict]:
    return [
        {
            "title": _("%(object)s Information") % {"object": obj.label},
            "fields": [s.name for s in layout_fields(obj)],
        }
    ]


def default_layout(obj: registry.ObjectDef) -> PageLayout:
    """The object's default layout, created from its fields when there is none."""
    layout = PageLayout.objects.filter(object_name=obj.name).order_by("-is_default", "pk").first()
    if layout is None:
        layout = PageLayout.objects.create(
            object_name=obj.name,
            name=_("%(object)s Layout") % {"object": obj.label},
            sections=starting_sections(obj),
            is_default=True,
        )
    elif not layout.is_default:
        layout.is_default = True
        layout.save(update_fields=["is_default", "updated_at"])
    return layout


def add_field_to_default_layout(obj: registry.ObjectDef, field_name: str) -> PageLayout:
    layout = default_layout(obj)
    placed = {f for section in layout.sections for f in section.get("fields", [])}
    if field_name not in placed:
        sections = list(layout.sections) or [{"title": _("Information"), "fields": []}]
        first = dict(sections[0])
        first["fields"] = list(first.get("fields", [])) + [field_name]
        sections[0] = first
        layout.sections = sections
        layout.save(update_fields=["sections", "updated_at"])
    return layout


def remove_field_from_layouts(object_name: str, field_name: str) -> None:
    for layout in PageLayout.objects.filter(object_name=object_name):
        sections = [
            {**s, "fields": [f for f in s.get("fields", []) if f != field_name]}
            for s in layout.sections
        ]
        required = [f for f in layout.required if f != field_name]
        if sections != layout.sections or required != layout.required:
            layout.sections, layout.required = sections, required
            layout.save(update_fields=["sections", "required", "updated_at"])
