"""Report rows that are not registry records: contact roles, stage changes, users, logins.

A Source says which fields its rows have and which rows a user may see. Record-based sources
go through the door of the record they belong to (a contact role or a stage change is seen
exactly when its opportunity is); administrative sources (users, login history) are for
administrators only, which the report type enforces (ReportType.admin_only).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import (
    CharField,
    DateTimeField,
    DecimalField,
    F,
    FloatField,
    Func,
    OuterRef,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from tandem.core.fields import FieldSpec


class DaysBetween(Func):
    """(later - earlier) in days, as a float, on SQLite and PostgreSQL."""

    arity = 2
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)",
            arg_joiner=" - ",
        )


@dataclass(frozen=True)
class Source:
    key: str
    fields: Callable[[], list[FieldSpec]]
    queryset: Callable  # (user) -> the rows the user may see, virtual fields aliased
    default_columns: tuple[str, ...] = ()
    link_object: str = ""  # the record a row opens
    link_path: str = ""  # the ORM path of that record's id


def _spec(name, label, type_, source, lookup_object=""):
    return FieldSpec(
        name=name,
        label=label,
        type=type_,
        editable=False,
        lookup_object=lookup_object,
        object_name=source,
    )


# -- contact roles ---------------------------------------------------------------------------


def _contact_role_fields():
    return [
        _spec("role", _("Contact role"), "text", "contact_role"),
        _spec("is_primary", _("Primary contact"), "checkbox", "contact_role"),
        _spec("created_at", _("Role added"), "datetime", "contact_role"),
    ]


def _contact_roles(user):
    from tandem.pipeline.models import OpportunityContactRole
    from tandem.sales.models import Opportunity

    visible = Opportunity.objects.visible_to(user, "read").values("pk")
    return OpportunityContactRole.objects.filter(opportunity__in=visible)


# -- stage history ---------------------------------------------------------------------------


def _stage_history_fields():
    s = "stage_history"
    return [
        _spec("opportunity_name", _("Opportunity name"), "text", s),
        _spec("opportunity_owner", _("Opportunity owner"), "text", s),
        _spec("amount", _("Amount"), "currency", s),
        _spec("old_value", _("From stage"), "text", s),
        _spec("new_value", _("To stage"), "text", s),
        _spec("changed_by", _("Changed by"), "lookup", s, "user"),
        _spec("changed_at", _("Changed at"), "datetime", s),
        _spec("days_in_stage", _("Days in from stage"), "number", s),
    ]


def _stage_history(user):
    from django.db.models import Value
    from django.db.models.functions import Concat, Trim

    from tandem.core.models import FieldHistory
    from tandem.sales.models import Opportunity

    visible = Opportunity.objects.visible_to(user, "read").values("pk")
    opp = Opportunity.objects.unrestricted().filter(pk=OuterRef("record_id"))
    previous = (
        FieldHistory.objects.filter(
            object_name="opportunity",
            field_name="stage",
            record_id=OuterRef("record_id"),
            changed_at__lt=OuterRef("changed_at"),
        )
        .order_by("-changed_at", "-id")
        .values("changed_at")[:1]
    )
    owner = opp.annotate(
        n=Trim(
            Concat(
                F("owner__first_name"), Value(" "), F("owner__last_name"), output_field=CharField()
            )
        )
    ).values("n")[:1]
    entered = Coalesce(
        Subquery(previous, output_field=DateTimeField()),
        Subquery(opp.values("created_at")[:1], output_field=DateTimeField()),
    )
    return FieldHistory.objects.filter(
        object_name="opportunity", field_name="stage", record_id__in=visible
    ).alias(
        opportunity_name=Subquery(opp.values("name")[:1], output_field=CharField()),
        opportunity_owner=Subquery(owner, output_field=CharField()),
        amount=Subquery(
            opp.values("amount")[:1], output_field=DecimalField(max_digits=18, decimal_places=2)
        ),
        days_in_stage=DaysBetween(F("changed_at"), entered),
    )


# -- administration --------------------------------------------------------------------------


def _user_fields():
    s = "user"
    return [
        _spec("name", _("Full name"), "text", s),
        _spec("first_name", _("First name"), "text", s),
        _spec("last_name", _("Last name"), "text", s),
        _spec("email", _("Email"), "email", s),
        _spec("title", _("Title"), "text", s),
        _spec("role", _("Role"), "lookup", s, "role"),
        _spec("profile", _("Profile"), "lookup", s, "profile"),
        _spec("manager", _("Manager"), "lookup", s, "user"),
        _spec("is_active", _("Active"), "checkbox", s),
        _spec("is_external", _("Partner user"), "checkbox", s),
        _spec("last_login", _("Last login"), "datetime", s),
        _spec("created_at", _("Created"), "datetime", s),
    ]


def _users(user):
    from tandem.access.models import User

    if not getattr(user, "is_admin", False):
        return User.objects.none()
    return User.objects.all()


def _login_fields():
    s = "login_history"
    return [
        _spec("user", _("User"), "lookup", s, "user"),
        _spec("login_at", _("Login time"), "datetime", s),
        _spec("success", _("Success"), "checkbox", s),
        _spec("source_ip", _("Source IP"), "text", s),
        _spec("user_agent", _("Browser"), "text", s),
    ]


def _logins(user):
    from tandem.access.models import LoginHistory

    if not getattr(user, "is_admin", False):
        return LoginHistory.objects.none()
    return LoginHistory.objects.all()


SOURCES = {
    "contact_role": Source(
        "contact_role",
        _contact_role_fields,
        _contact_roles,
        (
            "opportunity__name",
            "opportunity__account__name",
            "opportunity__stage",
            "opportunity__amount",
            "contact__first_name",
            "contact__last_name",
            "role",
            "is_primary",
        ),
        "opportunity",
        "opportunity_id",
    ),
    "stage_history": Source(
        "stage_history",
        _stage_history_fields,
        _stage_history,
        (
            "opportunity_name",
            "old_value",
            "new_value",
            "changed_at",
            "days_in_stage",
            "changed_by",
        ),
        "opportunity",
        "record_id",
    ),
    "users": Source(
        "users",
        _user_fields,
        _users,
        ("name", "email", "role", "profile", "is_active", "last_login", "created_at"),
    ),
    "login_history": Source(
        "login_history",
        _login_fields,
        _logins,
        ("user", "login_at", "success", "source_ip", "user_agent"),
    ),
}
