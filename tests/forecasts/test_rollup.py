"""Roll-up through the role hierarchy, against figures worked out by hand."""

import datetime
from decimal import Decimal

from tandem.forecasts.figures import FIGURES, figures_for
from tandem.forecasts.models import MONTH
from tandem.forecasts.periods import Period
from tandem.forecasts.tree import ForecastTree
from tests import factories as f
from tests.forecasts.conftest import EXPECTED, Q1, deal, fresh


def as_tuple(fig):
    return tuple(int(fig.value[name]) for name in FIGURES)


def test_three_levels_roll_up_to_hand_computed_figures(team):
    tree = ForecastTree()
    figs = figures_for(fresh(team.ceo), tree, tree.get(team.ceo.pk), Q1)
    for persona, expected in EXPECTED.items():
        assert as_tuple(figs[getattr(team, persona).pk]) == expected, persona


def test_the_ceo_rows_are_the_vp_and_support(team):
    tree = ForecastTree()
    ceo = tree.get(team.ceo.pk)
    # Roles in Setup order (then by name): Support, VP Sales.
    assert [p.pk for p in ceo.children] == [team.outsider.pk, team.manager.pk]
    assert [p.pk for p in tree.get(team.manager.pk).children] == [team.owner.pk, team.teammate.pk]
    # Peers in one role: the first placed is the forecast manager; neither has people below.
    assert tree.get(team.owner.pk).children == []


def test_a_month_counts_only_its_own_deals(team):
    tree = ForecastTree()
    february = Period(MONTH, datetime.date(2026, 2, 1), 1)
    figs = figures_for(fresh(team.manager), tree, tree.get(team.manager.pk), february)
    # Feb deals: owner Commit 200 + Best Case 300; teammate Closed 50, Commit 25, Pipeline 10;
    # manager Best Case 70, Closed 30. Omitted 1000 is never counted.
    assert as_tuple(figs[team.manager.pk]) == (80, 305, 675, 605)


def test_deals_of_deactivated_users_are_left_out(team):
    """Forecasts follow active people; a departed rep's deals count once reassigned."""
    gone = f.user("gone@example.com", role=team.rep_role)
    deal(gone, "Closed", 12345)
    gone.is_active = False
    gone.save()
    tree = ForecastTree()
    figs = figures_for(fresh(team.manager), tree, tree.get(team.manager.pk), Q1)
    assert as_tuple(figs[team.manager.pk]) == EXPECTED["manager"]


def test_roles_nobody_holds_are_skipped(team):
    director_role = f.role("Sales Director", team.vp_role)
    team.rep_role.parent = director_role
    team.rep_role.save()
    from tandem.access.hierarchy import rebuild_role_closure

    rebuild_role_closure()
    tree = ForecastTree()
    assert [p.pk for p in tree.get(team.manager.pk).children] == [team.owner.pk, team.teammate.pk]
    figs = figures_for(fresh(team.manager), tree, tree.get(team.manager.pk), Q1)
    assert as_tuple(figs[team.manager.pk]) == EXPECTED["manager"]


def test_an_amountless_deal_counts_as_zero(team):
    f.opportunity(team.owner, amount=None, forecast_category="Commit", close_date=Q1.start)
    tree = ForecastTree()
    figs = figures_for(fresh(team.owner), tree, tree.get(team.owner.pk), Q1)
    assert figs[team.owner.pk].value["commit"] == Decimal(300)
