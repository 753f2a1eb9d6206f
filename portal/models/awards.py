"""Awards made from "fund" decisions: their conditions, payment schedule, agreed output targets and
return dates; the group's acceptance and bank details; the letters issued (stored, versioned
records); and batches of letters issued in one go."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, enum_column, utcnow
from portal.domain.awards import BatchStatus, LetterKind, PaymentTrigger, ReturnKind
from portal.domain.workflow import AwardStatus

if TYPE_CHECKING:
    from portal.models.applications import Application
    from portal.models.funding import OutputMeasure, Round
    from portal.models.panel import FundingDecision
    from portal.models.people import User


class Award(Base):
    """A grant offered to a group from an officer's "fund" decision."""

    __tablename__ = "awards"
    __table_args__ = (
        UniqueConstraint("application_id"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on > starts_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="RESTRICT"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("funding_decisions.id", ondelete="SET NULL"))
    status: Mapped[AwardStatus] = mapped_column(enum_column(AwardStatus), default=AwardStatus.OFFERED, index=True)
    amount: Mapped[Decimal]
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Acceptance (or refusal) by the group.
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    accepted_name: Mapped[str | None] = mapped_column(String(200))
    accepted_role: Mapped[str | None] = mapped_column(String(200))
    accepted_on: Mapped[date | None] = mapped_column(Date)
    declined_at: Mapped[datetime | None]
    declined_reason: Mapped[str | None] = mapped_column(Text)
    withdrawn_at: Mapped[datetime | None]
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    last_reminded_at: Mapped[datetime | None]

    lock_version: Mapped[int] = mapped_column(default=1)
    __mapper_args__: dict[str, Any] = {"version_id_col": lock_version}  # noqa: RUF012

    application: Mapped[Application] = relationship()
    decision: Mapped[FundingDecision | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])
    conditions: Mapped[list[AwardCondition]] = relationship(
        back_populates="award", cascade="all, delete-orphan", order_by="AwardCondition.position"
    )
    instalments: Mapped[list[AwardInstalment]] = relationship(
        back_populates="award", cascade="all, delete-orphan", order_by="AwardInstalment.position"
    )
    targets: Mapped[list[AwardTarget]] = relationship(back_populates="award", cascade="all, delete-orphan")
    return_dates: Mapped[list[AwardReturnDate]] = relationship(
        back_populates="award", cascade="all, delete-orphan", order_by="AwardReturnDate.due_on"
    )
    bank_details: Mapped[BankDetails | None] = relationship(back_populates="award", cascade="all, delete-orphan")
    letters: Mapped[list[Letter]] = relationship(back_populates="award", order_by="Letter.version")


class AwardCondition(Base):
    """A condition of this grant: copied from the round's standard conditions, or added for it."""

    __tablename__ = "award_conditions"

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    round_condition_id: Mapped[int | None] = mapped_column(ForeignKey("round_conditions.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
    agreed_at: Mapped[datetime | None]  # ticked by the group when it accepted

    award: Mapped[Award] = relationship(back_populates="conditions")


class AwardInstalment(Base):
    """One payment of the grant: an amount (or a percentage, kept as given) and when it is paid."""

    __tablename__ = "award_instalments"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("percentage IS NULL OR (percentage > 0 AND percentage <= 100)", name="percentage_range"),
        CheckConstraint("trigger != 'on_date' OR due_on IS NOT NULL", name="dated_has_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    amount: Mapped[Decimal]  # always the pounds, worked out from the percentage when one was given
    percentage: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    trigger: Mapped[PaymentTrigger] = mapped_column(enum_column(PaymentTrigger))
    due_on: Mapped[date | None] = mapped_column(Date)
    paid_at: Mapped[datetime | None]

    award: Mapped[Award] = relationship(back_populates="instalments")


class AwardTarget(Base):
    """The output the group agreed to for one measure of its work stream (a number, or words for a
    qualitative measure). Need not add up to the work stream's programme target."""

    __tablename__ = "award_targets"
    __table_args__ = (
        UniqueConstraint("award_id", "measure_id"),
        CheckConstraint("quantity IS NULL OR quantity >= 0", name="quantity_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("output_measures.id", ondelete="RESTRICT"))
    quantity: Mapped[int | None]
    description: Mapped[str | None] = mapped_column(Text)

    award: Mapped[Award] = relationship(back_populates="targets")
    measure: Mapped[OutputMeasure] = relationship()


class AwardReturnDate(Base):
    """When the group sends a return on its outputs (by default a mid-point and a final return)."""

    __tablename__ = "award_return_dates"

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ReturnKind] = mapped_column(enum_column(ReturnKind))
    due_on: Mapped[date] = mapped_column(Date)

    award: Mapped[Award] = relationship(back_populates="return_dates")


class BankDetails(Base):
    """Where the grant is paid: given by the group only after it accepts; seen whole by officers
    only (the group sees it masked)."""

    __tablename__ = "bank_details"
    __table_args__ = (UniqueConstraint("award_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"))
    account_name: Mapped[str] = mapped_column(String(140))
    sort_code: Mapped[str] = mapped_column(String(6))
    account_number: Mapped[str] = mapped_column(String(8))
    given_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    given_at: Mapped[datetime] = mapped_column(default=utcnow)

    award: Mapped[Award] = relationship(back_populates="bank_details")


class Letter(Base):
    """An issued letter: the stored PDF bytes (through storage.py) with the template and the
    context they were rendered from, their sha256 and a version. Re-issuing adds a version; a
    download always returns the stored bytes."""

    __tablename__ = "letters"
    __table_args__ = (UniqueConstraint("application_id", "kind", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="RESTRICT"), index=True)
    award_id: Mapped[int | None] = mapped_column(ForeignKey("awards.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[LetterKind] = mapped_column(enum_column(LetterKind))
    version: Mapped[int]
    template_name: Mapped[str] = mapped_column(String(200))
    context: Mapped[dict[str, Any]] = mapped_column(JSON)
    language: Mapped[str] = mapped_column(String(20), default="en")
    storage_key: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("letter_batches.id", ondelete="SET NULL"))

    application: Mapped[Application] = relationship()
    award: Mapped[Award | None] = relationship(back_populates="letters")
    issued_by: Mapped[User | None] = relationship()


class LetterBatch(Base):
    """ "Issue all letters for this round": a background job, its progress and its ZIP."""

    __tablename__ = "letter_batches"
    __table_args__ = (CheckConstraint("done >= 0 AND failed >= 0 AND done + failed <= total", name="counts_in_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    status: Mapped[BatchStatus] = mapped_column(enum_column(BatchStatus), default=BatchStatus.QUEUED)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    application_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    zip_key: Mapped[str | None] = mapped_column(String(300))
    error: Mapped[str | None] = mapped_column(Text)
    reissue: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    round: Mapped[Round] = relationship()
    created_by: Mapped[User | None] = relationship()
