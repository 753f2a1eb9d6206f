"""Officers decide: fund (up to the amount asked, with any conditions), do not fund (with feedback
for the group) or put on the reserve list, each with a reason; going against the panel's ranking
needs its own reason. Groups see decisions only once an officer releases the round's decisions,
all at once, and are e-mailed then.

Services never build URLs: the route passes the link to each group's status page (``link_for``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from portal.db import utcnow
from portal.domain.panel import CommentAudience, goes_against_ranking
from portal.domain.roles import Role
from portal.domain.workflow import (
    APPLICATION_TRANSITIONS,
    DECISION_TRANSITIONS,
    ROUND_TRANSITIONS,
    ApplicationStatus,
    DecisionOutcome,
    ReviewStatus,
    RoundStatus,
    check_transition,
)
from portal.extensions import db
from portal.models import (
    Application,
    Criterion,
    FundingDecision,
    Organisation,
    OrganisationMember,
    Panel,
    Review,
    Round,
    Score,
    User,
    WorkStream,
)
from portal.services import ServiceError, audit, awards, notifications
from portal.services.moderation_page import ranking_place

TEXT_LIMIT = 5000
UNDECIDED_STATUSES = (ApplicationStatus.WITH_PANEL, ApplicationStatus.SCORED)
DECISION_FIELDS = (
    "outcome",
    "amount",
    "conditions",
    "feedback",
    "reason",
    "override_reason",
    "rank_at_decision",
    "within_budget_at_decision",
)

LinkFor = Callable[[Application], str]


class DecisionProblem(ServiceError):
    """A refused decision, naming the part of the decision it is about (``outcome``, ``amount``,
    ``feedback``, ``reason`` or ``override_reason``) so a form can show it there."""

    def __init__(self, message, field: str = "outcome") -> None:  # noqa: ANN001
        super().__init__(message)
        self.field = field


class DecisionConflict(DecisionProblem):
    """Someone else decided (or changed the decision on) the EOI after this officer loaded it: nothing
    of theirs is saved. The caller must roll back the session, then show the decision now recorded."""

    def __init__(self) -> None:
        super().__init__(
            _l(
                "Another officer recorded a decision on this EOI while you had this page open. Their decision "
                "is shown on this page. Yours has not been saved."
            )
        )


def _stored_version(application: Application) -> int:
    """The EOI's lock_version as committed now (the loaded object may be older than the database)."""
    return db.session.scalar(select(Application.lock_version).where(Application.id == application.id))


def _text(value: str | None, field: str, *, required: str | None = None) -> str | None:
    cleaned = (value or "").replace("\r\n", "\n").strip()
    if not cleaned:
        if required:
            raise DecisionProblem(required, field)
        return None
    if len(cleaned) > TEXT_LIMIT:
        raise DecisionProblem(_l("Keep this to %(limit)d characters or fewer", limit=TEXT_LIMIT), field)
    return cleaned


def decision_on(application: Application) -> FundingDecision | None:
    return db.session.scalar(select(FundingDecision).where(FundingDecision.application_id == application.id))


def _panel_of(round_id: int) -> Panel | None:
    return db.session.scalar(select(Panel).where(Panel.round_id == round_id))


def _check_can_decide(application: Application, existing: FundingDecision | None, outcome: DecisionOutcome) -> None:
    if application.status == ApplicationStatus.WITH_PANEL:
        raise DecisionProblem(_l("The panel has not finished scoring this EOI"))
    if application.status == ApplicationStatus.DECIDED:
        if existing is None or existing.outcome != DecisionOutcome.RESERVE:
            raise DecisionProblem(_l("A decision has already been recorded"))
        if outcome == DecisionOutcome.RESERVE:
            raise DecisionProblem(_l("This EOI is already on the reserve list"))
    elif application.status != ApplicationStatus.SCORED:
        raise DecisionProblem(_l("Only an EOI the panel has scored can be decided"))


