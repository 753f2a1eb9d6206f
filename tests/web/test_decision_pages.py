"""Decision pages: the decision form (pre-filled, with a warning when going against the ranking),
finishing the panel's scoring, the round's decisions with totals against each budget, releasing
them to groups, what a group then sees, and the decision pack downloads."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from portal.domain.panel import CommentAudience
from portal.domain.roles import Role
from portal.domain.workflow import ApplicationStatus, DecisionOutcome, RoundStatus
from portal.extensions import db as _db
from portal.services import decisions
from tests.conftest import DEFAULT_PASSWORD
from tests.helpers import csrf_token_from, page_title, visible_text
from tests.services.test_decisions import decide
from tests.services.test_moderation import build_meeting


@pytest.fixture
def meeting(app):  # noqa: ANN001, ANN201
    """A (above the line) and C (below it) scored, B still with the panel; one of A's comments is
    for the panel only."""
    meeting = build_meeting()
    panel_only = meeting.reviews["a2"].scores[0]
    panel_only.comment, panel_only.audience = "PANEL ONLY: I know the treasurer.", CommentAudience.PANEL_ONLY
    meeting.a.status = meeting.c.status = ApplicationStatus.SCORED
    _db.session.commit()
    return meeting


@pytest.fixture
def officer(meeting, sign_in):  # noqa: ANN001, ANN201
    sign_in(meeting.officer)
    return meeting.officer


def _form(application) -> str:  # noqa: ANN001
    return f"/officers/applications/{application.id}/decision"


def _group_sees(app, application) -> str:  # noqa: ANN001
    """What a member of the group sees on its status page, signed in with their own browser."""
    other = app.test_client()
    other.submit("/sign-in", {"email": application.organisation.members[0].user.email, "password": DEFAULT_PASSWORD})
    return visible_text(other.get(f"/applicant/applications/{application.id}/status").data)


def test_the_form_is_prefilled_with_the_amount_asked_and_the_feedback_for_the_group(client, meeting, officer):
    html = client.get(_form(meeting.a)).data.decode()
    page = visible_text(html)
    assert page_title(html).startswith("Decision on CIF-2027-0001 – ")
    assert (
        "Asked for £3,000 Panel score 75.00 (mean of the reviews) Place in the ranking 1 of 3, above the budget line"
        in page
    )
    assert "This EOI is above the budget line. Not funding it" in page
    assert 'name="amount" type="text" value="3000"' in html
    assert "Criterion 1\n- Comment on Criterion 1\n- Comment on Criterion 1\n\nCriterion 2" in html
    assert "PANEL ONLY" not in html


def test_funding_below_the_line_without_saying_why_is_refused_keeping_what_was_typed(client, meeting, officer):
    response = client.submit(
        _form(meeting.c),
        {"outcome": "fund", "amount": "2000", "conditions": "Receipts please.", "reason": "Local need."},
    )
    html = response.data.decode()
    assert response.status_code == 200 and page_title(html).startswith("Error: Decision on CIF-2027-0003")
    assert "There is a problem Say why this decision goes against the ranking" in visible_text(html)
    assert 'href="#override_reason"' in html
    assert 'value="2000"' in html and "Receipts please.</textarea>" in html and "Local need.</textarea>" in html
    assert 'value="fund" checked' in html
    assert decisions.decision_on(meeting.c) is None


@pytest.mark.parametrize(
    ("data", "message", "field"),
    [
        ({"reason": "Why"}, "Choose a decision", "outcome"),
        ({"outcome": "fund", "amount": "", "reason": "Why"}, "Enter the amount to fund", "amount"),
        ({"outcome": "fund", "amount": "lots", "reason": "Why"}, "Enter an amount in pounds", "amount"),
        ({"outcome": "fund", "amount": "3500", "reason": "Why"}, "cannot be more than the group asked for", "amount"),
        (
            {"outcome": "do_not_fund", "feedback": " ", "reason": "Why", "override_reason": "x"},
            "Write the feedback",
            "feedback",
        ),
        ({"outcome": "fund", "amount": "100"}, "Give the reason for this decision", "reason"),
    ],
)
def test_decision_errors_are_shown_on_their_field(client, meeting, officer, data, message, field):
    response = client.submit(_form(meeting.a), data)
    html = response.data.decode()
    assert message in visible_text(html) and f'href="#{field}"' in html


def test_a_decision_is_saved_and_listed_with_the_budget_left(client, meeting, officer):
    response = client.submit(
        _form(meeting.a), {"outcome": "fund", "amount": "2500", "conditions": "Receipts.", "reason": "Top ranked."}
    )
    assert (
        response.status_code == 302 and response.headers["Location"] == f"/officers/rounds/{meeting.round.id}/decisions"
    )
    page = visible_text(client.get(response.headers["Location"]).data)
    assert "Decision saved for CIF-2027-0001. Groups see decisions once you release them." in page
    assert "Funded £2,500 of a budget of £5,000. £2,500 left." in page
    assert f"CIF-2027-0001 {meeting.a.organisation.name} Fund £2,500" in page
    assert ", Olu Officer Top ranked." in page
    assert "2 EOIs have no decision yet." in page
    recorded = visible_text(client.get(_form(meeting.a)).data)
    assert "Decision recorded Decision Fund: £2,500 Conditions Receipts." in recorded
    assert "Save the decision" not in recorded


def test_an_eoi_still_with_the_panel_offers_to_finish_scoring(client, meeting, officer):
    page = visible_text(client.get(_form(meeting.b)).data)
    assert "The panel has not finished scoring this EOI, so it cannot be decided yet." in page
    assert "Save the decision" not in page
    response = client.submit(f"/officers/applications/{meeting.b.id}/scoring-finished", {}, from_url=_form(meeting.b))
    assert response.headers["Location"] == _form(meeting.b)
    page = visible_text(client.get(_form(meeting.b)).data)
    assert "Scoring finished with the reviews submitted so far." in page and "Record the decision" in page
    _db.session.refresh(meeting.b)
    assert meeting.b.status == ApplicationStatus.SCORED
    again = client.submit(f"/officers/applications/{meeting.b.id}/scoring-finished", {}, from_url=_form(meeting.b))
    assert "The panel has already finished scoring this EOI" in visible_text(client.get(again.headers["Location"]).data)


def test_a_decision_from_the_reserve_list_can_be_changed(client, meeting, officer):
    client.submit(_form(meeting.c), {"outcome": "reserve", "reason": "Next in line."})
    page = visible_text(client.get(_form(meeting.c)).data)
    assert "Decision Reserve list" in page and "This EOI is on the reserve list: you can now fund it" in page
    client.submit(
        _form(meeting.c),
        {"outcome": "fund", "amount": "1000", "reason": "Money back.", "override_reason": "A withdrew."},
    )
    assert decisions.decision_on(meeting.c).outcome == DecisionOutcome.FUND


def test_a_post_without_a_csrf_token_keeps_what_was_typed(client, meeting, officer):
    response = client.post(_form(meeting.a), data={"outcome": "fund", "amount": "2000", "reason": "Typed with care."})
    html = response.data.decode()
    assert response.status_code == 200 and "This page was open for a long time" in visible_text(html)
    assert "Typed with care.</textarea>" in html and 'value="2000"' in html


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.PANEL_MEMBER])
def test_only_officers_reach_the_decision_pages(client, meeting, login_as, role):
    login_as(role)
    for url in (_form(meeting.a), f"/officers/rounds/{meeting.round.id}/decisions"):
        assert client.get(url).status_code == 403
    assert client.get(f"/officers/rounds/{meeting.round.id}/decision-pack.csv").status_code == 403
    token = csrf_token_from(client.get("/").data)
    assert (
        client.post(f"/officers/rounds/{meeting.round.id}/decisions/release", data={"csrf_token": token}).status_code
        == 403
    )


def test_unknown_eois_and_rounds_are_not_found(client, meeting, officer):
    assert client.get("/officers/applications/999999/decision").status_code == 404
    assert client.get("/officers/rounds/999999/decisions").status_code == 404


# --- releasing, and what the group sees ------------------------------------------------------------


def _release(client, meeting, confirm: bool = True):  # noqa: ANN001, ANN202
    url = f"/officers/rounds/{meeting.round.id}/decisions"
    return client.submit(f"{url}/release", {"confirm": "y"} if confirm else {}, from_url=url)


def test_release_needs_a_confirmation_and_every_eoi_decided(client, meeting, officer):
    response = _release(client, meeting, confirm=False)
    assert "There is a problem Confirm that you have checked every decision" in visible_text(response.data)
    response = _release(client, meeting)
    assert response.status_code == 200 and page_title(response.data).startswith("Error: Decisions")
    assert "There is a problem 3 EOIs have no decision yet" in visible_text(response.data)


def test_releasing_tells_each_group_which_then_sees_its_decision(app, client, meeting, officer, outbox):
    decisions.finish_scoring(meeting.b, by=meeting.officer)
    decide(
        meeting.a,
        DecisionOutcome.FUND,
        meeting.officer,
        amount=Decimal(3000),
        conditions="Send receipts.\n\nThank the volunteers.",
    )
    decide(meeting.b, DecisionOutcome.RESERVE, meeting.officer, override_reason="Budget.")
    decide(meeting.c, DecisionOutcome.DO_NOT_FUND, meeting.officer, feedback="Tell us who will come.")
    _db.session.commit()
    before = _group_sees(app, meeting.a)
    assert "With the panel Now" in before and "The decision" not in before and "£3,000." not in before

    response = _release(client, meeting)
    assert response.status_code == 302
    page = visible_text(client.get(response.headers["Location"]).data)
    assert "3 decisions released. Each group has been e-mailed and can see its decision." in page
    assert "Decisions released to groups on" in page and "Release the decisions to groups" not in page
    mail = [m for m in outbox if m["template"] == "decision_released"]
    assert len(mail) == 3
    to_a = next(m for m in mail if m["to"] == meeting.a.organisation.members[0].user.email)
    assert f"http://localhost/applicant/applications/{meeting.a.id}/status" in to_a["body"]
    assert (
        f"accept it or turn it down online:\nhttp://localhost/applicant/applications/{meeting.a.id}/offer"
        in (to_a["body"])
    )
    to_c = next(m for m in mail if m["to"] == meeting.c.organisation.members[0].user.email)
    assert "/offer" not in to_c["body"]  # not funded: no offer
    _db.session.refresh(meeting.round)
    assert meeting.round.status == RoundStatus.DECIDED

    funded = _group_sees(app, meeting.a)
    assert "Decision Now" in funded
    assert "The decision Funded Good news: we will fund your project with £3,000." in funded
    assert "Conditions of the grant Send receipts. Thank the volunteers." in funded
    assert "Meets the priorities" not in funded  # the officer's reason stays inside the council
    reserve = _group_sees(app, meeting.b)
    assert "Reserve list Your application is on the reserve list." in reserve
    refused = _group_sees(app, meeting.c)
    assert "Not funded We are sorry, but we cannot fund your project this time." in refused
    assert "Feedback from the panel Tell us who will come." in refused
    for text in (funded, reserve, refused):
        assert "PANEL ONLY" not in text and "Comment on Criterion" not in text and "75.00" not in text

    again = _release(client, meeting)
    assert "There is a problem The decisions for this round have already been released." in visible_text(again.data)
    assert len([m for m in outbox if m["template"] == "decision_released"]) == 3


# --- the decision pack -------------------------------------------------------------------------------


def test_the_decision_pack_downloads(client, meeting, officer):
    base = f"/officers/rounds/{meeting.round.id}/decision-pack"
    eois = client.get(f"{base}.csv")
    assert eois.mimetype == "text/csv"
    assert eois.headers["Content-Disposition"] == 'attachment; filename="CIF-2027-decision-pack-eois.csv"'
    assert eois.headers["Cache-Control"] == "private, no-store"
    assert eois.data.decode("utf-8-sig").startswith("reference,organisation,work_stream")
    scores = client.get(f"{base}.csv?sheet=scores").data.decode("utf-8-sig")
    assert scores.startswith("reference,member,criterion") and "PANEL ONLY: I know the treasurer." in scores
    assert client.get(f"{base}.csv?sheet=passwords").status_code == 404
    book = load_workbook(io.BytesIO(client.get(f"{base}.xlsx").data))
    assert book.sheetnames == ["EOIs", "Scores", "Conflicts declared", "Decisions"]
    pdf = client.get(f"{base}.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert client.get(f"{base}.doc").status_code == 404
    page = client.get(f"/officers/rounds/{meeting.round.id}/decisions").data.decode()
    assert f'href="{base}.xlsx"' in page and f'href="{base}.csv?sheet=conflicts"' in page


def test_the_officers_view_of_an_eoi_with_the_panel_leads_to_its_reviews_and_decision(client, officer, meeting):
    html = client.get(f"/officers/applications/{meeting.a.id}").data.decode()
    assert f'href="/officers/applications/{meeting.a.id}/moderation"' in html
    assert f'href="/officers/applications/{meeting.a.id}/decision"' in html
    assert "The panel's reviews and scores Decision" in visible_text(html)
