"""The moderation meeting, per work stream: each EOI with how its reviews compare and its flags,
the agreed panel score, the ranking against the budget with the line where the money runs out,
the spread of the money above the line across localities, and each member's leniency.

Reading a round runs a fixed number of statements whatever the number of EOIs or reviews, and
hands templates plain dataclasses.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal.db import utcnow
from portal.domain.panel import DEFAULT_MINIMUM_REVIEWERS, DEFAULT_SPREAD_THRESHOLD, Recommendation
from portal.domain.roles import Role
from portal.domain.scoring import (
    Candidate,
    LocalityShare,
    Summary,
    leniency,
    mapping_total,
    rank_against_budget,
    spread_across_localities,
    summarise,
)
from portal.domain.workflow import ApplicationStatus, DecisionOutcome, ReviewStatus
from portal.extensions import db
from portal.models import (
    AgreedScore,
    Application,
    ConflictDeclaration,
    FundingDecision,
    Locality,
    Panel,
    PanelMember,
    Review,
    Round,
    Score,
    User,
    WorkStream,
)
from portal.services import ServiceError, audit

# The EOIs the panel has (or had) in hand.
PANEL_STATUSES = (ApplicationStatus.WITH_PANEL, ApplicationStatus.SCORED, ApplicationStatus.DECIDED)
RATIONALE_LIMIT = 5000


@dataclass(frozen=True)
class ReviewTotal:
    """One review's weighted total (``None`` when it scored nothing, or is not submitted)."""

    review_id: int
    member_id: int
    member_name: str
    total: Decimal | None
    recommendation: Recommendation | None
    status: ReviewStatus = ReviewStatus.SUBMITTED


@dataclass(frozen=True)
class Agreed:
    score: Decimal
    rationale: str
    recorded_by: str | None
    recorded_at: datetime


@dataclass(frozen=True)
class DecisionSummary:
    outcome: DecisionOutcome
    amount: Decimal | None
    override_reason: str | None


@dataclass
class EoiModeration:
    """One EOI at the meeting."""

    application_id: int
    reference: str
    organisation_id: int
    group: str
    title: str
    amount: Decimal
    localities: list[str]
    status: ApplicationStatus
    work_stream_id: int | None
    reviews: list[ReviewTotal]  # submitted, by members without a conflict on it
    summary: Summary | None
    conflicts: int
    spread_too_wide: bool
    too_few_reviews: bool
    agreed: Agreed | None = None
    decision: DecisionSummary | None = None
    rank: int | None = None
    within_budget: bool | None = None

    @property
    def submitted(self) -> int:
        return len(self.reviews)

    @property
    def score(self) -> Decimal | None:
        """What the ranking uses: the agreed panel score, else the mean of the reviews."""
        if self.agreed is not None:
            return self.agreed.score
        return self.summary.mean if self.summary else None

    @property
    def has_flags(self) -> bool:
        return self.spread_too_wide or self.too_few_reviews or self.conflicts > 0


@dataclass(frozen=True)
class RankingRow:
    eoi: EoiModeration
    rank: int
    running_total: Decimal
    within_budget: bool
    first_below_line: bool  # the budget line is drawn just above this row


@dataclass(frozen=True)
class MemberLeniency:
    member_id: int
    name: str
    difference: Decimal  # above 0: more generous than the rest of the panel; below 0: harsher
    compared: int  # how many EOIs it rests on

    @property
    def in_words(self) -> str:
        if self.difference > 0:
            return str(_l("more generous"))
        if self.difference < 0:
            return str(_l("harsher"))
        return str(_l("in line with the panel"))