def _fund_amount(application: Application, amount: Decimal | None) -> Decimal:
    if amount is None:
        raise DecisionProblem(_l("Enter the amount to fund"), "amount")
    amount = Decimal(amount)
    if amount <= 0:
        raise DecisionProblem(_l("The amount to fund must be more than £0"), "amount")
    asked = application.amount_requested or Decimal(0)
    if amount > asked:
        raise DecisionProblem(
            _l("The amount to fund cannot be more than the group asked for (£%(asked)s)", asked=f"{asked:,.2f}"),
            "amount",
        )
    return amount


def record_decision(
    application: Application,
    *,
    outcome: DecisionOutcome,
    amount: Decimal | None,
    conditions: str | None,
    feedback: str | None,
    reason: str,
    override_reason: str | None,
    by: User,
    link: str | None = None,
    offer_link: str | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> FundingDecision:
    """Record (or change, from the reserve list) the decision on a scored EOI. Once the round's
    decisions are released, a changed decision is e-mailed to the group (``link``: its status page).

    ``expected_version``: the EOI's ``lock_version`` when the officer loaded the form. Every decision
    bumps it, so a decision based on an older version (another officer decided meanwhile, even at the
    same moment in another transaction) raises DecisionConflict and never overwrites."""
    now = now or utcnow()
    outcome = DecisionOutcome(outcome)
    if not by.has_role(Role.OFFICER):
        raise DecisionProblem(_l("Only officers can record decisions."))
    if expected_version is not None and expected_version != _stored_version(application):
        raise DecisionConflict()
    existing = decision_on(application)
    _check_can_decide(application, existing, outcome)
    allowed = check_transition(DECISION_TRANSITIONS, existing.outcome if existing else None, outcome, by.roles)
    if not allowed:
        raise DecisionProblem(allowed.reason)

    if outcome == DecisionOutcome.FUND:
        amount = _fund_amount(application, amount)
        conditions, feedback = _text(conditions, "conditions"), None
    elif outcome == DecisionOutcome.DO_NOT_FUND:
        amount, conditions = None, None
        feedback = _text(feedback, "feedback", required=_l("Write the feedback the group will be told"))
    else:
        amount, conditions, feedback = None, None, None
    reason = _text(reason, "reason", required=_l("Give the reason for this decision"))

    place = ranking_place(application)
    rank = place.rank if place else None
    within = place.within_budget if place else None
    if goes_against_ranking(outcome, within):
        required = _l("Say why this decision goes against the ranking")
        override_reason = _text(override_reason, "override_reason", required=required)
    else:
        override_reason = None

    before = audit.snapshot(existing, DECISION_FIELDS) if existing else None
    decision = existing or FundingDecision(application_id=application.id)
    decision.outcome, decision.amount, decision.conditions = outcome, amount, conditions
    decision.feedback, decision.reason, decision.override_reason = feedback, reason, override_reason
    decision.rank_at_decision, decision.within_budget_at_decision = rank, within
    decision.decided_by_id, decision.decided_at, decision.updated_at = by.id, now, now
    db.session.add(decision)
    if application.status == ApplicationStatus.SCORED:
        moved = check_transition(APPLICATION_TRANSITIONS, application.status, ApplicationStatus.DECIDED, by.roles)
        if not moved:
            raise DecisionProblem(moved.reason)
        application.status = ApplicationStatus.DECIDED
    application.updated_at = now  # always an UPDATE of the EOI, so its lock_version moves on
    try:
        db.session.flush()
    except (StaleDataError, IntegrityError) as error:  # a concurrent decision committed first
        raise DecisionConflict() from error
    audit.record(
        "decision.changed" if existing else "decision.recorded",
        application,
        by=by,
        before=before,
        after=audit.snapshot(decision, DECISION_FIELDS),
        note=override_reason,
        now=now,
    )
    if outcome == DecisionOutcome.FUND:
        awards.create_from_decision(decision, by=by, now=now)
    panel = _panel_of(application.round_id)
    if existing and panel is not None and panel.decisions_released_at is not None:
        _tell_group(application, decision, link=link, offer_link=offer_link, now=now)
    return decision


def finish_scoring(application: Application, *, by: User, now: datetime | None = None) -> None:
    """Close the panel's scoring of one EOI (with the reviews submitted so far), for when a
    member cannot score it: it becomes ready for a decision."""
    now = now or utcnow()
    allowed = check_transition(APPLICATION_TRANSITIONS, application.status, ApplicationStatus.SCORED, by.roles)
    if not allowed:
        if application.status == ApplicationStatus.SCORED:
            raise ServiceError(_l("The panel has already finished scoring this EOI"))
        if application.status != ApplicationStatus.WITH_PANEL:
            raise ServiceError(_l("This EOI is not with the panel."))
        raise ServiceError(allowed.reason)
    submitted = db.session.scalar(
        select(func.count())
        .select_from(Review)
        .where(Review.application_id == application.id, Review.status == ReviewStatus.SUBMITTED)
    )
    if not submitted:
        raise ServiceError(_l("No panel member has submitted a review of this EOI yet"))
    before = application.status
    application.status = ApplicationStatus.SCORED
    audit.record(
        "application.scoring_finished",
        application,
        by=by,
        before={"status": before},
        after={"status": application.status, "submitted_reviews": submitted},
        now=now,
    )


def feedback_prefill(application: Application) -> str:
    """The submitted reviews' comments marked "for feedback to the group", under each criterion's
    title, for the officer to edit into the feedback. Panel-only comments are never included."""
    rows = db.session.execute(
        select(Criterion.title, Score.comment)
        .join(Score.review)
        .join(Score.criterion)
        .where(
            Review.application_id == application.id,
            Review.status == ReviewStatus.SUBMITTED,
            Score.audience == CommentAudience.FEEDBACK,
            Score.comment.is_not(None),
        )
        .order_by(Criterion.position, Criterion.id, Review.id)
    ).all()
    by_title: dict[str, list[str]] = defaultdict(list)
    for title, comment in rows:
        if comment and comment.strip():
            by_title[title].append(comment.strip())
    return "\n\n".join(
        title + "\n" + "\n".join(f"- {comment}" for comment in comments) for title, comments in by_title.items()
    )


# --- releasing the round's decisions -------------------------------------------------------------


def _decided(round_: Round) -> list[tuple[Application, FundingDecision]]:
    rows = db.session.execute(
        select(Application, FundingDecision)
        .join(FundingDecision, FundingDecision.application_id == Application.id)
        .where(Application.round_id == round_.id, Application.status == ApplicationStatus.DECIDED)
        .options(
            joinedload(Application.organisation).selectinload(Organisation.members).joinedload(OrganisationMember.user)
        )
        .order_by(Application.reference)
    ).unique()
    return [(application, decision) for application, decision in rows]


def undecided_count(round_: Round) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Application)
        .where(Application.round_id == round_.id, Application.status.in_(UNDECIDED_STATUSES))
    )


