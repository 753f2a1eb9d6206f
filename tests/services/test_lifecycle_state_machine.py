"""The grant lifecycle as a hypothesis state machine: applicants, panel members and an officer
drive the real services in any order (EOI → screening → panel → decision → release → letter →
offer → returns) and after every step the invariants hold:

- a refused step (``ServiceError``) changes nothing;
- no score from a member with a conflict (declared, or in their register of interests);
- no letter without a decision;
- a work stream's funded amounts above its budget only with a recorded override reason;
- exactly one audit event per status transition, of the kind that transition records;
- statuses only move along the tables in ``portal/domain/workflow.py``;
- submitted versions (of applications and of returns) never change.

CI runs a few examples (``PORTAL_STATE_MACHINE_EXAMPLES``, ``PORTAL_STATE_MACHINE_STEPS``);
``benchmarks/`` may run more with the same variables.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from portal.domain.awards import LetterKind
from portal.domain.panel import CommentAudience, ConflictKind, InterestKind, Recommendation
from portal.domain.roles import Role
from portal.domain.workflow import (
    APPLICATION_TRANSITIONS,
    AWARD_TRANSITIONS,
    DECISION_TRANSITIONS,
    RETURN_TRANSITIONS,
    REVIEW_TRANSITIONS,
    ROUND_TRANSITIONS,
    ApplicationStatus,
    AwardStatus,
    DecisionOutcome,
    ReturnStatus,
    ReviewStatus,
    RoundStatus,
)
from portal.extensions import db
from portal.models import (
    Application,
    ApplicationVersion,
    AuditEvent,
    Award,
    ConflictDeclaration,
    FundingDecision,
    Interest,
    Letter,
    Organisation,
    OutputReturn,
    PanelMember,
    ReturnVersion,
    Review,
    Round,
    Score,
    User,
    WorkStream,
)
from portal.services import (
    ServiceError,
    acceptance,
    applications,
    assignments,
    awards,
    decisions,
    funding,
    letters,
    panels,
    return_review,
    returns,
    reviews,
    screening,
)
from tests import factories
from tests.conftest import _empty_tables

EXAMPLES = int(os.environ.get("PORTAL_STATE_MACHINE_EXAMPLES", "10"))
STEPS = int(os.environ.get("PORTAL_STATE_MACHINE_STEPS", "30"))
# PORTAL_STATE_MACHINE_SHRINK=0 reports a failure at once, unshrunk (shrinking a long run can take minutes).
SHRINK = os.environ.get("PORTAL_STATE_MACHINE_SHRINK", "1") == "1"
PHASES = tuple(p for p in Phase if SHRINK or p != Phase.shrink)
SEEN: set[tuple[str, object, object]] = set()  # every transition any example made (printed with -s)
STREAM_BUDGET = Decimal("5000")  # an EOI asks for £3,000: funding two goes over
LINKS = letters.LetterLinks(
    offer=lambda a: f"http://localhost/offer/{a.id}", download=lambda x: f"http://localhost/{x.id}"
)
FAKE_PDF = b"%PDF-1.7 state machine letter"  # the real renderer is slow; its checks are all in prepare_letter

# The audit actions that record each status transition (target status → actions).
APPLICATION_ACTIONS = {
    ApplicationStatus.DRAFT: {"application.started"},
    ApplicationStatus.SUBMITTED: {"application.submitted"},
    ApplicationStatus.ELIGIBLE: {"application.screened_eligible"},
    ApplicationStatus.INELIGIBLE: {"application.screened_ineligible"},
    ApplicationStatus.WITH_PANEL: {"review.assigned"},
    ApplicationStatus.SCORED: {"application.scored", "application.scoring_finished"},
    ApplicationStatus.DECIDED: {"decision.recorded"},
    ApplicationStatus.WITHDRAWN: {"application.withdrawn"},
}
REVIEW_ACTIONS = {
    None: {"review.assigned"},
    ReviewStatus.DRAFT: {"review.saved"},
    ReviewStatus.SUBMITTED: {"review.submitted"},
    ReviewStatus.REOPENED: {"review.reopened"},
}
AWARD_ACTIONS = {
    None: {"award.created"},
    AwardStatus.ACCEPTED: {"award.accepted"},
    AwardStatus.DECLINED: {"award.declined"},
}
RETURN_ACTIONS = {
    None: {"return.created"},
    ReturnStatus.DRAFT: {"return.saved"},
    ReturnStatus.SUBMITTED: {"return.submitted", "return.answered"},
    ReturnStatus.QUERIED: {"return.queried"},
    ReturnStatus.ACCEPTED: {"return.accepted"},
}
index = st.integers(min_value=0, max_value=20)


def _pick(ids: list, i: int):  # noqa: ANN202
    return ids[i % len(ids)] if ids else None


def _statuses() -> dict[tuple[str, int], object]:
    """Every record with a lifecycle, and where it is now."""
    found: dict[tuple[str, int], object] = {}
    for kind, model, column in (
        ("round", Round, Round.status),
        ("application", Application, Application.status),
        ("review", Review, Review.status),
        ("award", Award, Award.status),
        ("return", OutputReturn, OutputReturn.status),
    ):
        for row_id, status in db.session.execute(select(model.id, column)):
            found[(kind, row_id)] = status
    for application_id, outcome in db.session.execute(select(FundingDecision.application_id, FundingDecision.outcome)):
        found[("decision", application_id)] = outcome
    return found


def _fingerprint() -> dict[str, object]:
    """Enough of the database to tell whether a step changed anything: every table's row count,
    every status and the last audit event."""
    counts = {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}
    return {"counts": counts, "statuses": _statuses()}


def _application_of(event: AuditEvent) -> int | None:
    if event.object_type == Application.__tablename__:
        return event.object_id
    return (event.after or {}).get("application_id") or (event.before or {}).get("application_id")


class Lifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        db.session.rollback()
        _empty_tables()
        db.session.expunge_all()
        self.officer = factories.make_user(roles={Role.OFFICER}).id
        round_ = factories.make_round(work_streams=1, criteria=2)
        round_.work_streams[0].budget = STREAM_BUDGET
        self.round = round_.id
        officer = db.session.get(User, self.officer)
        panel = panels.ensure_panel(round_, by=officer)
        panel.minimum_reviewers = 2
        self.applicants: list[int] = []
        self.organisations: list[int] = []
        for _ in range(3):
            applicant = factories.make_user(roles={Role.APPLICANT})
            organisation = factories.make_organisation(members=[applicant])
            self.applicants.append(applicant.id)
            self.organisations.append(organisation.id)
        self.members: list[int] = []
        for _ in range(3):
            user = factories.make_user(roles={Role.PANEL_MEMBER})
            member = panels.add_member(panel, user, kind="resident", profile=None, by=officer)
            self.members.append(member.id)
        # The third member is a trustee of the first group: never to score its EOIs.
        conflicted = db.session.get(PanelMember, self.members[2])
        panels.add_interest(
            conflicted.user,
            db.session.get(Organisation, self.organisations[0]),
            kind=InterestKind.TRUSTEE,
            note=None,
            by=conflicted.user,
        )
        db.session.commit()
        self.versions: dict[tuple[str, int], tuple[str, str]] = {}
        self.last_event = db.session.scalar(select(func.max(AuditEvent.id))) or 0
        self.before = _statuses()
        self.transitions_seen = SEEN

    # --- running one step ------------------------------------------------------------------------

    def _step(self, action) -> bool:  # noqa: ANN001
        """Run ``action`` as a route would: commit on success; a refusal must change nothing."""
        before = _fingerprint()
        try:
            action()
        except ServiceError:
            after = _fingerprint()
            assert after == before, "a refused step changed the data"
            db.session.rollback()
            return False
        db.session.commit()
        self._check_transitions()
        return True

    def _check_transitions(self) -> None:
        now = _statuses()
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.id > self.last_event)).all()
        tables = {
            "round": ROUND_TRANSITIONS,
            "application": APPLICATION_TRANSITIONS,
            "review": REVIEW_TRANSITIONS,
            "decision": DECISION_TRANSITIONS,
            "award": AWARD_TRANSITIONS,
            "return": RETURN_TRANSITIONS,
        }
        first = {
            "round": None,
            "application": ApplicationStatus.DRAFT,
            "review": ReviewStatus.NOT_STARTED,
            "award": AwardStatus.OFFERED,
            "return": ReturnStatus.DUE,
        }
        for key, status in now.items():
            kind, row_id = key
            old = self.before.get(key)
            if key not in self.before:
                if kind == "decision":
                    assert (None, status) in DECISION_TRANSITIONS, f"{key} starts at {status}"
                elif kind != "round":
                    assert status == first[kind], f"{key} starts at {status}, not {first[kind]}"
                    old = None
            elif old == status:
                continue
            elif kind == "award":
                self._check_award_path(row_id, old, status, events)
                continue
            elif kind != "decision":
                assert (old, status) in tables[kind], f"{key} moved {old} → {status}: not in the table"
            self.transitions_seen.add((kind, old, status))
            self._check_one_event(kind, row_id, old, status, events)
        self._check_no_stray_events(now, events)
        self.before = now
        self.last_event = max([self.last_event, *(e.id for e in events)])

    def _check_one_event(self, kind: str, row_id: int, old: object, status: object, events: list) -> None:
        if kind == "application":
            actions = APPLICATION_ACTIONS[status]
            matching = [e for e in events if e.action in actions and _application_of(e) == row_id]
            if status == ApplicationStatus.WITH_PANEL:
                matching = [e for e in matching if "application_status" in (e.after or {})]
        elif kind == "review":
            target = None if old is None else status
            matching = [e for e in events if e.action in REVIEW_ACTIONS[target] and e.object_id == row_id]
        elif kind == "decision":
            action = "decision.recorded" if old is None else "decision.changed"
            matching = [e for e in events if e.action == action and e.object_id == row_id]
        elif kind == "award":
            target = None if old is None else status
            matching = [e for e in events if e.action in AWARD_ACTIONS.get(target, set()) and e.object_id == row_id]
        elif kind == "return":
            actions = RETURN_ACTIONS[None if old is None else status]
            matching = [e for e in events if e.action in actions and e.object_id == row_id]
        elif kind == "round":
            matching = [e for e in events if e.action == "round.status_changed" and e.object_id == row_id]
        else:
            return
        assert len(matching) == 1, f"{kind} {row_id} {old} → {status}: {[e.action for e in matching]}"

    def _check_award_path(self, award_id: int, old: object, status: object, events: list) -> None:
        """An award may move more than once in a step (accepting the final return makes it active,
        then completed): one audit event per hop, each hop in the table, from where it was to where it is."""
        hops = [
            (AwardStatus((e.before or {})["status"]), AwardStatus(e.after["status"]))
            for e in events
            if e.object_type == Award.__tablename__
            and e.object_id == award_id
            and "status" in (e.before or {})
            and "status" in (e.after or {})
        ]
        assert hops, f"award {award_id} moved {old} → {status} with no audit event"
        assert hops[0][0] == old and hops[-1][1] == status, f"award {award_id}: {hops} is not {old} → {status}"
        for (frm, to), (nxt, _) in zip(hops, [*hops[1:], (status, None)], strict=True):
            assert (frm, to) in AWARD_TRANSITIONS, f"award {award_id} moved {frm} → {to}: not in the table"
            assert to == nxt, f"award {award_id}: broken path {hops}"
        self.transitions_seen.update(("award", frm, to) for frm, to in hops)

    def _check_no_stray_events(self, now: dict, events: list) -> None:
        """No status event without the status having moved."""
        moved = {key for key, status in now.items() if self.before.get(key, "new") != status}
        for event in events:
            for target, actions in APPLICATION_ACTIONS.items():
                if event.action in actions and target != ApplicationStatus.WITH_PANEL:
                    key = ("application", _application_of(event))
                    assert key in moved, f"{event.action} recorded but {key} did not move"
            if event.action in ("review.submitted", "award.accepted", "award.declined", "award.created"):
                kind = "review" if event.action.startswith("review") else "award"
                assert (kind, event.object_id) in moved, f"{event.action} recorded but {kind} did not move"

    def _ids(self, model, *where) -> list[int]:  # noqa: ANN001
        return list(db.session.scalars(select(model.id).where(*where).order_by(model.id)))

    def _user(self, user_id: int) -> User:
        return db.session.get(User, user_id)

    # --- the actors' moves (each draws what it acts on) -------------------------------------------

    def _application(self, data) -> Application | None:  # noqa: ANN001
        return db.session.get(Application, _pick(self._ids(Application), data.draw(index)) or 0)

    def _review(self, data) -> Review | None:  # noqa: ANN001
        return db.session.get(Review, _pick(self._ids(Review), data.draw(index)) or 0)

    def _award(self, data) -> Award | None:  # noqa: ANN001
        return db.session.get(Award, _pick(self._ids(Award), data.draw(index)) or 0)

    def _return(self, data) -> OutputReturn | None:  # noqa: ANN001
        return db.session.get(OutputReturn, _pick(self._ids(OutputReturn), data.draw(index)) or 0)

    def _member_of(self, application: Application, data) -> User:  # noqa: ANN001
        """A member of the application's group, or (sometimes) an applicant of another group."""
        owner = application.organisation.members[0].user
        if data.draw(st.integers(0, 5)):
            return owner
        return self._user(next(a for a in self.applicants if a != owner.id))

    @property
    def _officer(self) -> User:
        return self._user(self.officer)

    # applicants

    def start_eoi(self, data) -> None:  # noqa: ANN001
        if db.session.scalar(select(func.count(Application.id))) >= 5:
            return
        i = data.draw(index) % len(self.applicants)
        self._step(
            lambda: factories.make_application(
                round_=db.session.get(Round, self.round),
                organisation=db.session.get(Organisation, self.organisations[i]),
                applicant=self._user(self.applicants[i]),
                complete=True,
            )
        )

    def submit_eoi(self, application: Application, by: User) -> None:
        self._step(lambda: applications.submit_application(application, by=by))

    def withdraw(self, application: Application, by: User) -> None:
        self._step(lambda: screening.withdraw(application, "We lost our venue.", by=by))

    def accept_offer(self, award: Award, by: User) -> None:
        self._step(
            lambda: acceptance.accept(
                award,
                name=by.full_name,
                role="Treasurer",
                accepted_on=date.today(),
                agreed_condition_ids={c.id for c in award.conditions},
                by=by,
            )
        )

    def decline_offer(self, award: Award, by: User) -> None:
        self._step(lambda: acceptance.decline(award, reason="We found other funding.", by=by))

    def send_return(self, output_return: OutputReturn, by: User, *, submit: bool = True) -> None:
        figures = {t.measure_id: (12 if t.quantity is not None else "Stories") for t in output_return.award.targets}
        self._step(
            lambda: returns.save_return(
                output_return,
                figures=figures,
                spend_to_date=Decimal("100"),
                went_well="People came.",
                was_hard=None,
                support_needed=None,
                expected_version=None,
                submit=submit,
                by=by,
            )
        )

    # panel members

    def confirm_no_conflict(self, review: Review, by: User) -> None:
        self._step(lambda: panels.confirm_no_conflict(review, by=by))

    def declare_conflict(self, review: Review) -> None:
        member = review.member.user
        self._step(lambda: panels.declare_conflict(review, kind=ConflictKind.PERSONAL, note="My sister", by=member))

    def score(self, review: Review, by: User, scores: list, submit: bool, recommend: Recommendation | None) -> None:
        criteria = reviews.active_criteria(review)
        given = {
            c.id: reviews.ScoreInput(s, "Good local reach", CommentAudience.FEEDBACK)
            for c, s in zip(criteria, scores, strict=True)
        }
        self._step(
            lambda: reviews.save_review(
                review,
                scores=given,
                recommendation=recommend,
                recommendation_note="",
                expected_version=None,
                submit=submit,
                by=by,
            )
        )

    # the officer

    def screen(self, application: Application, eligible: bool) -> None:
        if eligible:
            self._step(lambda: screening.mark_eligible(application, by=self._officer))
        else:
            self._step(lambda: screening.mark_ineligible(application, "Not in the area.", by=self._officer))

    def assign(self, application: Application, member: int) -> None:
        panel_member = db.session.get(PanelMember, _pick(self.members, member))
        self._step(lambda: assignments.assign(application, panel_member, by=self._officer))

    def finish_scoring(self, application: Application) -> None:
        self._step(lambda: decisions.finish_scoring(application, by=self._officer))

    def decide(self, application: Application, data, *, usual: bool = False) -> None:  # noqa: ANN001
        """Any decision; ``usual``: mostly to fund what was asked."""
        outcomes = [DecisionOutcome.FUND, DecisionOutcome.FUND, DecisionOutcome.DO_NOT_FUND, DecisionOutcome.RESERVE]
        outcome = data.draw(st.sampled_from(outcomes if usual else list(DecisionOutcome)))
        amounts = [Decimal("3000"), Decimal("1000"), None, Decimal("3500")]
        amount = Decimal("3000") if usual else data.draw(st.sampled_from(amounts))
        override = data.draw(st.sampled_from([None, "The only project in this ward.", ""]))
        self._step(
            lambda: decisions.record_decision(
                application,
                outcome=outcome,
                amount=amount,
                conditions=None,
                feedback="Not enough reach this time.",
                reason="Against the priorities.",
                override_reason=override,
                by=self._officer,
            )
        )

    def reopen(self, review: Review) -> None:
        self._step(lambda: reviews.reopen_review(review, reason="Scores do not match comments.", by=self._officer))

    def release(self) -> None:
        """Close the round, move it to assessment and release its decisions: each its own step."""
        round_ = db.session.get(Round, self.round)
        for target in (RoundStatus.CLOSED, RoundStatus.IN_ASSESSMENT):
            if round_.status != target and (round_.status, target) in ROUND_TRANSITIONS:
                self._step(lambda t=target: funding.change_round_status(round_, t, by=self._officer))
        self._step(lambda: decisions.release_decisions(round_, by=self._officer))

    def issue_letter(self, application: Application, kind: LetterKind) -> None:
        """The real checks and record; a stand-in PDF (rendering is slow and tested elsewhere)."""

        def act() -> None:
            prepared = letters.prepare_letter(application, kind, by=self._officer, links=LINKS)
            letters.record_letter(prepared, FAKE_PDF, by=self._officer, links=LINKS)

        if self._step(act):
            SEEN.add(("letter", None, kind))

    def query_return(self, output_return: OutputReturn) -> None:
        self._step(
            lambda: return_review.query_return(
                output_return, message="How many came?", by=self._officer, link="http://localhost/r"
            )
        )

    def accept_return(self, output_return: OutputReturn) -> None:
        self._step(lambda: return_review.accept_return(output_return, by=self._officer))

    # --- rules: any actor, any move, on anything (refusals allowed) -------------------------------

    @rule(data=st.data())
    def applicant_acts(self, data) -> None:  # noqa: ANN001
        move = data.draw(st.sampled_from(["start", "submit", "withdraw", "accept", "decline", "return", "draft"]))
        if move == "start":
            self.start_eoi(data)
            return
        if move in ("submit", "withdraw"):
            application = self._application(data)
            if application is not None:
                by = self._member_of(application, data)
                (self.submit_eoi if move == "submit" else self.withdraw)(application, by)
            return
        if move in ("accept", "decline"):
            award = self._award(data)
            if award is not None:
                by = self._member_of(award.application, data)
                (self.accept_offer if move == "accept" else self.decline_offer)(award, by)
            return
        output_return = self._return(data)
        if output_return is not None:
            self.send_return(
                output_return, self._member_of(output_return.award.application, data), submit=move == "return"
            )

    @rule(data=st.data())
    def panel_member_acts(self, data) -> None:  # noqa: ANN001
        review = self._review(data)
        if review is None:
            return
        move = data.draw(st.sampled_from(["confirm", "score", "declare"]))
        own = data.draw(st.integers(0, 5)) > 0
        by = review.member.user if own else db.session.get(PanelMember, self.members[2]).user
        if move == "confirm":
            self.confirm_no_conflict(review, by)
        elif move == "declare":
            self.declare_conflict(review)
        else:
            scores = data.draw(st.lists(st.one_of(st.none(), st.integers(-1, 5)), min_size=2, max_size=2))
            self.score(
                review, by, scores, data.draw(st.booleans()), data.draw(st.sampled_from([None, *Recommendation]))
            )

    @rule(data=st.data())
    def officer_acts(self, data) -> None:  # noqa: ANN001
        move = data.draw(
            st.sampled_from(
                [
                    "eligible",
                    "ineligible",
                    "assign",
                    "finish",
                    "decide",
                    "reopen",
                    "release",
                    "letter",
                    "query",
                    "accept",
                ]
            )
        )
        if move == "release":
            self.release()
        elif move in ("reopen",):
            review = self._review(data)
            if review is not None:
                self.reopen(review)
        elif move in ("query", "accept"):
            output_return = self._return(data)
            if output_return is not None:
                (self.query_return if move == "query" else self.accept_return)(output_return)
        else:
            application = self._application(data)
            if application is None:
                return
            if move in ("eligible", "ineligible"):
                self.screen(application, move == "eligible")
            elif move == "assign":
                self.assign(application, data.draw(index))
            elif move == "finish":
                self.finish_scoring(application)
            elif move == "decide":
                self.decide(application, data)
            else:
                self.issue_letter(application, data.draw(st.sampled_from(list(LetterKind))))

    @rule(data=st.data())
    def advance(self, data) -> None:  # noqa: ANN001
        self._advance(data)

    @rule(data=st.data())
    def advance_again(self, data) -> None:  # noqa: ANN001
        """Twice the chance of the usual next move, so that more examples reach offers and returns."""
        self._advance(data)

    def _advance(self, data) -> None:  # noqa: ANN001
        """The usual next move for one EOI by the right person."""
        application = self._application(data)
        if application is None:
            self.start_eoi(data)
            return
        status = application.status
        owner = application.organisation.members[0].user
        if status == ApplicationStatus.DRAFT:
            self.submit_eoi(application, owner)
        elif status == ApplicationStatus.SUBMITTED:
            self.screen(application, data.draw(st.integers(0, 4)) > 0)
        elif status in (ApplicationStatus.ELIGIBLE, ApplicationStatus.WITH_PANEL):
            waiting = db.session.scalars(
                select(Review)
                .where(Review.application_id == application.id, Review.status != ReviewStatus.SUBMITTED)
                .order_by(Review.id)
            ).all()
            if not waiting or data.draw(st.integers(0, 3)) == 0:
                self.assign(application, data.draw(index))
            elif waiting[0].no_conflict_confirmed_at is None:
                self.confirm_no_conflict(waiting[0], waiting[0].member.user)
            else:
                self.score(waiting[0], waiting[0].member.user, [3, 2], True, Recommendation.FUND)
        elif status == ApplicationStatus.SCORED:
            self.decide(application, data, usual=True)
        elif status == ApplicationStatus.DECIDED:
            self._advance_decided(application, owner, data)

    def _advance_decided(self, application: Application, owner: User, data) -> None:  # noqa: ANN001
        round_ = db.session.get(Round, self.round)
        if round_.status != RoundStatus.DECIDED:
            self.release()
            return
        award = awards.award_for(application)
        if award is None or data.draw(st.integers(0, 3)) == 0:
            kind = LetterKind.AWARD if award is not None else LetterKind.DECLINE
            self.issue_letter(application, kind)
        elif award.status == AwardStatus.OFFERED:
            self.accept_offer(award, owner)
        else:
            open_returns = db.session.scalars(
                select(OutputReturn)
                .where(OutputReturn.award_id == award.id, OutputReturn.status != ReturnStatus.ACCEPTED)
                .order_by(OutputReturn.period)
            ).all()
            if not open_returns:
                return
            first = open_returns[0]
            if first.status in (ReturnStatus.DUE, ReturnStatus.DRAFT, ReturnStatus.QUERIED):
                self.send_return(first, owner)
            elif data.draw(st.booleans()):
                self.accept_return(first)
            else:
                self.query_return(first)

    # --- invariants ------------------------------------------------------------------------------

    @invariant()
    def no_score_from_a_conflicted_member(self) -> None:
        rows = db.session.execute(
            select(Review.id, Review.application_id, PanelMember.id, PanelMember.user_id, Application.organisation_id)
            .join(Score, Score.review_id == Review.id)
            .join(PanelMember, PanelMember.id == Review.member_id)
            .join(Application, Application.id == Review.application_id)
            .where(Score.score.is_not(None))
        ).all()
        for review_id, application_id, member_id, user_id, organisation_id in rows:
            declared = db.session.scalar(
                select(ConflictDeclaration.id).where(
                    ConflictDeclaration.application_id == application_id, ConflictDeclaration.member_id == member_id
                )
            )
            registered = db.session.scalar(
                select(Interest.id).where(Interest.user_id == user_id, Interest.organisation_id == organisation_id)
            )
            assert declared is None and registered is None, f"review {review_id} scored by a conflicted member"
            confirmed = db.session.get(Review, review_id).no_conflict_confirmed_at
            assert confirmed is not None, f"review {review_id} scored before confirming no conflict"

    @invariant()
    def no_letter_without_a_decision(self) -> None:
        for letter in db.session.scalars(select(Letter)):
            decision = decisions.decision_on(letter.application)
            assert decision is not None, f"letter {letter.id} without a decision"
            assert decision.outcome != DecisionOutcome.RESERVE, f"letter {letter.id} for a reserve"

    @invariant()
    def funded_within_budget_or_overridden(self) -> None:
        for stream in db.session.scalars(select(WorkStream)):
            funded = db.session.scalars(
                select(FundingDecision)
                .join(Application, Application.id == FundingDecision.application_id)
                .where(Application.work_stream_id == stream.id, FundingDecision.outcome == DecisionOutcome.FUND)
            ).all()
            total = sum((d.amount for d in funded), Decimal(0))
            if total > stream.budget:
                SEEN.add(("budget", "over", "overridden"))
                assert any(d.override_reason for d in funded), (
                    f"{stream.name}: £{total} funded of £{stream.budget} with no override recorded"
                )

    @invariant()
    def submitted_versions_never_change(self) -> None:
        for kind, model in (("application", ApplicationVersion), ("return", ReturnVersion)):
            for version in db.session.scalars(select(model)):
                encoded = json.dumps(version.content, sort_keys=True, ensure_ascii=False).encode()
                current = (version.sha256, encoded.decode())
                kept = self.versions.setdefault((kind, version.id), current)
                assert current == kept, f"{kind} version {version.id} changed after it was submitted"
                if kind == "application":
                    assert hashlib.sha256(encoded).hexdigest() == version.sha256


