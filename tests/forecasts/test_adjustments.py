"""Adjusting a forecast: who may, what bad input says, how the adjusted figure shows and rolls up."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tandem.forecasts.actions import adjust_forecast
from tandem.forecasts.figures import figures_for
from tandem.forecasts.models import ForecastAdjustment
from tandem.forecasts.tree import ForecastTree
from tests import factories as f
from tests.forecasts.conftest import Q1, fresh
from tests.forecasts.test_pages import amounts, page, row

ADJUST = reverse("forecasts:adjust")


def post(client, user, subject, **data):
    client.force_login(user)
    body = {
        "period": Q1.key,
        "user": subject.pk,
        "figure": "commit",
        "amount": "250",
        "note": "Slipping",
    }
    body.update(data)
    return client.post(ADJUST, body)


def test_manager_adjusts_a_reps_commit_and_it_rolls_up(client, team):
    response = post(client, team.manager, team.owner, amount="250", note="Globex slips to Q2")
    assert response.status_code == 302
    adj = ForecastAdjustment.objects.get()
    assert (adj.user_id, adj.category, adj.amount, adj.original_amount) == (
        team.owner.pk,
        "commit",
        Decimal(250),
        Decimal(300),
    )
    assert adj.adjusted_by_id == team.manager.pk
    html = page(client, team.manager).content.decode()
    owner_row = row(html, team.owner)
    assert amounts(owner_row)[1] == "250.00"
    assert "<del" in owner_row and ">300.00</del>" in owner_row
    assert "Globex slips to Q2" in owner_row  # the note, under "Adjusted"
    # The manager's commit: 405 - 300 + 250.
    assert amounts(row(html, team.manager))[1] == "355.00"
    assert "Globex slips to Q2" in html.split('id="forecast-history"')[1]  # the history


def test_the_ceo_sees_the_adjustment_in_the_vps_roll_up(client, team):
    post(client, team.manager, team.owner, amount="250")
    tree = ForecastTree()
    figs = figures_for(fresh(team.ceo), tree, tree.get(team.ceo.pk), Q1)
    assert figs[team.manager.pk].value["commit"] == Decimal(355)
    assert figs[team.ceo.pk].value["commit"] == Decimal(1354)


def test_latest_adjustment_wins_and_history_keeps_both(client, team):
    post(client, team.manager, team.owner, amount="250", note="First look")
    post(client, team.ceo, team.owner, amount="280", note="Second look")
    html = page(client, team.manager).content.decode()
    assert amounts(row(html, team.owner))[1] == "280.00"
    client.force_login(team.manager)
    history = client.get(ADJUST, {"period": Q1.key, "user": team.owner.pk}).content.decode()
    assert "First look" in history and "Second look" in history


def test_manager_may_adjust_their_own_roll_up(client, team):
    assert (
        post(client, team.manager, team.manager, figure="best_case", amount="700").status_code
        == 302
    )
    html = page(client, team.manager).content.decode()
    assert amounts(row(html, team.manager))[2] == "700.00"


def test_rep_may_not_adjust_themselves_or_a_peer(client, team):
    assert post(client, team.owner, team.owner).status_code == 403
    assert post(client, team.owner, team.teammate).status_code == 404  # a peer's forecast is hidden
    assert post(client, team.outsider, team.owner).status_code == 404
    assert not ForecastAdjustment.objects.exists()


def test_rep_may_not_adjust_their_manager(team):
    with pytest.raises(PermissionDenied):
        adjust_forecast(fresh(team.owner), team.manager.pk, Q1, "commit", "1", "no")
    assert not ForecastAdjustment.objects.exists()


def test_admin_may_adjust_anyone(client, team):
    assert post(client, team.admin, team.outsider, amount="1").status_code == 302
    assert ForecastAdjustment.objects.get().user_id == team.outsider.pk


def test_adjust_links_only_where_allowed(client, team):
    html = page(client, team.manager).content.decode()
    assert "Adjust Commit of Rita Rep" in html
    assert "Adjust Commit of Max Manager" in html  # their own roll-up
    assert "Adjust Closed" not in html  # closed business is what it is


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"amount": "lots"}, "amount", "Adjusted amount: “lots” is not a number."),
        ({"amount": "-5"}, "amount", "Adjusted amount: cannot be negative."),
        ({"amount": ""}, "amount", "Adjusted amount: enter an amount."),
        ({"amount": "1.234"}, "amount", "Adjusted amount: use at most 16 digits and 2 decimals."),
        ({"note": "   "}, "note", "Note: say why the forecast is adjusted."),
        ({"figure": "closed"}, "figure", "Category: choose Commit, Best Case or Pipeline."),
    ],
)
def test_bad_input_is_named_at_the_field(client, team, data, field, message):
    response = post(client, team.manager, team.owner, **data)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(
        rf'<div class="invalid-feedback d-block" id="id_{field}-error">{re.escape(message)}</div>',
        html,
    )
    assert f'id="id_{field}"' in html and "is-invalid" in html
    assert not ForecastAdjustment.objects.exists()


def test_the_next_url_must_be_local(client, team):
    response = post(client, team.manager, team.owner, next="https://evil.example/")
    assert response.status_code == 302
    assert response["Location"].startswith("/forecasts/")


def test_notes_are_escaped(client, team):
    post(client, team.manager, team.owner, note="<script>alert(1)</script>")
    html = page(client, team.manager).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_action_validates_without_a_view(team):
    with pytest.raises(ValidationError) as exc:
        adjust_forecast(fresh(team.manager), team.owner.pk, Q1, "commit", "abc", "")
    assert set(exc.value.message_dict) == {"amount", "note"}
    other_rep = f.user(role=team.rep_role)
    adj = adjust_forecast(fresh(team.manager), other_rep.pk, Q1, "pipeline", "1,000.50", " ok ")
    assert adj.amount == Decimal("1000.50") and adj.note == "ok" and adj.original_amount == 0
