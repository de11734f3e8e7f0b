"""Setup in a real browser: the drag-and-drop layout editor, and Setup on a phone."""

import re

import pytest
from playwright.sync_api import expect

from tandem.core.models import PageLayout, PicklistValue
from tests.e2e.conftest import PHONE, browse, browser, page  # noqa: F401  (fixtures)
from tests.e2e.steps import log_in

pytestmark = pytest.mark.browser


def test_layout_editor_drags_a_field_into_a_new_section(page, org):  # noqa: F811
    log_in(page, "admin@example.com")
    page.goto("/setup/objects/lead/layouts/new/")
    expect(page.locator("#layout-editor")).to_be_visible()
    page.get_by_role("button", name="Add section").click()
    page.locator(".layout-title").nth(1).fill("Online")
    page.locator("#layout-sections li[data-field=website]").drag_to(
        page.locator(".layout-section").nth(1).locator("ul")
    )
    page.get_by_label(re.compile(r"^Name")).fill("Lead with web")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Lead with web")
    layout = PageLayout.objects.get(name="Lead with web")
    assert layout.sections[-1] == {"title": "Online", "fields": ["website"]}
    assert "website" not in layout.sections[0]["fields"]
    assert "last_name" in layout.sections[0]["fields"]


def test_add_lukewarm_to_rating_on_a_phone(browse, org):  # noqa: F811
    phone = browse.new_page(viewport=PHONE)
    log_in(phone, "admin@example.com")
    phone.get_by_role("button", name="Menu").click()
    phone.get_by_role("link", name="Setup").click()
    phone.locator("tr", has_text="Lead").filter(has_not_text="Leads").get_by_role(
        "link", name="Picklist values"
    ).first.click()
    phone.get_by_role("link", name="Rating").click()
    phone.get_by_label(re.compile(r"^API value")).fill("Lukewarm")
    phone.get_by_role("button", name="Add", exact=True).click()
    expect(phone.get_by_role("alert")).to_contain_text("Lukewarm")
    expect(phone.locator("#values")).to_contain_text("Lukewarm")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert PicklistValue.objects.filter(
        object_name="lead", field_name="rating", value="Lukewarm"
    ).exists()
