"""The panel set-up pages (officers), the register of interests and the conflict-of-interest page
(panel members) pass axe (WCAG 2.2 A and AA) and have the basics right, with errors shown too."""

from __future__ import annotations

import pytest

from portal.domain.panel import InterestKind
from portal.domain.roles import Role
from portal.extensions import db
from portal.services import assignments, panels
from tests.browser.axe import assert_no_axe_violations, assert_page_basics


@pytest.fixture
def panel_round(make_user, make_round, make_panel, make_organisation, make_eligible_application):  # noqa: ANN001, ANN201
    """A round with a panel of two, one of whom has a register of interests, and three eligible
    EOIs: one assigned to each member (one with a declared conflict), one to nobody."""
    officer = make_user(roles={Role.OFFICER}, full_name="Olu Officer")
    rita = make_user(roles={Role.PANEL_MEMBER}, full_name="Rita Resident")
    vic = make_user(roles={Role.PANEL_MEMBER}, full_name="Vic Partner")
    round_ = make_round(title="Community grants 2027", reference_prefix="CIF-2027-")
    bare = make_round(title="Neighbourhood fund 2027")
    panel = make_panel(round_=round_, members=[rita, vic])
    groups = [make_organisation(name=name) for name in ("Sparkhill Food Bank", "Ladywood Elders", "Aston Boxing")]
    eois = [make_eligible_application(round_=round_, organisation=group) for group in groups]
    panels.add_interest(rita, groups[2], kind=InterestKind.TRUSTEE, note="Since 2019", by=rita)
    review = assignments.assign(eois[0], panel.members[0], by=officer)
    declared = assignments.assign(eois[1], panel.members[1], by=officer)
    panels.declare_conflict(declared, kind="personal", note="I know the chair.", by=vic)
    assignments.assign(eois[1], panel.members[0], by=officer)
    db.session.commit()
    return {"officer": officer, "rita": rita, "round": round_.id, "bare": bare.id, "review": review.id}


@pytest.fixture
def officer_page(page, panel_round, sign_in_page):  # noqa: ANN001, ANN201
    sign_in_page(page, panel_round["officer"])
    page.ids = panel_round
    return page


@pytest.fixture
def member_page(page, panel_round, sign_in_page):  # noqa: ANN001, ANN201
    sign_in_page(page, panel_round["rita"])
    page.ids = panel_round
    return page


OFFICER_PAGES = [
    pytest.param("/officers/rounds/{bare}/panel", id="no-panel-yet"),
    pytest.param("/officers/rounds/{round}/panel", id="panel"),
    pytest.param("/officers/rounds/{round}/panel/rules", id="rules"),
    pytest.param("/officers/rounds/{round}/panel/assignments", id="assignments"),
]


@pytest.mark.parametrize("path", OFFICER_PAGES)
def test_officer_panel_page_is_accessible(officer_page, path):
    officer_page.goto(path.format(**officer_page.ids))
    assert_page_basics(officer_page)
    assert_no_axe_violations(officer_page)


def test_errors_on_the_panel_pages_are_accessible(officer_page):
    page = officer_page
    page.goto(f"/officers/rounds/{page.ids['round']}/panel")
    page.get_by_label("Their e-mail address").fill("nobody@example.org")
    with page.expect_navigation():
        page.get_by_role("button", name="Add to the panel").click()
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    assert "Choose whether they are a resident or a voluntary-sector partner" in summary.inner_text()
    assert page.get_by_label("Their e-mail address").input_value() == "nobody@example.org"
    assert_no_axe_violations(page)
    page.get_by_label("Resident", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Add to the panel").click()
    assert "There is no account for this e-mail address" in page.locator(".govuk-error-summary").inner_text()
    assert page.get_by_label("Resident", exact=True).is_checked()
    assert_page_basics(page)
    assert_no_axe_violations(page)

    page.goto(f"/officers/rounds/{page.ids['round']}/panel/rules")
    page.get_by_label("Reviewers each EOI needs").fill("none")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the panel's rules").click()
    assert page.title().startswith("Error: ")
    assert_no_axe_violations(page)


def test_assigning_in_the_browser_and_its_errors_are_accessible(officer_page):
    page = officer_page
    page.goto(f"/officers/rounds/{page.ids['round']}/panel/assignments")
    assert page.get_by_text("3 EOIs have fewer than 3 reviewers without a conflict").is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Assign CIF-2027-0001").click()
    assert page.title().startswith("Error: ")
    page.locator(".govuk-error-summary").get_by_role("link").click()
    assert page.evaluate("document.activeElement.tagName") == "SELECT"
    assert_no_axe_violations(page)
    page.get_by_label("Panel member to score CIF-2027-0001").select_option(label="Vic Partner")
    with page.expect_navigation():
        page.get_by_role("button", name="Assign CIF-2027-0001").click()
    assert page.get_by_text("CIF-2027-0001 is assigned to Vic Partner.").is_visible()
    page.get_by_label("A number of members per EOI, sharing the work evenly").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Assign EOIs").click()
    assert page.title().startswith("Error: ")
    assert "Enter how many members should score each EOI" in page.locator(".govuk-error-summary").inner_text()
    assert_page_basics(page)
    assert_no_axe_violations(page)


def test_the_register_of_interests_is_accessible_with_a_search_and_an_error(member_page):
    page = member_page
    page.goto("/panel/interests")
    assert_page_basics(page)
    assert_no_axe_violations(page)
    page.get_by_label("Find the group: type part of its name").fill("lady")
    with page.expect_navigation():
        page.get_by_role("button", name="Find").click()
    assert "q=lady" in page.url
    assert_no_axe_violations(page)
    page.get_by_label("Which group?").select_option(label="Ladywood Elders")
    with page.expect_navigation():
        page.get_by_role("button", name="Add to my register").click()
    assert page.title().startswith("Error: ")
    assert page.get_by_label("Which group?").input_value() != ""
    assert_no_axe_violations(page)
    page.get_by_label("Volunteer").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Add to my register").click()
    assert page.get_by_text("Ladywood Elders is in your register.").is_visible()
    assert_page_basics(page)
    assert_no_axe_violations(page)


def test_the_conflict_page_is_accessible_with_an_error(member_page):
    page = member_page
    page.goto(f"/panel/reviews/{page.ids['review']}/conflict")
    assert_page_basics(page)
    assert_no_axe_violations(page)
    page.get_by_label("Yes, I have a conflict of interest").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    assert page.title().startswith("Error: ")
    assert "Choose what kind of conflict it is" in page.locator(".govuk-error-summary").inner_text()
    assert_page_basics(page)
    assert_no_axe_violations(page)
