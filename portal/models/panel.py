"""The Community Stakeholder Panel: a panel per round, its members, their registers of interests,
the EOIs assigned to them (a review each), conflicts declared, scores, the agreed panel score and
the officers' decisions."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, enum_column, utcnow
from portal.domain.panel import (
    DEFAULT_MINIMUM_REVIEWERS,
    DEFAULT_SPREAD_THRESHOLD,
    CommentAudience,
    ConflictKind,
    InterestKind,
    MemberKind,
    Recommendation,
)
from portal.domain.workflow import DecisionOutcome, ReviewStatus

if TYPE_CHECKING:
    from portal.models.applications import Application
    from portal.models.funding import Criterion, Round
    from portal.models.people import Organisation, User


class Panel(Base):
    """The panel that scores one round's EOIs, and the rules it works to."""

    __tablename__ = "panels"
    __table_args__ = (
        UniqueConstraint("round_id"),
        CheckConstraint("minimum_reviewers >= 1", name="minimum_reviewers_positive"),
        CheckConstraint("spread_threshold >= 0 AND spread_threshold <= 100", name="spread_threshold_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    minimum_reviewers: Mapped[int] = mapped_column(default=DEFAULT_MINIMUM_REVIEWERS)
    spread_threshold: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(DEFAULT_SPREAD_THRESHOLD))
    scoring_deadline: Mapped[datetime | None]
    decisions_released_at: Mapped[datetime | None]
    decisions_released_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[Round] = relationship()
    members: Mapped[list[PanelMember]] = relationship(
        back_populates="panel", cascade="all, delete-orphan", order_by="PanelMember.id"
    )


class PanelMember(Base):
    """A resident or voluntary-sector partner sitting on one round's panel."""

    __tablename__ = "panel_members"
    __table_args__ = (UniqueConstraint("panel_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[MemberKind] = mapped_column(enum_column(MemberKind))
    profile: Mapped[str | None] = mapped_column(Text)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    panel: Mapped[Panel] = relationship(back_populates="members")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    reviews: Mapped[list[Review]] = relationship(back_populates="member")


class Interest(Base):
    """One line of a person's register of interests: an organisation they are linked to, and how.
    It belongs to the person, not to one round, so it carries over from panel to panel."""

    __tablename__ = "interests"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[InterestKind] = mapped_column(enum_column(InterestKind))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
    organisation: Mapped[Organisation] = relationship()


class Review(Base):
    """One EOI assigned to one panel member. The member confirms they have no conflict before they
    see the answers; a declared conflict deletes the review (and its scores) and keeps a
    ``ConflictDeclaration`` instead."""

    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("application_id", "member_id"),
        # A member's queue counts and lists their reviews by state: with the state in the index,
        # counting them reads the index alone (not a table page a review).
        Index("ix_reviews_member_id_status", "member_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("panel_members.id", ondelete="CASCADE"))
    status: Mapped[ReviewStatus] = mapped_column(enum_column(ReviewStatus), default=ReviewStatus.NOT_STARTED)
    no_conflict_confirmed_at: Mapped[datetime | None]
    recommendation: Mapped[Recommendation | None] = mapped_column(enum_column(Recommendation))
    recommendation_note: Mapped[str | None] = mapped_column(Text)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    # Out of 100, kept while the review is submitted (None otherwise, or when nothing with a weight
    # was scored), so that a round's moderation reads one number per review instead of adding up
    # every score. Set when the review is submitted; worked out again when the round's criteria
    # change (portal/services/review_totals.py).
    weighted_total: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Optimistic locking: a save based on an older version (another tab) is refused, not applied.
    lock_version: Mapped[int] = mapped_column(default=1)
    __mapper_args__: dict[str, Any] = {"version_id_col": lock_version}  # noqa: RUF012

    application: Mapped[Application] = relationship()
    member: Mapped[PanelMember] = relationship(back_populates="reviews")
    scores: Mapped[list[Score]] = relationship(back_populates="review", cascade="all, delete-orphan")


class Score(Base):
    """A review's score (0–4, or NULL: not scored) and comment on one criterion."""

    __tablename__ = "scores"
    __table_args__ = (
        UniqueConstraint("review_id", "criterion_id"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 4)", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id", ondelete="RESTRICT"))
    score: Mapped[int | None]
    comment: Mapped[str | None] = mapped_column(Text)
    audience: Mapped[CommentAudience] = mapped_column(enum_column(CommentAudience), default=CommentAudience.PANEL_ONLY)

    review: Mapped[Review] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()


class ConflictDeclaration(Base):
    """A panel member's declared conflict on one EOI: they cannot see or score it."""

    __tablename__ = "conflict_declarations"
    __table_args__ = (UniqueConstraint("application_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("panel_members.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ConflictKind] = mapped_column(enum_column(ConflictKind))
    note: Mapped[str | None] = mapped_column(Text)
    declared_at: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship()
    member: Mapped[PanelMember] = relationship()


class AgreedScore(Base):
    """The score the panel agreed for an EOI at the moderation meeting (out of 100), and why."""

    __tablename__ = "agreed_scores"
    __table_args__ = (
        UniqueConstraint("application_id"),
        CheckConstraint("score >= 0 AND score <= 100", name="agreed_score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    rationale: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship()
    recorded_by: Mapped[User | None] = relationship()


class FundingDecision(Base):
    """An officer's decision on an EOI: fund (up to the amount asked, with conditions), do not fund
    (with feedback for the group) or reserve. Groups see it only once the round's decisions are
    released."""

    __tablename__ = "funding_decisions"
    __table_args__ = (
        UniqueConstraint("application_id"),
        CheckConstraint("amount IS NULL OR amount > 0", name="amount_positive"),
        CheckConstraint("outcome != 'fund' OR amount IS NOT NULL", name="fund_has_amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    outcome: Mapped[DecisionOutcome] = mapped_column(enum_column(DecisionOutcome))
    amount: Mapped[Decimal | None]
    conditions: Mapped[str | None] = mapped_column(Text)
    feedback: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    # Set when the decision goes against the ranking (funding below the line, or not funding above it).
    override_reason: Mapped[str | None] = mapped_column(Text)
    rank_at_decision: Mapped[int | None]
    within_budget_at_decision: Mapped[bool | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship()
    decided_by: Mapped[User | None] = relationship()
