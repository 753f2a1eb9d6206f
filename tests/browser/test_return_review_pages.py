"""The officers' return pages pass axe (WCAG 2.2 A and AA) and have the basics right: the list (with
late returns, filtered, and matching nothing) and one return sent, queried, accepted, entered by an
officer, and with a story whose consent was withdrawn; the query form with its error."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from portal.domain.applications import Channel
from portal.domain.returns import Consent
from portal.domain.roles import Role
from portal.domain.workflow import AwardStatus, ReturnStatus
from portal.extensions import db
from portal.models import ReturnMessage
from tests.browser.axe import assert_no_axe_violations, assert_page_basics


@pytest.fixture
def officer_page(page, make_user, make_award, make_application, make_return, sign_in_page):  # noqa: ANN001, ANN201
    officer = make_user(roles={Role.OFFICER}, full_name="Olu Officer")
    first = make_award(status=AwardStatus.ACCEPTED)
    round_ = first.application.round
    second = make_award(application=make_application(round_=round_, submit=True), status=AwardStatus.ACCEPTED)
    numeric = next(t.measure for t in first.targets if t.quantity is not None)
    words = next(t.measure for t in first.targets if t.quantity is None)
    sent = make_return(
        award=first,
        status=ReturnStatus.SUBMITTED,
        figures={numeric.id: 12, words.id: "Three stories recorded"},
        spend_to_date=Decimal("1200"),
        went_well="The cafe filled up every week.",
        stories=[
            {"title": "Finding friends", "body": "I met people.", "consent": Consent.PUBLIC_NAMED, "teller_name": "Rosa"},
            {"title": "A hard winter", "body": "It was hard.", "consent": Consent.PUBLIC_ANONYMOUS,
             "consent_withdrawn_at": datetime.now(UTC)},
        ],
    )  # fmt: skip
    queried = make_return(award=second, status=ReturnStatus.QUERIED, figures={numeric.id: 3})
    db.session.add(ReturnMessage(output_return=queried, author_id=officer.id, from_officer=True, body="Why so few?"))
    accepted = make_return(award=first, period=2, status=ReturnStatus.ACCEPTED, figures={numeric.id: 20})
    accepted.accepted_at, accepted.accepted_by_id = datetime.now(UTC), officer.id
    late = make_return(award=second, period=2, due_on=datetime.now(UTC).date() - timedelta(days=5))
    late.channel, late.entered_by_id, late.consent_note = Channel.PHONE, officer.id, "Agreed by phone."
    db.session.commit()
    sign_in_page(page, officer)
    page.ids = {
        "round": round_.id,
        "sent": sent.id,
        "queried": queried.id,
        "accepted": accepted.id,
        "late": late.id,
    }
    return page


PAGES = [
    pytest.param("/officers/rounds/{round}/returns", id="list"),
    pytest.param("/officers/rounds/{round}/returns?late=y", id="late-only"),
    pytest.param("/officers/rounds/{round}/returns?status=accepted&late=y", id="no-match"),
    pytest.param("/officers/returns/{sent}", id="sent-with-withdrawn-story"),
    pytest.param("/officers/returns/{queried}", id="queried"),
    pytest.param("/officers/returns/{accepted}", id="accepted"),
    pytest.param("/officers/returns/{late}", id="late-assisted"),
]


def check(page) -> None:  # noqa: ANN001
    assert_page_basics(page)
    assert_no_axe_violations(page)


@pytest.mark.parametrize("path", PAGES)
def test_return_page_is_accessible(officer_page, path):
    officer_page.goto(path.format(**officer_page.ids))
    check(officer_page)


def test_filtering_for_late_returns_in_the_browser(officer_page):
    page = officer_page
    page.goto("/officers/rounds/{round}/returns".format(**page.ids))
    assert "1 return is late." in page.locator("#late-count").inner_text()
    page.get_by_label("Only late returns").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    assert "late=y" in page.url
    assert page.locator("#returns tbody tr").count() == 1
    check(page)


def test_querying_with_an_error_in_the_browser(officer_page):
    page = officer_page
    page.goto("/officers/returns/{sent}".format(**page.ids))
    with page.expect_navigation():
        page.get_by_role("button", name="Ask the group about this return").click()
    assert page.title().startswith("Error: ")
    assert "Write your question for the group" in page.locator(".govuk-error-summary").inner_text()
    check(page)
    page.get_by_label("Your question for the group").fill("Is the spend right?")
    with page.expect_navigation():
        page.get_by_role("button", name="Ask the group about this return").click()
    assert page.get_by_text("Your question has been sent.").is_visible()
    check(page)
    page.goto("/officers/returns/{late}".format(**page.ids))
    assert page.get_by_role("button", name="Accept this return").count() == 0
