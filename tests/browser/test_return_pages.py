"""A group's return pages and the officer's assisted start pass axe (WCAG 2.2 A and AA) and have the
basics right: the list, the form (with a story, and with errors), the story form and the form
changing a story (each with errors), a sent return, a queried return, and the page where an
officer starts entering a return for a group. A story's buttons on the return form work."""

from __future__ import annotations

import pytest

from portal.domain.returns import Consent
from portal.domain.roles import Role
from portal.domain.workflow import AwardStatus, ReturnStatus
from portal.extensions import db
from portal.models import ReturnMessage
from portal.services import returns
from tests import factories
from tests.browser.axe import assert_no_axe_violations, assert_page_basics


@pytest.fixture
def group_page(page, app, sign_in_page):  # noqa: ANN001, ANN201
    award = factories.make_award(status=AwardStatus.ACCEPTED)
    due, final = returns.create_for_award(award, by=None)
    story = returns.add_story(
        due,
        title="Rukhsana's story",
        body="I found my voice.",
        teller_name=None,
        consent=Consent.PUBLIC_ANONYMOUS,
        by=award.application.organisation.members[0].user,
    )
    db.session.commit()
    award_2 = factories.make_award(
        application=factories.make_application(organisation=award.application.organisation, submit=True),
        status=AwardStatus.ACCEPTED,
    )
    sent = factories.make_return(
        award=award_2,
        status=ReturnStatus.SUBMITTED,
        stories=[{"title": "Amira", "body": "My story.", "consent": Consent.PUBLIC_ANONYMOUS}],
    )
    queried = factories.make_return(award=award_2, period=2, status=ReturnStatus.QUERIED)
    db.session.add(ReturnMessage(output_return=queried, from_officer=True, body="Is 12 women right?"))
    db.session.commit()
    sign_in_page(page, award.application.organisation.members[0].user)
    page.ids = {"due": due.id, "sent": sent.id, "queried": queried.id, "story": story.id}
    return page


PAGES = [
    pytest.param("/applicant/returns", id="list"),
    pytest.param("/applicant/returns/{due}", id="form"),
    pytest.param("/applicant/returns/{due}/stories/new", id="story-form"),
    pytest.param("/applicant/stories/{story}/edit", id="story-change-form"),
    pytest.param("/applicant/returns/{sent}", id="sent"),
    pytest.param("/applicant/returns/{queried}", id="queried"),
]


@pytest.mark.parametrize("path", PAGES)
def test_return_page_is_accessible(group_page, path):
    group_page.goto(path.format(**group_page.ids))
    assert_page_basics(group_page)
    assert_no_axe_violations(group_page)


def test_the_return_form_with_errors_is_accessible(group_page):
    page = group_page
    page.goto(f"/applicant/returns/{page.ids['due']}")
    page.get_by_label("How much of the grant have you spent so far?").fill("a lot")
    with page.expect_navigation():
        page.get_by_role("button", name="Send this return").click()
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter an amount in pounds" in summary and "Tick the box to confirm" in summary
    assert page.get_by_label("How much of the grant have you spent so far?").input_value() == "a lot"
    assert_page_basics(page)
    assert_no_axe_violations(page)


def test_the_story_form_with_errors_is_accessible(group_page):
    page = group_page
    page.goto(f"/applicant/returns/{page.ids['due']}/stories/new")
    page.get_by_label("Can be published, with the name given").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Add the story").click()
    assert page.title().startswith("Error: ")
    assert "Give the story a title" in page.locator(".govuk-error-summary").inner_text()
    assert_no_axe_violations(page)


def test_changing_a_story_with_errors_is_accessible_then_saves(group_page):
    page = group_page
    page.goto(f"/applicant/returns/{page.ids['due']}")
    with page.expect_navigation():
        page.get_by_role("link", name="Change ‘Rukhsana's story’").click()
    assert page.get_by_label("Title").input_value() == "Rukhsana's story"
    page.get_by_label("Title").fill("")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the story").click()
    assert page.title().startswith("Error: ")
    assert "Give the story a title" in page.locator(".govuk-error-summary").inner_text()
    assert page.get_by_label("The story", exact=True).input_value() == "I found my voice."
    assert_page_basics(page)
    assert_no_axe_violations(page)
    page.get_by_label("Title").fill("Finding my voice")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the story").click()
    assert "‘Finding my voice’ has been changed." in page.locator("main").inner_text()


def test_a_story_s_buttons_on_the_return_form_submit_their_own_forms(group_page):
    # The story buttons sit inside the return form; each names its own form, kept outside it.
    page = group_page
    page.goto(f"/applicant/returns/{page.ids['due']}")
    with page.expect_navigation():
        page.get_by_role("button", name="Withdraw consent for ‘Rukhsana's story’").click()
    assert "Consent for ‘Rukhsana's story’ has been withdrawn" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Remove ‘Rukhsana's story’").click()
    main = page.locator("main").inner_text()
    assert "‘Rukhsana's story’ has been removed from your return." in main and "No stories yet." in main


def test_the_assisted_start_page_is_accessible(page, app, sign_in_page):  # noqa: ANN001
    output_return = factories.make_return()
    sign_in_page(page, factories.make_user(roles={Role.OFFICER}, full_name="Olu Officer"))
    page.goto(f"/officers/returns/{output_return.id}/assisted")
    assert_page_basics(page)
    assert_no_axe_violations(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue to the return").click()
    assert page.title().startswith("Error: ")
    assert_no_axe_violations(page)
    page.get_by_label("Phone").check()
    page.get_by_label("The group's agreement").fill("Fatima agreed by phone.")
    with page.expect_navigation():
        page.get_by_role("button", name="Continue to the return").click()
    assert "Entered by Olu Officer on behalf of" in page.locator("main").inner_text()
    assert_page_basics(page)
    assert_no_axe_violations(page)
