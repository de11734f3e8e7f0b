"""Report types: a primary object and the lookups (account, owner...) whose fields a report can reach.

Standard types are generated from the object registry, so every object (and its custom
fields) is reportable without code; a few joined types add the account to contacts and
opportunities.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from tandem.core import registry
from tandem.core.fields import FieldSpec


@dataclass(frozen=True)
class Lookup:
    field: str  # the FK on the primary object: "account", "owner"
    target: str  # an object name, or "user"
    label: str


@dataclass(frozen=True)
class ReportType:
    key: str
    label: str
    object_name: str
    lookups: tuple[Lookup, ...] = ()

    @property
    def obj_def(self) -> registry.ObjectDef:
        return registry.get(self.object_name)

    def lookup(self, field: str) -> Lookup | None:
        return next((lk for lk in self.lookups if lk.field == field), None)


OWNER = Lookup("owner", "user", _("Owner"))
ACCOUNT = Lookup("account", "account", _("Account"))

# Fields of a user reachable through an owner lookup; "name" is first and last name together.
USER_FIELDS = (
    FieldSpec(name="name", label=_("Full name"), type="text", editable=False, object_name="user"),
    FieldSpec(
        name="first_name", label=_("First name"), type="text", editable=False, object_name="user"
    ),
    FieldSpec(
        name="last_name", label=_("Last name"), type="text", editable=False, object_name="user"
    ),
    FieldSpec(name="email", label=_("Email"), type="email", editable=False, object_name="user"),
    FieldSpec(name="title", label=_("Title"), type="text", editable=False, object_name="user"),
)

_JOINED = {
    "opportunity_account": (
        _("Opportunities with Account and Owner"),
        "opportunity",
        (OWNER, ACCOUNT),
    ),
    "contact_account": (_("Contacts with Account"), "contact", (OWNER, ACCOUNT)),
}


def all_types() -> list[ReportType]:
    types = [
        ReportType(key=o.name, label=o.label_plural, object_name=o.name, lookups=(OWNER,))
        for o in registry.all_objects()
    ]
    types += [
        ReportType(key=key, label=str(label), object_name=obj, lookups=lookups)
        for key, (label, obj, lookups) in _JOINED.items()
    ]
    return types


def get_type(key: str) -> ReportType | None:
    return next((t for t in all_types() if t.key == key), None)
