"""Browser journeys on the pipeline board: drag a card, move one with the keyboard, close as lost."""

import re

import pytest
from playwright.sync_api import expect

from tandem.core.models import FieldHistory
from tandem.pipeline.models import OpportunityLoss
from tandem.sales.models import Opportunity
from tests.e2e.conftest import PHONE, browse, browser  # noqa: F401 (the session's one Chromium)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _column(page, stage):
    return page.locator(f'.pipeline-cards[data-stage="{stage}"]')


def _card(page, name):
    return page.locator(".pipeline-card", has_text=name)


def _stage(opp):
    return Opportunity.objects.unrestricted().get(pk=opp.pk).stage


def _moved(opp, old, new):
    return FieldHistory.objects.filter(
        object_name="opportunity",
        record_id=opp.pk,
        field_name="stage",
        old_value=old,
        new_value=new,
    ).exists()


def test_drag_a_card_to_another_stage(browse, pipe):  # noqa: F811
    page = browse.signed_in(pipe.org.owner)
    page.goto("/pipeline/")
    qualification = _column(page, "Qualification")
    expect(qualification.locator(".pipeline-card")).to_have_count(1)
    _card(page, "Big deal").locator(".card-owner").drag_to(qualification)
    expect(qualification.locator(".pipeline-card", has_text="Big deal")).to_be_visible()
    expect(page.locator("#pipeline-alert")).to_contain_text("Big deal moved to Qualification")
    section = page.locator('.pipeline-column[data-stage="Qualification"]')
    expect(section.locator(".col-count")).to_have_text("2")
    expect(section.locator(".col-total")).to_have_text("USD 1,500.00")
    assert _stage(pipe.big) == "Qualification"
    assert _moved(pipe.big, "Prospecting", "Qualification")

    # The stage history panel on the record page shows the change, by whom.
    page.goto(pipe.big.get_absolute_url())
    row = page.locator('#stage-history li[data-field="stage"]')
    expect(row).to_contain_text("Qualification")
    expect(row).to_contain_text(pipe.org.owner.full_name)


def test_move_with_the_keyboard_and_close_as_lost(browse, pipe):  # noqa: F811
    page = browse.signed_in(pipe.org.owner)
    page.goto("/pipeline/")
    select = page.get_by_label("Stage of Small deal")
    select.focus()
    select.select_option("Needs Analysis")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(
        _column(page, "Needs Analysis").locator(".pipeline-card", has_text="Small deal")
    ).to_be_visible()
    expect(page.locator("#pipeline-status")).to_have_text(
        re.compile("Small deal moved to Needs Analysis")
    )
    assert _stage(pipe.small) == "Needs Analysis"
    assert _moved(pipe.small, "Prospecting", "Needs Analysis")

    # Lost asks for a reason; without one the dialog names the field and nothing moves.
    select = page.get_by_label("Stage of Mid deal")
    select.select_option("Closed Lost")
    _card(page, "Mid deal").get_by_role("button", name="Move").press("Enter")
    dialog = page.locator("#loss-modal")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Close as Lost").click()
    expect(page.locator("#loss-reason-error")).to_contain_text("Loss reason")
    assert _stage(pipe.mid) == "Qualification"
    dialog.get_by_label("Loss reason").select_option("Competitor")
    dialog.get_by_label("Competitor").fill("Globex")
    dialog.get_by_role("button", name="Close as Lost").click()
    expect(dialog).to_be_hidden()
    expect(
        _column(page, "Closed Lost").locator(".pipeline-card", has_text="Mid deal")
    ).to_be_visible()
    assert _stage(pipe.mid) == "Closed Lost"
    loss = OpportunityLoss.objects.get(opportunity=pipe.mid)
    assert (loss.reason, loss.competitor) == ("Competitor", "Globex")


def test_cancelled_loss_snaps_back(browse, pipe):  # noqa: F811
    page = browse.signed_in(pipe.org.owner)
    page.goto("/pipeline/")
    # The lost column sits off-screen to the right, so this uses the card's stage select.
    page.get_by_label("Stage of Big deal").select_option("Closed Lost")
    _card(page, "Big deal").get_by_role("button", name="Move").click()
    dialog = page.locator("#loss-modal")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Cancel", exact=True).last.click()
    expect(
        _column(page, "Prospecting").locator(".pipeline-card", has_text="Big deal")
    ).to_be_visible()
    expect(page.locator("#pipeline-alert")).to_contain_text("needs a loss reason")
    assert _stage(pipe.big) == "Prospecting"


def test_read_only_card_cannot_be_moved_and_board_scrolls_on_a_phone(browse, pipe):  # noqa: F811
    page = browse.signed_in(pipe.org.outsider, viewport=PHONE)
    page.goto("/pipeline/")
    card = _card(page, "Big deal")
    expect(card).to_be_visible()
    expect(card.locator("select")).to_have_count(0)
    board = page.locator("#pipeline-board")
    assert board.evaluate("el => el.scrollWidth > el.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    card.locator(".card-owner").drag_to(_column(page, "Qualification"))
    expect(
        _column(page, "Prospecting").locator(".pipeline-card", has_text="Big deal")
    ).to_be_visible()
    assert _stage(pipe.big) == "Prospecting"


def test_refused_move_snaps_back_with_the_reason(browse, pipe):  # noqa: F811
    from tandem.access.models import READ, READ_WRITE, RecordShare

    org = pipe.org
    share = RecordShare.objects.get(
        object_name="opportunity", record_id=pipe.big.pk, target_id=org.outsider.pk
    )
    RecordShare.objects.filter(pk=share.pk).update(access_level=READ_WRITE)
    page = browse.signed_in(org.outsider)
    page.goto("/pipeline/")
    expect(_card(page, "Big deal").locator("select")).to_have_count(1)
    # Someone downgrades the share while the board is open: the next move is refused.
    RecordShare.objects.filter(pk=share.pk).update(access_level=READ)
    _card(page, "Big deal").locator(".card-owner").drag_to(_column(page, "Qualification"))
    expect(page.locator("#pipeline-alert")).to_contain_text("You may not edit this opportunity.")
    expect(
        _column(page, "Prospecting").locator(".pipeline-card", has_text="Big deal")
    ).to_be_visible()
    expect(page.locator('.pipeline-column[data-stage="Prospecting"] .col-count')).to_have_text("1")
    assert _stage(pipe.big) == "Prospecting"
    assert not _moved(pipe.big, "Prospecting", "Qualification")
