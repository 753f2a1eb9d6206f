"""A panel member's review of one EOI: their queue, scoring (save as a draft, submit once), the
panel's scores once theirs are in, and an officer reopening a submitted review.

"Not scored" is stored as NULL and left out of the weighted total, never counted as 0. Each save
names the version of the review it was based on (``expected_version``): a save based on an older
version (another tab) is refused with EditConflict, never silently applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from portal.db import utcnow
from portal.domain.panel import CommentAudience, Recommendation
from portal.domain.scoring import SCORES, Summary, mapping_total, summarise
from portal.domain.text import N_, Message
from portal.domain.workflow import (
    APPLICATION_TRANSITIONS,
    REVIEW_TRANSITIONS,
    SYSTEM,
    ApplicationStatus,
    ReviewStatus,
    check_transition,
)
from portal.extensions import db
from portal.models import Application, AuditEvent, Criterion, PanelMember, Review, Score, User
from portal.policies import can_read_answers
from portal.services import ServiceError, audit

ALREADY_SUBMITTED = Message(N_("You have already submitted this review. Ask an officer to reopen it."))
EDITABLE = (ReviewStatus.NOT_STARTED, ReviewStatus.DRAFT, ReviewStatus.REOPENED)


class NotEditable(ServiceError):
    """The review is submitted (until an officer reopens it), or not this person's to change."""


class EditConflict(ServiceError):
    """The review was saved (in another tab, say) since the page was opened."""


class IncompleteReview(ServiceError):
    """A submission missing what it needs. ``problems`` maps what is missing to why:
    ``"recommendation"``, ``"scores"``, or ``"audience-<criterion id>"``."""

    def __init__(self, problems: dict[str, Message]) -> None:
        super().__init__(next(iter(problems.values())))
        self.problems = problems


@dataclass(frozen=True)
class ScoreInput:
    """What a member gave one criterion: a score 0–4 or ``None`` (not scored), a comment, and who
    may read the comment (``None``: not said; a draft keeps it for the panel only)."""

    score: int | None
    comment: str = ""
    audience: CommentAudience | None = CommentAudience.PANEL_ONLY


# --- the member's queue -------------------------------------------------------------------------


def queue_for(user: User) -> list[Review]:
    """Every EOI assigned to ``user`` on any panel, with what the home page shows loaded (a
    constant number of queries): the application, its group, round and work stream, and the panel."""
    return list(
        db.session.scalars(
            select(Review)
            .join(Review.member)
            .join(Review.application)
            .where(PanelMember.user_id == user.id)
            .options(
                joinedload(Review.application).joinedload(Application.organisation),
                joinedload(Review.application).joinedload(Application.round),
                joinedload(Review.application).joinedload(Application.work_stream),
                joinedload(Review.member).joinedload(PanelMember.panel),
            )
            .order_by(Application.round_id, Application.reference, Review.id)
        ).unique()
    )


def progress(reviews: list[Review]) -> tuple[int, int]:
    """(submitted, total): "7 of 12 scored"."""
    return sum(1 for review in reviews if review.status == ReviewStatus.SUBMITTED), len(reviews)


# --- scoring ------------------------------------------------------------------------------------


def active_criteria(review: Review) -> list[Criterion]:
    """The round's criteria the review form asks about, in order."""
    criteria = review.application.round.criteria
    return [c for c in sorted(criteria, key=lambda c: (c.position, c.id)) if not c.is_archived]


def _state(review: Review) -> dict:
    return {
        "status": review.status,
        "recommendation": review.recommendation,
        "recommendation_note": review.recommendation_note,
        "scores": {
            str(s.criterion_id): {"score": s.score, "comment": s.comment, "audience": s.audience}
            for s in sorted(review.scores, key=lambda s: s.criterion_id)
        },
    }


def _check_editable(review: Review, expected_version: int | None, by: User) -> None:
    decision = can_read_answers(by, review)
    if not decision:
        raise NotEditable(decision.reason)
    if review.status == ReviewStatus.SUBMITTED:
        raise NotEditable(ALREADY_SUBMITTED)
    if expected_version is not None and expected_version != review.lock_version:
        raise EditConflict(
            Message(N_("This review was saved somewhere else (perhaps in another tab) since you opened this page."))
        )


