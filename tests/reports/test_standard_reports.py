"""Each standard report against hand-computed results, for an admin and for a rep."""

import datetime
from decimal import Decimal

import pytest

from tandem.core.models import Company
from tandem.reports.engine import Context, matrix, prepare, rows, summary
from tandem.reports.models import Report
from tandem.reports.standard import install_standard_reports
from tests.reports.conftest import TODAY

APRIL = Context(TODAY, 4)
JANUARY = Context(TODAY, 1)


@pytest.fixture
def reports(data):
    return {r.standard_key: r for r in install_standard_reports(data.admin)}


def prepared(report):
    p = prepare(report.report_type, report.definition)
    assert p.runnable, p.errors
    assert not p.missing
    return p


def flat(result):
    """{label: (count, first summary)} for the top-level groups."""
    return {
        g["labels"][0]: (g["count"], g["values"][0] if g["values"] else None)
        for g in result["groups"]
    }


def test_install_is_idempotent(data):
    first = install_standard_reports(data.admin)
    second = install_standard_reports(data.admin)
    assert [r.pk for r in first] == [r.pk for r in second]
    assert Report.objects.filter(standard_key__gt="").count() == 12


def test_opportunity_pipeline_admin(data, reports):
    result = summary(prepared(reports["opportunity_pipeline"]), data.admin, APRIL)
    assert flat(result) == {
        "Negotiation/Review": (1, Decimal(200)),
        "Proposal/Price Quote": (1, Decimal(700)),
        "Prospecting": (2, Decimal(1100)),
    }
    prospecting = next(g for g in result["groups"] if g["labels"][0] == "Prospecting")
    by_owner = {c["keys"][1]: c["values"][0] for c in prospecting["children"]}
    assert by_owner == {data.owner.pk: Decimal(100), data.teammate.pk: Decimal(1000)}
    assert {c["labels"][1] for c in prospecting["children"]} == {
        data.owner.full_name,
        data.teammate.full_name,
    }
    assert result["total"] == {"count": 4, "values": [Decimal(2000)]}


def test_opportunity_pipeline_rep_sees_only_own_totals(data, reports):
    p = prepared(reports["opportunity_pipeline"])
    result = summary(p, data.owner, APRIL)
    assert flat(result) == {
        "Negotiation/Review": (1, Decimal(200)),
        "Prospecting": (1, Decimal(100)),
    }
    assert result["total"] == {"count": 2, "values": [Decimal(300)]}
    # The manager above both reps sees both; the outsider in another branch sees nothing.
    assert summary(p, data.manager, APRIL)["total"]["values"] == [Decimal(2000)]
    assert summary(p, data.outsider, APRIL)["total"] == {"count": 0, "values": [None]}


def test_closed_opportunities_by_fiscal_quarter_april(data, reports):
    result = summary(prepared(reports["closed_opportunities"]), data.admin, APRIL)
    assert flat(result) == {"FY2025 Q4": (1, Decimal(300)), "FY2026 Q1": (2, Decimal(550))}
    q1 = result["groups"][1]
    assert {c["labels"][1]: c["values"][0] for c in q1["children"]} == {
        "No": Decimal(50),
        "Yes": Decimal(500),
    }


def test_closed_opportunities_by_fiscal_quarter_january(data, reports):
    result = summary(prepared(reports["closed_opportunities"]), data.admin, JANUARY)
    assert flat(result) == {"FY2026 Q1": (1, Decimal(300)), "FY2026 Q2": (2, Decimal(550))}


def test_quarterly_forecast_summary(data, reports):
    result = matrix(prepared(reports["quarterly_forecast_summary"]), data.admin, APRIL)
    categories = [c["labels"][0] for c in result["columns"]]
    # Forecast categories in their picklist order, not alphabetically.
    assert categories == ["Pipeline", "Best Case", "Commit", "Closed"]
    table = {
        r["labels"][0]: [cell["values"][0] if cell else None for cell in r["cells"]]
        for r in result["rows"]
    }
    assert table == {
        "FY2025 Q4": [None, None, None, Decimal(300)],
        "FY2026 Q1": [Decimal(100), None, Decimal(200), Decimal(500)],
        "FY2026 Q2": [Decimal(1000), Decimal(700), None, None],
    }
    assert [c["values"][0] for c in result["columns"]] == [
        Decimal(1100),
        Decimal(700),
        Decimal(200),
        Decimal(800),
    ]
    assert result["total"]["values"] == [Decimal(2800)]
    # The rep's forecast holds only the rep's deals.
    rep = matrix(prepared(reports["quarterly_forecast_summary"]), data.owner, APRIL)
    assert rep["total"]["values"] == [Decimal(600)]