def _tell_group(
    application: Application,
    decision: FundingDecision,
    *,
    link: str | None,
    now: datetime,
    offer_link: str | None = None,
) -> None:
    for member in application.organisation.members:
        notifications.queue_email(
            member.user,
            "decision_released",
            subject=_l("A decision on your application %(reference)s", reference=application.reference or ""),
            application=application,
            decision=decision,
            link=link,
            offer_link=offer_link,
            now=now,
        )


def release_decisions(
    round_: Round,
    *,
    by: User,
    link_for: LinkFor | None = None,
    offer_link_for: LinkFor | None = None,
    now: datetime | None = None,
) -> int:
    """Let the groups see every decision of the round at once and e-mail each group's members
    (``link_for(application)``: its status page; ``offer_link_for``: a funded group's offer).
    The round moves from assessment to decided.
    Returns how many decisions were released."""
    now = now or utcnow()
    if not by.has_role(Role.OFFICER):
        raise ServiceError(_l("Only officers can release decisions."))
    panel = _panel_of(round_.id)
    if panel is None:
        raise ServiceError(_l("This round has no panel, so there are no decisions to release."))
    if panel.decisions_released_at is not None:
        raise ServiceError(_l("The decisions for this round have already been released."))
    waiting = undecided_count(round_)
    if waiting:
        raise ServiceError(
            lazy_ngettext("%(num)d EOI has no decision yet", "%(num)d EOIs have no decision yet", waiting)
        )
    if round_.status not in (RoundStatus.IN_ASSESSMENT, RoundStatus.DECIDED):
        raise ServiceError(_l("Move the round to assessment first"))
    decided = _decided(round_)
    if not decided:
        raise ServiceError(_l("No decisions have been recorded in this round yet."))
    if round_.status == RoundStatus.IN_ASSESSMENT:
        moved = check_transition(ROUND_TRANSITIONS, round_.status, RoundStatus.DECIDED, by.roles)
        if not moved:
            raise ServiceError(moved.reason)
        round_.status = RoundStatus.DECIDED
        audit.record(
            "round.status_changed",
            round_,
            by=by,
            before={"status": RoundStatus.IN_ASSESSMENT},
            after={"status": RoundStatus.DECIDED},
            now=now,
        )
    panel.decisions_released_at, panel.decisions_released_by_id = now, by.id
    for application, decision in decided:
        _tell_group(
            application,
            decision,
            link=link_for(application) if link_for else None,
            offer_link=offer_link_for(application) if offer_link_for else None,
            now=now,
        )
    audit.record(
        "decisions.released",
        round_,
        by=by,
        after={"released_at": now, "decisions": len(decided)},
        now=now,
    )
    return len(decided)


