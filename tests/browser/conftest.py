"""Browser tests: Playwright drives Debian's chromium against pytest-django's live server.

Fixtures: `browser` (one headless chromium for the tests of this folder), `page` (a fresh
context per test, anonymous, its base URL the live server's) and `page_for(user)` (a page already
logged in). Every page of a test is watched for Content-Security-Policy violations: a page that
the policy breaks (an inline script, an on*= or style= attribute) fails its test.

Without chromium the tests skip on a developer's machine, and fail in CI (CI set to anything but
false), where a browser test that cannot run would otherwise pass unnoticed.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

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


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def browser_missing(reason: str) -> None:
    """Skip on a developer's machine; in CI a browser test that cannot run is a failure."""
    if in_ci():
        pytest.fail(f"{reason}; CI must run the browser tests", pytrace=False)
    pytest.skip(reason)


# Package scope: Playwright's loop (and the permission below) ends with this folder's tests.
@pytest.fixture(scope="package")
def browser(django_db_setup, django_db_blocker):
    if not CHROMIUM.exists():
        browser_missing(
            "Debian chromium not installed at /usr/bin/chromium (apt-get install chromium)"
        )
    with pytest.MonkeyPatch.context() as env:
        # Playwright's sync API keeps an asyncio event loop running in this thread while it
        # lives; Django would then refuse database access from it (SynchronousOnlyOperation).
        # These tests are synchronous, so it is safe, but only while the browser runs: tests
        # outside this folder keep Django's guard.
        env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield from _chromium(django_db_blocker)


def _chromium(django_db_blocker):
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
    violations = []
    context.on("console", lambda message: _keep_csp_violation(message, violations))
    yield context
    context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


def _keep_csp_violation(message, violations: list) -> None:
    # Chromium reports what the policy blocked as console errors naming the policy.
    if message.type == "error" and "Content Security Policy" in message.text:
        violations.append(f"{message.location.get('url', '')}: {message.text}")


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
