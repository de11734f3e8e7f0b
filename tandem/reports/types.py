"""Report types: a primary object and the lookups (account, owner...) whose fields a report can reach.

Standard types are generated from the object registry, so every object (and its custom
fields) is reportable without code; joined types add lookups (one or two steps away, e.g.
"opportunity__account"); a few types report on rows that are not registry objects (contact
roles, stage history, users, logins), described by a Source in sources.py. Administrators
add their own types in Setup (CustomReportType, keys "custom_<id>").
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from tandem.core import registry
from tandem.core.fields import FieldSpec


@dataclass(frozen=True)
class Lookup:
    field: str  # the ORM path from the primary row: "account", "opportunity__owner"
    target: str  # an object name, or "user"
    label: str
    # Show the related record's values only when the person running the report may read
    # it (a converted opportunity, an activity's contact): the row's door does not cover it.
    guard: bool = False


@dataclass(frozen=True)
class ReportType:
    key: str
    label: str
    object_name: str  # the object whose door and permission decide (opportunity for roles)
    lookups: tuple[Lookup, ...] = ()
    source: str = ""  # a key of sources.SOURCES when rows are not the object's own records
    admin_only: bool = False
    description: str = ""

    @property
    def obj_def(self) -> registry.ObjectDef:
        return registry.get(self.object_name)

    @property
    def src(self):
        from tandem.reports.sources import SOURCES

        return SOURCES[self.source] if self.source else None

    def lookup(self, field: str) -> Lookup | None:
        return next((lk for lk in self.lookups if lk.field == field), None)

    def lookup_for(self, name: str) -> Lookup | None:
        """The lookup a column name starts with; the longest path wins."""
        best = None
        for lk in self.lookups:
            if name.startswith(lk.field + "__") and (
                best is None or len(lk.field) > len(best.field)
            ):
                best = lk
        return best

    def primary_fields(self) -> list[FieldSpec]:
        if self.src is not None:
            return self.src.fields()
        from tandem.core.fields import all_fields

        return all_fields(self.obj_def)

    def primary_field(self, name: str) -> FieldSpec | None:
        if self.src is not None:
            return next((s for s in self.src.fields() if s.name == name), None)
        from tandem.core.fields import get_field

        return get_field(self.obj_def, name)

    def queryset(self, user):
        """The primary rows `user` may see: the object's door, or the source's."""
        if self.src is not None:
            return self.src.queryset(user)
        return self.obj_def.model.objects.visible_to(user, "read")

    @property
    def default_columns(self) -> list[str]:
        if self.src is not None:
            return list(self.src.default_columns)
        return list(self.obj_def.list_columns)

    @property
    def link(self) -> tuple[str, str] | None:
        """(URL slug, ORM path of the id) for the record each row opens, or None."""
        if self.src is not None:
            if not self.src.link_object:
                return None
            return registry.get(self.src.link_object).slug, self.src.link_path
        return self.obj_def.slug, "pk"

    def may_use(self, user) -> bool:
        if self.admin_only:
            return bool(getattr(user, "is_admin", False))
        return user.profile.has_object_permission(self.object_name, "read")


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

# Why an opportunity was lost (pipeline's OpportunityLoss, reached as "loss__reason").
LOSS_FIELDS = (
    FieldSpec(
        name="reason", label=_("Loss reason"), type="text", editable=False, object_name="loss"
    ),
    FieldSpec(
        name="competitor", label=_("Competitor"), type="text", editable=False, object_name="loss"
    ),
)
# Lookup targets that are not registry objects, and the fields they offer.
LOOKUP_FIELDS = {"user": USER_FIELDS, "loss": LOSS_FIELDS}
LOSS = Lookup("loss", "loss", _("Loss"))


def _related_to(*, guard=True) -> tuple[Lookup, ...]:
    return (
        OWNER,
        Lookup("lead", "lead", _("Lead"), guard),
        Lookup("contact", "contact", _("Contact"), guard),
        Lookup("account", "account", _("Account"), guard),
        Lookup("opportunity", "opportunity", _("Opportunity"), guard),
    )


def _joined() -> list[ReportType]:
    return [
        ReportType(
            "opportunity_account",
            str(_("Opportunities with Account and Owner")),
            "opportunity",
            (OWNER, ACCOUNT, LOSS),
        ),
        ReportType("contact_account", str(_("Contacts with Account")), "contact", (OWNER, ACCOUNT)),
        ReportType(
            "opportunity_contact_role",
            str(_("Opportunities with Contact Roles")),
            "opportunity",
            (
                Lookup("opportunity", "opportunity", _("Opportunity")),
                Lookup("opportunity__account", "account", _("Account")),
                Lookup("opportunity__owner", "user", _("Opportunity owner")),
                Lookup("contact", "contact", _("Contact"), guard=True),
            ),
            source="contact_role",
        ),
        ReportType(
            "lead_converted",
            str(_("Leads with converted Account, Contact and Opportunity")),
            "lead",
            (
                OWNER,
                Lookup("converted_account", "account", _("Converted account"), True),
                Lookup("converted_contact", "contact", _("Converted contact"), True),
                Lookup("converted_opportunity", "opportunity", _("Converted opportunity"), True),
            ),
        ),
        ReportType(
            "task_related",
            str(_("Activities with related records: tasks")),
            "task",
            _related_to(),
        ),
        ReportType(
            "event_related",
            str(_("Activities with related records: events")),
            "event",
            _related_to(),
        ),
        ReportType(
            "opportunity_stage_history",
            str(_("Opportunity Stage History")),
            "opportunity",
            (Lookup("changed_by", "user", _("Changed by")),),
            source="stage_history",
        ),
        ReportType("admin_users", str(_("Users")), "account", (), source="users", admin_only=True),
        ReportType(
            "admin_login_history",
            str(_("Login History")),
            "account",
            (Lookup("user", "user", _("User")),),
            source="login_history",
            admin_only=True,
        ),
    ]


def standard_types() -> list[ReportType]:
    types = [
        ReportType(key=o.name, label=o.label_plural, object_name=o.name, lookups=(OWNER,))
        for o in registry.all_objects()
    ]
    return types + _joined()


def all_types() -> list[ReportType]:
    from tandem.reports.custom_types import custom_types

    return standard_types() + custom_types()


def get_type(key: str) -> ReportType | None:
    key = str(key or "")
    if key.startswith("custom_"):
        from tandem.reports.custom_types import custom_type

        return custom_type(key)
    return next((t for t in standard_types() if t.key == key), None)
