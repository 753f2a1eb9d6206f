"""Officers' decisions: fund (up to the amount asked), do not fund (with feedback), reserve; a reason
always, and another when going against the ranking; finishing the panel's scoring of an EOI;
feedback pre-filled from the comments meant for the group; releasing the round's decisions, all
at once, with an e-mail to each group."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.domain.panel import CommentAudience
from portal.domain.workflow import ApplicationStatus, DecisionOutcome, RoundStatus
from portal.extensions import db as _db
from portal.models import AuditEvent, FundingDecision, Notification
from portal.services import ServiceError, decisions
from portal.services.decisions import DecisionProblem
from tests import factories
from tests.services.test_moderation import add_eoi, build_meeting, make_review

FUND, NOT, RESERVE = DecisionOutcome.FUND, DecisionOutcome.DO_NOT_FUND, DecisionOutcome.RESERVE


@pytest.fixture
def meeting(app):  # noqa: ANN001, ANN201
    """A (above the line) and C (below) scored; B still with the panel."""
    meeting = build_meeting()
    meeting.a.status = meeting.c.status = ApplicationStatus.SCORED
    _db.session.commit()
    return meeting


def decide(application, outcome, by, **fields):  # noqa: ANN001, ANN003, ANN201
    values = {
        "amount": None,
        "conditions": None,
        "feedback": None,
        "reason": "Meets the priorities.",
        "override_reason": None,
        **fields,
    }
    return decisions.record_decision(application, outcome=outcome, by=by, **values)


def _events(db, action: str) -> list[AuditEvent]:  # noqa: ANN001
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def test_funding_an_eoi_above_the_line_records_the_decision_and_its_place(db, meeting):
    decision = decide(meeting.a, FUND, meeting.officer, amount=Decimal("2500"), conditions="  Send receipts. ")
    db.session.commit()
    assert meeting.a.status == ApplicationStatus.DECIDED
    assert (decision.outcome, decision.amount, decision.conditions, decision.feedback) == (
        FUND,
        Decimal("2500.00"),
        "Send receipts.",
        None,
    )
    assert (decision.rank_at_decision, decision.within_budget_at_decision, decision.override_reason) == (1, True, None)
    assert (decision.decided_by, decision.reason) == (meeting.officer, "Meets the priorities.")
    [event] = _events(db, "decision.recorded")
    assert (event.object_id, event.before, event.after["outcome"], event.after["amount"]) == (
        meeting.a.id,
        None,
        "fund",
        "2500.00",
    )


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (None, "Enter the amount to fund"),
        (Decimal("0"), "The amount to fund must be more than £0"),
        (Decimal("3000.01"), r"cannot be more than the group asked for \(£3,000.00\)"),
    ],
)
def test_funding_needs_an_amount_up_to_what_was_asked(meeting, amount, message):
    with pytest.raises(DecisionProblem, match=message) as refused:
        decide(meeting.a, FUND, meeting.officer, amount=amount)
    assert refused.value.field == "amount"
    assert meeting.a.status == ApplicationStatus.SCORED


def test_funding_the_whole_amount_asked_is_allowed(db, meeting):
    assert decide(meeting.a, FUND, meeting.officer, amount=Decimal("3000")).amount == Decimal("3000.00")


def test_not_funding_needs_feedback_for_the_group(db, meeting):
    with pytest.raises(DecisionProblem, match="Write the feedback the group will be told") as refused:
        decide(meeting.c, NOT, meeting.officer, feedback="  ")
    assert refused.value.field == "feedback"
    decision = decide(meeting.c, NOT, meeting.officer, feedback="Line one\r\nLine two", amount=Decimal(5))
    assert (decision.feedback, decision.amount, decision.conditions) == ("Line one\nLine two", None, None)


def test_every_decision_needs_a_reason(meeting):
    with pytest.raises(DecisionProblem, match="Give the reason for this decision") as refused:
        decide(meeting.a, FUND, meeting.officer, amount=Decimal(100), reason=" ")
    assert refused.value.field == "reason"


@pytest.mark.parametrize(
    ("which", "outcome", "fields"),
    [
        ("c", FUND, {"amount": Decimal("1000")}),  # funding below the line
        ("a", NOT, {"feedback": "Sorry."}),  # not funding above it
        ("a", RESERVE, {}),  # reserving one above it
    ],
)
def test_going_against_the_ranking_needs_its_own_reason(db, meeting, which, outcome, fields):
    application = getattr(meeting, which)
    with pytest.raises(DecisionProblem, match="Say why this decision goes against the ranking") as refused:
        decide(application, outcome, meeting.officer, **fields)
    assert refused.value.field == "override_reason"
    decision = decide(application, outcome, meeting.officer, override_reason="Only group in Ladywood.", **fields)
    db.session.commit()
    assert decision.override_reason == "Only group in Ladywood."
    assert decision.within_budget_at_decision is (which == "a")
    [event] = _events(db, "decision.recorded")
    assert event.note == "Only group in Ladywood."


def test_an_override_reason_is_not_kept_when_the_decision_follows_the_ranking(db, meeting):
    decision = decide(meeting.c, NOT, meeting.officer, feedback="Sorry.", override_reason="Not needed")
    assert (decision.override_reason, decision.rank_at_decision, decision.within_budget_at_decision) == (None, 3, False)
    assert decide(meeting.a, FUND, meeting.officer, amount=Decimal(10)).override_reason is None


def test_an_eoi_still_with_the_panel_cannot_be_decided(meeting):
    with pytest.raises(DecisionProblem, match="The panel has not finished scoring this EOI"):
        decide(meeting.b, FUND, meeting.officer, amount=Decimal(100))


def test_an_eoi_not_scored_by_the_panel_cannot_be_decided(db, meeting):
    waiting = add_eoi(meeting)
    with pytest.raises(DecisionProblem, match="Only an EOI the panel has scored can be decided"):
        decide(waiting, FUND, meeting.officer, amount=Decimal(100))


def test_only_officers_decide(meeting):
    with pytest.raises(DecisionProblem, match="Only officers can record decisions."):
        decide(meeting.a, FUND, meeting.members[0].user, amount=Decimal(100))


def test_a_decision_changes_only_from_the_reserve_list(db, meeting):
    decide(meeting.a, FUND, meeting.officer, amount=Decimal(100))
    with pytest.raises(DecisionProblem, match="A decision has already been recorded"):
        decide(meeting.a, NOT, meeting.officer, feedback="Sorry.", override_reason="Changed our minds")

    decide(meeting.c, RESERVE, meeting.officer)
    with pytest.raises(DecisionProblem, match="This EOI is already on the reserve list"):
        decide(meeting.c, RESERVE, meeting.officer)
    changed = decide(meeting.c, FUND, meeting.officer, amount=Decimal(2000), override_reason="Money came back.")
    db.session.commit()
    assert (changed.outcome, changed.amount, meeting.c.status) == (FUND, Decimal("2000.00"), ApplicationStatus.DECIDED)
    assert db.session.scalar(select(FundingDecision).where(FundingDecision.application_id == meeting.c.id)) == changed
    [event] = _events(db, "decision.changed")
    assert (event.before["outcome"], event.after["outcome"], event.after["override_reason"]) == (
        "reserve",
        "fund",
        "Money came back.",
    )


# --- finishing the panel's scoring ----------------------------------------------------------------


def test_an_officer_finishes_scoring_with_the_reviews_submitted_so_far(db, meeting):
    decisions.finish_scoring(meeting.b, by=meeting.officer)
    db.session.commit()
    assert meeting.b.status == ApplicationStatus.SCORED
    [event] = _events(db, "application.scoring_finished")
    assert (event.before, event.after) == ({"status": "with_panel"}, {"status": "scored", "submitted_reviews": 2})
    with pytest.raises(ServiceError, match="The panel has already finished scoring this EOI"):
        decisions.finish_scoring(meeting.b, by=meeting.officer)


def test_finishing_scoring_needs_an_officer_and_a_submitted_review(db, meeting):
    with pytest.raises(ServiceError, match="You do not have permission to make this change."):
        decisions.finish_scoring(meeting.b, by=meeting.members[0].user)
    empty = add_eoi(meeting)
    make_review(empty, meeting.members[0])
    with pytest.raises(ServiceError, match="No panel member has submitted a review of this EOI yet"):
        decisions.finish_scoring(empty, by=meeting.officer)
    waiting = add_eoi(meeting)
    with pytest.raises(ServiceError, match="This EOI is not with the panel."):
        decisions.finish_scoring(waiting, by=meeting.officer)


# --- feedback pre-filled from the panel's comments -------------------------------------------------


def test_feedback_is_prefilled_from_submitted_comments_meant_for_the_group_only(db, meeting):
    d = add_eoi(meeting)
    first, second, third = d.round.criteria
    make_review(
        d,
        meeting.members[0],
        scores={
            first.id: (3, "Clear plan for the cafe.", CommentAudience.FEEDBACK),
            second.id: (2, "PANEL ONLY: the treasurer is my cousin's friend.", CommentAudience.PANEL_ONLY),
            third.id: (None, "", CommentAudience.FEEDBACK),
        },
        submit=True,
    )
    make_review(
        d,
        meeting.members[1],
        scores={
            first.id: (2, "Say more about who comes.", CommentAudience.FEEDBACK),
            second.id: (3, "Good links with the mosque.", CommentAudience.FEEDBACK),
        },
        submit=True,
    )
    make_review(
        d, meeting.members[2], scores={first.id: (1, "DRAFT: not sent yet.", CommentAudience.FEEDBACK)}
    )  # a draft
    assert decisions.feedback_prefill(d) == (
        "Criterion 1\n- Clear plan for the cafe.\n- Say more about who comes.\n\nCriterion 2\n- Good links with the mosque."
    )


def test_no_comments_means_no_prefill(meeting):
    assert decisions.feedback_prefill(add_eoi(meeting)) == ""


# --- releasing the decisions -------------------------------------------------------------------------


def _decide_all(db, meeting):  # noqa: ANN001, ANN202
    decisions.finish_scoring(meeting.b, by=meeting.officer)
    decide(meeting.a, FUND, meeting.officer, amount=Decimal(3000), conditions="Send receipts.")
    decide(meeting.b, RESERVE, meeting.officer)
    decide(meeting.c, NOT, meeting.officer, feedback="Tell us more about who will come.")
    db.session.commit()


def _link(application) -> str:  # noqa: ANN001
    return f"https://portal.example/applicant/applications/{application.id}/status"


def test_decisions_are_not_released_while_any_eoi_has_none(db, meeting):
    with pytest.raises(ServiceError, match="3 EOIs have no decision yet"):
        decisions.release_decisions(meeting.round, by=meeting.officer)
    decide(meeting.a, FUND, meeting.officer, amount=Decimal(3000))
    decide(meeting.c, NOT, meeting.officer, feedback="Sorry.")
    with pytest.raises(ServiceError, match="1 EOI has no decision yet"):
        decisions.release_decisions(meeting.round, by=meeting.officer)
    assert meeting.panel.decisions_released_at is None


def test_releasing_tells_every_group_moves_the_round_on_and_happens_once(db, meeting):
    _decide_all(db, meeting)
    applicants = {x.organisation.members[0].user.email: x for x in (meeting.a, meeting.b, meeting.c)}
    assert decisions.released_decision(meeting.a) is None
    released = decisions.release_decisions(meeting.round, by=meeting.officer, link_for=_link)
    db.session.commit()
    assert released == 3
    assert meeting.round.status == RoundStatus.DECIDED
    assert (
        meeting.panel.decisions_released_at is not None and meeting.panel.decisions_released_by_id == meeting.officer.id
    )
    mail = db.session.scalars(select(Notification).where(Notification.template == "decision_released")).all()
    assert {m.to_address for m in mail} == set(applicants)
    bodies = {m.to_address: m.body_text for m in mail}
    a_mail = bodies[meeting.a.organisation.members[0].user.email]
    assert "we will fund your project with £3,000" in a_mail and _link(meeting.a) in a_mail
    assert "reserve list" in bodies[meeting.b.organisation.members[0].user.email]
    c_mail = bodies[meeting.c.organisation.members[0].user.email]
    assert "we cannot fund your project this time" in c_mail and "Meets the priorities" not in c_mail
    [event] = _events(db, "decisions.released")
    assert (event.object_type, event.object_id, event.after["decisions"]) == ("rounds", meeting.round.id, 3)
    assert [e.after for e in _events(db, "round.status_changed")] == [{"status": "decided"}]
    assert decisions.released_decision(meeting.a).amount == Decimal("3000.00")

    with pytest.raises(ServiceError, match="The decisions for this round have already been released."):
        decisions.release_decisions(meeting.round, by=meeting.officer)


def test_a_round_not_yet_in_assessment_is_not_released(db, meeting):
    _decide_all(db, meeting)
    meeting.round.status = RoundStatus.CLOSED
    db.session.commit()
    with pytest.raises(ServiceError, match="Move the round to assessment first"):
        decisions.release_decisions(meeting.round, by=meeting.officer)


def test_a_round_already_marked_decided_can_still_be_released(db, meeting):
    _decide_all(db, meeting)
    meeting.round.status = RoundStatus.DECIDED
    db.session.commit()
    assert decisions.release_decisions(meeting.round, by=meeting.officer) == 3
    assert _events(db, "round.status_changed") == []


def test_releasing_needs_an_officer_a_panel_and_decisions(db, meeting, make_round):
    with pytest.raises(ServiceError, match="Only officers can release decisions."):
        decisions.release_decisions(meeting.round, by=meeting.members[0].user)
    bare = make_round(status=RoundStatus.IN_ASSESSMENT)
    with pytest.raises(ServiceError, match="This round has no panel"):
        decisions.release_decisions(bare, by=meeting.officer)
    factories.make_panel(round_=bare, members=1)
    with pytest.raises(ServiceError, match="No decisions have been recorded in this round yet."):
        decisions.release_decisions(bare, by=meeting.officer)


def test_the_group_sees_nothing_before_release(db, meeting):
    _decide_all(db, meeting)
    for application in (meeting.a, meeting.b, meeting.c):
        assert decisions.released_decision(application) is None


def test_a_decision_changed_from_the_reserve_list_after_release_is_emailed(db, meeting):
    _decide_all(db, meeting)
    decisions.release_decisions(meeting.round, by=meeting.officer)
    db.session.commit()
    decide(meeting.b, FUND, meeting.officer, amount=Decimal(1000), override_reason="Money left.", link="https://x/1")
    db.session.commit()
    to_b = [
        m
        for m in db.session.scalars(select(Notification).where(Notification.template == "decision_released"))
        if m.to_address == meeting.b.organisation.members[0].user.email
    ]
    assert len(to_b) == 2 and "we will fund your project with £1,000" in to_b[-1].body_text
    assert "https://x/1" in to_b[-1].body_text


def test_the_decisions_overview_totals_each_work_stream(db, meeting):
    _decide_all(db, meeting)
    overview = decisions.decisions_for(meeting.round)
    first, second = overview.streams
    assert (first.name, first.funded, first.remaining, len(first.decisions)) == (
        "Work stream 1",
        Decimal("3000.00"),
        Decimal("2000.00"),
        3,
    )
    assert first.counts == {FUND: 1, RESERVE: 1, NOT: 1}
    assert (second.name, second.decisions, overview.undecided, overview.total) == ("Work stream 2", [], 0, 3)
    assert overview.released_at is None and overview.has_panel
