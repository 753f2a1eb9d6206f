"""Expressions of interest (applications), their answers, planned outputs, budget, submitted
versions, messages, and deadline extensions."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, enum_column, utcnow
from portal.domain.applications import Channel
from portal.domain.workflow import ApplicationStatus

if TYPE_CHECKING:
    from portal.models.files import StoredFile
    from portal.models.funding import Criterion, OutputMeasure, Round, WorkStream
    from portal.models.people import Organisation, User
    from portal.models.places import Locality, Ward

application_localities = Table(
    "application_localities",
    Base.metadata,
    Column("application_id", ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True),
    Column("locality_id", ForeignKey("localities.id", ondelete="RESTRICT"), primary_key=True),
)

application_wards = Table(
    "application_wards",
    Base.metadata,
    Column("application_id", ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True),
    Column("ward_id", ForeignKey("wards.id", ondelete="RESTRICT"), primary_key=True),
)


class Application(Base):
    """An expression of interest. Drafts change; submitting freezes an ApplicationVersion."""

    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint("amount_requested IS NULL OR amount_requested >= 0", name="amount_not_negative"),
        UniqueConstraint("reference"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="RESTRICT"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    work_stream_id: Mapped[int | None] = mapped_column(ForeignKey("work_streams.id", ondelete="RESTRICT"))
    reference: Mapped[str | None] = mapped_column(String(30))
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_column(ApplicationStatus), default=ApplicationStatus.DRAFT, index=True
    )
    title: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)
    who_benefits: Mapped[str | None] = mapped_column(Text)
    activities: Mapped[str | None] = mapped_column(Text)
    timescale: Mapped[str | None] = mapped_column(Text)
    amount_requested: Mapped[Decimal | None]
    partners: Mapped[str | None] = mapped_column(Text)
    has_partners: Mapped[bool | None]
    declared_by_name: Mapped[str | None] = mapped_column(String(200))
    declared_at: Mapped[datetime | None]
    completed_sections: Mapped[list[str]] = mapped_column(JSON, default=list)

    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    # The assisted route: an officer entering it on the group's behalf, and how it reached us.
    channel: Mapped[Channel] = mapped_column(enum_column(Channel), default=Channel.ONLINE)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    consent_note: Mapped[str | None] = mapped_column(Text)
    consent_recorded_at: Mapped[datetime | None]

    screened_at: Mapped[datetime | None]
    screened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    ineligible_reason: Mapped[str | None] = mapped_column(Text)
    withdrawn_at: Mapped[datetime | None]
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)

    # Optimistic locking: a save based on an older version is refused, never silently applied.
    lock_version: Mapped[int] = mapped_column(default=1)
    __mapper_args__: dict[str, Any] = {"version_id_col": lock_version}  # noqa: RUF012

    round: Mapped[Round] = relationship()
    organisation: Mapped[Organisation] = relationship()
    work_stream: Mapped[WorkStream | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])
    screened_by: Mapped[User | None] = relationship(foreign_keys=[screened_by_id])
    localities: Mapped[list[Locality]] = relationship(secondary=application_localities)
    wards: Mapped[list[Ward]] = relationship(secondary=application_wards)
    answers: Mapped[list[ApplicationAnswer]] = relationship(back_populates="application", cascade="all, delete-orphan")
    planned_outputs: Mapped[list[PlannedOutput]] = relationship(
        back_populates="application", cascade="all, delete-orphan"
    )
    budget_lines: Mapped[list[BudgetLine]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="BudgetLine.position"
    )
    versions: Mapped[list[ApplicationVersion]] = relationship(
        back_populates="application", order_by="ApplicationVersion.number"
    )
    messages: Mapped[list[ApplicationMessage]] = relationship(
        back_populates="application", order_by="ApplicationMessage.created_at"
    )


class ApplicationAnswer(Base):
    """The answer to one criterion's question: written, or a recording with an optional summary."""

    __tablename__ = "application_answers"
    __table_args__ = (UniqueConstraint("application_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id", ondelete="RESTRICT"))
    text: Mapped[str | None] = mapped_column(Text)
    recording_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id", ondelete="RESTRICT"))
    recording_summary: Mapped[str | None] = mapped_column(Text)

    application: Mapped[Application] = relationship(back_populates="answers")
    criterion: Mapped[Criterion] = relationship()
    recording: Mapped[StoredFile | None] = relationship()


class PlannedOutput(Base):
    """What the group plans to achieve against one output measure of its work stream."""

    __tablename__ = "planned_outputs"
    __table_args__ = (
        UniqueConstraint("application_id", "measure_id"),
        CheckConstraint("quantity IS NULL OR quantity >= 0", name="quantity_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    measure_id: Mapped[int] = mapped_column(ForeignKey("output_measures.id", ondelete="RESTRICT"))
    is_part_of_project: Mapped[bool] = mapped_column(Boolean, default=True)
    quantity: Mapped[int | None]
    description: Mapped[str | None] = mapped_column(Text)

    application: Mapped[Application] = relationship(back_populates="planned_outputs")
    measure: Mapped[OutputMeasure] = relationship()


class BudgetLine(Base):
    __tablename__ = "budget_lines"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal]
    position: Mapped[int] = mapped_column(default=0)

    application: Mapped[Application] = relationship(back_populates="budget_lines")


class ApplicationVersion(Base):
    """A frozen copy of everything submitted: never changed once written."""

    __tablename__ = "application_versions"
    __table_args__ = (UniqueConstraint("application_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    number: Mapped[int]
    submitted_at: Mapped[datetime]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(String(64))

    application: Mapped[Application] = relationship(back_populates="versions")


class ApplicationMessage(Base):
    """A message between officers and the group about an application."""

    __tablename__ = "application_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    is_from_officer: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship(back_populates="messages")
    author: Mapped[User | None] = relationship()


class DeadlineExtension(Base):
    """More time for one organisation in one round, granted (and recorded) by an officer."""

    __tablename__ = "deadline_extensions"
    __table_args__ = (UniqueConstraint("round_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    closes_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SupportRequest(Base):
    """'Ask us to call you back': a request for help that officers see and deal with."""

    __tablename__ = "support_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    best_time: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(100))
    message: Mapped[str | None] = mapped_column(Text)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    handled_at: Mapped[datetime | None]
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    handled_note: Mapped[str | None] = mapped_column(Text)


@event.listens_for(ApplicationVersion, "before_update")
def _versions_are_frozen(mapper, connection, target) -> None:  # noqa: ANN001
    raise ValueError("a submitted version never changes: write a new version instead")
