"""Fixed data for the dashboard tests: two reps' opportunities and a report per display kind."""

import datetime
from decimal import Decimal

import pytest

from tandem.dashboards.models import Dashboard, DashboardComponent
from tandem.reports.models import PUBLIC, Report, ReportFolder
from tests import factories as f


def opp(owner, name, stage, amount, source="Web", closed=False, won=False):
    return f.opportunity(
        owner,
        None,
        name=name,
        stage=stage,
        amount=Decimal(amount),
        lead_source=source,
        is_closed=closed,
        is_won=won,
        close_date=datetime.date.today(),
    )


@pytest.fixture
def data(org):
    """owner: 100 + 200 open; teammate: 1000 open + 500 won; a public pipeline report."""
    d = org
    d.o1 = opp(org.owner, "O1", "Prospecting", "100")
    d.o2 = opp(org.owner, "O2", "Qualification", "200", source="Phone Inquiry")
    d.t1 = opp(org.teammate, "T1", "Prospecting", "1000")
    d.t2 = opp(org.teammate, "T2", "Closed Won", "500", closed=True, won=True)
    d.folder = ReportFolder.objects.create(name="Team", owner=org.admin, visibility=PUBLIC)
    d.pipeline = Report.objects.create(
        name="Pipeline by stage",
        report_type="opportunity_account",
        owner=org.admin,
        folder=d.folder,
        visibility=PUBLIC,
        definition={
            "format": "summary",
            "columns": ["name", "amount", "stage"],
            "groupings": [{"field": "stage"}],
            "summaries": [{"field": "amount", "agg": "sum"}],
            "chart": {"type": "bar"},
        },
    )
    d.listing = Report.objects.create(
        name="All deals",
        report_type="opportunity_account",
        owner=org.admin,
        folder=d.folder,
        visibility=PUBLIC,
        definition={"format": "tabular", "columns": ["name", "amount"], "sort": "name"},
    )
    return d


def make_dashboard(owner, *components, **kw):
    """A public dashboard with the given components (dicts of DashboardComponent fields)."""
    kw.setdefault("title", "Team dashboard")
    kw.setdefault("visibility", PUBLIC)
    dashboard = Dashboard.objects.create(owner=owner, **kw)
    for i, c in enumerate(components):
        c = dict(c)
        c.setdefault("kind", "chart")
        c.setdefault("chart_type", "bar" if c["kind"] == "chart" else "")
        report = c.get("report")
        DashboardComponent.objects.create(
            dashboard=dashboard, position=i, report_name=report.name if report else "", **c
        )
    return dashboard
