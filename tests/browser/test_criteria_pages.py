"""The criteria pages pass axe (WCAG 2.2 A and AA) and have the basics right: the list, the add and
edit form (also with errors shown) and the preview; and reordering works without JavaScript."""

from __future__ import annotations

import pytest

from portal.domain.roles import Role
from portal.domain.workflow import RoundStatus
from tests.browser.axe import assert_no_axe_violations, assert_page_basics


@pytest.fixture
def officer_page(page, make_user, sign_in_page):  # noqa: ANN001, ANN201
    sign_in_page(page, make_user(roles={Role.OFFICER}))
    return page


@pytest.mark.parametrize("status", [RoundStatus.DRAFT, RoundStatus.IN_ASSESSMENT], ids=["draft", "scoring-started"])
def test_the_criteria_list_is_accessible(officer_page, db, make_round, status):
    round_ = make_round(status=status, criteria=3)
    round_.criteria[2].is_archived = True
    db.session.commit()
    response = officer_page.goto(f"/officers/rounds/{round_.id}/criteria")
    assert response is not None and response.status == 200
    assert officer_page.locator("h1").inner_text() == "Scoring criteria"
    assert_page_basics(officer_page)
    assert_no_axe_violations(officer_page)


def test_the_criteria_list_with_a_warning_is_accessible(officer_page, make_round):
    round_ = make_round(status=RoundStatus.DRAFT, criteria=0)
    officer_page.goto(f"/officers/rounds/{round_.id}/criteria")
    assert "Add at least one scoring criterion." in officer_page.locator(".govuk-warning-text").inner_text()
    assert_page_basics(officer_page)
    assert_no_axe_violations(officer_page)


def test_the_add_form_and_its_errors_are_accessible(officer_page, make_round):
    round_ = make_round(criteria=1)
    officer_page.goto(f"/officers/rounds/{round_.id}/criteria/new")
    assert officer_page.get_by_label("Score 0: No evidence").input_value() == "The answer gives no evidence for this."
    assert_page_basics(officer_page)
    assert_no_axe_violations(officer_page)

    officer_page.get_by_label("Weight").fill("-1")
    officer_page.get_by_label("Score 3: Good").fill("")
    with officer_page.expect_navigation():
        officer_page.get_by_role("button", name="Add criterion").click()
    assert officer_page.title().startswith("Error: Add a criterion")
    summary = officer_page.get_by_role("alert")
    assert "Enter a title for the criterion" in summary.inner_text()
    assert "The weight cannot be less than 0" in summary.inner_text()
    assert "Describe what a score of 3 means" in summary.inner_text()
    assert officer_page.get_by_label("Weight").input_value() == "-1"
    assert_page_basics(officer_page)
    assert_no_axe_violations(officer_page)


def test_the_edit_form_with_a_refusal_after_scoring_started_is_accessible(officer_page, make_round):
    round_ = make_round(status=RoundStatus.IN_ASSESSMENT, criteria=1)
    officer_page.goto(f"/officers/criteria/{round_.criteria[0].id}/edit")
    assert_page_basics(officer_page)
    assert_no_axe_violations(officer_page)

    officer_page.get_by_label("Weight").fill("3")
    with officer_page.expect_navigation():
        officer_page.get_by_role("button", name="Save changes").click()
    assert "Scoring has started, so you cannot change the weight" in officer_page.get_by_role("alert").inner_text()
    assert_page_basics(officer_page)
    assert_no_axe_violations(officer_page)


@pytest.mark.parametrize("word_limit", [250, None], ids=["word-limit", "no-limit"])
def test_the_preview_is_accessible(officer_page, db, make_round, word_limit):
    round_ = make_round(criteria=1)
    criterion = round_.criteria[0]
    criterion.word_limit = word_limit
    criterion.guidance = "Informal partnerships count."
    db.session.commit()
    officer_page.goto(f"/officers/criteria/{criterion.id}/preview")
    assert "Preview" in officer_page.locator("h1").inner_text()
    assert officer_page.get_by_label("0 – No evidence: No evidence").is_disabled()
    assert officer_page.get_by_label("Why you gave this score").is_disabled()
    assert officer_page.get_by_label("Question 1?").is_disabled()
    assert_page_basics(officer_page)
    assert_no_axe_violations(officer_page)


def test_criteria_move_without_javascript(new_context, db, make_user, make_round, sign_in_page):
    page = new_context(java_script_enabled=False).new_page()
    sign_in_page(page, make_user(roles={Role.OFFICER}))
    round_ = make_round(criteria=2)
    page.goto(f"/officers/rounds/{round_.id}/criteria")
    with page.expect_navigation():
        page.get_by_role("button", name="Move up Criterion 2").click()
    rows = page.locator("tbody th[scope=row]").all_inner_texts()
    assert rows[:2] == ["Criterion 2", "Criterion 1"]
    assert "Moved up: Criterion 2" in page.locator(".govuk-notification-banner").inner_text()
