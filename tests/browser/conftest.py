"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's
`live_server`. One Chromium per session, one browser context per signed-in person.

The tests skip, saying why, when /usr/bin/chromium or the playwright package is missing
(`.ci/run` installs chromium with apt; never `playwright install`). On failure each open
page is saved as a screenshot in `test-artifacts/` (ignored by git).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop running in the test thread; the ORM calls the
# tests make there (building scenarios, checking the database) are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 10_000


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures can tell that the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session (Debian's, never a downloaded one)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is missing: pip install -e '.[test]'")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(autouse=True)
def _browser_first(browser):
    """Start (or skip) before any other fixture builds a scenario for nothing."""


@pytest.fixture
def new_page(browser, request):
    """A page in a fresh browser context (its own cookies); screenshots on failure."""
    contexts = []
    pages = []

    def new_page():
        context = browser.new_context(viewport={"width": 1600, "height": 1000})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        pages.append(page)
        return page

    yield new_page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        for number, page in enumerate(pages, start=1):
            try:
                page.screenshot(path=str(ARTIFACTS / f"{stem}-{number}.png"), full_page=True)
            except Exception:  # noqa: BLE001 - a page that cannot be captured must not hide the failure
                pass
    for context in contexts:
        context.close()


@pytest.fixture
def sign_in(new_page, live_server):
    """Sign in through the real sign-in form in a new browser context; returns the page."""

    def sign_in(email: str, password: str):
        page = new_page()
        page.goto(f"{live_server.url}/sign-in/")
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/sign-in/" not in url)
        return page

    return sign_in