def test_lead_source(data, reports):
    p = prepared(reports["lead_source"])
    result = summary(p, data.admin, APRIL)
    assert flat(result) == {"(blank)": (1, 0), "Phone": (1, 0), "Web": (3, 2)}
    web = next(g for g in result["groups"] if g["labels"][0] == "Web")
    assert round(web["values"][1], 2) == 66.67  # conversion rate, in percent
    assert flat(summary(p, data.owner, APRIL)) == {"(blank)": (1, 0), "Web": (2, 1)}


def test_account_owners(data, reports):
    result = summary(prepared(reports["account_owners"]), data.admin, APRIL)
    assert {g["keys"][0]: g["count"] for g in result["groups"]} == {
        data.owner.pk: 2,
        data.teammate.pk: 1,
    }
    assert summary(prepared(reports["account_owners"]), data.teammate, APRIL)["total"]["count"] == 1


def test_stuck_opportunities(data, reports):
    p = prepared(reports["stuck_opportunities"])
    names = [r["cells"][0] for r in rows(p, data.admin, APRIL)["rows"]]
    # O1 moved stage 10 days ago, T3 is 5 days old, O3/O4/T2 are closed.
    assert names == ["O2", "T1"]
    assert [r["cells"][0] for r in rows(p, data.owner, APRIL)["rows"]] == ["O2"]


def test_lead_lifecycle_runs(data, reports):
    result = matrix(prepared(reports["lead_lifecycle"]), data.admin, APRIL)
    assert result["total"]["count"] == 5


def test_company_fiscal_year_is_used_by_default(data, reports):
    Company.objects.update(fiscal_year_start_month=1)
    result = summary(prepared(reports["closed_opportunities"]), data.admin)
    assert {g["labels"][0] for g in result["groups"]} >= {"FY2026 Q1"}
    assert isinstance(TODAY, datetime.date)


def test_active_accounts(data, reports):
    from tandem.activities.models import Event, Task

    def task(account, due):
        Task.objects.create(
            owner=account.owner,
            account=account,
            subject="Call",
            status="Open",
            priority="Normal",
            due_date=due,
        )

    task(data.acme, TODAY - datetime.timedelta(days=3))
    task(data.acme, TODAY - datetime.timedelta(days=90))
    task(data.globex, TODAY - datetime.timedelta(days=45))
    start = datetime.datetime(2026, 5, 1, 10, tzinfo=datetime.UTC)
    Event.objects.create(
        owner=data.teammate, account=data.initech, subject="Visit", start=start, end=start
    )
    p = prepared(reports["active_accounts"])
    got = [(r["cells"][0], r["cells"][4]) for r in rows(p, data.admin, APRIL)["rows"]]
    assert got == [
        ("Acme", TODAY - datetime.timedelta(days=3)),
        ("Initech", datetime.date(2026, 5, 1)),
    ]
    assert [r["cells"][0] for r in rows(p, data.owner, APRIL)["rows"]] == ["Acme"]


# -- the reports of seed 004 and the contact roles ----------------------------------------------

FEBRUARY = Context(TODAY, 2)


def cells_by(result_rows, columns, *names):
    idx = [columns.index(n) for n in names]
    return [tuple(r["cells"][i] for i in idx) for r in result_rows]


def test_closed_opportunities_show_loss_reason_and_competitor(data, reports):
    from tandem.pipeline.models import OpportunityLoss

    OpportunityLoss.objects.create(
        opportunity=data.o4, reason="Competitor", competitor="Globex Robotics"
    )
    p = prepared(reports["closed_opportunities"])
    cols = [c.name for c in p.columns]
    got = cells_by(
        rows(p, data.admin, APRIL, sort="name")["rows"],
        cols,
        "name",
        "loss__reason",
        "loss__competitor",
    )
    assert got == [
        ("O3", None, None),
        ("O4", "Competitor", "Globex Robotics"),
        ("T2", None, None),
    ]


def test_deals_closed_lost_and_won_per_fiscal_quarter(data, reports):
    p = prepared(reports["deals_by_period"])

    def grid(user):
        m = matrix(p, user, APRIL)
        won = [c["keys"][0] for c in m["columns"]]
        return {
            r["keys"][0]: {w: cell["count"] for w, cell in zip(won, r["cells"]) if cell}
            for r in m["rows"]
        }, m["total"]["count"]

    # April fiscal year: O3 (won, 31 Mar) is in FY2025 Q4; O4 (lost) and T2 (won) in FY2026 Q1.
    assert grid(data.admin) == (
        {"2026-01-01": {True: 1}, "2026-04-01": {False: 1, True: 1}},
        3,
    )
    # The rep's closed deals only: O3 and O4.
    assert grid(data.owner) == ({"2026-01-01": {True: 1}, "2026-04-01": {False: 1}}, 2)


