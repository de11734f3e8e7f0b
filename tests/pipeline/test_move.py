"""Moving a card: the named action changes the stage through update_record, so history is
written and edit access is checked; a lost stage needs a loss reason."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tandem.core.actions import NotVisible
from tandem.core.models import FieldHistory
from tandem.pipeline.actions import move_to_stage
from tandem.pipeline.models import OpportunityLoss
from tandem.sales.models import Opportunity
from tests.pipeline.conftest import fresh


def _stage_history(opp):
    return list(
        FieldHistory.objects.filter(
            object_name="opportunity", record_id=opp.pk, field_name="stage"
        ).values_list("old_value", "new_value", "changed_by")
    )


def test_move_changes_stage_probability_and_history(pipe):
    owner = fresh(pipe.org.owner)
    move_to_stage(owner, pipe.big, "Negotiation/Review")
    big = Opportunity.objects.unrestricted().get(pk=pipe.big.pk)
    assert (big.stage, big.probability, big.forecast_category) == (
        "Negotiation/Review",
        90,
        "Commit",
    )
    assert _stage_history(big) == [("Prospecting", "Negotiation/Review", owner.pk)]
    assert FieldHistory.objects.filter(
        record_id=big.pk, field_name="probability", new_value="90"
    ).exists()


def test_read_only_user_is_refused_and_nothing_changes(pipe):
    with pytest.raises(PermissionDenied, match="may not edit"):
        move_to_stage(fresh(pipe.org.outsider), pipe.big, "Qualification")
    assert Opportunity.objects.unrestricted().get(pk=pipe.big.pk).stage == "Prospecting"
    assert _stage_history(pipe.big) == []


def test_invisible_deal_is_not_found(pipe):
    with pytest.raises(NotVisible):
        move_to_stage(fresh(pipe.org.outsider), pipe.small, "Qualification")


def test_unknown_stage_is_named(pipe):
    with pytest.raises(ValidationError) as exc:
        move_to_stage(fresh(pipe.org.owner), pipe.big, "Dreaming")
    assert "stage" in exc.value.message_dict


def test_lost_needs_a_reason_named_in_the_message(pipe):
    with pytest.raises(ValidationError) as exc:
        move_to_stage(fresh(pipe.org.owner), pipe.big, "Closed Lost")
    assert exc.value.message_dict["loss_reason"] == [
        "Loss reason: choose why this opportunity was lost."
    ]
    assert Opportunity.objects.unrestricted().get(pk=pipe.big.pk).stage == "Prospecting"
    with pytest.raises(ValidationError, match="not a loss reason"):
        move_to_stage(fresh(pipe.org.owner), pipe.big, "Closed Lost", loss_reason="Bad luck")


def test_lost_with_reason_records_it_and_reopening_forgets_it(pipe):
    owner = fresh(pipe.org.owner)
    move_to_stage(owner, pipe.big, "Closed Lost", loss_reason="Competitor", competitor="Globex")
    big = Opportunity.objects.unrestricted().get(pk=pipe.big.pk)
    assert big.is_closed and not big.is_won and big.probability == 0
    loss = OpportunityLoss.objects.get(opportunity=big)
    assert (loss.reason, loss.competitor, loss.recorded_by_id) == ("Competitor", "Globex", owner.pk)
    move_to_stage(owner, big, "Qualification")
    assert not OpportunityLoss.objects.filter(opportunity=big).exists()


def test_won_needs_no_reason(pipe):
    move_to_stage(fresh(pipe.org.owner), pipe.big, "Closed Won")
    assert Opportunity.objects.unrestricted().get(pk=pipe.big.pk).is_won


# The HTTP endpoint the board posts to ----------------------------------------------------


def _post(client, user, opp, accept_json=True, **data):
    client.force_login(user)
    headers = {"Accept": "application/json"} if accept_json else {}
    return client.post(reverse("pipeline:move", args=[opp.pk]), data, headers=headers)


def test_move_endpoint_json(client, pipe):
    response = _post(client, pipe.org.owner, pipe.big, stage="Qualification")
    assert response.status_code == 200
    assert response.json()["ok"] and response.json()["stage"] == "Qualification"
    assert _stage_history(pipe.big)[0][:2] == ("Prospecting", "Qualification")


def test_move_endpoint_refuses_read_only(client, pipe):
    response = _post(client, pipe.org.outsider, pipe.big, stage="Qualification")
    assert response.status_code == 403
    assert not response.json()["ok"] and "may not edit" in response.json()["message"]
    assert Opportunity.objects.unrestricted().get(pk=pipe.big.pk).stage == "Prospecting"


def test_move_endpoint_hides_invisible(client, pipe):
    assert _post(client, pipe.org.outsider, pipe.small, stage="Qualification").status_code == 404


def test_move_endpoint_lost_without_reason(client, pipe):
    response = _post(client, pipe.org.owner, pipe.big, stage="Closed Lost")
    assert response.status_code == 400
    assert "Loss reason" in response.json()["message"]
    assert "loss_reason" in response.json()["errors"]
    response = _post(client, pipe.org.owner, pipe.big, stage="Closed Lost", loss_reason="Price")
    assert response.json()["closed"] is True


def test_plain_form_lost_without_reason_goes_to_the_loss_form(client, pipe):
    response = _post(client, pipe.org.owner, pipe.big, accept_json=False, stage="Closed Lost")
    assert response.status_code == 302
    assert response.url.startswith(reverse("pipeline:close_lost", args=[pipe.big.pk]))


def test_plain_form_move_redirects_back(client, pipe):
    response = _post(
        client,
        pipe.org.owner,
        pipe.big,
        accept_json=False,
        stage="Qualification",
        next="/pipeline/?owner=1",
    )
    assert response.url == "/pipeline/?owner=1"
    response = _post(
        client,
        pipe.org.owner,
        pipe.big,
        accept_json=False,
        stage="Prospecting",
        next="https://evil.example/",
    )
    assert response.url == reverse("pipeline:board")


# Close as Lost from the opportunity page ----------------------------------------------------


def test_close_as_lost_button_and_form(client, pipe):
    client.force_login(pipe.org.owner)
    page = client.get(pipe.big.get_absolute_url()).content.decode()
    url = reverse("pipeline:close_lost", args=[pipe.big.pk])
    assert url in page
    response = client.post(url, {"stage": "Closed Lost", "loss_reason": "", "competitor": "Globex"})
    assert response.status_code == 200
    assert "Loss reason: choose why this opportunity was lost." in response.content.decode()
    assert Opportunity.objects.unrestricted().get(pk=pipe.big.pk).stage == "Prospecting"
    response = client.post(
        url, {"stage": "Closed Lost", "loss_reason": "Timing", "competitor": "Globex"}
    )
    assert response.status_code == 302
    page = client.get(pipe.big.get_absolute_url()).content.decode()
    assert "Timing" in page and "Globex" in page
    assert url not in page  # closed: no more Close as Lost button


def test_close_as_lost_refused_for_read_only(client, pipe):
    client.force_login(pipe.org.outsider)
    url = reverse("pipeline:close_lost", args=[pipe.big.pk])
    assert url not in client.get(pipe.big.get_absolute_url()).content.decode()
    client.post(url, {"stage": "Closed Lost", "loss_reason": "Price"})
    assert Opportunity.objects.unrestricted().get(pk=pipe.big.pk).stage == "Prospecting"
    assert client.get(reverse("pipeline:close_lost", args=[pipe.small.pk])).status_code == 404
