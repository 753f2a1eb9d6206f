"""The officers' intake pages pass axe (WCAG 2.2 A and AA) and have the basics right, with filters
applied and with errors shown."""

from __future__ import annotations

import pytest

from portal.domain.applications import Channel
from portal.domain.roles import Role
from portal.extensions import db
from portal.models import Locality
from portal.services import screening
from tests.browser.axe import assert_no_axe_violations, assert_page_basics


@pytest.fixture
def officer_page(page, make_user, make_round, make_organisation, make_application, sign_in_page):  # noqa: ANN001, ANN201
    officer = make_user(roles={Role.OFFICER}, full_name="Olu Officer")
    db.session.add(Locality(name="Hall Green"))
    db.session.commit()
    round_ = make_round(reference_prefix="CIF-2027-")
    member = make_user(roles={Role.APPLICANT})
    group = make_organisation(members=[member], name="Sparkhill Women's Circle")
    sent = make_application(round_=round_, organisation=group, applicant=member, submit=True)
    assisted = make_application(round_=round_, submit=True)
    assisted.channel, assisted.entered_by, assisted.consent_note = Channel.PHONE, officer, "Agreed by phone."
    screening.send_message(sent, "Please send your safeguarding policy.", by=officer)
    make_application(round_=round_)  # a draft
    db.session.commit()
    sign_in_page(page, officer)
    page.ids = {
        "round": round_.id,
        "sent": sent.id,
        "assisted": assisted.id,
        "org": group.id,
        "stream": round_.work_streams[0].id,
    }
    return page


PAGES = [
    pytest.param("/officers/rounds/{round}/applications", id="list"),
    pytest.param("/officers/rounds/{round}/applications?status=submitted&work_stream={stream}&q=cif", id="filtered"),
    pytest.param("/officers/rounds/{round}/applications?assisted=yes&q=nothing-matches", id="no-match"),
    pytest.param("/officers/applications/{sent}", id="application"),
    pytest.param("/officers/applications/{assisted}", id="assisted-application"),
    pytest.param("/officers/rounds/{round}/organisations/{org}/extension", id="extension"),
    pytest.param("/officers/rounds/{round}/assisted", id="assisted-start"),
    pytest.param("/officers/rounds/{round}/assisted?q=spark", id="assisted-search"),
]


@pytest.mark.parametrize("path", PAGES)
def test_intake_page_is_accessible(officer_page, path):
    officer_page.goto(path.format(**officer_page.ids))
    assert_page_basics(officer_page)
    assert_no_axe_violations(officer_page)


def test_the_filters_work_in_the_browser(officer_page):
    page = officer_page
    page.goto(f"/officers/rounds/{page.ids['round']}/applications")
    page.get_by_label("How it was sent").select_option("yes")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    assert "assisted=yes" in page.url
    assert page.get_by_text("Showing 1 to 1 of 1 applications").is_visible()
    assert page.get_by_label("How it was sent").input_value() == "yes"
    assert_no_axe_violations(page)


def test_a_screening_error_is_accessible(officer_page):
    page = officer_page
    page.goto(f"/officers/applications/{page.ids['sent']}")
    page.get_by_label("No, it is not eligible").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save the check").click()
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    assert "Give the reason the group will be told" in summary.inner_text()
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "reason"
    assert_page_basics(page)
    assert_no_axe_violations(page)


def test_extension_and_assisted_start_errors_are_accessible(officer_page):
    page = officer_page
    page.goto(f"/officers/rounds/{page.ids['round']}/organisations/{page.ids['org']}/extension")
    with page.expect_navigation():
        page.get_by_role("button", name="Give more time").click()
    assert page.title().startswith("Error: ")
    assert_no_axe_violations(page)
    page.goto(f"/officers/rounds/{page.ids['round']}/assisted")
    with page.expect_navigation():
        page.get_by_role("button", name="Start the application").click()
    assert page.title().startswith("Error: ")
    assert "Record who in the group agreed, and when" in page.locator(".govuk-error-summary").inner_text()
    assert_no_axe_violations(page)
