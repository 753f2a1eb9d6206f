"""Two people (or two tabs, or a double click) acting on the same record: each case is resolved
explicitly — one wins, the other is told in plain English — and nothing is silently overwritten.
Runs on SQLite and PostgreSQL (CI runs tests/web on both)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.domain.roles import Role
from portal.domain.workflow import ApplicationStatus, AwardStatus, DecisionOutcome, ReturnStatus
from portal.extensions import db as _db
from portal.models import Application, ApplicationVersion, AuditEvent, FundingDecision, OutputReturn, ReturnVersion
from portal.services import returns
from tests import factories
from tests.conftest import DEFAULT_PASSWORD
from tests.helpers import csrf_token_from, visible_text
from tests.services.test_moderation import build_meeting
from tests.web.test_application_journey import fill_every_section

CONFLICT = "Another officer recorded a decision on this EOI while you had this page open."


def _version(html: bytes) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', html.decode()).group(1)


def _events(action: str) -> int:
    return _db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


@pytest.fixture
def meeting(app):  # noqa: ANN001, ANN201
    meeting = build_meeting()
    meeting.a.status = meeting.c.status = ApplicationStatus.SCORED
    _db.session.commit()
    return meeting


@pytest.fixture
def two_officers(app, client, meeting):  # noqa: ANN001, ANN201
    """Two officers, each signed in with their own browser."""
    second = factories.make_user(roles={Role.OFFICER}, full_name="Sam Second", email="sam.second@council.example")
    other = app.test_client()
    for browser, user in ((client, meeting.officer), (other, second)):
        assert browser.submit("/sign-in", {"email": user.email, "password": DEFAULT_PASSWORD}).status_code == 302
    return client, other


def _load(browser, application) -> tuple[str, bytes]:  # noqa: ANN001
    url = f"/officers/applications/{application.id}/decision"
    page = browser.get(url)
    assert "Save the decision" in visible_text(page.data)
    return url, page.data


def _post(browser, url: str, page: bytes, **data: str):  # noqa: ANN001, ANN202
    return browser.post(url, data={"csrf_token": csrf_token_from(page), "version": _version(page), **data})


def test_two_officers_deciding_the_same_eoi_the_second_is_told_and_nothing_is_overwritten(two_officers, meeting):
    first, second = two_officers
    url, first_page = _load(first, meeting.a)
    _, second_page = _load(second, meeting.a)

    won = _post(first, url, first_page, outcome="fund", amount="2500", reason="Top ranked.")
    assert won.status_code == 302
    lost = _post(second, url, second_page, outcome="do_not_fund", feedback="Not this time.", reason="Second thoughts.")
    text = visible_text(lost.data)
    assert lost.status_code == 200
    assert CONFLICT in text and "Yours has not been saved." in text
    assert "There is a problem" in text
    assert "Decision Fund: £2,500" in text and "Top ranked." in text  # the first decision, shown
    assert "What you entered (not saved) Do not fund" in text and "Second thoughts." in text

    decision = _db.session.scalar(select(FundingDecision).where(FundingDecision.application_id == meeting.a.id))
    assert (decision.outcome, decision.amount, decision.reason) == (DecisionOutcome.FUND, 2500, "Top ranked.")
    assert decision.decided_by_id == meeting.officer.id
    assert _events("decision.recorded") == 1 and _events("decision.changed") == 0


def test_two_officers_changing_a_reserve_decision_the_second_is_told(two_officers, meeting):
    first, second = two_officers
    url, page = _load(first, meeting.c)
    assert _post(first, url, page, outcome="reserve", reason="Next in line.").status_code == 302
    _, first_page = _load(first, meeting.c)
    _, second_page = _load(second, meeting.c)

    fund = {"outcome": "fund", "amount": "1000", "reason": "Money back.", "override_reason": "A withdrew."}
    assert _post(first, url, first_page, **fund).status_code == 302
    lost = _post(second, url, second_page, outcome="do_not_fund", feedback="Sorry.", reason="Budget gone.")
    assert CONFLICT in visible_text(lost.data)
    decision = _db.session.scalar(select(FundingDecision).where(FundingDecision.application_id == meeting.c.id))
    assert decision.outcome == DecisionOutcome.FUND and decision.reason == "Money back."
    assert _events("decision.changed") == 1


def test_a_decision_after_seeing_the_conflict_is_a_deliberate_change(two_officers, meeting):
    first, second = two_officers
    url, page = _load(first, meeting.c)
    _, second_page = _load(second, meeting.c)
    assert _post(first, url, page, outcome="reserve", reason="Next in line.").status_code == 302
    lost = _post(second, url, second_page, outcome="reserve", reason="Also reserve.")
    assert CONFLICT in visible_text(lost.data)
    # The page now offers the reserve-list change, based on the new version: saving again is allowed.
    fund = {"outcome": "fund", "amount": "1000", "reason": "Money back.", "override_reason": "A withdrew."}
    assert _post(second, url, lost.data, **fund).status_code == 302
    decision = _db.session.scalar(select(FundingDecision).where(FundingDecision.application_id == meeting.c.id))
    assert decision.outcome == DecisionOutcome.FUND


def test_a_double_submit_of_an_eoi_makes_one_submission_one_receipt_and_one_audit_event(
    client, db, outbox, applicant_with_group
):
    _, group, round_ = applicant_with_group
    base = client.submit(f"/applicant/rounds/{round_.id}/start", {"organisation": str(group.id)}).headers["Location"]
    fill_every_section(client, db, base, round_)
    token = csrf_token_from(client.get(f"{base}/check").data)
    sent_before = len(outbox)
    first = client.post(f"{base}/send", data={"csrf_token": token})
    second = client.post(f"{base}/send", data={"csrf_token": token})  # a double click or a retry
    assert first.headers["Location"] == second.headers["Location"] == f"{base}/sent"
    assert "CIF-2027-0001" in visible_text(client.get(second.headers["Location"]).data)
    assert db.session.scalar(select(func.count(ApplicationVersion.id))) == 1
    assert len(outbox) - sent_before == 1
    assert _events("application.submitted") == 1
    assert db.session.scalar(select(Application.status)) == ApplicationStatus.SUBMITTED


@pytest.fixture
def award(make_award):  # noqa: ANN001, ANN201
    award = make_award(status=AwardStatus.ACCEPTED)
    returns.create_for_award(award, by=None)
    _db.session.commit()
    return award


def test_a_double_submit_of_a_return_sends_it_once(client, award, sign_in):
    from tests.web.test_return_pages import filled, first_return

    sign_in(award.application.organisation.members[0].user)
    output_return = first_return(award)
    url = f"/applicant/returns/{output_return.id}"
    page = client.get(url)
    data = {"csrf_token": csrf_token_from(page.data), **filled(output_return), "confirm": "y", "send": "1"}
    first = client.post(url, data=data)
    second = client.post(url, data=data)  # the same form, posted twice
    assert first.status_code == 302
    assert second.status_code == 200  # the second post shows the sent return, read-only
    assert "This is what was sent: it can no longer be changed." in visible_text(second.data)
    stored = _db.session.get(OutputReturn, output_return.id)
    assert stored.status == ReturnStatus.SUBMITTED
    assert _db.session.scalar(select(func.count(ReturnVersion.id))) == 1
    assert _events("return.submitted") == 1
