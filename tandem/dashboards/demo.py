"""The ready-made dashboards of issue 5: Sales, Adoption, Data quality and Channel.

`install_demo_dashboards()` creates the saved reports the components need (in a public
"Company Dashboards" report folder) and the four dashboards. Running it again refreshes the same
reports and dashboards instead of adding copies. A component on a data source no app
registered (forecast accuracy before the forecasts app provides it) is left out.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from tandem.dashboards import sources
from tandem.dashboards.models import (
    CHART,
    GAUGE,
    METRIC,
    PRIVATE,
    PUBLIC,
    TABLE,
    Dashboard,
    DashboardComponent,
)
from tandem.reports.models import Report, ReportFolder

FOLDER_NAME = "Company Dashboards"
OLD_FOLDER_NAME = "Dashboards"  # before: "Dashboards · Dashboards" in every breadcrumb
OPP = "opportunity_account"


def _reports() -> dict[str, dict]:
    """key -> name, description, report type and definition of each report a component shows."""
    closed_q = [{"field": "is_closed", "op": "equals", "value": "true"}]
    open_q = [{"field": "is_closed", "op": "equals", "value": "false"}]
    this_quarter = [{"field": "close_date", "op": "equals", "value": "THIS_FISCAL_QUARTER"}]
    reports = {
        "pipeline_by_stage": (
            _("Pipeline by Stage"),
            _("Open opportunities by stage, with amounts."),
            OPP,
            {
                "format": "summary",
                "columns": ["name", "account__name", "amount", "close_date", "owner__name"],
                "filters": open_q,
                "groupings": [{"field": "stage"}],
                "summaries": [{"field": "amount", "agg": "sum"}],
                "chart": {"type": "funnel"},
            },
        ),
        "closed_this_quarter": (
            _("Won and Lost This Quarter"),
            _("Opportunities closed this fiscal quarter, won or lost."),
            OPP,
            {
                "format": "summary",
                "columns": ["name", "account__name", "amount", "close_date", "owner__name"],
                "filters": closed_q + this_quarter,
                "groupings": [{"field": "stage"}],
                "summaries": [{"field": "amount", "agg": "sum"}],
                "chart": {"type": "donut"},
            },
        ),
        "average_deal_size": (
            _("Average Deal Size"),
            _("Average amount of the opportunities won this fiscal year, by quarter."),
            OPP,
            {
                "format": "summary",
                "columns": ["name", "account__name", "amount", "close_date", "owner__name"],
                "filters": [
                    {"field": "is_won", "op": "equals", "value": "true"},
                    {"field": "close_date", "op": "equals", "value": "THIS_FISCAL_YEAR"},
                ],
                "groupings": [{"field": "close_date", "date_group": "fiscal_quarter"}],
                "summaries": [{"field": "amount", "agg": "avg"}],
                "chart": {"type": "bar"},
            },
        ),
        "lost_to_competitor": (
            _("Lost to Competitor"),
            _("Lost opportunities by the competitor that won them."),
            OPP,
            {
                "format": "summary",
                "columns": ["name", "account__name", "amount", "loss__reason", "owner__name"],
                "filters": closed_q
                + [
                    {"field": "is_won", "op": "equals", "value": "false"},
                    {"field": "loss__competitor", "op": "is_not_blank", "value": ""},
                ],
                "groupings": [{"field": "loss__competitor"}],
                "summaries": [{"field": "amount", "agg": "sum"}],
                "chart": {"type": "bar"},
            },
        ),
        "time_in_stage": (
            _("Time in Stage"),
            _("Average days opportunities spent in each stage before moving on."),
            "opportunity_stage_history",
            {
                "format": "summary",
                "columns": ["opportunity_name", "old_value", "new_value", "days_in_stage"],
                "groupings": [{"field": "old_value"}],
                "summaries": [{"field": "days_in_stage", "agg": "avg"}],
                "chart": {"type": "bar"},
            },
        ),
        "activities_per_rep": (
            _("Activities per Rep"),
            _("Tasks per owner and status."),
            "task",
            {
                "format": "matrix",
                "columns": ["subject", "status", "due_date", "owner__name"],
                "groupings": [{"field": "owner"}],
                "column_groupings": [{"field": "status"}],
                "summaries": [],
                "chart": {"type": "stacked_bar"},
            },
        ),
        "logins_per_week": (
            _("Logins per User per Week"),
            _("Successful logins of the last eight weeks, per week and user."),
            "admin_login_history",
            {
                "format": "matrix",
                "columns": ["user", "login_at", "success"],
                "filters": [
                    {"field": "success", "op": "equals", "value": "true"},
                    {"field": "login_at", "op": "equals", "value": "LAST_N_DAYS:56"},
                ],
                "groupings": [{"field": "login_at", "date_group": "week"}],
                "column_groupings": [{"field": "user"}],
                "summaries": [],
                "chart": {"type": "stacked_bar"},
            },
        ),
        "logged_in_this_week": (
            _("Users Logged In This Week"),
            _("Active employees who logged in during the last seven days."),
            "admin_users",
            {
                "format": "summary",
                "columns": ["name", "email", "last_login"],
                "filters": [
                    {"field": "is_active", "op": "equals", "value": "true"},
                    {"field": "is_external", "op": "equals", "value": "false"},
                    {"field": "last_login", "op": "greater_or_equal", "value": "LAST_N_DAYS:7"},
                ],
                "groupings": [],
                "summaries": [],
            },
        ),
        "never_logged_in": (
            _("Users Who Have Not Logged In"),
            _("Active users who never logged in."),
            "admin_users",
            {
                "format": "tabular",
                "columns": ["name", "email", "profile", "created_at"],
                "filters": [
                    {"field": "is_active", "op": "equals", "value": "true"},
                    {"field": "last_login", "op": "is_blank", "value": ""},
                ],
                "sort": "name",
            },
        ),
        "activity_trends": (
            _("Activity Trends"),
            _("Tasks created per month, by type."),
            "task",
            {
                "format": "matrix",
                "columns": ["subject", "task_type", "created_at", "owner__name"],
                "groupings": [{"field": "created_at", "date_group": "month"}],
                "column_groupings": [{"field": "task_type"}],
                "summaries": [],
                "chart": {"type": "line"},
            },
        ),
        "accounts_without_activity": (
            _("Accounts Without Activity"),
            _("Accounts with no task or event, per owner."),
            "account",
            {
                "format": "summary",
                "columns": ["name", "industry", "owner__name"],
                "filters": [{"field": "last_activity", "op": "is_blank", "value": ""}],
                "groupings": [{"field": "owner"}],
                "summaries": [],
                "chart": {"type": "bar"},
            },
        ),
        "opportunities_without_activity": (
            _("Open Opportunities Without Activity"),
            _("Open opportunities with no task or event, per owner."),
            OPP,
            {
                "format": "summary",
                "columns": ["name", "account__name", "amount", "stage", "owner__name"],
                "filters": open_q + [{"field": "last_activity", "op": "is_blank", "value": ""}],
                "groupings": [{"field": "owner"}],
                "summaries": [],
                "chart": {"type": "bar"},
            },
        ),
    }
    blank_fields = {
        "lead": (_("Lead Data Quality"), ("email", "phone", "lead_source")),
        "contact": (_("Contact Data Quality"), ("email", "phone", "title")),
        "account": (_("Account Data Quality"), ("industry", "phone", "website")),
        "opportunity": (_("Opportunity Data Quality"), ("next_step", "lead_source", "type")),
    }
    for obj, (name, fields) in blank_fields.items():
        reports[f"blank_{obj}"] = (
            name,
            _("How often key fields are left blank, per owner."),
            obj,
            {
                "format": "summary",
                "columns": ["owner__name", *fields],
                "groupings": [{"field": "owner"}],
                "summaries": [{"field": f, "agg": "blank_percent"} for f in fields],
                "chart": {"type": "bar"},
            },
        )
    return {
        key: {"name": n, "description": d, "type": t, "definition": definition}
        for key, (n, d, t, definition) in reports.items()
    }


def _component(report=None, source="", kind=CHART, chart="bar", width=6, height=2, **kw):
    return {
        "report": report,
        "source": source,
        "kind": kind,
        "chart_type": chart if kind == CHART else "",
        "width": width,
        "height": height,
        **kw,
    }


def _dashboards(active_users: int) -> list[dict]:
    """The four dashboards: key, title, description, public or not, filters and components."""
    c = _component
    sales = [
        c("pipeline_by_stage", chart="funnel"),
        c("closed_this_quarter", chart="donut", width=3),
        c("average_deal_size", kind=METRIC, width=3),
        c("time_in_stage"),
        c("activities_per_rep", chart="stacked_bar"),
        c("lost_to_competitor"),
    ]
    if sources.get("forecast_accuracy") is not None:
        sales.append(
            c(
                source="forecast_accuracy",
                chart="bar",
                title=_("Forecast Accuracy"),
                footer=_("Forecast at quarter start vs. closed."),
            )
        )
    adoption = [
        c("logins_per_week", chart="stacked_bar", width=8),
        c(
            "logged_in_this_week",
            kind=GAUGE,
            width=4,
            gauge_min=0,
            gauge_max=max(active_users, 1),
            gauge_low=round(active_users * 0.5),
            gauge_high=round(active_users * 0.8),
            gauge_target=max(active_users, 1),
            footer=_("Target: all %(n)s active employees log in each week.") % {"n": active_users},
        ),
        c(source="records_created", chart="stacked_bar", width=12),
        c("activity_trends", chart="line"),
        c("never_logged_in", kind=TABLE),
    ]
    quality = [
        c(f"blank_{obj}", kind=TABLE) for obj in ("lead", "contact", "account", "opportunity")
    ] + [
        c("accounts_without_activity"),
        c("opportunities_without_activity"),
    ]
    channel = [
        c(source="partner_leads", title=_("Partner Leads: Received, Accepted, Converted")),
        c(source="partner_pipeline", title=_("Partner Pipeline and Wins")),
        c(source="partner_scorecard", kind=TABLE, width=12, title=_("Partner Scorecard")),
    ]
    return [
        {
            "key": "sales",
            "title": _("Sales"),
            "description": _("Pipeline, wins and losses, deal size, time in stage, activity."),
            "public": True,
            "filters": [
                {
                    "field": "lead_source",
                    "label": _("Lead source"),
                    "options": ["Web", "Phone Inquiry", "Partner Referral", "Trade Show"],
                }
            ],
            "components": sales,
        },
        {
            "key": "adoption",
            "title": _("Adoption"),
            "description": _("Logins, records created and activity: is the team using Tandem?"),
            "public": False,  # login history and users are for administrators
            "filters": [],
            "components": adoption,
        },
        {
            "key": "data_quality",
            "title": _("Data Quality"),
            "description": _("How often key fields are left blank; records without activity."),
            "public": True,
            "filters": [],
            "components": quality,
        },
        {
            "key": "channel",
            "title": _("Channel"),
            "description": _("Per partner: leads received, accepted, converted; pipeline; won."),
            "public": True,
            "filters": [],
            "components": channel,
        },
    ]


def _default_owner():
    from tandem.access.models import User

    admins = User.objects.filter(is_active=True, is_external=False).order_by("pk")
    for u in admins.select_related("profile")[:50]:
        if u.is_admin:
            return u
    return admins.first()


@transaction.atomic
def install_demo_dashboards(owner=None) -> list[Dashboard]:
    """Create (or refresh) the ready-made dashboards and their reports. Idempotent."""
    from tandem.access.models import User

    owner = owner or _default_owner()
    if owner is None:
        return []
    folders = ReportFolder.objects.filter(visibility=PUBLIC)
    folder = (
        folders.filter(name=FOLDER_NAME).first() or folders.filter(name=OLD_FOLDER_NAME).first()
    )
    if folder is not None and folder.name != FOLDER_NAME:
        folder.name = FOLDER_NAME
        folder.save(update_fields=["name"])
    if folder is None:
        folder = ReportFolder.objects.create(name=FOLDER_NAME, owner=owner, visibility=PUBLIC)
    reports = {}
    for key, d in _reports().items():
        report = Report.objects.filter(folder=folder, name=d["name"]).order_by("pk").first()
        report = report or Report(folder=folder, name=d["name"])
        report.description = d["description"]
        report.report_type = d["type"]
        report.definition = d["definition"]
        report.owner = owner
        report.visibility = PUBLIC
        report.save()
        reports[key] = report
    active = User.objects.filter(is_active=True, is_external=False).count()
    dashboards = []
    for d in _dashboards(active):
        dashboard, _created = Dashboard.objects.update_or_create(
            demo_key=d["key"],
            defaults={
                "title": d["title"],
                "description": d["description"],
                "folder": folder if d["public"] else None,
                "visibility": PUBLIC if d["public"] else PRIVATE,
                "owner": owner,
                "running_mode": "viewer",
                "running_user": None,
                "filters": d["filters"],
            },
        )
        dashboard.components.all().delete()
        components = []
        for position, spec in enumerate(d["components"]):
            spec = dict(spec)
            key = spec.pop("report")
            report = reports[key] if key else None
            components.append(
                DashboardComponent(
                    dashboard=dashboard,
                    report=report,
                    report_name=report.name if report else "",
                    position=position,
                    **spec,
                )
            )
        DashboardComponent.objects.bulk_create(components)
        dashboards.append(dashboard)
    return dashboards
