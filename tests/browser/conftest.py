"""Browser tests: Playwright drives Debian's chromium against pytest-django's live server.

Fixtures: `browser` (one headless chromium per session), `page` (a fresh context per test,
anonymous, its base URL the live server's) and `page_for(user)` (a page already logged in).
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API runs an asyncio event loop in this thread; Django would then refuse
# database access from it (SynchronousOnlyOperation). The tests are synchronous, so it is safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# A page that does not answer within this time has failed; Playwright's default is 30 s.
TIMEOUT_MS = 10_000

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser(django_db_setup, django_db_blocker):
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium not installed at /usr/bin/chromium (apt-get install chromium)")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # While Playwright's event loop runs, asgiref keeps Django's connections per asyncio context
    # instead of per thread: the tests get new connection objects, without the copy of the
    # migrated data (countries) that the test database setup kept for serialized rollback.
    # Hand that copy over, and close those connections before the loop stops.
    with django_db_blocker.unblock():
        serialized = {
            alias: connections[alias]._test_serialized_contents
            for alias in connections
            if hasattr(connections[alias], "_test_serialized_contents")
        }
    with sync_playwright() as playwright:
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
        connections.close_all()


@pytest.fixture
def browser_context(browser, live_server, transactional_db, django_db_serialized_rollback):
    """A fresh browser profile per test (no cookies, no cache) pointed at the live server.

    The live server reads the database from another thread, so each test commits its data and
    the database is emptied afterwards; the serialized rollback then puts back what migrations
    loaded (the countries), which later tests need.
    """
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(browser_context):
    return browser_context.new_page()


@pytest.fixture
def page_for(browser_context, live_server):
    """page_for(user) returns a page whose browser is logged in as that user."""
    from django.test import Client

    def login(user):
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        browser_context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
        return browser_context.new_page()

    return login