@dataclass
class ModerationView:
    round_id: int
    round_title: str
    work_stream_id: int
    work_stream_name: str
    work_streams: list[tuple[int, str]]
    has_panel: bool
    minimum_reviewers: int
    spread_threshold: Decimal
    budget: Decimal
    eois: list[EoiModeration]  # in reference order
    ranking: list[RankingRow]
    allocated: Decimal  # the amounts asked for above the line
    localities: list[LocalityShare]
    leniency: list[MemberLeniency]

    def eoi(self, application_id: int) -> EoiModeration | None:
        return next((eoi for eoi in self.eois if eoi.application_id == application_id), None)

    @property
    def above_line(self) -> int:
        return sum(1 for row in self.ranking if row.within_budget)

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.allocated

    @property
    def localities_with_none(self) -> list[str]:
        return [share.locality for share in self.localities if share.has_none]


@dataclass
class _RoundData:
    """Everything about a round's panel work, read once."""

    round_: Round
    panel: Panel | None
    work_streams: list[WorkStream]
    eois: dict[int | None, list[EoiModeration]]  # by work stream id
    leniency: list[MemberLeniency]
    localities: list[str]


def _panel_of(round_: Round) -> Panel | None:
    return db.session.scalar(select(Panel).where(Panel.round_id == round_.id))


def _in_round(model, round_: Round):  # noqa: ANN001, ANN202
    """``select(model)`` of the rows belonging to the round's EOIs that are with the panel."""
    return (
        select(model)
        .join(model.application)
        .where(Application.round_id == round_.id, Application.status.in_(PANEL_STATUSES))
    )


def _load(round_: Round) -> _RoundData:
    panel = _panel_of(round_)
    minimum = panel.minimum_reviewers if panel else DEFAULT_MINIMUM_REVIEWERS
    threshold = Decimal(panel.spread_threshold if panel else DEFAULT_SPREAD_THRESHOLD)
    # A fixed number of statements however many EOIs: collections joined (never "selectin", which
    # sends one statement per 500 rows), the agreed score and decision joined to their EOI, and the
    # submitted reviews read as rows of scores.
    applications = db.session.execute(
        select(Application, AgreedScore, User.full_name, FundingDecision)
        .outerjoin(AgreedScore, AgreedScore.application_id == Application.id)
        .outerjoin(User, User.id == AgreedScore.recorded_by_id)
        .outerjoin(FundingDecision, FundingDecision.application_id == Application.id)
        .where(Application.round_id == round_.id, Application.status.in_(PANEL_STATUSES))
        .options(joinedload(Application.organisation), joinedload(Application.localities))
        .order_by(Application.reference, Application.id)
    ).unique()
    score_rows = db.session.execute(
        _in_round(Review, round_)
        .with_only_columns(
            Review.id, Review.application_id, Review.member_id, Review.recommendation, User.full_name,
            Score.criterion_id, Score.score,
        )
        .join(Review.member)
        .join(PanelMember.user)
        .outerjoin(Review.scores)
        .where(Review.status == ReviewStatus.SUBMITTED)
        .order_by(Review.id)
    )  # fmt: skip
    conflicts = db.session.execute(
        select(ConflictDeclaration.application_id, ConflictDeclaration.member_id)
        .join(ConflictDeclaration.application)
        .where(Application.round_id == round_.id)
    ).all()
    weights = {c.id: c.weight for c in round_.criteria if not c.is_archived}
    localities = list(
        db.session.scalars(
            select(Locality.name).where(Locality.is_archived.is_(False)).order_by(Locality.position, Locality.name)
        )
    )
    streams = sorted(round_.work_streams, key=lambda s: s.position)

    conflicted: dict[int, set[int]] = defaultdict(set)
    for application_id, member_id in conflicts:
        conflicted[application_id].add(member_id)
    reviews: dict[int, tuple] = {}
    scores: dict[int, dict[int, int | None]] = defaultdict(dict)
    for review_id, application_id, member_id, recommendation, name, criterion_id, score in score_rows:
        reviews.setdefault(review_id, (application_id, member_id, recommendation, name))
        if criterion_id is not None:
            scores[review_id][criterion_id] = score
    totals: dict[int, list[ReviewTotal]] = defaultdict(list)
    names: dict[int, str] = {}
    for review_id, (application_id, member_id, recommendation, name) in reviews.items():
        if member_id in conflicted[application_id]:
            continue
        names[member_id] = name
        totals[application_id].append(
            ReviewTotal(review_id, member_id, name, mapping_total(weights, scores[review_id]), recommendation)
        )

    by_stream: dict[int | None, list[EoiModeration]] = defaultdict(list)
    for application, agreed, agreed_by, decision in applications:
        reviewed = totals[application.id]
        summary = summarise([r.total for r in reviewed if r.total is not None])
        eoi = EoiModeration(
            application_id=application.id,
            reference=application.reference or "",
            organisation_id=application.organisation_id,
            group=application.organisation.name,
            title=application.title or "",
            amount=application.amount_requested or Decimal(0),
            localities=sorted(locality.name for locality in application.localities),
            status=application.status,
            work_stream_id=application.work_stream_id,
            reviews=reviewed,
            summary=summary,
            conflicts=len(conflicted[application.id]),
            spread_too_wide=summary is not None and summary.spread > threshold,
            too_few_reviews=len(reviewed) < minimum,
            agreed=_agreed(agreed, agreed_by),
            decision=_decision(decision),
        )
        by_stream[application.work_stream_id].append(eoi)

    measured = leniency(
        (r.member_id, application_id, r.total)
        for application_id, reviewed in totals.items()
        for r in reviewed
        if r.total is not None
    )
    members = sorted(
        (
            MemberLeniency(member, names[member], result.difference, result.compared)
            for member, result in measured.items()
        ),
        key=lambda m: (m.name.lower(), m.member_id),
    )
    return _RoundData(round_, panel, streams, by_stream, members, localities)


