"""Signing in with the keyboard alone, and seeing where the focus is (WCAG 2.1.1, 2.4.1, 2.4.7)."""

from __future__ import annotations

from playwright.sync_api import Page

from portal.domain.roles import Role
from tests.factories import DEFAULT_PASSWORD

MAX_TABS = 25  # header, service navigation, phase banner and language links come before the form

_DESCRIBE_FOCUS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    return {
        tag: el.tagName.toLowerCase(),
        type: el.getAttribute('type'),
        name: el.getAttribute('name'),
        text: (el.innerText || el.value || '').trim(),
    };
}"""


def _tab_until(page: Page, matches, what: str, limit: int = MAX_TABS) -> int:  # noqa: ANN001
    """Press Tab until the focused element ``matches``; return the number of presses."""
    seen = []
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        focused = page.evaluate(_DESCRIBE_FOCUS)
        if focused and matches(focused):
            return presses
        seen.append(focused)
    raise AssertionError(f"focus never reached {what} in {limit} Tab presses; it visited: {seen}")


def _focus_is_visible(page: Page) -> bool:
    """GOV.UK Frontend shows focus with an outline and a box-shadow (a yellow and black bar)."""
    return page.evaluate(
        """() => {
            const style = getComputedStyle(document.activeElement);
            const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
            return outline || style.boxShadow !== 'none';
        }"""
    )


def test_an_applicant_can_sign_in_with_the_keyboard_alone(page, make_user):
    user = make_user(roles={Role.APPLICANT}, email="keyboard@example.org")
    page.goto("/sign-in")
    # Let GOV.UK Frontend's JavaScript add the password's "Show" button before tabbing through.
    page.wait_for_function("() => document.body.classList.contains('govuk-frontend-supported')")

    page.keyboard.press("Tab")
    first = page.evaluate(_DESCRIBE_FOCUS)
    assert first is not None and first["tag"] == "a" and first["text"] == "Skip to main content", (
        f"the first Tab should focus the skip link, not {first}"
    )
    assert _focus_is_visible(page), "the focused skip link shows no focus style"

    _tab_until(page, lambda f: f["name"] == "email", "the email input")
    assert _focus_is_visible(page), "the focused email input shows no focus style"
    page.keyboard.type(user.email)

    _tab_until(page, lambda f: f["name"] == "password", "the password input", limit=3)
    assert _focus_is_visible(page), "the focused password input shows no focus style"
    page.keyboard.type(DEFAULT_PASSWORD)

    # The "Show" toggle for the password may come first when JavaScript runs.
    _tab_until(page, lambda f: f["type"] == "submit" and f["text"] == "Sign in", "the Sign in button", limit=3)
    assert _focus_is_visible(page), "the focused Sign in button shows no focus style"

    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/applicant/"), f"landed on {page.url}, not the applicant's home"
    assert page.locator("h1").inner_text() == "Your applications"


def test_skip_link_moves_focus_to_the_main_content(page):
    page.goto("/sign-in")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.url.endswith("#main-content")
    assert page.evaluate("() => document.activeElement.id") == "main-content"


def test_an_officer_types_the_code_from_their_app_with_the_keyboard_alone(page, make_user):
    from tests.conftest import phone_code

    officer = make_user(roles={Role.OFFICER}, email="keys-officer@example.org")
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(officer.email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/sign-in/code")
    page.wait_for_function("() => document.body.classList.contains('govuk-frontend-supported')")
    _tab_until(page, lambda f: f["name"] == "code", "the code input")
    assert _focus_is_visible(page), "the focused code input shows no focus style"
    page.keyboard.type(phone_code(officer))
    _tab_until(page, lambda f: f["type"] == "submit" and f["text"] == "Continue", "the Continue button", limit=3)
    assert _focus_is_visible(page), "the focused Continue button shows no focus style"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/officers/"), f"landed on {page.url}, not the officers' home"
