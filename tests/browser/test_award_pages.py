"""The officers' award pages pass axe (WCAG 2.2 A and AA) and have the basics right: the round's
awards, one award (an offer, an accepted award with its returns, and a withdrawn one), each form
that changes its terms, and each of those forms showing its errors."""

from __future__ import annotations

from datetime import date

import pytest

from portal.domain.awards import LetterKind
from portal.domain.roles import Role
from portal.domain.workflow import AwardStatus, ReturnStatus
from portal.extensions import db
from portal.models import BankDetails, Letter
from tests import factories
from tests.browser.axe import assert_no_axe_violations, assert_page_basics


@pytest.fixture
def officer_page(page, app, sign_in_page):  # noqa: ANN001, ANN201
    officer = factories.make_user(roles={Role.OFFICER}, full_name="Olu Officer")
    offer = factories.make_award(amount="3000")
    round_ = offer.application.round
    accepted = factories.make_award(
        application=factories.make_application(round_=round_, submit=True),
        amount="2500",
        status=AwardStatus.ACCEPTED,
        accepted_on=date(2027, 3, 2),
        accepted_name="Amina Khan",
        accepted_role="Treasurer",
    )
    withdrawn = factories.make_award(
        application=factories.make_application(round_=round_, submit=True),
        amount="1000",
        status=AwardStatus.WITHDRAWN,
        withdrawn_reason="The group closed.",
    )
    factories.make_return(award=accepted, period=1, status=ReturnStatus.SUBMITTED)
    factories.make_return(award=accepted, period=2)
    db.session.add(
        BankDetails(award_id=accepted.id, account_name="Circle", sort_code="309430", account_number="00733445")
    )
    db.session.add(
        Letter(
            application_id=accepted.application_id,
            award_id=accepted.id,
            kind=LetterKind.AWARD,
            version=1,
            template_name="pdf/award_letter.html",
            context={},
            storage_key="k1",
            sha256="0" * 64,
            size=1,
        )
    )
    db.session.commit()
    sign_in_page(page, officer)
    page.ids = {"round": round_.id, "offer": offer.id, "accepted": accepted.id, "withdrawn": withdrawn.id}
    return page


PAGES = [
    pytest.param("/officers/rounds/{round}/awards", id="list"),
    pytest.param("/officers/awards/{offer}", id="offer"),
    pytest.param("/officers/awards/{accepted}", id="accepted"),
    pytest.param("/officers/awards/{withdrawn}", id="withdrawn"),
    pytest.param("/officers/awards/{offer}/terms", id="terms-form"),
    pytest.param("/officers/awards/{offer}/conditions", id="conditions-form"),
    pytest.param("/officers/awards/{offer}/payments", id="payments-form"),
    pytest.param("/officers/awards/{offer}/targets", id="targets-form"),
    pytest.param("/officers/awards/{offer}/returns", id="returns-form"),
]


@pytest.mark.parametrize("path", PAGES)
def test_award_page_is_accessible(officer_page, path):
    officer_page.goto(path.format(**officer_page.ids))
    assert_page_basics(officer_page)
    assert_no_axe_violations(officer_page)


def _save(page, button: str) -> None:  # noqa: ANN001
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def _check_errors(page, message: str, focus: str) -> None:  # noqa: ANN001
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    assert message in summary.inner_text()
    summary.get_by_role("link", name=message).first.click()
    assert page.evaluate("document.activeElement.id") == focus
    assert_page_basics(page)
    assert_no_axe_violations(page)


def test_the_terms_form_with_errors_is_accessible(officer_page):
    page = officer_page
    page.goto(f"/officers/awards/{page.ids['offer']}/terms")
    page.get_by_label("Amount of the award").fill("3500")
    _save(page, "Save the amount and dates")
    _check_errors(page, "The award cannot be more than the group asked for", "amount")
    assert page.get_by_label("Amount of the award").input_value() == "3500"


def test_the_conditions_form_with_errors_is_accessible(officer_page):
    page = officer_page
    page.goto(f"/officers/awards/{page.ids['offer']}/conditions")
    page.get_by_label("Title of condition 2").fill("Receipts")
    _save(page, "Save the conditions")
    _check_errors(page, "Write out what the group must do", "rows-1-body")
    assert page.get_by_label("Title of condition 2").input_value() == "Receipts"


def test_the_payments_form_with_errors_is_accessible(officer_page):
    page = officer_page
    page.goto(f"/officers/awards/{page.ids['offer']}/payments")
    page.get_by_label("Or payment 1 as a percentage of the award").fill("60")
    page.get_by_label("When payment 2 is paid").select_option("on_date")
    page.get_by_label("Amount of payment 2").fill("1200")
    _save(page, "Save the payments")
    assert "The payments must add up" not in page.locator(".govuk-error-summary").inner_text()
    _check_errors(page, "Enter the date of this payment", "rows-1-due_on-day")
    page.locator("#rows-1-due_on-day").fill("1")
    page.locator("#rows-1-due_on-month").fill("9")
    page.locator("#rows-1-due_on-year").fill("2027")
    page.get_by_label("Amount of payment 2").fill("1000")
    _save(page, "Save the payments")
    _check_errors(page, "The payments must add up to the award of £3,000.00", "rows-0-amount")


def test_the_targets_form_with_errors_is_accessible(officer_page):
    page = officer_page
    page.goto(f"/officers/awards/{page.ids['offer']}/targets")
    page.get_by_label("People involved in stream 1").fill("lots")
    _save(page, "Save the targets")
    _check_errors(
        page, "Enter a whole number, like 25", page.get_by_label("People involved in stream 1").get_attribute("id")
    )


def test_the_returns_form_with_errors_is_accessible(officer_page):
    page = officer_page
    page.goto(f"/officers/awards/{page.ids['offer']}/returns")
    page.get_by_label("Which return is return 2").select_option("midpoint")
    _save(page, "Save the return dates")
    _check_errors(page, "Make one of the returns the final return", "rows-0-kind")


def test_withdrawing_without_a_reason_is_accessible(officer_page):
    page = officer_page
    page.goto(f"/officers/awards/{page.ids['offer']}")
    _save(page, "Withdraw this award")
    _check_errors(page, "Give the reason for withdrawing this award", "reason")


def test_a_saved_change_shows_on_the_award_page(officer_page):
    page = officer_page
    page.goto(f"/officers/awards/{page.ids['offer']}")
    page.get_by_role("link", name="Change the amount").click()
    page.get_by_label("Amount of the award").fill("2750")
    _save(page, "Save the amount and dates")
    assert page.url.endswith(f"/officers/awards/{page.ids['offer']}")
    assert "The amount and dates are saved." in page.inner_text("main")
    assert "£2,750" in page.inner_text("main")
    assert_no_axe_violations(page)
