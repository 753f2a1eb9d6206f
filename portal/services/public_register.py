"""What the public may see, without signing in: the register of awards, the programme's progress
and the stories whose tellers agreed to publication. Read-only.

- Only awards that were accepted, are active or completed, in rounds whose decisions are released.
- No personal data: organisation names, work streams, amounts, localities and dates only; never
  people's names, addresses, e-mails or phone numbers.
- Stories only with public consent never withdrawn (``domain.returns.is_public``), from returns an
  officer has accepted (so someone has read them first); the teller's name only with consent to
  publish it; never the story's photo or recording (they are not public files).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload, selectinload

from portal.domain.returns import PUBLIC_CONSENTS, Consent, is_public
from portal.domain.workflow import ReturnStatus
from portal.extensions import db
from portal.models import Application, Award, Locality, OutputReturn, Panel, Round, Story, WorkStream
from portal.services.monitoring import LIVE_AWARDS, StreamProgress, programme_progress


@dataclass(frozen=True)
class RegisterRow:
    organisation: str
    work_stream: str
    round: str
    amount: Decimal
    localities: list[str]
    awarded_on: date | None


@dataclass(frozen=True)
class Register:
    rows: list[RegisterRow]
    work_streams: list[tuple[int, str]]  # the choices of the filter: (id, "stream (round)")
    localities: list[tuple[int, str]]

    @property
    def total(self) -> Decimal:
        return sum((row.amount for row in self.rows), Decimal(0))


@dataclass(frozen=True)
class PublicStory:
    title: str
    body: str
    teller: str | None  # only with consent to publish the name
    organisation: str
    work_stream: str


def _released():  # noqa: ANN202 - an SQL condition on Application
    return exists().where(Panel.round_id == Application.round_id, Panel.decisions_released_at.is_not(None))


def released_rounds() -> list[Round]:
    """Rounds whose decisions are released and which have a live award, newest first."""
    has_award = exists().where(
        Award.application_id == Application.id, Application.round_id == Round.id, Award.status.in_(LIVE_AWARDS)
    )
    released = exists().where(Panel.round_id == Round.id, Panel.decisions_released_at.is_not(None))
    return list(db.session.scalars(select(Round).where(has_award, released).order_by(Round.id.desc())))


def public_register(*, work_stream_id: int | None = None, locality_id: int | None = None) -> Register:
    """The published awards, newest first, optionally of one work stream or one locality."""
    query = (
        select(Award, Panel.decisions_released_at)
        .join(Award.application)
        .join(Panel, Panel.round_id == Application.round_id)
        .where(Award.status.in_(LIVE_AWARDS), Panel.decisions_released_at.is_not(None))
        .options(
            joinedload(Award.application).joinedload(Application.organisation),
            joinedload(Award.application).joinedload(Application.work_stream),
            joinedload(Award.application).joinedload(Application.round),
            # Joined, not "selectin": one statement however many awards (selectin sends one per 500).
            joinedload(Award.application).joinedload(Application.localities),
        )
        .order_by(Panel.decisions_released_at.desc(), Award.id)
    )
    if work_stream_id is not None:
        query = query.where(Application.work_stream_id == work_stream_id)
    if locality_id is not None:
        query = query.where(Application.localities.any(Locality.id == locality_id))
    rows = [
        RegisterRow(
            organisation=award.application.organisation.name,
            work_stream=award.application.work_stream.name if award.application.work_stream else "",
            round=award.application.round.title,
            amount=award.amount,
            localities=sorted(loc.name for loc in award.application.localities),
            awarded_on=released_at.date() if released_at else None,
        )
        for award, released_at in db.session.execute(query).unique()
    ]
    return Register(rows, _stream_choices(), _locality_choices())


def _stream_choices() -> list[tuple[int, str]]:
    funded = exists().where(
        Application.work_stream_id == WorkStream.id, Award.application_id == Application.id, _released()
    )
    streams = db.session.scalars(
        select(WorkStream)
        .where(funded)
        .options(joinedload(WorkStream.round))
        .order_by(WorkStream.round_id.desc(), WorkStream.position)
    )
    return [(s.id, f"{s.name} ({s.round.title})") for s in streams]


def _locality_choices() -> list[tuple[int, str]]:
    return [
        (loc.id, loc.name)
        for loc in db.session.scalars(
            select(Locality).where(Locality.is_archived.is_(False)).order_by(Locality.position, Locality.name)
        )
    ]


def public_progress(round_: Round) -> list[StreamProgress]:
    """The programme's totals for a released round (no per-award or per-group figures)."""
    return [s for s in programme_progress(round_) if s.measures]


def public_stories() -> list[PublicStory]:
    """Stories that may be published, newest first."""
    stories = db.session.scalars(
        select(Story)
        .join(Story.output_return)
        .join(OutputReturn.award)
        .join(Award.application)
        .where(
            Story.consent.in_(PUBLIC_CONSENTS),
            Story.consent_withdrawn_at.is_(None),
            OutputReturn.status == ReturnStatus.ACCEPTED,
            Award.status.in_(LIVE_AWARDS),
            _released(),
        )
        .options(
            selectinload(Story.output_return)
            .selectinload(OutputReturn.award)
            .selectinload(Award.application)
            .options(selectinload(Application.organisation), selectinload(Application.work_stream))
        )
        .order_by(Story.created_at.desc(), Story.id.desc())
    )
    return [
        PublicStory(
            title=story.title,
            body=story.body,
            teller=story.teller_name if story.consent == Consent.PUBLIC_NAMED and story.teller_name else None,
            organisation=story.output_return.award.application.organisation.name,
            work_stream=story.output_return.award.application.work_stream.name
            if story.output_return.award.application.work_stream
            else "",
        )
        for story in stories
        # The query already asked for this; checked again here so that no change to it can publish a story.
        if is_public(story.consent, story.consent_withdrawn_at is not None)
    ]
