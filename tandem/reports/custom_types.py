"""Report types administrators define in Setup: a primary object plus the lookups it reaches.

The lookups offered are the primary object's own lookup fields (account, owner, contact...)
and, for opportunities, their contact roles (one row per contact role). Custom fields of
every object involved appear automatically, as in the standard types.
"""

from django.utils.translation import gettext as _

from tandem.core import registry
from tandem.core.fields import standard_fields
from tandem.reports.types import Lookup, ReportType

CONTACT_ROLES = "contact_roles"


def _implicit_parent(obj: registry.ObjectDef, field: str, target: str) -> bool:
    """Whether reading a record of `obj` already opens its `field` parent (contacts → account)."""
    parent = registry.find(target)
    return bool(
        parent and any(c.object_name == obj.name and c.field == field for c in parent.children)
    )


def lookup_options(object_name: str) -> list[tuple[str, str, Lookup]]:
    """(key, label, lookup) of every relation a custom type on `object_name` may reach."""
    obj = registry.find(object_name)
    if obj is None:
        return []
    options = []
    for spec in standard_fields(obj):
        if spec.type not in ("lookup", "owner"):
            continue
        target = spec.lookup_object
        if target != "user" and registry.find(target) is None:
            continue  # queues and other non-object targets
        guard = target != "user" and not _implicit_parent(obj, spec.name, target)
        options.append((spec.name, str(spec.label), Lookup(spec.name, target, spec.label, guard)))
    if object_name == "opportunity":
        options.append((CONTACT_ROLES, _("Contact roles (one row per contact role)"), None))
    return options


def build_type(row) -> ReportType | None:
    """The ReportType of a CustomReportType row; None when its object no longer exists."""
    if registry.find(row.object_name) is None:
        return None
    chosen = [str(k) for k in (row.lookups or [])]
    options = {key: lk for key, _label, lk in lookup_options(row.object_name)}
    lookups = tuple(options[k] for k in chosen if options.get(k) is not None)
    if CONTACT_ROLES in chosen and row.object_name == "opportunity":
        # Rows become contact roles; the opportunity's fields sit one step away.
        label = registry.get("opportunity").label
        nested = tuple(
            Lookup(f"opportunity__{lk.field}", lk.target, f"{label}: {lk.label}", lk.guard)
            for lk in lookups
        )
        return ReportType(
            key=row.key,
            label=row.label,
            object_name="opportunity",
            lookups=(
                Lookup("opportunity", "opportunity", label),
                *nested,
                Lookup("contact", "contact", registry.get("contact").label, guard=True),
            ),
            source="contact_role",
            description=row.description,
        )
    return ReportType(
        key=row.key,
        label=row.label,
        object_name=row.object_name,
        lookups=lookups,
        description=row.description,
    )


def custom_types() -> list[ReportType]:
    from tandem.reports.models import CustomReportType

    return [t for t in (build_type(r) for r in CustomReportType.objects.all()) if t is not None]


def custom_type(key: str) -> ReportType | None:
    from tandem.reports.models import CustomReportType

    try:
        pk = int(key.removeprefix("custom_"))
    except ValueError:
        return None
    row = CustomReportType.objects.filter(pk=pk).first()
    return build_type(row) if row else None
