"""The officers' fund and round set-up pages pass axe (WCAG 2.2 A and AA) and have the basics right."""

from __future__ import annotations

import pytest

from portal.domain.roles import Role
from portal.domain.workflow import RoundStatus
from portal.extensions import db
from portal.services import programme
from tests.browser.axe import assert_no_axe_violations, assert_page_basics


@pytest.fixture
def officer_page(page, make_user, make_round, sign_in_page):  # noqa: ANN001, ANN201
    officer = make_user(roles={Role.OFFICER})
    round_ = make_round(status=RoundStatus.DRAFT, work_streams=2, criteria=2, guidance="Read this first.")
    programme.add_condition(round_, title="Safeguarding", body="Keep a safeguarding policy.", by=officer)
    programme.set_work_stream_retired(round_.work_streams[1], True, by=officer)
    db.session.commit()
    sign_in_page(page, officer)
    page.ids = {
        "round": round_.id,
        "fund": round_.fund_id,
        "stream": round_.work_streams[0].id,
        "measure": round_.work_streams[0].measures[0].id,
        "condition": round_.conditions[0].id,
    }
    return page


PAGES = [
    pytest.param("/officers/", id="home"),
    pytest.param("/officers/funds/new", id="new-fund"),
    pytest.param("/officers/funds/{fund}/edit", id="edit-fund"),
    pytest.param("/officers/funds/{fund}/rounds/new", id="new-round"),
    pytest.param("/officers/rounds/{round}", id="round"),
    pytest.param("/officers/rounds/{round}/edit", id="edit-round"),
    pytest.param("/officers/rounds/{round}/eligibility", id="eligibility"),
    pytest.param("/officers/rounds/{round}/letter", id="letter-settings"),
    pytest.param("/officers/rounds/{round}/conditions", id="conditions"),
    pytest.param("/officers/rounds/{round}/conditions/new", id="new-condition"),
    pytest.param("/officers/conditions/{condition}/edit", id="edit-condition"),
    pytest.param("/officers/rounds/{round}/work-streams/new", id="new-work-stream"),
    pytest.param("/officers/work-streams/{stream}/edit", id="edit-work-stream"),
    pytest.param("/officers/work-streams/{stream}/measures/new", id="new-measure"),
    pytest.param("/officers/measures/{measure}/edit", id="edit-measure"),
    pytest.param("/officers/rounds/{round}/copy", id="copy-round"),
    pytest.param("/officers/funds/{fund}/copy", id="copy-programme"),
    pytest.param("/officers/rounds/{round}/history", id="history"),
]


@pytest.mark.parametrize("path", PAGES)
def test_set_up_page_is_accessible(officer_page, path):
    officer_page.goto(path.format(**officer_page.ids))
    assert_page_basics(officer_page)
    assert_no_axe_violations(officer_page)


def test_round_form_with_errors_is_accessible(officer_page):
    officer_page.goto(f"/officers/funds/{officer_page.ids['fund']}/rounds/new")
    officer_page.get_by_label("Closing time").fill("tea time")
    with officer_page.expect_navigation():
        officer_page.get_by_role("button", name="Save round").click()
    assert officer_page.title().startswith("Error: ")
    assert officer_page.locator(".govuk-error-summary").is_visible()
    assert_no_axe_violations(officer_page)


def test_measure_form_with_errors_is_accessible(officer_page):
    officer_page.goto(f"/officers/work-streams/{officer_page.ids['stream']}/measures/new")
    with officer_page.expect_navigation():
        officer_page.get_by_role("button", name="Save measure").click()
    assert officer_page.title().startswith("Error: ")
    assert_no_axe_violations(officer_page)


def test_the_error_summary_takes_you_to_the_first_date_box(officer_page):
    officer_page.goto(f"/officers/funds/{officer_page.ids['fund']}/rounds/new")
    with officer_page.expect_navigation():
        officer_page.get_by_role("button", name="Save round").click()
    officer_page.locator(".govuk-error-summary a", has_text="Enter the closing date").click()
    assert officer_page.evaluate("document.activeElement.id") == "closes_on-day"
