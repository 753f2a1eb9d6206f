"""Output returns: what a funded group reports at each date of its award's return schedule — the
number achieved per agreed measure, stories with their consent, spend and reflections — with the
versions it submitted and the messages of an officer's query."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, enum_column, utcnow
from portal.domain.applications import Channel
from portal.domain.returns import Consent
from portal.domain.workflow import ReturnStatus

if TYPE_CHECKING:
    from portal.models.awards import Award, AwardReturnDate
    from portal.models.files import StoredFile
    from portal.models.funding import OutputMeasure
    from portal.models.people import User


class OutputReturn(Base):
    """One return of an award, due on one date of its return schedule."""

    __tablename__ = "output_returns"
    __table_args__ = (
        UniqueConstraint("return_date_id"),
        CheckConstraint("spend_to_date IS NULL OR spend_to_date >= 0", name="spend_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    return_date_id: Mapped[int | None] = mapped_column(ForeignKey("award_return_dates.id", ondelete="SET NULL"))
    period: Mapped[int]  # 1 for the first return of the award, 2 for the next …
    due_on: Mapped[date] = mapped_column(Date, index=True)
    is_final: Mapped[bool] = mapped_column(default=False)
    status: Mapped[ReturnStatus] = mapped_column(enum_column(ReturnStatus), default=ReturnStatus.DUE, index=True)
    spend_to_date: Mapped[Decimal | None]
    went_well: Mapped[str | None] = mapped_column(Text)
    was_hard: Mapped[str | None] = mapped_column(Text)
    support_needed: Mapped[str | None] = mapped_column(Text)
    # Optional monitoring: which groups of people took part in this period (codes of
    # portal.domain.contact.Community, or "prefer_not_to_say"); NULL when not answered.
    took_part: Mapped[list[str] | None] = mapped_column(JSON)
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The assisted route: an officer entering it on the group's behalf, and how it reached us.
    channel: Mapped[Channel] = mapped_column(enum_column(Channel), default=Channel.ONLINE)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    consent_note: Mapped[str | None] = mapped_column(Text)
    reminded_before_at: Mapped[datetime | None]
    reminded_after_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    lock_version: Mapped[int] = mapped_column(default=1)
    __mapper_args__: dict[str, Any] = {"version_id_col": lock_version}  # noqa: RUF012

    award: Mapped[Award] = relationship()
    return_date: Mapped[AwardReturnDate | None] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])
    figures: Mapped[list[ReturnFigure]] = relationship(back_populates="output_return", cascade="all, delete-orphan")
    stories: Mapped[list[Story]] = relationship(
        back_populates="output_return", cascade="all, delete-orphan", order_by="Story.id"
    )
    versions: Mapped[list[ReturnVersion]] = relationship(
        back_populates="output_return", order_by="ReturnVersion.number"
    )
    messages: Mapped[list[ReturnMessage]] = relationship(
        back_populates="output_return", order_by="ReturnMessage.created_at"
    )


class ReturnFigure(Base):
    """What was achieved in the return's period for one agreed measure: a number, or words for a
    qualitative measure."""

    __tablename__ = "return_figures"
    __table_args__ = (
        UniqueConstraint("return_id", "measure_id"),
        CheckConstraint("quantity IS NULL OR quantity >= 0", name="quantity_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("output_returns.id", ondelete="CASCADE"), index=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("output_measures.id", ondelete="RESTRICT"))
    quantity: Mapped[int | None]
    description: Mapped[str | None] = mapped_column(Text)

    output_return: Mapped[OutputReturn] = relationship(back_populates="figures")
    measure: Mapped[OutputMeasure] = relationship()


class Story(Base):
    """A story or narrative from the project, with what its teller agreed to. Consent can be
    withdrawn at any time; a withdrawn story is never shown publicly again."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("output_returns.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    teller_name: Mapped[str | None] = mapped_column(String(200))  # shown only with PUBLIC_NAMED consent
    consent: Mapped[Consent] = mapped_column(enum_column(Consent), default=Consent.INTERNAL)
    consent_withdrawn_at: Mapped[datetime | None]
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    output_return: Mapped[OutputReturn] = relationship(back_populates="stories")
    file: Mapped[StoredFile | None] = relationship()


class ReturnVersion(Base):
    """A frozen copy of a submitted return: never changed once written."""

    __tablename__ = "return_versions"
    __table_args__ = (UniqueConstraint("return_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("output_returns.id", ondelete="CASCADE"))
    number: Mapped[int]
    submitted_at: Mapped[datetime]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(String(64))

    output_return: Mapped[OutputReturn] = relationship(back_populates="versions")


class ReturnMessage(Base):
    """A message about a return: an officer's query, or the group's answer."""

    __tablename__ = "return_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("output_returns.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_officer: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    output_return: Mapped[OutputReturn] = relationship(back_populates="messages")
    author: Mapped[User | None] = relationship()
