"""The public round page, every question of the eligibility check (also with an error), both
results, 'ask us to call you back' and the officers' list of requests pass axe (WCAG 2.2 A and AA)
and have the page basics; one eligibility check is completed with the keyboard alone."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from playwright.sync_api import Page

from portal.domain.organisations import LegalForm
from portal.domain.roles import Role
from portal.extensions import db
from portal.models import Locality
from portal.services import support
from tests.browser.axe import assert_no_axe_violations, assert_page_basics


@pytest.fixture
def round_(make_round):  # noqa: ANN001, ANN201
    db.session.add_all([Locality(name="North", position=0), Locality(name="South", position=1)])
    round_ = make_round(
        title="Community grants 2030",
        guidance="A short first application.\n\nYou do not need to be a charity.",
        allowed_legal_forms=[LegalForm.UNCONSTITUTED.value, LegalForm.COMMUNITY_GROUP.value],
        income_ceiling=Decimal("50000"),
        excluded_purposes=["Religious worship"],
    )
    for stream in round_.work_streams:
        stream.description = "Bringing neighbours together."
        stream.who_it_is_for = "Women new to the city"
    db.session.commit()
    return round_


def check(page: Page) -> None:
    assert_page_basics(page)
    assert_no_axe_violations(page)


def choose(page: Page, label: str) -> None:
    page.get_by_label(label, exact=True).check()


def continue_(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()


def test_the_round_page_is_accessible_with_the_scoring_opened(page, round_):
    page.goto(f"/rounds/{round_.id}")
    check(page)
    for summary in page.locator("summary").all():
        summary.click()
    assert page.get_by_role("cell", name="No evidence").first.is_visible()
    assert_no_axe_violations(page)


def test_every_question_and_both_results_are_accessible_also_with_errors(page, round_):
    page.goto(f"/rounds/{round_.id}")
    with page.expect_navigation():
        page.get_by_role("button", name="Check if your group can apply").first.click()

    answers = [
        ("What kind of group are you?", "Constituted community or voluntary group"),
        ("Where does your group work?", "North"),
        ("What is your group's yearly income?", "Less than £10,000"),
        ("Will you use the money for any of these?", "No, none of these"),
        ("Who this fund is for", "Not yet, but we plan to"),
    ]
    for heading, label in answers:
        assert page.locator("h1").inner_text() == heading
        check(page)
        continue_(page)  # nothing chosen: the same page with an error
        assert page.title().startswith("Error: ")
        assert page.locator(".govuk-error-summary").is_visible()
        assert page.locator("h1").inner_text() == heading
        check(page)
        choose(page, label)
        continue_(page)

    assert page.locator("h1").inner_text() == "Check your answers"
    check(page)
    with page.expect_navigation():
        page.get_by_role("button", name="See if you can apply").click()
    assert page.locator("h1").inner_text() == "You can apply"
    check(page)

    # Change the first answer to "None of these": the result says why not.
    page.goto(f"/rounds/{round_.id}/eligibility/check-your-answers")
    with page.expect_navigation():
        page.get_by_role("link", name="Change kind of group").click()
    choose(page, "None of these")
    continue_(page)
    with page.expect_navigation():
        page.get_by_role("button", name="See if you can apply").click()
    assert page.locator("h1").inner_text() == "You cannot apply to this round"
    assert page.get_by_text("Your group is not one of the kinds of group that can apply.").is_visible()
    check(page)


def test_the_call_back_form_its_errors_and_the_confirmation_are_accessible(page, round_):
    page.goto(f"/help/call-back?round_id={round_.id}")
    check(page)
    page.get_by_label("Your name").fill("Amina Begum")
    page.get_by_label("Phone number").fill("123")
    with page.expect_navigation():
        page.get_by_role("button", name="Ask for a call back").click()
    assert page.title().startswith("Error: ")
    assert page.get_by_label("Your name").input_value() == "Amina Begum"
    check(page)
    page.get_by_label("Phone number").fill("07700 900 982")
    with page.expect_navigation():
        page.get_by_role("button", name="Ask for a call back").click()
    assert page.locator("h1").inner_text() == "We will call you back"
    check(page)


def test_the_officers_list_of_requests_is_accessible(page, make_user, sign_in_page, round_):
    officer = make_user(roles={Role.OFFICER})
    for name in ("Amina", "Sam"):
        support.create_support_request(
            name=name,
            phone="01632 960 001",
            best_time="Mornings",
            message="Help with the form",
            round_=round_,
            by=None,
            now=datetime(2030, 1, 10, 9, tzinfo=UTC),
        )
    done = support.create_support_request(name="Jo", phone="01632 960 002", by=None)
    support.mark_support_request_handled(done, note="Called back", by=officer)
    db.session.commit()
    sign_in_page(page, officer)
    page.goto("/officers/support-requests")
    check(page)
    page.get_by_text("Mark as handled: Amina").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Mark as handled").first.click()
    assert page.title().startswith("Error: ")
    assert page.locator(".govuk-error-summary").is_visible()
    check(page)
    page.locator(".govuk-error-summary a").click()
    assert page.evaluate("() => document.activeElement.tagName") == "TEXTAREA"
    page.keyboard.type("Called back, will help")
    with page.expect_navigation():
        page.get_by_role("button", name="Mark as handled").first.click()
    assert page.get_by_text("Marked as handled: Amina.").is_visible()
    check(page)


# --- keyboard alone --------------------------------------------------------------------------------

_FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    return {tag: el.tagName.toLowerCase(), type: el.getAttribute('type'), value: el.getAttribute('value'),
            text: (el.innerText || '').trim(), checked: !!el.checked};
}"""


