"""What a new Tandem database starts with: standard profiles, picklists, defaults, list views.

Run after every migrate (see core/apps.py); it only adds what is missing, so an
administrator's edits survive upgrades.
"""

from django.db import transaction

from tandem.access.models import OrgDefault, Profile
from tandem.core import registry
from tandem.core.models import Company, ListView, PicklistValue

INDUSTRIES = [
    "Agriculture", "Banking", "Chemicals", "Communications", "Construction", "Consulting",
    "Education", "Electronics", "Energy", "Engineering", "Entertainment", "Finance",
    "Government", "Healthcare", "Hospitality", "Insurance", "Manufacturing", "Media",
    "Not For Profit", "Retail", "Technology", "Telecommunications", "Transportation",
    "Utilities", "Other",
]
LEAD_SOURCES = [
    "Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Trade Show",
    "Word of mouth", "Email Campaign", "Social Network", "Landing Page", "Other",
]

# (object, field) -> list of values; a dict value carries the extra attributes.
STANDARD_PICKLISTS: dict[tuple[str, str], list] = {
    ("lead", "status"): [
        {"value": "Open - Not Contacted", "is_default": True},
        {"value": "Working - Contacted"},
        {"value": "Closed - Converted", "is_converted": True, "is_closed": True},
        {"value": "Closed - Not Converted", "is_closed": True},
    ],
    ("lead", "rating"): ["Hot", "Warm", "Cold"],
    ("lead", "lead_source"): LEAD_SOURCES,
    ("lead", "industry"): INDUSTRIES,
    ("lead", "salutation"): ["Mr.", "Ms.", "Mrs.", "Dr.", "Prof."],
    ("contact", "salutation"): ["Mr.", "Ms.", "Mrs.", "Dr.", "Prof."],
    ("contact", "lead_source"): LEAD_SOURCES,
    ("account", "type"): [
        "Prospect", "Customer - Direct", "Customer - Channel", "Channel Partner / Reseller",
        "Installation Partner", "Technology Partner", "Competitor", "Other",
    ],
    ("account", "industry"): INDUSTRIES,
    ("account", "rating"): ["Hot", "Warm", "Cold"],
    ("opportunity", "stage"): [
        {"value": "Prospecting", "probability": 10, "forecast_category": "Pipeline", "is_default": True},
        {"value": "Qualification", "probability": 10, "forecast_category": "Pipeline"},
        {"value": "Needs Analysis", "probability": 20, "forecast_category": "Pipeline"},
        {"value": "Value Proposition", "probability": 50, "forecast_category": "Pipeline"},
        {"value": "Id. Decision Makers", "probability": 60, "forecast_category": "Pipeline"},
        {"value": "Perception Analysis", "probability": 70, "forecast_category": "Pipeline"},
        {"value": "Proposal/Price Quote", "probability": 75, "forecast_category": "Best Case"},
        {"value": "Negotiation/Review", "probability": 90, "forecast_category": "Commit"},
        {"value": "Closed Won", "probability": 100, "forecast_category": "Closed", "is_closed": True, "is_won": True},
        {"value": "Closed Lost", "probability": 0, "forecast_category": "Omitted", "is_closed": True},
    ],
    ("opportunity", "forecast_category"): ["Pipeline", "Best Case", "Commit", "Closed", "Omitted"],
    ("opportunity", "type"): ["New Customer", "Existing Customer - Upgrade", "Existing Customer - Replacement", "Existing Customer - Downgrade"],
    ("opportunity", "lead_source"): LEAD_SOURCES,
    ("task", "status"): [
        {"value": "Not Started", "is_default": True}, {"value": "In Progress"},
        {"value": "Completed", "is_closed": True}, {"value": "Waiting on someone else"},
        {"value": "Deferred"},
    ],
    ("task", "priority"): ["High", {"value": "Normal", "is_default": True}, "Low"],
    ("task", "task_type"): ["Call", "Email", "Meeting", "Other"],
}

ALL_ACTIONS = {"read": True, "create": True, "edit": True, "delete": True, "view_all": True, "modify_all": True}
CRUD = {"read": True, "create": True, "edit": True, "delete": True}
READ = {"read": True}
PARTNER_OBJECTS = ("lead", "opportunity", "account", "contact", "task", "event", "note")


def _profiles():
    objects = [o.name for o in registry.all_objects()]
    admin_sys = {
        p: True
        for p in (
            "manage_users", "customize_application", "view_setup", "view_all_data",
            "modify_all_data", "export_reports", "run_reports", "api_enabled", "transfer_records",
        )
    }
    return [
        ("System Administrator", "Configures and sees everything.", False,
         {o: ALL_ACTIONS for o in objects}, admin_sys),
        ("Standard User", "Creates and edits records, runs reports.", False,
         {o: CRUD for o in objects}, {"run_reports": True, "export_reports": True, "api_enabled": True}),
        ("Read Only", "Views records and runs and exports reports.", False,
         {o: READ for o in objects}, {"run_reports": True, "export_reports": True}),
        ("Partner User", "Staff of a partner company, in the partner portal.", True,
         {o: {**CRUD, "delete": o in ("task", "event", "note")} for o in PARTNER_OBJECTS},
         {"api_enabled": False}),
    ]


@transaction.atomic
def ensure_defaults() -> None:
    Company.current()
    for name, description, external, objects, system in _profiles():
        profile, created = Profile.objects.get_or_create(
            name=name,
            defaults={
                "description": description,
                "is_standard": True,
                "is_external": external,
                "object_permissions": objects,
                "system_permissions": system,
            },
        )
        if not created:
            # New objects added in an upgrade get the standard permissions.
            missing = {k: v for k, v in objects.items() if k not in profile.object_permissions}
            if missing:
                profile.object_permissions = {**profile.object_permissions, **missing}
                profile.save(update_fields=["object_permissions"])
    for obj in registry.all_objects():
        OrgDefault.objects.get_or_create(
            object_name=obj.name,
            defaults={"internal_access": obj.default_owd, "external_access": obj.default_owd},
        )
        for scope, label in ((ListView.SCOPE_MINE, "My {}"), (ListView.SCOPE_ALL, "All {}")):
            ListView.objects.get_or_create(
                object_name=obj.name,
                is_standard=True,
                scope=scope,
                defaults={
                    "name": label.format(obj.label_plural),
                    "columns": list(obj.list_columns),
                    "visibility": ListView.VISIBLE_ALL,
                },
            )
    existing = set(PicklistValue.objects.values_list("object_name", "field_name"))
    rows = []
    for (object_name, field_name), values in STANDARD_PICKLISTS.items():
        if (object_name, field_name) in existing:
            continue
        for order, item in enumerate(values):
            item = {"value": item} if isinstance(item, str) else dict(item)
            item.setdefault("label", item["value"])
            rows.append(
                PicklistValue(object_name=object_name, field_name=field_name, sort_order=order, **item)
            )
    PicklistValue.objects.bulk_create(rows)


def on_post_migrate(sender, **kwargs):
    if sender.name == "tandem.core":
        ensure_defaults()
