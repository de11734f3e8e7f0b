"""Browser journeys: one Chromium per session, a fresh context per test, screenshots on failure.

Playwright's sync API keeps an asyncio loop running in this thread, so Django's
async-safety check would refuse ORM calls made by the tests themselves; the live
server answers the browser from its own thread and is unaffected.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect, sync_playwright

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 10_000  # generous: CI machines run several suites at once
NAVIGATION_TIMEOUT_MS = 30_000  # a cold first page under load can take several seconds
expect.set_options(timeout=TIMEOUT_MS)


def pytest_collection_modifyitems(config, items):
    """Without Chromium, browser tests are skipped before any database is set up for them."""
    if os.path.exists(CHROMIUM):
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


_running = {}


@pytest.fixture(scope="session")
def browser():
    """The session's one Chromium; a second copy of this fixture (imported elsewhere) reuses it."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    if "browser" in _running:
        yield _running["browser"]
        return
    pw = sync_playwright().start()
    _running["browser"] = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield _running["browser"]
    finally:
        _running.pop("browser").close()
        pw.stop()


class Browser:
    """Opens pages against the live server and remembers them for failure screenshots."""

    def __init__(self, browser, base_url):
        self._browser = browser
        self.base_url = base_url
        self.contexts = []
        self.pages = []
        self.page_errors = []

    def new_page(self, viewport=DESKTOP):
        context = self._browser.new_context(
            base_url=self.base_url, viewport=viewport, locale="en-GB"
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        page = context.new_page()
        page.on("pageerror", lambda exc: self.page_errors.append(f"{page.url}: {exc}"))
        self.contexts.append(context)
        self.pages.append(page)
        return page

    def signed_in(self, user, viewport=DESKTOP):
        """A page whose browser already holds `user`'s session (the login form has its own tests)."""
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(user)
        page = self.new_page(viewport)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": self.base_url}]
        )
        return page

    def screenshot(self, name):
        ARTIFACTS.mkdir(exist_ok=True)
        saved = []
        for i, page in enumerate(self.pages):
            if page.is_closed():
                continue
            path = ARTIFACTS / f"{name}-{i}.png"
            try:
                page.screenshot(path=str(path), full_page=True)
            except PlaywrightError as exc:  # a crashed page must not hide the test's own failure
                print(f"no screenshot of {page.url}: {exc}")
            else:
                saved.append(path)
        return saved

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def browse(request, browser, live_server):
    """Factory of pages on the live server; on failure each open page is saved under test-artifacts/."""
    b = Browser(browser, live_server.url)
    failed_before = request.session.testsfailed
    yield b
    # The call phase's failure is counted before teardown; this works for tests in any folder.
    if request.session.testsfailed > failed_before:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        for path in b.screenshot(name):
            print(f"screenshot saved: {path}")
    b.close()
    assert not b.page_errors, f"JavaScript errors on the page: {b.page_errors}"


@pytest.fixture
def page(browse):
    """One desktop-sized page."""
    return browse.new_page()