def test_average_deal_size_by_fiscal_quarter_february_start(data, reports):
    from tests.reports.conftest import opp

    opp(
        data.owner,
        data.acme,
        "O5",
        "Closed Won",
        "100",
        datetime.date(2026, 2, 10),
        "Closed",
        True,
        True,
    )
    p = prepared(reports["average_deal_size"])

    def by_key(user, ctx):
        result = summary(p, user, ctx)
        groups = {g["keys"][0]: (g["count"], *g["values"]) for g in result["groups"]}
        return groups, (result["total"]["count"], *result["total"]["values"])

    # February fiscal year: Feb-Apr holds O3 (300) and O5 (100); May-Jul holds T2 (500).
    assert by_key(data.admin, FEBRUARY) == (
        {
            "2026-02-01": (2, Decimal(200), Decimal(400)),
            "2026-05-01": (1, Decimal(500), Decimal(500)),
        },
        (3, Decimal(300), Decimal(900)),
    )
    # Calendar quarters: O3 and O5 in Q1, T2 in Q2.
    assert by_key(data.admin, JANUARY)[0] == {
        "2026-01-01": (2, Decimal(200), Decimal(400)),
        "2026-04-01": (1, Decimal(500), Decimal(500)),
    }
    # The rep's average never includes the teammate's 500.
    assert by_key(data.owner, FEBRUARY) == (
        {"2026-02-01": (2, Decimal(200), Decimal(400))},
        (2, Decimal(200), Decimal(400)),
    )


def test_lead_conversion_per_manager(data, reports):
    p = prepared(reports["lead_conversion_by_manager"])
    result = summary(p, data.admin, APRIL)
    got = {
        g["keys"][0]: (g["count"], g["values"][0], round(g["values"][1], 2))
        for g in result["groups"]
    }
    assert got == {data.owner.pk: (3, 1, 33.33), data.teammate.pk: (2, 1, 50.0)}
    assert result["total"]["count"] == 5 and result["total"]["values"][:1] == [2]
    assert round(result["total"]["values"][1], 2) == 40.0
    assert {g["labels"][0] for g in result["groups"]} == {
        data.owner.full_name,
        data.teammate.full_name,
    }
    mine = summary(p, data.owner, APRIL)
    assert [g["keys"][0] for g in mine["groups"]] == [data.owner.pk]
    assert mine["total"]["count"] == 3 and mine["total"]["values"][0] == 1


def test_contact_role_report(data, reports):
    from tandem.pipeline.models import OpportunityContactRole as Role
    from tests import factories as f

    ann = f.contact(data.owner, data.acme, first_name="Ann", last_name="Able")
    bob = f.contact(data.teammate, data.initech, first_name="Bob", last_name="Best")
    Role.objects.create(opportunity=data.o1, contact=ann, role="Decision Maker", is_primary=True)
    Role.objects.create(opportunity=data.o1, contact=bob, role="Influencer")
    Role.objects.create(opportunity=data.t1, contact=bob, role="Economic Buyer", is_primary=True)
    p = prepared(reports["contact_roles"])
    cols = [c.name for c in p.columns]
    names = ("opportunity__name", "opportunity__account__name", "contact__last_name", "role")
    admin_rows = cells_by(rows(p, data.admin, APRIL)["rows"], cols, *names)
    assert sorted(admin_rows) == [
        ("O1", "Acme", "Able", "Decision Maker"),
        ("O1", "Acme", "Best", "Influencer"),
        ("T1", "Initech", "Best", "Economic Buyer"),
    ]
    # The rep sees the roles on their own deal only; a contact they may not read stays blank.
    from tandem.sales.models import Contact

    bob_visible = Contact.objects.visible_to(data.owner, "read").filter(pk=bob.pk).exists()
    rep_rows = sorted(
        cells_by(rows(p, data.owner, APRIL)["rows"], cols, *names), key=lambda r: r[3]
    )
    assert rep_rows == [
        ("O1", "Acme", "Able", "Decision Maker"),
        ("O1", "Acme", "Best" if bob_visible else None, "Influencer"),
    ]
    assert not bob_visible