def released_decision(application: Application) -> FundingDecision | None:
    """The decision the group may see: only once its round's decisions have been released."""
    if application.status != ApplicationStatus.DECIDED:
        return None
    panel = _panel_of(application.round_id)
    if panel is None or panel.decisions_released_at is None:
        return None
    return decision_on(application)


# --- the decisions page ------------------------------------------------------------------------


@dataclass
class StreamDecisions:
    work_stream_id: int | None
    name: str
    budget: Decimal
    decisions: list[FundingDecision] = field(default_factory=list)

    @property
    def funded(self) -> Decimal:
        return sum((d.amount or Decimal(0) for d in self.decisions if d.outcome == DecisionOutcome.FUND), Decimal(0))

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.funded

    @property
    def counts(self) -> Counter:
        return Counter(d.outcome for d in self.decisions)


@dataclass
class DecisionsOverview:
    streams: list[StreamDecisions]
    undecided: int
    released_at: datetime | None
    released_by: str | None
    has_panel: bool

    @property
    def total(self) -> int:
        return sum(len(s.decisions) for s in self.streams)


def decisions_for(round_: Round) -> DecisionsOverview:
    """Every decision of the round, per work stream, with the money funded against each budget."""
    streams = {
        s.id: StreamDecisions(s.id, s.name, s.budget)
        for s in db.session.scalars(
            select(WorkStream).where(WorkStream.round_id == round_.id).order_by(WorkStream.position)
        )
    }
    decisions = db.session.scalars(
        select(FundingDecision)
        .join(FundingDecision.application)
        .where(Application.round_id == round_.id)
        .options(
            joinedload(FundingDecision.application).joinedload(Application.organisation),
            joinedload(FundingDecision.decided_by),
        )
        .order_by(Application.reference)
    ).unique()
    for decision in decisions:
        stream_id = decision.application.work_stream_id
        if stream_id not in streams:
            streams[stream_id] = StreamDecisions(stream_id, str(_l("No work stream")), Decimal(0))
        streams[stream_id].decisions.append(decision)
    panel = _panel_of(round_.id)
    released_by = (
        db.session.get(User, panel.decisions_released_by_id) if panel and panel.decisions_released_by_id else None
    )
    return DecisionsOverview(
        streams=list(streams.values()),
        undecided=undecided_count(round_),
        released_at=panel.decisions_released_at if panel else None,
        released_by=released_by.full_name if released_by else None,
        has_panel=panel is not None,
    )
