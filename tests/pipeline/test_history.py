"""Stage history on the record page and time in stage for reports."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.core.models import FieldHistory
from tandem.pipeline.actions import move_to_stage
from tandem.pipeline.history import stage_spells, time_in_stage
from tandem.sales.models import Opportunity
from tests.pipeline.conftest import fresh

T0 = datetime.datetime(2030, 1, 1, 9, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


def _at(opp, when):
    Opportunity.objects.unrestricted().filter(pk=opp.pk).update(created_at=when)


def _date_stage_changes(opp, *whens):
    rows = FieldHistory.objects.filter(
        object_name="opportunity", record_id=opp.pk, field_name="stage"
    ).order_by("changed_at", "id")
    for row, when in zip(rows, whens, strict=True):
        FieldHistory.objects.filter(pk=row.pk).update(changed_at=when)


def test_time_in_stage_sums_each_stay(pipe):
    owner = fresh(pipe.org.owner)
    _at(pipe.big, T0)
    move_to_stage(owner, pipe.big, "Qualification")
    move_to_stage(owner, pipe.big, "Prospecting")
    move_to_stage(owner, pipe.big, "Needs Analysis")
    _date_stage_changes(pipe.big, T0 + 2 * DAY, T0 + 5 * DAY, T0 + 6 * DAY)
    _at(pipe.small, T0)
    now = T0 + 10 * DAY
    result = time_in_stage([pipe.big.pk, pipe.small.pk, 999_999], now=now)
    assert result[pipe.big.pk] == {
        "Prospecting": 3 * DAY,  # 2 days, then 1 more after coming back
        "Qualification": 3 * DAY,
        "Needs Analysis": 4 * DAY,
    }
    assert result[pipe.small.pk] == {"Prospecting": 10 * DAY}
    assert 999_999 not in result
    assert time_in_stage([]) == {}


def test_time_in_stage_is_one_query(pipe):
    ids = [pipe.big.pk, pipe.small.pk, pipe.mid.pk, pipe.theirs.pk]
    move_to_stage(fresh(pipe.org.owner), pipe.big, "Qualification")
    with CaptureQueriesContext(connection) as queries:
        result = time_in_stage(ids)
    assert len(queries) == 1
    assert set(result) == set(ids)


def test_stage_spells_for_the_record(pipe):
    owner = fresh(pipe.org.owner)
    _at(pipe.mid, T0)
    move_to_stage(owner, pipe.mid, "Closed Lost", loss_reason="Price")
    _date_stage_changes(pipe.mid, T0 + DAY)
    pipe.mid.refresh_from_db()
    spells = stage_spells(pipe.mid, now=T0 + 3 * DAY)
    assert [(s.stage, s.duration) for s in spells] == [
        ("Qualification", DAY),
        ("Closed Lost", 2 * DAY),
    ]
    assert spells[-1].left is None


def test_panel_lists_changes_with_who_and_time_in_stage(client, pipe):
    owner = fresh(pipe.org.owner)
    move_to_stage(owner, pipe.big, "Qualification")
    from tandem.core.actions import update_record

    update_record(
        owner,
        Opportunity.objects.unrestricted().get(pk=pipe.big.pk),
        {"amount": 2000, "close_date": datetime.date(2031, 5, 1)},
    )
    client.force_login(pipe.org.owner)
    response = client.get(pipe.big.get_absolute_url())
    panel = next(
        p
        for p in response.context["panels"]
        if p["template"] == "pipeline/stage_history_panel.html"
    )
    fields = sorted({c.field_name for c in panel["changes"]})
    assert fields == ["amount", "close_date", "probability", "stage"]
    assert all(c.changed_by_id == owner.pk for c in panel["changes"])
    html = response.content.decode()
    assert 'id="stage-history-panel"' in html and owner.full_name in html
    assert "Qualification" in html and "(current)" in html


def test_back_in_an_earlier_stage_marks_that_stage_current(client, pipe):
    owner = fresh(pipe.org.owner)
    move_to_stage(owner, pipe.big, "Qualification")
    move_to_stage(owner, pipe.big, "Prospecting")
    client.force_login(pipe.org.owner)
    html = client.get(pipe.big.get_absolute_url()).content.decode()
    prospecting = html.split('data-stage="Prospecting"', 1)[1].split("</li>", 1)[0]
    qualification = html.split('data-stage="Qualification"', 1)[1].split("</li>", 1)[0]
    assert "(current)" in prospecting and "(current)" not in qualification


def test_lost_through_the_edit_page_asks_for_the_reason_afterwards(client, pipe):
    from tandem.core.actions import update_record

    owner = fresh(pipe.org.owner)
    update_record(
        owner, Opportunity.objects.unrestricted().get(pk=pipe.mid.pk), {"stage": "Closed Lost"}
    )
    client.force_login(pipe.org.owner)
    html = client.get(pipe.mid.get_absolute_url()).content.decode()
    assert "closed as lost without a loss reason" in html
    response = client.post(
        reverse("pipeline:close_lost", args=[pipe.mid.pk]),
        {"stage": "Closed Lost", "loss_reason": "Price", "competitor": "Initech"},
    )
    assert response.status_code == 302
    html = client.get(pipe.mid.get_absolute_url()).content.decode()
    assert "without a loss reason" not in html and "Competitor: Initech" in html
