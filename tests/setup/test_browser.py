"""Setup in a real browser: the drag-and-drop layout editor, and Setup on a phone."""

import re

import pytest
from playwright.sync_api import expect

from tandem.core.models import PageLayout, PicklistValue
from tests.e2e.conftest import PHONE, browse, browser, page  # noqa: F401  (fixtures)
from tests.e2e.steps import open_phone_menu
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser
SLOW = 30_000  # ms: a loaded CI machine can take a while to render a page


def log_in(tab, email):
    tab.goto("/login/")
    tab.get_by_label("Email").fill(email)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    expect(tab.get_by_role("heading", name=re.compile(r"^Welcome, "))).to_be_visible(timeout=SLOW)


def test_layout_editor_drags_a_field_into_a_new_section(page, org):  # noqa: F811
    page.set_default_timeout(SLOW)
    log_in(page, "admin@example.com")
    page.goto("/setup/objects/lead/layouts/new/")
    expect(page.locator("#layout-editor")).to_be_visible(timeout=SLOW)
    page.get_by_role("button", name="Add section").click()
    page.locator(".layout-title").nth(1).fill("Online")
    page.locator("#layout-sections li[data-field=website]").drag_to(
        page.locator(".layout-section").nth(1).locator("ul")
    )
    page.get_by_label(re.compile(r"^Name")).fill("Lead with web")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Lead with web", timeout=SLOW)
    layout = PageLayout.objects.get(name="Lead with web")
    assert layout.sections[-1] == {"title": "Online", "fields": ["website"]}
    assert "website" not in layout.sections[0]["fields"]
    assert "last_name" in layout.sections[0]["fields"]


def test_add_lukewarm_to_rating_on_a_phone(browse, org):  # noqa: F811
    phone = browse.new_page(viewport=PHONE)
    phone.set_default_timeout(SLOW)
    log_in(phone, "admin@example.com")
    open_phone_menu(phone)
    phone.get_by_role("link", name="Setup").click()
    expect(phone).to_have_url(re.compile(r"/setup/$"))
    phone.locator("tr", has_text="Lead").filter(has_not_text="Leads").get_by_role(
        "link", name="Picklist values"
    ).first.click()
    phone.get_by_role("link", name="Rating").click()
    phone.get_by_label(re.compile(r"^API value")).fill("Lukewarm")
    phone.get_by_role("button", name="Add", exact=True).click()
    expect(phone.get_by_role("alert")).to_contain_text("Lukewarm", timeout=SLOW)
    expect(phone.locator("#values")).to_contain_text("Lukewarm", timeout=SLOW)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert PicklistValue.objects.filter(
        object_name="lead", field_name="rating", value="Lukewarm"
    ).exists()
