"""Funds, rounds, work streams with their output measures, and the scoring criteria."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Numeric, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, enum_column, utcnow
from portal.domain.measures import MeasureKind
from portal.domain.workflow import RoundStatus


class Fund(Base):
    __tablename__ = "funds"
    __table_args__ = (CheckConstraint("total_budget >= 0", name="budget_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    total_budget: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    rounds: Mapped[list[Round]] = relationship(back_populates="fund", order_by="Round.opens_at")


class Round(Base):
    __tablename__ = "rounds"
    __table_args__ = (
        CheckConstraint("min_amount >= 0", name="min_amount_not_negative"),
        CheckConstraint("max_amount >= min_amount", name="max_at_least_min"),
        CheckConstraint("closes_at IS NULL OR opens_at IS NULL OR closes_at > opens_at", name="closes_after_opens"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    reference_prefix: Mapped[str] = mapped_column(String(20))
    # The last reference number given out in this round (CIF-2026-0042 → 42); see services.applications.
    last_reference_number: Mapped[int] = mapped_column(default=0)
    status: Mapped[RoundStatus] = mapped_column(enum_column(RoundStatus), default=RoundStatus.DRAFT)
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    min_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    max_amount: Mapped[Decimal] = mapped_column(default=Decimal("5000"))
    guidance: Mapped[str | None] = mapped_column(Text)
    # Eligibility settings read by the eligibility check: a list of LegalForm values and an
    # income ceiling (None = no ceiling).
    allowed_legal_forms: Mapped[list[str]] = mapped_column(JSON, default=list)
    income_ceiling: Mapped[Decimal | None]
    # What the money cannot be used for: shown to applicants and asked about in the eligibility check.
    excluded_purposes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Letterhead for this round's letters (empty = the portal's configured council name).
    letter_council_name: Mapped[str | None] = mapped_column(String(200))
    letter_address: Mapped[str | None] = mapped_column(Text)
    letter_logo_key: Mapped[str | None] = mapped_column(String(200))
    letter_logo_type: Mapped[str | None] = mapped_column(String(40))
    letter_signatory_name: Mapped[str | None] = mapped_column(String(200))
    letter_signatory_title: Mapped[str | None] = mapped_column(String(200))
    copied_from_round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    fund: Mapped[Fund] = relationship(back_populates="rounds")
    work_streams: Mapped[list[WorkStream]] = relationship(
        back_populates="round", order_by="WorkStream.position", cascade="all, delete-orphan"
    )
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="round", order_by="Criterion.position", cascade="all, delete-orphan"
    )
    conditions: Mapped[list[RoundCondition]] = relationship(
        back_populates="round", order_by="RoundCondition.position", cascade="all, delete-orphan"
    )


class WorkStream(Base):
    __tablename__ = "work_streams"
    __table_args__ = (CheckConstraint("budget >= 0", name="budget_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(20))
    description: Mapped[str | None] = mapped_column(Text)
    who_it_is_for: Mapped[str | None] = mapped_column(Text)
    budget: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    position: Mapped[int] = mapped_column(default=0)
    is_retired: Mapped[bool] = mapped_column(Boolean, default=False)

    round: Mapped[Round] = relationship(back_populates="work_streams")
    measures: Mapped[list[OutputMeasure]] = relationship(
        back_populates="work_stream", order_by="OutputMeasure.position", cascade="all, delete-orphan"
    )


class OutputMeasure(Base):
    __tablename__ = "output_measures"
    __table_args__ = (
        CheckConstraint("target IS NULL OR target >= 0", name="target_not_negative"),
        CheckConstraint("kind = 'numeric' OR target IS NULL", name="qualitative_has_no_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    work_stream_id: Mapped[int] = mapped_column(ForeignKey("work_streams.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(60))
    kind: Mapped[MeasureKind] = mapped_column(enum_column(MeasureKind), default=MeasureKind.NUMERIC)
    target: Mapped[int | None]
    help_text: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
    is_retired: Mapped[bool] = mapped_column(Boolean, default=False)
    # Groups report each return's period; a cumulative measure is a running total instead (its
    # progress is the latest figure, not the sum): see portal/domain/returns.py.
    is_cumulative: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    work_stream: Mapped[WorkStream] = relationship(back_populates="measures")


class Criterion(Base):
    __tablename__ = "criteria"
    __table_args__ = (
        CheckConstraint("weight >= 0", name="weight_not_negative"),
        CheckConstraint("word_limit IS NULL OR word_limit > 0", name="word_limit_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    question: Mapped[str] = mapped_column(Text)
    word_limit: Mapped[int | None]  # None: no limit
    guidance: Mapped[str | None] = mapped_column(Text)
    descriptor_0: Mapped[str] = mapped_column(Text, default="No evidence")
    descriptor_1: Mapped[str] = mapped_column(Text, default="Limited evidence")
    descriptor_2: Mapped[str] = mapped_column(Text, default="Adequate evidence")
    descriptor_3: Mapped[str] = mapped_column(Text, default="Good evidence")
    descriptor_4: Mapped[str] = mapped_column(Text, default="Strong evidence")
    weight: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("1"))
    position: Mapped[int] = mapped_column(default=0)
    is_archived: Mapped[bool] = mapped_column(Boolean, default=False)

    round: Mapped[Round] = relationship(back_populates="criteria")

    @property
    def descriptors(self) -> list[str]:
        return [self.descriptor_0, self.descriptor_1, self.descriptor_2, self.descriptor_3, self.descriptor_4]


class RoundCondition(Base):
    """A standard condition of grant that award letters in this round list by default."""

    __tablename__ = "round_conditions"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
    is_archived: Mapped[bool] = mapped_column(Boolean, default=False)

    round: Mapped[Round] = relationship(back_populates="conditions")
