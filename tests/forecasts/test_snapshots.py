"""Snapshots at the start of a period, forecast accuracy, and the demo's quotas."""

import datetime
from decimal import Decimal

from django.urls import reverse

from tandem.forecasts.accuracy import accuracy, accuracy_source
from tandem.forecasts.actions import adjust_forecast
from tandem.forecasts.models import MONTH, QUARTER, ForecastSnapshot, Quota
from tandem.forecasts.periods import current_period
from tandem.forecasts.snapshots import snapshot_due, take_if_current, take_snapshots
from tests import factories as f
from tests.forecasts.conftest import EXPECTED, Q1, deal, fresh

FIELDS = ("closed", "commit", "best_case", "pipeline")


def snap(user, period=Q1):
    s = ForecastSnapshot.objects.get(user=user, period_kind=period.kind, period_start=period.start)
    return tuple(int(getattr(s, name)) for name in FIELDS)


def test_snapshot_stores_everyones_roll_up(team):
    Quota.objects.create(user=team.owner, period_kind=QUARTER, period_start=Q1.start, amount=400)
    written = take_snapshots(Q1)
    assert written == 6  # five people with roles, and the roleless admin
    for persona, expected in EXPECTED.items():
        assert snap(getattr(team, persona)) == expected, persona
    assert ForecastSnapshot.objects.get(user=team.owner).quota == 400
    assert ForecastSnapshot.objects.get(user=team.manager).quota == 400  # the reps' sum


def test_snapshots_are_idempotent_and_not_rewritten(team):
    assert take_snapshots(Q1) == 6
    deal(team.owner, "Closed", 5000)
    assert take_snapshots(Q1) == 0
    assert ForecastSnapshot.objects.count() == 6
    assert snap(team.owner) == EXPECTED["owner"]  # still the figures at the start
    newcomer = f.user(role=team.rep_role)
    assert take_snapshots(Q1) == 1  # only the person who had none
    assert ForecastSnapshot.objects.filter(user=newcomer).exists()


def test_snapshots_include_adjustments(team):
    adjust_forecast(fresh(team.manager), team.owner.pk, Q1, "commit", "250", "slips")
    take_snapshots(Q1)
    assert snap(team.owner)[1] == 250
    assert snap(team.manager)[1] == 355


def test_lazy_snapshot_only_for_the_period_under_way(team):
    assert take_if_current(Q1, today=datetime.date(2026, 5, 1)) == 0
    assert take_if_current(Q1, today=datetime.date(2026, 2, 1)) == 6
    assert take_if_current(Q1, today=datetime.date(2026, 2, 2)) == 0


def test_viewing_the_current_period_takes_its_snapshot(client, team):
    client.force_login(team.owner)
    client.get(reverse("forecasts:index"))
    now = current_period(QUARTER)
    assert ForecastSnapshot.objects.filter(period_kind=QUARTER, period_start=now.start).count() == 6
    client.get(reverse("forecasts:index"))
    assert ForecastSnapshot.objects.count() == 6


def test_worker_sweep_takes_quarter_and_month_once(team):
    day = datetime.date(2026, 2, 14)
    assert snapshot_due(day) == 12
    assert snapshot_due(day) == 0
    kinds = set(ForecastSnapshot.objects.values_list("period_kind", "period_start"))
    assert kinds == {(QUARTER, datetime.date(2026, 1, 1)), (MONTH, datetime.date(2026, 2, 1))}


def test_accuracy_compares_commit_at_start_with_closed(team):
    take_snapshots(Q1)
    deal(team.owner, "Closed", 200)  # more closed since the start
    rows = {r.person.pk: r for r in accuracy(fresh(team.manager), Q1)}
    assert list(rows) == [team.manager.pk, team.owner.pk, team.teammate.pk]
    owner = rows[team.owner.pk]
    assert (owner.forecast, owner.closed, owner.percent) == (
        Decimal(300),
        Decimal(300),
        Decimal("100.0"),
    )
    manager = rows[team.manager.pk]
    assert (manager.forecast, manager.closed) == (Decimal(405), Decimal(380))


def test_accuracy_for_a_rep_is_their_own_only(team):
    take_snapshots(Q1)
    rows = accuracy(fresh(team.owner), Q1)
    assert [r.person.pk for r in rows] == [team.owner.pk]


def test_accuracy_dashboard_source(team):
    take_snapshots(Q1)
    data = accuracy_source(fresh(team.manager), {"period": "FY2026-Q1"})
    assert data["labels"] == ["Max Manager", "Rita Rep", "Tom Teammate"]
    assert data["series"][0]["data"] == [405.0, 300.0, 75.0]
    assert data["series"][1]["data"] == [180.0, 100.0, 50.0]
    assert data["rows"][1] == ["Rita Rep", 300.0, 100.0, 33.3]
    assert accuracy_source(fresh(team.owner), {})["labels"] == ["Rita Rep"]


def test_accuracy_is_registered_for_dashboards():
    from tandem.dashboards import sources

    source = sources.get("forecast_accuracy")
    assert source is not None and source.fn is accuracy_source


def test_demo_quotas(client, db):
    from tandem.access.models import User
    from tandem.demo import load_demo
    from tandem.forecasts.demo import install_demo_quotas

    load_demo("small", progress=False)
    install_demo_quotas()  # the demo loader may have installed them already
    Quota.objects.all().delete()
    added = install_demo_quotas()
    assert added == Quota.objects.count() > 0
    rep = User.objects.get(email="sales.rep@tandem.demo")
    this_quarter = current_period(QUARTER)
    quotas = Quota.objects.filter(user=rep)
    assert {q.period_start for q in quotas} == {this_quarter.start, this_quarter.next.start}
    assert all(q.amount >= 100_000 and q.amount % 25_000 == 0 for q in quotas)
    partner = User.objects.get(email="partner@northwind.demo")
    assert not Quota.objects.filter(user=partner).exists()
    assert ForecastSnapshot.objects.filter(
        period_kind=QUARTER, period_start=this_quarter.start
    ).exists()
    Quota.objects.filter(user=rep).update(amount=1)
    assert install_demo_quotas() == 0  # idempotent, and edits are kept
    assert set(Quota.objects.filter(user=rep).values_list("amount", flat=True)) == {1}

    # The demo's people open Forecasts: the manager sees their reps with quota and attainment.
    manager = User.objects.get(email="sales.manager@tandem.demo")
    client.force_login(manager)
    html = client.get(reverse("forecasts:index")).content.decode()
    assert "Sam Taylor" in html and " %</td>" in html
    client.force_login(User.objects.get(email="admin@tandem.demo"))
    html = client.get(reverse("forecasts:index")).content.decode()
    assert "Catherine Reyes" in html and "VP Sales" in html  # the top of the hierarchy
