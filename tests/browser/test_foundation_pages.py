"""Every page of the foundation passes axe (WCAG 2.2 A and AA) and has the basics right."""

from __future__ import annotations

import pytest

from portal.domain.roles import Role
from portal.domain.workflow import RoundStatus
from tests.browser.axe import assert_no_axe_violations, assert_page_basics

PUBLIC_PAGES = [
    pytest.param("/", id="home"),
    pytest.param("/sign-in", id="sign-in"),
    pytest.param("/sign-up", id="sign-up"),
    pytest.param("/password/forgot", id="forgot-password"),
    pytest.param("/accessibility", id="accessibility"),
    pytest.param("/privacy", id="privacy"),
    pytest.param("/cookies", id="cookies"),
    pytest.param("/no-such-page", id="not-found"),
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_is_accessible(page, make_round, path):
    make_round(status=RoundStatus.OPEN)  # so the home page lists a round
    page.goto(path)
    assert_page_basics(page)
    assert_no_axe_violations(page)


def test_page_not_found_title_starts_with_error(page):
    response = page.goto("/no-such-page")
    assert response is not None and response.status == 404
    assert page.title().startswith("Error: Page not found")
    assert page.locator("h1").inner_text() == "Page not found"


def test_forbidden_page_is_accessible_and_title_starts_with_error(page, make_user, sign_in_page):
    sign_in_page(page, make_user(roles={Role.APPLICANT}))
    response = page.goto("/officers/")
    assert response is not None and response.status == 403
    assert page.title().startswith("Error: You do not have permission")
    assert_page_basics(page)
    assert_no_axe_violations(page)


def test_sign_in_with_errors_is_accessible(page):
    page.goto("/sign-in")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()
    assert page.title().startswith("Error: Sign in")
    summary = page.get_by_role("alert")
    assert "There is a problem" in summary.inner_text()
    assert "Enter your email address" in summary.inner_text()
    assert_page_basics(page)
    assert_no_axe_violations(page)


@pytest.mark.parametrize(
    ("role", "path", "heading"),
    [
        (Role.APPLICANT, "/applicant/", "Your applications"),
        (Role.PANEL_MEMBER, "/panel/", "Your panel work"),
        (Role.OFFICER, "/officers/", "Funds and rounds"),
        (Role.ADMIN, "/admin/", "Users"),
    ],
    ids=["applicant", "panel-member", "officer", "admin"],
)
def test_role_home_is_accessible(page, make_user, make_round, sign_in_page, role, path, heading):
    make_round(status=RoundStatus.OPEN)  # so the officer's home has a table of rounds
    sign_in_page(page, make_user(roles={role}))
    assert page.url.endswith(path)
    assert page.locator("h1").inner_text() == heading
    assert_page_basics(page)
    assert_no_axe_violations(page)


@pytest.mark.parametrize("suffix", ["", "/copy"], ids=["round-detail", "round-copy"])
def test_officer_round_pages_are_accessible(page, make_user, make_round, sign_in_page, suffix):
    round_ = make_round(status=RoundStatus.OPEN)
    sign_in_page(page, make_user(roles={Role.OFFICER}))
    response = page.goto(f"/officers/rounds/{round_.id}{suffix}")
    assert response is not None and response.status == 200
    assert_page_basics(page)
    assert_no_axe_violations(page)


@pytest.mark.parametrize("path", ["/", "/sign-in"], ids=["home", "sign-in"])
def test_no_sideways_scrolling_at_320_pixels(new_context, make_round, path):
    make_round(status=RoundStatus.OPEN)
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    page.goto(path)
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= 320, f"{path} is {scroll_width}px wide at a 320px viewport (WCAG 1.4.10 reflow)"


def test_frontend_javascript_runs_under_the_real_content_security_policy(new_context):
    """The other tests bypass the CSP to inject axe; this one keeps it and checks nothing is blocked."""
    page = new_context(bypass_csp=False).new_page()
    blocked: list[str] = []
    page.on(
        "console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.goto("/sign-in")
    page.wait_for_function("() => document.body.classList.contains('govuk-frontend-supported')")
    # The password input's "Show" button is added by GOV.UK Frontend's JavaScript.
    page.get_by_role("button", name="Show password").wait_for()
    assert blocked == []