def test_the_lifecycle_keeps_its_invariants(app):  # noqa: ANN001
    run_state_machine_as_test(
        Lifecycle,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            derandomize=os.environ.get("CI") == "true",
            phases=PHASES,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
    print("transitions made:", *sorted(f"{kind}: {frm} → {to}" for kind, frm, to in SEEN), sep="\n  ")  # noqa: T201


# --- the checks themselves can fail: each catches a planted breach -----------------------------------


def _scored_eoi(machine: Lifecycle) -> Application:
    """An EOI of the second group (no conflict), submitted and found eligible, through the machine."""
    applicant = machine._user(machine.applicants[1])
    application = factories.make_application(
        round_=db.session.get(Round, machine.round),
        organisation=db.session.get(Organisation, machine.organisations[1]),
        applicant=applicant,
        complete=True,
    )
    db.session.commit()
    machine._check_transitions()
    machine.submit_eoi(application, applicant)
    machine.screen(application, eligible=True)
    return application


def test_a_refusal_that_changes_data_is_caught(app):  # noqa: ANN001
    machine = Lifecycle()

    def half_done() -> None:
        factories.make_user(roles={Role.APPLICANT}, commit=False)
        db.session.flush()
        raise ServiceError("refused after a change")

    with pytest.raises(AssertionError, match="a refused step changed the data"):
        machine._step(half_done)


def test_a_status_change_without_its_audit_event_is_caught(app):  # noqa: ANN001
    machine = Lifecycle()
    application = _scored_eoi(machine)

    def silent() -> None:
        application.status = ApplicationStatus.WITH_PANEL

    with pytest.raises(AssertionError, match=r"eligible → with_panel: \[\]"):
        machine._step(silent)


def test_a_move_outside_the_table_is_caught(app):  # noqa: ANN001
    machine = Lifecycle()
    application = _scored_eoi(machine)

    def jump() -> None:
        application.status = ApplicationStatus.DECIDED

    with pytest.raises(AssertionError, match="eligible → decided: not in the table"):
        machine._step(jump)


def test_a_score_from_a_conflicted_member_is_caught(app):  # noqa: ANN001
    machine = Lifecycle()
    application = _scored_eoi(machine)
    review = Review(application=application, member_id=machine.members[0], status=ReviewStatus.DRAFT)
    review.scores.append(Score(criterion_id=application.round.criteria[0].id, score=3))
    db.session.add_all(
        [review, ConflictDeclaration(application=application, member_id=machine.members[0], kind=ConflictKind.PERSONAL)]
    )
    db.session.commit()
    with pytest.raises(AssertionError, match="scored by a conflicted member"):
        machine.no_score_from_a_conflicted_member()


def test_a_letter_without_a_decision_is_caught(app):  # noqa: ANN001
    machine = Lifecycle()
    application = _scored_eoi(machine)
    db.session.add(
        Letter(
            application=application,
            kind=LetterKind.DECLINE,
            version=1,
            template_name="decline.html",
            context={},
            language="en",
            storage_key="letters/x.pdf",
            sha256="0" * 64,
            size=1,
        )
    )
    db.session.commit()
    with pytest.raises(AssertionError, match="without a decision"):
        machine.no_letter_without_a_decision()


def test_funding_over_the_budget_without_an_override_is_caught(app):  # noqa: ANN001
    machine = Lifecycle()
    application = _scored_eoi(machine)
    db.session.add(
        FundingDecision(application=application, outcome=DecisionOutcome.FUND, amount=Decimal("5000.01"), reason="x")
    )
    db.session.commit()
    with pytest.raises(AssertionError, match="with no override recorded"):
        machine.funded_within_budget_or_overridden()


def test_a_changed_submitted_version_is_caught(app):  # noqa: ANN001
    machine = Lifecycle()
    application = _scored_eoi(machine)
    machine.submitted_versions_never_change()
    version = db.session.scalar(select(ApplicationVersion).where(ApplicationVersion.application_id == application.id))
    # The model refuses to update a version; a change behind its back (SQL) must still be caught.
    table = ApplicationVersion.__table__
    db.session.execute(
        table.update().where(table.c.id == version.id).values(content={**version.content, "title": "Changed later"})
    )
    db.session.commit()
    db.session.expire_all()
    with pytest.raises(AssertionError, match="changed after it was submitted"):
        machine.submitted_versions_never_change()
