"""The panel's review pages in a real browser: no axe (WCAG 2.2 A and AA) violations on the home
page, the review form (also with errors), the panel's scores and the officer's view of a review;
the review form fits a 320 px wide phone without scrolling sideways; and a member can complete a
whole review with the keyboard alone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page

from portal.domain.roles import Role
from portal.domain.workflow import ReviewStatus
from portal.extensions import db
from portal.models import Review
from tests.browser.axe import assert_no_axe_violations, assert_page_basics
from tests.web.test_review_pages import eoi_with_recording, make_review

_DESCRIBE_FOCUS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    return {tag: el.tagName.toLowerCase(), type: el.getAttribute('type'), name: el.getAttribute('name'),
            value: el.value, text: (el.innerText || el.value || '').trim()};
}"""


@pytest.fixture
def scene(make_user, make_round, make_panel, make_eligible_application):  # noqa: ANN001, ANN201
    member = make_user(roles={Role.PANEL_MEMBER}, full_name="Pat Panel")
    bea = make_user(roles={Role.PANEL_MEMBER}, full_name="Bea Member")
    officer = make_user(roles={Role.OFFICER}, full_name="Olu Officer")
    round_ = make_round(title="Community grants 2027", reference_prefix="CIF-2027-")
    panel = make_panel(
        round_=round_,
        members=[member, bea],
        minimum_reviewers=2,
        scoring_deadline=datetime(2027, 6, 30, 16, tzinfo=UTC),
    )
    application, _ = eoi_with_recording(round_)
    review = make_review(application, panel.members[0])
    make_review(application, panel.members[1], scores=[4, 2, None], submit=True, recommendation="do_not_fund")
    # A second EOI the member has already scored, and a third not yet confirmed.
    scored_eoi = make_eligible_application(round_=round_)
    scored = make_review(scored_eoi, panel.members[0], scores=[3, 3, 1], submit=True, recommendation="fund")
    make_review(scored_eoi, panel.members[1], scores=[2, 1, 0], submit=True, recommendation="do_not_fund")
    make_review(make_eligible_application(round_=round_), panel.members[0], confirmed=False)
    criteria = [c.id for c in round_.criteria if not c.is_archived]
    return {"member": member, "officer": officer, "review": review.id, "scored": scored.id, "criteria": criteria}


MEMBER_PAGES = [
    pytest.param("/panel/", id="home"),
    pytest.param("/panel/reviews/{review}", id="review-form"),
    pytest.param("/panel/reviews/{scored}", id="submitted-review"),
    pytest.param("/panel/reviews/{scored}/panel-scores", id="panel-scores"),
]


@pytest.mark.parametrize("path", MEMBER_PAGES)
def test_panel_page_is_accessible(page: Page, scene, sign_in_page, path):
    sign_in_page(page, scene["member"])
    page.goto(path.format(**scene))
    assert_page_basics(page)
    assert_no_axe_violations(page)


def test_the_review_form_with_errors_is_accessible(page: Page, scene, sign_in_page):
    sign_in_page(page, scene["member"])
    page.goto(f"/panel/reviews/{scene['review']}")
    page.get_by_label("Your comment on Criterion 1 (optional)").fill("Kept after the error")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit your scores").click()
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Score at least one question" in summary and "Choose a recommendation" in summary
    assert page.get_by_label("Your comment on Criterion 1 (optional)").input_value() == "Kept after the error"
    assert_page_basics(page)
    assert_no_axe_violations(page)


def test_the_officers_review_page_is_accessible(page: Page, scene, sign_in_page):
    sign_in_page(page, scene["officer"])
    page.goto(f"/officers/reviews/{scene['scored']}")
    assert_page_basics(page)
    assert_no_axe_violations(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Reopen the review").click()
    assert page.title().startswith("Error: ")
    assert_no_axe_violations(page)


@pytest.mark.parametrize(
    "path", ["/panel/", "/panel/reviews/{review}", "/panel/reviews/{scored}", "/panel/reviews/{scored}/panel-scores"]
)
def test_the_panel_pages_fit_a_320_pixel_phone(page: Page, scene, sign_in_page, path):
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in_page(page, scene["member"])
    page.goto(path.format(**scene))
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width} px wide at a 320 px viewport: it scrolls sideways"


def _tab_until(page: Page, matches, what: str, limit: int = 40) -> dict:  # noqa: ANN001
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(_DESCRIBE_FOCUS)
        if focused and matches(focused):
            return focused
        seen.append(focused)
    raise AssertionError(f"focus never reached {what} in {limit} Tab presses; it visited: {seen}")


def test_a_whole_review_can_be_done_with_the_keyboard_alone(page: Page, scene, sign_in_page):
    sign_in_page(page, scene["member"])
    page.goto(f"/panel/reviews/{scene['review']}")
    page.wait_for_function("() => document.body.classList.contains('govuk-frontend-supported')")
    first, second, third = scene["criteria"]

    # Criterion 1: "Not scored" is chosen until the member picks a score; the arrow keys move up.
    focused = _tab_until(page, lambda f: f["name"] == f"score_{first}", "the first score")
    assert focused["value"] == ""
    page.keyboard.press("ArrowUp")  # 4 – Strong evidence
    page.keyboard.press("ArrowUp")  # 3 – Good evidence
    _tab_until(page, lambda f: f["name"] == f"comment_{first}", "the first comment", limit=2)
    page.keyboard.type("They know the women they work with.")
    focused = _tab_until(page, lambda f: f["name"] == f"audience_{first}", "who can read it", limit=2)
    assert focused["value"] == "panel_only"
    page.keyboard.press("ArrowDown")  # can be shared with the group

    # Criterion 2 (answered with a recording, whose player and link come first): left unscored.
    _tab_until(page, lambda f: f["name"] == f"score_{second}", "the second score")
    _tab_until(page, lambda f: f["name"] == f"comment_{second}", "the second comment", limit=2)
    page.keyboard.type("Could not hear the recording clearly.")

    # Criterion 3: 1 – Limited evidence.
    _tab_until(page, lambda f: f["name"] == f"score_{third}", "the third score")
    for _ in range(4):
        page.keyboard.press("ArrowUp")  # 4, 3, 2, 1

    focused = _tab_until(page, lambda f: f["name"] == "recommendation", "the recommendation")
    assert focused["value"] == "fund"
    page.keyboard.press("ArrowDown")  # Fund with conditions (arrows choose as they move)
    _tab_until(page, lambda f: f["name"] == "recommendation_note", "the note", limit=2)
    page.keyboard.type("Only with a safeguarding lead named.")
    _tab_until(page, lambda f: f["type"] == "submit" and f["text"] == "Submit your scores", "Submit", limit=3)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.locator("h1").inner_text().startswith("Your scores for")
    db.session.expire_all()
    review = db.session.get(Review, scene["review"])
    assert review.status == ReviewStatus.SUBMITTED
    assert review.recommendation.value == "fund_with_conditions"
    assert review.recommendation_note == "Only with a safeguarding lead named."
    scores = {s.criterion_id: (s.score, s.comment, s.audience.value) for s in review.scores}
    assert scores == {
        first: (3, "They know the women they work with.", "feedback"),
        second: (None, "Could not hear the recording clearly.", "panel_only"),
        third: (1, None, "panel_only"),
    }