def _submission_problems(
    criteria: list[Criterion], scores: dict[int, ScoreInput], recommendation: Recommendation | None
) -> dict[str, Message]:
    problems: dict[str, Message] = {}
    if recommendation is None:
        problems["recommendation"] = Message(N_("Choose a recommendation"))
    given = [scores.get(c.id) for c in criteria]
    if not any(entry is not None and entry.score is not None for entry in given):
        problems["scores"] = Message(N_("Score at least one question"))
    for criterion, entry in zip(criteria, given, strict=True):
        if entry is not None and entry.comment.strip() and entry.audience is None:
            problems[f"audience-{criterion.id}"] = Message(
                N_("Say who can read your comment on %(title)s"), {"title": criterion.title}
            )
    return problems


def save_review(
    review: Review,
    *,
    scores: dict[int, ScoreInput],
    recommendation: Recommendation | None,
    recommendation_note: str,
    expected_version: int | None,
    submit: bool,
    by: User,
    now: datetime | None = None,
) -> Review:
    """Keep the member's scores (one per active criterion of the round), comments and
    recommendation; ``submit=True`` sends them, once. Criteria missing from ``scores`` are kept as
    not scored; ids that are not an active criterion of the round are ignored."""
    now = now or utcnow()
    _check_editable(review, expected_version, by)
    criteria = active_criteria(review)
    for criterion in criteria:
        entry = scores.get(criterion.id)
        if entry is not None and entry.score is not None and entry.score not in SCORES:
            raise ServiceError(Message(N_("Choose a score from 0 to 4, or Not scored")))
    if submit:
        problems = _submission_problems(criteria, scores, recommendation)
        if problems:
            raise IncompleteReview(problems)
        target = ReviewStatus.SUBMITTED
    else:
        # A reopened review stays reopened until it is submitted again.
        target = ReviewStatus.DRAFT if review.status == ReviewStatus.NOT_STARTED else review.status
    if target != review.status:
        decision = check_transition(REVIEW_TRANSITIONS, review.status, target, set(by.roles))
        if not decision:
            raise NotEditable(decision.reason)

    before = _state(review)
    existing = {score.criterion_id: score for score in review.scores}
    for criterion in criteria:
        entry = scores.get(criterion.id) or ScoreInput(None, "", None)
        row = existing.get(criterion.id)
        if row is None:
            row = Score(criterion_id=criterion.id)
            review.scores.append(row)
        row.score = entry.score
        row.comment = entry.comment.strip() or None
        row.audience = entry.audience or CommentAudience.PANEL_ONLY
    review.recommendation = recommendation
    review.recommendation_note = recommendation_note.strip() or None
    review.status = target
    review.updated_at = now  # also moves the lock version on, when only the scores changed
    if submit:
        review.submitted_at = now
    # Kept for the round's moderation (review_totals.py); a draft has none.
    review.weighted_total = weighted_total_of(review) if target == ReviewStatus.SUBMITTED else None
    try:
        db.session.flush()
    except StaleDataError as error:  # saved by another request between our read and this write
        raise EditConflict(
            Message(N_("This review was saved somewhere else (perhaps in another tab) since you opened this page."))
        ) from error
    audit.record(
        "review.submitted" if submit else "review.saved",
        review,
        by=by,
        before=before,
        after={**_state(review), "weighted_total": weighted_total_of(review)},
        round_id=review.application.round_id,
        now=now,
    )
    if submit:
        _scored_when_enough(review.application, review.member.panel.minimum_reviewers, now)
    return review


def submitted_count(application: Application) -> int:
    return db.session.scalar(
        select(func.count(Review.id)).where(
            Review.application_id == application.id, Review.status == ReviewStatus.SUBMITTED
        )
    )


def _scored_when_enough(application: Application, minimum: int, now: datetime) -> None:
    """With the panel's minimum number of reviews in, the EOI is scored (the system moves it)."""
    if application.status != ApplicationStatus.WITH_PANEL:
        return
    submitted = submitted_count(application)
    if submitted < minimum:
        return
    if not check_transition(APPLICATION_TRANSITIONS, application.status, ApplicationStatus.SCORED, {SYSTEM}):
        return
    application.status = ApplicationStatus.SCORED
    audit.record(
        "application.scored",
        application,
        by=None,
        before={"status": ApplicationStatus.WITH_PANEL},
        after={"status": ApplicationStatus.SCORED, "submitted_reviews": submitted, "minimum_reviewers": minimum},
        now=now,
    )


