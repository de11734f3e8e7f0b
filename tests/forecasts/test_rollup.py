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


def test_totals_match_an_independent_sum_on_random_deals(org):
    """Every row equals a plain sum over the deals its person and the people below own."""
    import random

    from tandem.access.models import User
    from tandem.sales.models import Opportunity

    rng = random.Random(7)
    team_lead_role = f.role("Team Lead", org.rep_role)
    people = [org.ceo, org.manager, org.owner, org.teammate, org.outsider]
    people += [f.user(role=team_lead_role) for _ in range(3)]
    for _ in range(60):
        deal(
            rng.choice(people),
            rng.choice(["Closed", "Commit", "Best Case", "Pipeline", "Omitted"]),
            rng.randint(1, 500),
            close=Q1.start + datetime.timedelta(days=rng.randint(-20, 110)),
        )
    tree = ForecastTree()
    figs = figures_for(fresh(org.ceo), tree, tree.get(org.ceo.pk), Q1)
    deals = list(
        Opportunity.objects.unrestricted().filter(close_date__gte=Q1.start, close_date__lt=Q1.end)
    )
    roles = dict(User.objects.values_list("pk", "role_id"))
    from tandem.access.models import RoleClosure

    below = {}
    for anc, desc, depth in RoleClosure.objects.values_list(
        "ancestor_id", "descendant_id", "depth"
    ):
        if depth > 0:
            below.setdefault(anc, set()).add(desc)
    cumulative = {
        "closed": {"Closed"},
        "commit": {"Closed", "Commit"},
        "best_case": {"Closed", "Commit", "Best Case"},
        "pipeline": {"Commit", "Best Case", "Pipeline"},
    }
    for pk, fig in figs.items():
        person = tree.get(pk)
        owners = {pk}
        if person.is_manager:
            owners |= {u for u, r in roles.items() if r in below.get(person.role_id, set())}
        for name, categories in cumulative.items():
            expected = sum(
                (
                    d.amount
                    for d in deals
                    if d.owner_id in owners and d.forecast_category in categories
                ),
                Decimal(0),
            )
            assert fig.value[name] == expected, (person.name, name)


def test_large_subtrees_give_the_same_figures(team, monkeypatch):
    """The query shape for big teams (close dates first) changes nothing a user sees."""
    from tandem.forecasts import figures

    monkeypatch.setattr(figures, "PERIOD_DRIVES_ABOVE", 0)
    tree = ForecastTree()
    figs = figures_for(fresh(team.ceo), tree, tree.get(team.ceo.pk), Q1)
    for persona, expected in EXPECTED.items():
        assert as_tuple(figs[getattr(team, persona).pk]) == expected, persona
    # Still the door: the teammate asking for the owner's figures sees none of the owner's deals.
    figs = figures_for(fresh(team.teammate), tree, tree.get(team.owner.pk), Q1)
    assert as_tuple(figs[team.owner.pk]) == (0, 0, 0, 0)


def test_figures_only_count_what_the_viewer_may_read(team):
    tree = ForecastTree()
    figs = figures_for(fresh(team.teammate), tree, tree.get(team.owner.pk), Q1)
    assert as_tuple(figs[team.owner.pk]) == (0, 0, 0, 0)
    figs = figures_for(fresh(team.outsider), tree, tree.get(team.manager.pk), Q1)
    assert as_tuple(figs[team.manager.pk]) == (0, 0, 0, 0)
