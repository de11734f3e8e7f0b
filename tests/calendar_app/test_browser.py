"""Browser journey: open the calendar, click a slot, schedule a meeting, see it; drag it; phone view."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tandem.activities.models import Event
from tests.calendar_app.helpers import at, event
from tests.e2e.conftest import PHONE, browse, browser  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def test_schedule_a_meeting_by_clicking_a_slot(browse, org):  # noqa: F811
    day = timezone.now().date()
    page = browse.signed_in(org.owner)
    page.goto(f"/calendar/?view=week&date={day.isoformat()}")
    expect(page.get_by_role("heading", name="My Calendar")).to_be_visible()
    page.locator(f'td.cal-slot[data-start="{day.isoformat()}T10:00"]').click()
    dialog = page.locator("#event-modal")
    expect(dialog.get_by_label("Subject")).to_be_visible()
    expect(dialog.get_by_label("Start")).to_have_value(f"{day.isoformat()}T10:00")
    # A mistake first: the end before the start is refused at the field.
    dialog.get_by_label("Subject").fill("Pricing meeting with Acme")
    dialog.get_by_label("End").fill(f"{day.isoformat()}T09:00")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.locator("#end-error")).to_have_text("The end must not be before the start.")
    dialog.get_by_label("End").fill(f"{day.isoformat()}T11:00")
    dialog.get_by_label("Location").fill("Room 4")
    dialog.get_by_role("button", name="Save").click()
    slot = page.locator(f'td.cal-slot[data-start="{day.isoformat()}T10:00"]')
    expect(slot.get_by_text("Pricing meeting with Acme")).to_be_visible()
    created = Event.objects.unrestricted().get(subject="Pricing meeting with Acme")
    assert created.owner == org.owner and created.location == "Room 4"
    assert created.end - created.start == datetime.timedelta(hours=1)


def test_drag_an_event_to_another_slot(browse, org):  # noqa: F811
    day = timezone.now().date()
    e = event(org.owner, "Drag me", start=at(day, 9), minutes=30)
    page = browse.signed_in(org.owner)
    page.goto(f"/calendar/?view=week&date={day.isoformat()}")
    target = page.locator(f'td.cal-slot[data-start="{day.isoformat()}T14:00"]')
    page.get_by_text("Drag me").drag_to(target)
    expect(target.get_by_text("Drag me")).to_be_visible()
    e.refresh_from_db()
    assert e.start == at(day, 14) and e.end == at(day, 14, 30)


def test_phone_opens_the_day_view(browse, org):  # noqa: F811
    event(org.owner, "Phone meeting", start=at(timezone.now().date(), 11))
    page = browse.signed_in(org.owner, viewport=PHONE)
    page.goto("/calendar/")
    expect(page.locator("#calendar-grid")).to_have_attribute("data-view", "day")
    expect(page.get_by_text("Phone meeting")).to_be_visible()
