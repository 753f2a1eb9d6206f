"""Real concurrency: two officers, each in their own thread with their own app context, session and
database connection, decide the same EOI at the same moment. Exactly one wins; the other gets
DecisionConflict; one decision row and one audit event are stored. On PostgreSQL the loser's
UPDATE waits for the winner's commit and then matches no row (lock_version moved on); SQLite
serialises the two writers, and the loser's UPDATE matches no row in the same way."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from portal.domain.roles import Role
from portal.domain.workflow import ApplicationStatus, DecisionOutcome
from portal.extensions import db
from portal.models import Application, AuditEvent, FundingDecision, User
from portal.services import decisions
from tests import factories
from tests.services.test_moderation import build_meeting


def _decide_at_once(app, application_id: int, deciders: list[tuple[int, dict]], *, in_turn: bool = False) -> list[str]:  # noqa: ANN001, E501
    """Each (officer id, decision) in its own thread; all read the EOI, then all decide together
    (``in_turn``: the second decides only once the first has committed, its loaded EOI now stale)."""
    ready = threading.Barrier(len(deciders), timeout=30)
    first_done = threading.Event()
    results: list[str] = [""] * len(deciders)

    def decide(index: int, officer_id: int, choice: dict) -> None:
        with app.app_context():
            try:
                officer = db.session.get(User, officer_id)
                application = db.session.get(Application, application_id)
                seen = application.lock_version
                ready.wait()  # both have loaded version ``seen`` before either decides
                if in_turn and index:
                    assert first_done.wait(30)
                values = {"conditions": None, "override_reason": None, **choice}
                decisions.record_decision(application, by=officer, expected_version=seen, **values)
                db.session.commit()
                results[index] = "won"
            except decisions.DecisionConflict:
                db.session.rollback()
                results[index] = "told"
            except Exception as error:  # noqa: BLE001 - reported to the test, never swallowed
                db.session.rollback()
                results[index] = f"error: {error!r}"
            finally:
                db.session.remove()
                first_done.set() if index == 0 else None

    threads = [
        threading.Thread(target=decide, args=(index, officer_id, choice))
        for index, (officer_id, choice) in enumerate(deciders)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a decision never finished"
    return results


def test_two_officers_deciding_the_same_eoi_at_once_exactly_one_wins(app):
    meeting = build_meeting()
    meeting.a.status = ApplicationStatus.SCORED
    second = factories.make_user(roles={Role.OFFICER}, full_name="Sam Second")
    db.session.commit()
    application_id, first_id, second_id = meeting.a.id, meeting.officer.id, second.id
    db.session.remove()  # the test's own session holds nothing while the threads work

    fund = {"outcome": DecisionOutcome.FUND, "amount": 2500, "feedback": None, "reason": "Top ranked."}
    refuse = {"outcome": DecisionOutcome.DO_NOT_FUND, "amount": None, "feedback": "Sorry.", "reason": "Too dear."}
    refuse["override_reason"] = "Agreed at the meeting."  # A is above the budget line
    results = _decide_at_once(app, application_id, [(first_id, fund), (second_id, refuse)])

    assert sorted(results) == ["told", "won"], results
    winner = (first_id, fund) if results[0] == "won" else (second_id, refuse)
    stored = db.session.scalars(select(FundingDecision).where(FundingDecision.application_id == application_id)).all()
    assert len(stored) == 1
    assert (stored[0].decided_by_id, stored[0].outcome, stored[0].reason) == (
        winner[0],
        winner[1]["outcome"],
        winner[1]["reason"],
    )
    recorded = select(func.count(AuditEvent.id)).where(AuditEvent.action.like("decision.%"))
    assert db.session.scalar(recorded) == 1
    application = db.session.get(Application, application_id)
    assert application.status == ApplicationStatus.DECIDED


def test_a_reserve_decision_changed_by_two_officers_at_once_exactly_one_wins(app):
    meeting = build_meeting()
    meeting.c.status = ApplicationStatus.SCORED
    second = factories.make_user(roles={Role.OFFICER}, full_name="Sam Second")
    db.session.commit()
    decisions.record_decision(
        meeting.c,
        outcome=DecisionOutcome.RESERVE,
        amount=None,
        conditions=None,
        feedback=None,
        reason="Next in line.",
        override_reason=None,
        by=meeting.officer,
    )
    db.session.commit()
    application_id, first_id, second_id = meeting.c.id, meeting.officer.id, second.id
    db.session.remove()

    fund = {"outcome": DecisionOutcome.FUND, "amount": 1000, "feedback": None, "reason": "Money back."}
    refuse = {"outcome": DecisionOutcome.DO_NOT_FUND, "amount": None, "feedback": "Sorry.", "reason": "Budget gone."}
    # Funding C goes against the ranking: both give the reason.
    for choice in (fund, refuse):
        choice["override_reason"] = "Agreed at the meeting."
    results = _decide_at_once(app, application_id, [(first_id, fund), (second_id, refuse)])
    assert sorted(results) == ["told", "won"], results
    changed = select(func.count(AuditEvent.id)).where(AuditEvent.action == "decision.changed")
    assert db.session.scalar(changed) == 1


def test_a_decision_on_an_eoi_loaded_before_another_officer_decided_is_a_conflict(app):
    """The second officer's EOI (and its lock_version) was loaded before the first decided and committed:
    the version it was based on is checked against the database's, so it is refused as a conflict."""
    meeting = build_meeting()
    meeting.a.status = ApplicationStatus.SCORED
    second = factories.make_user(roles={Role.OFFICER}, full_name="Sam Second")
    db.session.commit()
    application_id, first_id, second_id = meeting.a.id, meeting.officer.id, second.id
    db.session.remove()

    fund = {"outcome": DecisionOutcome.FUND, "amount": 2500, "feedback": None, "reason": "Top ranked."}
    reserve = {"outcome": DecisionOutcome.RESERVE, "amount": None, "feedback": None, "reason": "Wait and see."}
    reserve["override_reason"] = "Agreed at the meeting."
    results = _decide_at_once(app, application_id, [(first_id, fund), (second_id, reserve)], in_turn=True)
    assert results == ["won", "told"]
    stored = db.session.scalar(select(FundingDecision).where(FundingDecision.application_id == application_id))
    assert stored.outcome == DecisionOutcome.FUND and stored.decided_by_id == first_id