def _agreed(row: AgreedScore | None, recorded_by: str | None) -> Agreed | None:
    return None if row is None else Agreed(row.score, row.rationale, recorded_by, row.recorded_at)


def _decision(row: FundingDecision | None) -> DecisionSummary | None:
    return None if row is None else DecisionSummary(row.outcome, row.amount, row.override_reason)


def _view(data: _RoundData, stream: WorkStream) -> ModerationView:
    eois = data.eois.get(stream.id, [])
    ranked = rank_against_budget(
        (Candidate(eoi.application_id, eoi.score, eoi.amount, eoi.reference) for eoi in eois), stream.budget
    )
    by_id = {eoi.application_id: eoi for eoi in eois}
    ranking: list[RankingRow] = []
    allocated = Decimal(0)
    line_drawn = False
    for item in ranked:
        eoi = by_id[item.candidate.key]
        eoi.rank, eoi.within_budget = item.rank, item.within_budget
        first_below = not item.within_budget and not line_drawn
        line_drawn = line_drawn or first_below
        if item.within_budget:
            allocated = item.running_total
        ranking.append(RankingRow(eoi, item.rank, item.running_total, item.within_budget, first_below))
    shares = spread_across_localities(
        ((row.eoi.amount, row.eoi.localities) for row in ranking if row.within_budget), data.localities
    )
    panel = data.panel
    return ModerationView(
        round_id=data.round_.id,
        round_title=data.round_.title,
        work_stream_id=stream.id,
        work_stream_name=stream.name,
        work_streams=[(s.id, s.name) for s in data.work_streams if not s.is_retired or s.id == stream.id],
        has_panel=panel is not None,
        minimum_reviewers=panel.minimum_reviewers if panel else DEFAULT_MINIMUM_REVIEWERS,
        spread_threshold=Decimal(panel.spread_threshold if panel else DEFAULT_SPREAD_THRESHOLD),
        budget=stream.budget,
        eois=eois,
        ranking=ranking,
        allocated=allocated,
        localities=shares,
        leniency=data.leniency,
    )


def moderation_for(round_: Round, work_stream: WorkStream) -> ModerationView:
    """The moderation view of one work stream of ``round_``."""
    if work_stream.round_id != round_.id:
        raise ValueError("the work stream belongs to another round")
    return _view(_load(round_), work_stream)


def moderation_for_round(round_: Round) -> list[ModerationView]:
    """Every work stream's moderation view (those with EOIs, or not retired), read once."""
    data = _load(round_)
    return [_view(data, stream) for stream in data.work_streams if data.eois.get(stream.id) or not stream.is_retired]


