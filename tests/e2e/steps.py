"""Steps that several journeys share, written the way a user does them."""

import re

from playwright.sync_api import Page, expect

from tests.factories import PASSWORD


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Log in on /login/ and wait for the Home page."""
    page.goto("/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Welcome, "))).to_be_visible()


def field_value(page: Page, name: str):
    """The value shown for a field on a record page (the <dd> of that field)."""
    return page.locator(f'dd[data-field="{name}"]')


def label(text: str) -> re.Pattern:
    """A form label that starts with `text` (required fields add a “*”)."""
    return re.compile(rf"^{re.escape(text)}\b", re.IGNORECASE)


def open_phone_menu(page: Page) -> None:
    """Tap the top bar's Menu button and wait until Bootstrap has finished opening it (a tap
    on a link while the menu still slides open can miss)."""
    page.get_by_role("button", name="Menu").click()
    expect(page.locator(".navbar-collapse.show")).to_be_visible()
    expect(page.locator(".navbar-collapse.collapsing")).to_have_count(0)
