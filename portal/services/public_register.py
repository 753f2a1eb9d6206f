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

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import exists, func, select
from sqlalchemy.orm import joinedload, selectinload

from portal.domain.returns import PUBLIC_CONSENTS, Consent, is_public
from portal.domain.workflow import ReturnStatus
from portal.extensions import db
from portal.models import (
    Application,
    Award,
    Locality,
    Organisation,
    OutputReturn,
    Panel,
    Round,
    Story,
    WorkStream,
)
from portal.models.applications import application_localities
from portal.services import paging
from portal.services.monitoring import LIVE_AWARDS, StreamProgress, programme_progress
from portal.services.paging import Page


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
    page: Page[RegisterRow]  # this page of the awards that match, newest first
    total: Decimal  # the amount of every award that matches, on every page
    work_streams: list[tuple[int, str]]  # the choices of the filter: (id, "stream (round)")
    rounds: list[tuple[int, str]]
    localities: list[tuple[int, str]]

    @property
    def rows(self) -> list[RegisterRow]:
        return list(self.page.items)

    @property
    def count(self) -> int:
        return self.page.total


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


def public_register(
    *,
    work_stream_id: int | None = None,
    round_id: int | None = None,
    locality_id: int | None = None,
    page: int | None = 1,
    per_page: int = paging.PER_PAGE,
) -> Register:
    """One page of the published awards, newest first, optionally of one work stream, one round or
    one locality; with how many match and their amount added up (in SQL, whatever the number)."""
    matching = (
        select(Award.id)
        .join(Award.application)
        .join(Panel, Panel.round_id == Application.round_id)
        .where(Award.status.in_(LIVE_AWARDS), Panel.decisions_released_at.is_not(None))
    )
    if work_stream_id is not None:
        matching = matching.where(Application.work_stream_id == work_stream_id)
    if round_id is not None:
        matching = matching.where(Application.round_id == round_id)
    if locality_id is not None:
        matching = matching.where(Application.localities.any(Locality.id == locality_id))
    found = matching.with_only_columns(func.count(Award.id), func.coalesce(func.sum(Award.amount), 0))
    count, total = db.session.execute(found).one()
    number = paging.clamp(page, count, per_page)
    rows = db.session.execute(
        matching.with_only_columns(
            Application.id, Organisation.name, WorkStream.name, Round.title, Award.amount, Panel.decisions_released_at
        )
        .join(Application.organisation)
        .join(Application.round)
        .outerjoin(Application.work_stream)
        .order_by(Panel.decisions_released_at.desc(), Award.id.desc())
        .limit(per_page)
        .offset((number - 1) * per_page)
    ).all()
    places: dict[int, list[str]] = defaultdict(list)
    if rows:
        for application_id, name in db.session.execute(
            select(application_localities.c.application_id, Locality.name)
            .join(Locality, Locality.id == application_localities.c.locality_id)
            .where(application_localities.c.application_id.in_([row[0] for row in rows]))
        ):
            places[application_id].append(name)
    items = [
        RegisterRow(
            organisation=organisation,
            work_stream=stream or "",
            round=round_title,
            amount=amount,
            localities=sorted(places[application_id]),
            awarded_on=released_at.date() if released_at else None,
        )
        for application_id, organisation, stream, round_title, amount, released_at in rows
    ]
    return Register(
        page=Page(items=items, total=count, page=number, per_page=per_page),
        total=Decimal(str(total)),
        work_streams=_stream_choices(),
        rounds=[(r.id, r.title) for r in released_rounds()],
        localities=_locality_choices(),
    )


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
