"""Arabic and Urdu are laid out right to left: the applicant pages pass axe in them, do not scroll
sideways at 320 px, and the language switcher takes you back to English (issue #7, item 5)."""

from __future__ import annotations

import os

import pytest

from portal.domain.roles import Role
from portal.domain.workflow import RoundStatus
from tests.browser.axe import assert_no_axe_violations, assert_page_basics
from tests.factories import DEFAULT_PASSWORD

SHOTS = os.environ.get("RTL_SCREENSHOTS")  # a folder: save what each page looked like, to look at


def _check(page, name: str, language: str) -> None:  # noqa: ANN001
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("body").get_attribute("dir") == "rtl"
    assert page.evaluate("() => getComputedStyle(document.querySelector('main')).direction") == "rtl"
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{language}-{name}.png", full_page=True)
    assert_page_basics(page)
    assert_no_axe_violations(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, f"{name} in {language} is {width}px wide at 320px (WCAG 1.4.10 reflow)"


@pytest.mark.parametrize(
    ("language", "name", "sign_in", "english"),
    [
        ("ar", "العربية", "تسجيل الدخول", "English"),
        ("ur", "اردو", "سائن ان کریں", "English"),
    ],
)
def test_applicant_pages_read_right_to_left(
    new_context, make_round, make_user, make_application, language, name, sign_in, english
):
    round_ = make_round(status=RoundStatus.OPEN)
    page = new_context(viewport={"width": 320, "height": 800}).new_page()

    page.goto("/")
    with page.expect_navigation():
        page.get_by_role("link", name=name).click()
    _check(page, "home", language)

    page.goto(f"/rounds/{round_.id}/eligibility/group")
    with page.expect_navigation():
        page.locator("form button[type=submit]").first.click()  # radios with an error
    _check(page, "radios-errors", language)

    page.goto("/sign-in")
    assert page.locator("h1").inner_text() == sign_in
    with page.expect_navigation():
        page.locator("form button[type=submit]").first.click()  # empty: the error summary, mirrored
    _check(page, "sign-in-errors", language)

    applicant = make_user(roles={Role.APPLICANT}, preferred_language=language)
    application = make_application(round_=round_, applicant=applicant)
    page.goto("/sign-in")  # through the form, in the language: the labels are translated
    page.locator("input[name=email]").fill(applicant.email)
    page.locator("input[name=password]").fill(DEFAULT_PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").first.click()
    _check(page, "applicant-home", language)
    page.goto(f"/applicant/applications/{application.id}")
    _check(page, "task-list", language)
    page.goto(f"/applicant/applications/{application.id}/project")
    _check(page, "section", language)
    page.goto(f"/applicant/applications/{application.id}/declarations")
    _check(page, "checkboxes", language)

    with page.expect_navigation():
        page.get_by_role("link", name=english).click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("body").get_attribute("dir") == "ltr"
