"""Browser journey: open the calendar, click a slot, schedule a meeting, see it; drag it; phone view."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tandem.activities.models import Event
from tests import factories as f
from tests.calendar_app.helpers import at, event
from tests.e2e.conftest import PHONE, browse, browser  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def test_schedule_a_meeting_by_clicking_a_slot(browse, org):  # noqa: F811
    day = timezone.now().date()
    ann = f.contact(org.owner, f.account(org.owner, name="Acme"), first_name="Ann", last_name="Lee")
    page = browse.signed_in(org.owner)
    page.goto(f"/calendar/?view=week&date={day.isoformat()}")
    expect(page.get_by_role("heading", name="My Calendar")).to_be_visible()
    page.locator(f'td.cal-slot[data-start="{day.isoformat()}T10:00"]').click()
    dialog = page.locator("#event-modal")
    expect(dialog.get_by_label("Subject")).to_be_visible()
    expect(dialog.get_by_label("Start")).to_have_value(f"{day.isoformat()}T10:00")
    # A mistake first: the end before the start is refused at the field.
    dialog.get_by_label("Subject").fill("Pricing meeting with Acme")
    dialog.get_by_label("End", exact=True).fill(f"{day.isoformat()}T09:00")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.locator("#end-error")).to_have_text("The end must not be before the start.")
    dialog.get_by_label("End", exact=True).fill(f"{day.isoformat()}T11:00")
    dialog.get_by_label("Location").fill("Room 4")
    # Invite a colleague and a contact: search, pick from the list, they show as chips.
    attendees = dialog.get_by_label("Attendees")
    attendees.fill("teammate")
    dialog.get_by_role("option", name=f"{org.teammate.full_name} (user)").click()
    attendees.fill("Lee")
    dialog.get_by_role("option", name="Ann Lee (contact, Acme)").click()
    expect(dialog.locator(".attendee-chip")).to_have_count(2)
    dialog.get_by_role("button", name="Save").click()
    slot = page.locator(f'td.cal-slot[data-start="{day.isoformat()}T10:00"]')
    expect(slot.get_by_text("Pricing meeting with Acme")).to_be_visible()
    created = Event.objects.unrestricted().get(subject="Pricing meeting with Acme")
    assert created.owner == org.owner and created.location == "Room 4"
    assert created.end - created.start == datetime.timedelta(hours=1)
    assert {(a.user_id, a.contact_id) for a in created.attendees.all()} == {
        (org.teammate.pk, None),
        (None, ann.pk),
    }
    # The event page lists them.
    slot.get_by_text("Pricing meeting with Acme").click()
    panel = page.locator("#attendees-panel")
    expect(panel).to_contain_text(org.teammate.full_name)
    expect(panel).to_contain_text("Ann Lee")

    # The colleague finds the invitation in their own calendar and accepts it.
    theirs = browse.signed_in(org.teammate)
    theirs.goto(f"/calendar/?view=week&date={day.isoformat()}")
    invitation = theirs.locator(".cal-invited-new", has_text="Pricing meeting with Acme")
    expect(invitation).to_be_visible()
    invitation.click()
    theirs.get_by_role("button", name="Accept").click()
    expect(theirs.locator("#my-response")).to_contain_text("Accepted")
    assert created.attendees.get(user=org.teammate).status == "accepted"


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
