"""Smoke test in a real browser: an anonymous visitor lands on a styled login page."""

import re

from playwright.sync_api import expect


def test_anonymous_visit_redirects_to_a_styled_login_page(page, live_server):
    stylesheets = []
    page.on(
        "response",
        lambda response: (
            stylesheets.append(response) if response.request.resource_type == "stylesheet" else None
        ),
    )

    page.goto("/")

    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("input[name=username]")).to_be_visible()
    expect(page.locator("input[name=password]")).to_be_visible()

    assert stylesheets, "no stylesheet was loaded"
    for response in stylesheets:
        assert response.url.startswith(f"{live_server.url}/static/"), response.url
        assert response.status == 200, f"{response.url} answered {response.status}"
    # Bootstrap really applied: its .btn rule gives the submit button a pointer cursor.
    login_button = page.locator("button[type=submit]", has_text="Log in")
    expect(login_button).to_have_css("cursor", "pointer")