def _tab_to(page: Page, matches, what: str, limit: int = 80) -> None:  # noqa: ANN001
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if focused and matches(focused):
            return
        seen.append(focused)
    raise AssertionError(f"focus never reached {what}; it visited {seen}")


def _focus_is_visible(page: Page) -> bool:
    return page.evaluate(
        """() => {
            const style = getComputedStyle(document.activeElement);
            return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
        }"""
    )


def _press_and_wait(page: Page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def _continue_by_keyboard(page: Page) -> None:
    _tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Continue", "the Continue button", limit=10)
    assert _focus_is_visible(page), "the focused Continue button shows no focus style"
    _press_and_wait(page, "Enter")


def test_an_eligibility_check_completed_with_the_keyboard_alone(page, round_):
    page.goto(f"/rounds/{round_.id}")
    _tab_to(page, lambda f: f["text"] == "Check if your group can apply", "the start button")
    assert _focus_is_visible(page)
    _press_and_wait(page, "Enter")

    # Kind of group: the first radio, chosen with the space bar.
    _tab_to(page, lambda f: f["type"] == "radio", "the first kind of group")
    page.keyboard.press("Space")
    assert page.evaluate(_FOCUSED)["value"] == LegalForm.UNCONSTITUTED.value
    _continue_by_keyboard(page)

    # Where: tick a locality.
    _tab_to(page, lambda f: f["type"] == "checkbox", "the first area")
    page.keyboard.press("Space")
    _continue_by_keyboard(page)

    # Income: the first band.
    _tab_to(page, lambda f: f["type"] == "radio", "the first income band")
    page.keyboard.press("Space")
    _continue_by_keyboard(page)

    # Purpose: tab past the excluded purpose to "No, none of these".
    _tab_to(page, lambda f: f["type"] == "checkbox" and f["value"] == "none", "'No, none of these'")
    page.keyboard.press("Space")
    _continue_by_keyboard(page)

    # People: the arrow key moves from "Yes" to "Not yet, but we plan to" and selects it.
    _tab_to(page, lambda f: f["type"] == "radio", "the first answer")
    page.keyboard.press("ArrowDown")
    focused = page.evaluate(_FOCUSED)
    assert focused["value"] == "planned" and focused["checked"]
    _continue_by_keyboard(page)

    assert page.locator("h1").inner_text() == "Check your answers"
    _tab_to(page, lambda f: f["text"] == "See if you can apply", "the result button", limit=60)
    _press_and_wait(page, "Enter")  # a link styled as a button follows Enter
    assert page.locator("h1").inner_text() == "You can apply"
    assert page.get_by_text("You will need to name an accountable body").is_visible()
