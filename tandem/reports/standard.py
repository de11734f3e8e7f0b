"""The standard reports of seed 003, installed as ordinary saved reports in a public folder."""

from django.db import transaction
from django.utils.translation import gettext as _

from tandem.reports.models import PUBLIC, Report, ReportFolder

OPP_COLUMNS = [
    "name",
    "account__name",
    "amount",
    "close_date",
    "stage",
    "probability",
    "owner__name",
]
DEFAULT_STUCK_DAYS = 30
DEFAULT_ACTIVE_DAYS = 30


def standard_definitions() -> list[dict]:
    """(key, name, description, type, definition) of each standard report."""
    return [
        {
            "key": "opportunity_pipeline",
            "name": _("Opportunity Pipeline"),
            "description": _("Open opportunities by stage and owner, with amounts."),
            "type": "opportunity_account",
            "definition": {
                "format": "summary",
                "columns": OPP_COLUMNS,
                "filters": [{"field": "is_closed", "op": "equals", "value": "false"}],
                "groupings": [{"field": "stage"}, {"field": "owner"}],
                "summaries": [{"field": "amount", "agg": "sum"}],
                "sort": "-amount",
                "chart": {"type": "funnel"},
            },
        },
        {
            "key": "closed_opportunities",
            "name": _("Closed Opportunities"),
            "description": _(
                "Won and lost opportunities by fiscal quarter, with loss reasons and competitors."
            ),
            "type": "opportunity_account",
            "definition": {
                "format": "summary",
                "columns": OPP_COLUMNS + ["is_won", "loss__reason", "loss__competitor"],
                "filters": [{"field": "is_closed", "op": "equals", "value": "true"}],
                "groupings": [
                    {"field": "close_date", "date_group": "fiscal_quarter"},
                    {"field": "is_won"},
                ],
                "summaries": [{"field": "amount", "agg": "sum"}],
                "chart": {"type": "stacked_bar"},
            },
        },
        {
            "key": "lead_source",
            "name": _("Lead Source"),
            "description": _("Leads, converted leads and conversion rate by lead source."),
            "type": "lead",
            "definition": {
                "format": "summary",
                "columns": [
                    "first_name",
                    "last_name",
                    "company",
                    "status",
                    "lead_source",
                    "is_converted",
                    "owner__name",
                ],
                "groupings": [{"field": "lead_source"}],
                "summaries": [
                    {"field": "is_converted", "agg": "true_count"},
                    {"field": "is_converted", "agg": "true_percent"},
                ],
                "chart": {"type": "bar"},
            },
        },
        {
            "key": "lead_lifecycle",
            "name": _("Lead Lifecycle"),
            "description": _("Leads by status and the month they were created."),
            "type": "lead",
            "definition": {
                "format": "matrix",
                "columns": ["first_name", "last_name", "company", "status", "created_at"],
                "groupings": [{"field": "created_at", "date_group": "month"}],
                "column_groupings": [{"field": "status"}],
                "summaries": [],
                "chart": {"type": "stacked_bar"},
            },
        },
        {
            "key": "active_accounts",
            "name": _("Active Accounts"),
            "description": _("Accounts with a task or event in the last %(days)s days (or later).")
            % {"days": DEFAULT_ACTIVE_DAYS},
            "type": "account",
            "definition": {
                "format": "tabular",
                "columns": ["name", "type", "industry", "owner__name", "last_activity"],
                "filters": [
                    {
                        "field": "last_activity",
                        "op": "greater_or_equal",
                        "value": f"LAST_N_DAYS:{DEFAULT_ACTIVE_DAYS}",
                    }
                ],
                "sort": "-last_activity",
            },
        },
        {
            "key": "account_owners",
            "name": _("Account Owners"),
            "description": _("Accounts by owner."),
            "type": "account",
            "definition": {
                "format": "summary",
                "columns": ["name", "type", "industry", "city", "owner__name"],
                "groupings": [{"field": "owner"}],
                "summaries": [],
                "chart": {"type": "bar"},
            },
        },
        {
            "key": "stuck_opportunities",
            "name": _("Stuck Opportunities"),
            "description": _("Open opportunities whose stage has not changed in %(days)s days.")
            % {"days": DEFAULT_STUCK_DAYS},
            "type": "opportunity_account",
            "definition": {
                "format": "tabular",
                "columns": OPP_COLUMNS,
                "filters": [
                    {"field": "is_closed", "op": "equals", "value": "false"},
                    {
                        "field": "stage",
                        "op": "unchanged_for_days",
                        "value": str(DEFAULT_STUCK_DAYS),
                    },
                ],
                "summaries": [{"field": "amount", "agg": "sum"}],
                "sort": "close_date",
            },
        },
        {
            "key": "quarterly_forecast_summary",
            "name": _("Quarterly Forecast Summary"),
            "description": _("Per fiscal quarter: closed, commit, best case and pipeline amounts."),
            "type": "opportunity_account",
            "definition": {
                "format": "matrix",
                "columns": OPP_COLUMNS + ["forecast_category"],
                "filters": [
                    {
                        "field": "forecast_category",
                        "op": "in",
                        "value": "Closed,Commit,Best Case,Pipeline",
                    }
                ],
                "groupings": [{"field": "close_date", "date_group": "fiscal_quarter"}],
                "column_groupings": [{"field": "forecast_category"}],
                "summaries": [{"field": "amount", "agg": "sum"}],
                "chart": {"type": "stacked_bar"},
            },
        },
        {
            "key": "contact_roles",
            "name": _("Contact Role Report"),
            "description": _("Opportunities with their contacts and the role each plays."),
            "type": "opportunity_contact_role",
            "definition": {
                "format": "tabular",
                "columns": [
                    "opportunity__name",
                    "opportunity__account__name",
                    "opportunity__stage",
                    "opportunity__amount",
                    "contact__first_name",
                    "contact__last_name",
                    "role",
                    "is_primary",
                ],
                "sort": "opportunity__name",
            },
        },
        {
            "key": "deals_by_period",
            "name": _("Deals closed, lost and won per period"),
            "description": _(
                "Closed opportunities per fiscal quarter: how many were won and lost."
            ),
            "type": "opportunity_account",
            "definition": {
                "format": "matrix",
                "columns": OPP_COLUMNS + ["is_won"],
                "filters": [{"field": "is_closed", "op": "equals", "value": "true"}],
                "groupings": [{"field": "close_date", "date_group": "fiscal_quarter"}],
                "column_groupings": [{"field": "is_won"}],
                "summaries": [],
                "chart": {"type": "stacked_bar"},
            },
        },
        {
            "key": "average_deal_size",
            "name": _("Average deal size"),
            "description": _("Won opportunities per fiscal quarter: average, count and total."),
            "type": "opportunity_account",
            "definition": {
                "format": "summary",
                "columns": OPP_COLUMNS,
                "filters": [{"field": "is_won", "op": "equals", "value": "true"}],
                "groupings": [{"field": "close_date", "date_group": "fiscal_quarter"}],
                "summaries": [
                    {"field": "amount", "agg": "avg"},
                    {"field": "amount", "agg": "sum"},
                ],
                "chart": {"type": "line"},
            },
        },
        {
            "key": "lead_conversion_by_manager",
            "name": _("Lead conversion per manager"),
            "description": _("Leads, converted leads and conversion rate per lead owner."),
            "type": "lead",
            "definition": {
                "format": "summary",
                "columns": ["first_name", "last_name", "company", "status", "is_converted"],
                "groupings": [{"field": "owner"}],
                "summaries": [
                    {"field": "is_converted", "agg": "true_count"},
                    {"field": "is_converted", "agg": "true_percent"},
                ],
                "chart": {"type": "bar"},
            },
        },
    ]


def _default_owner():
    from tandem.access.models import User

    admin = (
        User.objects.filter(profile__name="System Administrator", is_active=True)
        .order_by("pk")
        .first()
    )
    return admin or User.objects.order_by("pk").first()


@transaction.atomic
def install_standard_reports(owner=None) -> list[Report]:
    """Create (or refresh) the standard reports in a public "Standard Reports" folder. Idempotent."""
    owner = owner or _default_owner()
    if owner is None:
        return []
    folder = ReportFolder.objects.filter(name=_("Standard Reports"), visibility=PUBLIC).first()
    if folder is None:
        folder = ReportFolder.objects.create(
            name=_("Standard Reports"), owner=owner, visibility=PUBLIC
        )
    reports = []
    for d in standard_definitions():
        report, _created = Report.objects.update_or_create(
            standard_key=d["key"],
            defaults={
                "name": d["name"],
                "description": d["description"],
                "report_type": d["type"],
                "definition": d["definition"],
                "folder": folder,
                "owner": owner,
                "visibility": PUBLIC,
            },
        )
        reports.append(report)
    return reports