def weighted_total_of(review: Review) -> Decimal | None:
    """Out of 100 over the round's active criteria, each with its weight; unscored left out."""
    weights = {c.id: c.weight for c in active_criteria(review)}
    return mapping_total(weights, {s.criterion_id: s.score for s in review.scores})


def scores_by_criterion(review: Review) -> dict[int, Score]:
    return {score.criterion_id: score for score in review.scores}


def reopen_reason(review: Review) -> str | None:
    """Why an officer last reopened this review (shown to the member while it is reopened)."""
    if review.status != ReviewStatus.REOPENED:
        return None
    return db.session.scalar(
        select(AuditEvent.note)
        .where(
            AuditEvent.action == "review.reopened",
            AuditEvent.object_type == Review.__tablename__,
            AuditEvent.object_id == review.id,
        )
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(1)
    )


# --- the panel's scores, once the member's own are in -------------------------------------------


@dataclass(frozen=True)
class ReviewerLine:
    """One submitted review. The panel works openly at its meeting, so members are named."""

    review: Review
    member_name: str
    is_yours: bool
    total: Decimal | None
    recommendation: Recommendation | None


@dataclass(frozen=True)
class CriterionLine:
    criterion: Criterion
    scores: list[tuple[str, Score | None]]  # (member's name, their score row) per submitted review
    summary: Summary | None  # over the scored ones only


@dataclass(frozen=True)
class PanelSummary:
    application: Application
    reviewers: list[ReviewerLine]
    criteria: list[CriterionLine]
    totals: Summary | None
    minimum_reviewers: int
    assigned: int
    spread_threshold: Decimal = field(default=Decimal(0))

    @property
    def spread_is_wide(self) -> bool:
        return self.totals is not None and self.totals.spread > self.spread_threshold


def panel_summary(review: Review) -> PanelSummary:
    """Every submitted review of the same EOI: weighted totals, recommendations, and per criterion
    the scores with their mean, median, lowest, highest and spread. The route checks
    ``can_see_panel_scores`` first: a member sees this only once their own review is submitted."""
    reviews = list(
        db.session.scalars(
            select(Review)
            .where(Review.application_id == review.application_id)
            .options(
                joinedload(Review.member).joinedload(PanelMember.user),
                selectinload(Review.scores),
            )
            .order_by(Review.submitted_at, Review.id)
        ).unique()
    )
    submitted = [r for r in reviews if r.status == ReviewStatus.SUBMITTED]
    viewer = review.member.user_id
    reviewers = [
        ReviewerLine(
            review=r,
            member_name=r.member.user.full_name,
            is_yours=r.member.user_id == viewer,
            total=weighted_total_of(r),
            recommendation=r.recommendation,
        )
        for r in submitted
    ]
    lines = []
    for criterion in active_criteria(review):
        rows = [(r.member.user.full_name, scores_by_criterion(r).get(criterion.id)) for r in submitted]
        given = [Decimal(row.score) for _, row in rows if row is not None and row.score is not None]
        lines.append(CriterionLine(criterion, rows, summarise(given)))
    panel = review.member.panel
    return PanelSummary(
        application=review.application,
        reviewers=reviewers,
        criteria=lines,
        totals=summarise([line.total for line in reviewers if line.total is not None]),
        minimum_reviewers=panel.minimum_reviewers,
        assigned=len(reviews),
        spread_threshold=panel.spread_threshold,
    )


# --- officers -----------------------------------------------------------------------------------


def reopen_review(review: Review, *, reason: str, by: User, now: datetime | None = None) -> Review:
    """An officer reopens a submitted review so its member can change it; the reason is kept.
    An EOI already moved to "scored" stays scored even if it now has fewer submitted reviews than
    the minimum: the moderation page counts the reviews and warns about too few."""
    now = now or utcnow()
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(Message(N_("Give the reason for reopening this review")))
    decision = check_transition(REVIEW_TRANSITIONS, review.status, ReviewStatus.REOPENED, set(by.roles))
    if not decision:
        raise ServiceError(decision.reason)
    before = review.status
    review.status = ReviewStatus.REOPENED
    review.weighted_total = None  # no longer counted until it is submitted again
    review.updated_at = now
    db.session.flush()
    audit.record(
        "review.reopened",
        review,
        by=by,
        before={"status": before},
        after={"status": review.status, "reason": reason},
        note=reason,
        round_id=review.application.round_id,
        now=now,
    )
    return review
