"""The offer, decline and bank details pages, and the officers' acceptances and bank details pages,
pass axe (WCAG 2.2 A and AA) and have the basics right: before and after acceptance, with errors
shown, and with the bank details masked."""

from __future__ import annotations

import pytest

from portal.domain.roles import Role
from portal.extensions import db
from portal.models import AwardCondition
from tests.browser.axe import assert_no_axe_violations, assert_page_basics


@pytest.fixture
def offer_page(page, make_user, make_organisation, make_application, make_award, sign_in_page):  # noqa: ANN001, ANN201
    member = make_user(roles={Role.APPLICANT}, full_name="Amina Khan")
    group = make_organisation(members=[member], name="Sparkhill Women's Circle")
    award = make_award(application=make_application(organisation=group, applicant=member, submit=True))
    award.conditions.append(
        AwardCondition(title="Real Living Wage", body="Pay staff the Real Living Wage.", position=1)
    )
    db.session.commit()
    sign_in_page(page, member)
    page.base = f"/applicant/applications/{award.application_id}"
    page.award = award
    return page


def check(page) -> None:  # noqa: ANN001
    assert_page_basics(page)
    assert_no_axe_violations(page)


def accept_in_browser(page) -> None:  # noqa: ANN001
    page.goto(page.base + "/offer")
    page.get_by_label("Your full name").fill("Amina Khan")
    page.get_by_label("Your role in the group").fill("Treasurer")
    page.get_by_label("I agree to: Safeguarding").check()
    page.get_by_label("I agree to: Real Living Wage").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Accept the offer").click()


def test_the_offer_page_before_and_after_acceptance(offer_page):
    page = offer_page
    page.goto(page.base + "/offer")
    check(page)
    # A missing tick: the error summary and the field's error.
    page.get_by_label("Your full name").fill("Amina Khan")
    page.get_by_label("Your role in the group").fill("Treasurer")
    page.get_by_label("I agree to: Safeguarding").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Accept the offer").click()
    assert page.title().startswith("Error: ")
    assert "Not ticked: Real Living Wage" in page.locator(".govuk-error-summary").inner_text()
    assert page.get_by_label("Your full name").input_value() == "Amina Khan"
    check(page)
    accept_in_browser(page)
    assert page.url.endswith("/bank-details")
    page.goto(page.base + "/offer")
    assert page.get_by_text("You accepted this offer on").is_visible()
    check(page)


def test_the_decline_page(offer_page):
    page = offer_page
    page.goto(page.base + "/offer")
    with page.expect_navigation():
        page.get_by_role("link", name="Decline the offer").click()
    check(page)


def test_the_bank_details_page_empty_with_errors_and_masked(offer_page):
    page = offer_page
    accept_in_browser(page)
    check(page)
    page.get_by_label("Sort code").fill("12-34")
    page.get_by_label("Account number").fill("123")
    with page.expect_navigation():
        page.get_by_role("button", name="Save bank details").click()
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter the name on the account" in summary and "Enter a valid sort code like 309430" in summary
    check(page)
    page.get_by_label("Name on the account").fill("Sparkhill Women's Circle")
    page.get_by_label("Sort code").fill("20 00 00")
    page.get_by_label("Account number").fill("55443345")
    with page.expect_navigation():
        page.get_by_role("button", name="Save bank details").click()
    assert page.get_by_text("****45").is_visible()
    assert "55443345" not in page.content()
    check(page)


@pytest.fixture
def officer_page(offer_page, new_context, make_user, sign_in_page):  # noqa: ANN001, ANN201
    accept_in_browser(offer_page)
    offer_page.get_by_label("Name on the account").fill("Sparkhill Women's Circle")
    offer_page.get_by_label("Sort code").fill("200000")
    offer_page.get_by_label("Account number").fill("55443345")
    with offer_page.expect_navigation():
        offer_page.get_by_role("button", name="Save bank details").click()
    officer = make_user(roles={Role.OFFICER}, full_name="Olu Officer")
    page = new_context().new_page()
    sign_in_page(page, officer)
    page.award = offer_page.award
    return page


def test_the_officers_acceptances_page_and_a_reminder(officer_page, make_award, make_application):
    page = officer_page
    round_ = page.award.application.round
    make_award(application=make_application(round_=round_, submit=True))
    page.goto(f"/officers/rounds/{round_.id}/acceptances")
    check(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Remind").click()
    assert page.get_by_text("Reminder sent to everyone in").is_visible()
    check(page)


def test_the_officers_bank_details_page(officer_page):
    page = officer_page
    page.goto(f"/officers/awards/{page.award.id}/bank-details")
    assert page.get_by_text("55443345").is_visible()
    check(page)
