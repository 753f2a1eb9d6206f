"""Two-factor pages in a real browser: accessible, the QR code shows under the real content
security policy, and setting it up then signing in with a code works end to end."""

from __future__ import annotations

import pyotp

from portal.domain.roles import Role
from tests.browser.axe import assert_no_axe_violations, assert_page_basics
from tests.conftest import phone_code
from tests.factories import DEFAULT_PASSWORD


def _password_step(page, user) -> None:  # noqa: ANN001
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()


def test_a_panel_member_sets_it_up_with_the_qr_page_under_the_real_policy(new_context, make_user):
    member = make_user(roles={Role.PANEL_MEMBER}, two_factor=False)
    page = new_context(bypass_csp=False).new_page()
    blocked: list[str] = []
    page.on(
        "console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None
    )
    _password_step(page, member)
    assert page.url.endswith("/two-factor/set-up")
    qr = page.get_by_role("img", name="QR code to scan with your authenticator app", exact=False)
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR code did not load"
    assert blocked == []
    secret = page.locator("#setup-key").inner_text().replace(" ", "")
    page.get_by_label("Code from your app").fill(pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.get_by_role("button", name="Turn on two-factor sign-in").click()
    assert page.locator("h1").inner_text() == "Save your recovery codes"
    assert page.locator(".app-recovery-codes li").count() == 10
    with page.expect_navigation():
        page.get_by_role("link", name="I have saved my codes: continue").click()
    assert page.url.endswith("/panel/")


def test_the_set_up_code_and_recovery_pages_are_accessible(page, make_user):
    officer = make_user(roles={Role.OFFICER}, two_factor=False)
    _password_step(page, officer)
    assert_page_basics(page)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Turn on two-factor sign-in").click()  # empty: the error state
    assert page.title().startswith("Error: Set up two-factor sign-in")
    assert_no_axe_violations(page)
    secret = page.locator("#setup-key").inner_text().replace(" ", "")
    page.get_by_label("Code from your app").fill(pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.get_by_role("button", name="Turn on two-factor sign-in").click()
    assert_page_basics(page)
    assert_no_axe_violations(page)


def test_the_code_page_is_accessible_and_signs_in(page, make_user):
    officer = make_user(roles={Role.OFFICER})
    _password_step(page, officer)
    assert page.url.endswith("/sign-in/code")
    assert_page_basics(page)
    assert_no_axe_violations(page)
    page.get_by_label("Code", exact=True).fill("000000" if phone_code(officer) != "000000" else "111111")
    page.get_by_role("button", name="Continue").click()
    assert page.title().startswith("Error: Enter the code from your app")
    assert_no_axe_violations(page)
    page.get_by_label("Code", exact=True).fill(phone_code(officer))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    assert page.url.endswith("/officers/")
