"""The business objects Tandem ships, registered once at start-up (see core/apps.py)."""

from tandem.activities.models import Event, Note, Task
from tandem.activities.rules import before_save_event
from tandem.core.registry import ChildLink, ObjectDef, ParentLink, register
from tandem.partners.roles import move_partner_roles
from tandem.sales.models import Account, Contact, Lead, Opportunity
from tandem.sales.rules import before_save_lead, before_save_opportunity

ACTIVITY_PARENTS = (
    ParentLink("lead", "lead"),
    ParentLink("contact", "contact"),
    ParentLink("account", "account"),
    ParentLink("opportunity", "opportunity"),
)


def _activity_lists(fk: str) -> tuple[tuple[str, str], ...]:
    """Related lists of tasks, events and notes linked through `fk`."""
    return (("task", fk), ("event", fk), ("note", fk))


register(
    ObjectDef(
        name="account",
        picklists=("type", "industry", "rating"),
        model=Account,
        slug="accounts",
        icon="bi-building",
        list_columns=("name", "city", "phone", "type", "owner"),
        search_fields=("name", "account_number", "phone", "website"),
        tracked_fields=("name", "type", "industry", "rating", "owner", "phone", "parent"),
        children=(ChildLink("contact", "account"), ChildLink("opportunity", "account")),
        extra={"after_owner_change": move_partner_roles},
        related_lists=(("contact", "account"), ("opportunity", "account"))
        + _activity_lists("account"),
    )
)
register(
    ObjectDef(
        name="contact",
        picklists=("salutation", "lead_source"),
        model=Contact,
        slug="contacts",
        icon="bi-person-vcard",
        list_columns=("last_name", "first_name", "account", "title", "email", "phone", "owner"),
        search_fields=("first_name", "last_name", "email", "phone"),
        tracked_fields=("account", "email", "phone", "title", "owner"),
        parents=(ParentLink("account", "account"),),
        owd_choices=("private", "read", "read_write", "parent"),
        default_owd="parent",
        related_lists=_activity_lists("contact"),
    )
)
register(
    ObjectDef(
        name="lead",
        picklists=("salutation", "status", "lead_source", "rating", "industry"),
        model=Lead,
        slug="leads",
        icon="bi-funnel",
        list_columns=("last_name", "first_name", "company", "status", "lead_source", "owner"),
        search_fields=("first_name", "last_name", "company", "email", "phone"),
        tracked_fields=("status", "rating", "owner", "owner_queue", "company", "email", "lead_source"),
        queue_owned=True,
        extra={"before_save": before_save_lead},
        related_lists=_activity_lists("lead"),
    )
)
register(
    ObjectDef(
        name="opportunity",
        picklists=("stage", "type", "lead_source", "forecast_category"),
        model=Opportunity,
        slug="opportunities",
        icon="bi-briefcase",
        list_columns=("name", "account", "amount", "close_date", "stage", "owner"),
        search_fields=("name",),
        tracked_fields=("stage", "amount", "probability", "close_date", "forecast_category", "owner"),
        extra={"before_save": before_save_opportunity},
        related_lists=_activity_lists("opportunity"),
    )
)
for _model, _slug, _icon, _columns, _search in (
    (Task, "tasks", "bi-check2-square", ("subject", "due_date", "status", "priority", "owner"), ("subject",)),
    (Event, "events", "bi-calendar-event", ("subject", "start", "end", "location", "owner"), ("subject", "location")),
    (Note, "notes", "bi-sticky", ("title", "owner", "created_at"), ("title", "body")),
):
    register(
        ObjectDef(
            name=_model._meta.model_name,
            picklists=("status", "priority", "task_type") if _model is Task else (),
            model=_model,
            slug=_slug,
            icon=_icon,
            list_columns=_columns,
            search_fields=_search,
            tracked_fields=("owner", "status") if _model is Task else ("owner",),
            parents=ACTIVITY_PARENTS,
            owd_choices=("private", "parent"),
            default_owd="parent",
            extra={"before_save": before_save_event} if _model is Event else {},
        )
    )