# --- one EOI at the meeting ---------------------------------------------------------------------


def assignments_of(application: Application) -> list[ReviewTotal]:
    """Every review of ``application`` whatever its status (a total only once submitted)."""
    weights = {c.id: c.weight for c in application.round.criteria if not c.is_archived}
    reviews = db.session.scalars(
        select(Review)
        .where(Review.application_id == application.id)
        .options(selectinload(Review.scores), joinedload(Review.member).joinedload(PanelMember.user))
        .order_by(Review.id)
    ).unique()
    totals = []
    for review in reviews:
        done = review.status == ReviewStatus.SUBMITTED
        total = mapping_total(weights, {s.criterion_id: s.score for s in review.scores}) if done else None
        recommendation = review.recommendation if done else None
        totals.append(
            ReviewTotal(review.id, review.member_id, review.member.user.full_name, total, recommendation, review.status)
        )
    return totals


def conflicts_on(application: Application) -> list[ConflictDeclaration]:
    """The conflicts declared on ``application``, with each member's name loaded."""
    return list(
        db.session.scalars(
            select(ConflictDeclaration)
            .where(ConflictDeclaration.application_id == application.id)
            .options(joinedload(ConflictDeclaration.member).joinedload(PanelMember.user))
            .order_by(ConflictDeclaration.declared_at)
        ).unique()
    )


# --- the agreed panel score ------------------------------------------------------------------------


def record_agreed_score(
    application: Application, *, score: Decimal, rationale: str, by: User, now: datetime | None = None
) -> AgreedScore:
    """The score the panel agreed at the meeting (0 to 100), with why; recording it again replaces
    it (and the audit trail keeps both)."""
    now = now or utcnow()
    if not by.has_role(Role.OFFICER):
        raise ServiceError(_l("Only officers can record the agreed panel score."))
    if application.status == ApplicationStatus.DECIDED:
        raise ServiceError(_l("A decision has been recorded on this EOI, so its agreed score cannot change."))
    if application.status not in (ApplicationStatus.WITH_PANEL, ApplicationStatus.SCORED):
        raise ServiceError(_l("This EOI is not with the panel."))
    if score is None:
        raise ServiceError(_l("Enter the agreed score"))
    score = Decimal(score)
    if not Decimal(0) <= score <= Decimal(100):
        raise ServiceError(_l("The agreed score must be between 0 and 100"))
    if score != score.quantize(Decimal("0.01")):
        raise ServiceError(_l("The agreed score can have at most 2 decimal places"))
    rationale = (rationale or "").strip()
    if not rationale:
        raise ServiceError(_l("Say how the panel reached this score"))
    if len(rationale) > RATIONALE_LIMIT:
        raise ServiceError(_l("Keep the rationale to %(limit)d characters or fewer", limit=RATIONALE_LIMIT))
    agreed = db.session.scalar(select(AgreedScore).where(AgreedScore.application_id == application.id))
    fields = ("score", "rationale")
    before = audit.snapshot(agreed, fields) if agreed else None
    if agreed is None:
        agreed = AgreedScore(application_id=application.id)
        db.session.add(agreed)
    agreed.score, agreed.rationale = score, rationale
    agreed.recorded_by_id, agreed.recorded_at = by.id, now
    db.session.flush()
    audit.record(
        "moderation.agreed_score_recorded",
        application,
        by=by,
        before=before,
        after=audit.snapshot(agreed, fields),
        now=now,
    )
    return agreed


def stream_in(round_: Round, stream_id: int | None) -> WorkStream | None:
    """The work stream asked for (``?stream=``), else the first one still in use; ``None`` for a
    work stream of another round, or a round without any."""
    streams = sorted(round_.work_streams, key=lambda s: s.position)
    if stream_id is not None:
        return next((s for s in streams if s.id == stream_id), None)
    return next((s for s in streams if not s.is_retired), streams[0] if streams else None)
