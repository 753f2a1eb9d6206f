"""The moderation and decision pages pass axe (WCAG 2.2 A and AA) and have the basics right: the
officers' moderation of a work stream and of one EOI, the decision form (with its errors), the
round's decisions (with a refused release) and the panel's read-only view; and the tables stay
usable on a 320 px phone screen."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portal.domain.workflow import ApplicationStatus, DecisionOutcome
from portal.extensions import db
from tests.browser.axe import assert_no_axe_violations, assert_page_basics
from tests.services.test_decisions import decide
from tests.services.test_moderation import build_meeting


@pytest.fixture
def meeting(app):  # noqa: ANN001, ANN201
    meeting = build_meeting()
    meeting.a.status = meeting.c.status = ApplicationStatus.SCORED
    db.session.commit()
    meeting.ids = {
        "round": meeting.round.id,
        "a": meeting.a.id,
        "b": meeting.b.id,
        "c": meeting.c.id,
        "stream2": meeting.round.work_streams[1].id,
    }
    return meeting


@pytest.fixture
def officer_page(page, meeting, sign_in_page):  # noqa: ANN001, ANN201
    sign_in_page(page, meeting.officer)
    page.ids = meeting.ids
    return page


PAGES = [
    pytest.param("/officers/rounds/{round}/moderation", id="moderation"),
    pytest.param("/officers/rounds/{round}/moderation?stream={stream2}", id="moderation-empty-stream"),
    pytest.param("/officers/applications/{a}/moderation", id="moderate-scored-eoi"),
    pytest.param("/officers/applications/{b}/moderation", id="moderate-eoi-with-panel"),
    pytest.param("/officers/applications/{a}/decision", id="decision-form"),
    pytest.param("/officers/applications/{b}/decision", id="decision-not-ready"),
    pytest.param("/officers/rounds/{round}/decisions", id="decisions"),
]


@pytest.mark.parametrize("path", PAGES)
def test_moderation_and_decision_pages_are_accessible(officer_page, path):
    officer_page.goto(path.format(**officer_page.ids))
    assert_page_basics(officer_page)
    assert_no_axe_violations(officer_page)


def test_the_decision_form_errors_are_accessible(officer_page):
    page = officer_page
    page.goto(f"/officers/applications/{page.ids['c']}/decision")
    page.get_by_label("Fund", exact=True).check()
    page.get_by_label("Reason for this decision").fill("Local need.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the decision").click()
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    assert "Say why this decision goes against the ranking" in summary.inner_text()
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "override_reason"
    assert page.get_by_label("Reason for this decision").input_value() == "Local need."
    assert_page_basics(page)
    assert_no_axe_violations(page)


def test_the_agreed_score_and_release_errors_are_accessible(officer_page):
    page = officer_page
    page.goto(f"/officers/applications/{page.ids['a']}/moderation")
    page.get_by_label("Agreed panel score (out of 100)").fill("lots")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the agreed score").click()
    assert page.title().startswith("Error: ")
    assert_no_axe_violations(page)
    page.goto(f"/officers/rounds/{page.ids['round']}/decisions")
    page.get_by_label("I have checked every decision, and groups can see them now").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Release the decisions to groups").click()
    assert "3 EOIs have no decision yet" in page.locator(".govuk-error-summary").inner_text()
    assert_page_basics(page)
    assert_no_axe_violations(page)


@pytest.mark.parametrize("member", [0, 3], ids=["member", "conflicted-member"])
def test_the_panels_read_only_view_is_accessible(page, meeting, sign_in_page, member):
    sign_in_page(page, meeting.members[member].user)
    page.goto(f"/panel/rounds/{meeting.ids['round']}/moderation")
    assert_page_basics(page)
    assert_no_axe_violations(page)
    if member == 3:
        assert page.get_by_text("You declared a conflict on this EOI").first.is_visible()


def _sideways(page) -> int:  # noqa: ANN001
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_the_tables_fit_a_phone_screen(new_context, meeting, sign_in_page):
    decide(meeting.a, DecisionOutcome.FUND, meeting.officer, amount=Decimal(3000), conditions="Receipts.")
    decide(meeting.c, DecisionOutcome.FUND, meeting.officer, amount=Decimal(2500), override_reason="Only one there.")
    db.session.commit()
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    sign_in_page(page, meeting.officer)
    for path in (
        "/officers/rounds/{round}/moderation",
        "/officers/applications/{a}/moderation",
        "/officers/applications/{a}/decision",
        "/officers/rounds/{round}/decisions",
    ):
        page.goto(path.format(**meeting.ids))
        assert _sideways(page) <= 0, f"{page.url} scrolls sideways at 320px"
        assert_no_axe_violations(page)
    member = new_context(viewport={"width": 320, "height": 640}).new_page()
    sign_in_page(member, meeting.members[0].user)
    member.goto(f"/panel/rounds/{meeting.ids['round']}/moderation")
    assert _sideways(member) <= 0
