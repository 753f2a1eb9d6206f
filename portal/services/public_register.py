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
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Integer, and_, exists, func, literal, select, union_all
from sqlalchemy.orm import aliased, selectinload

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
from portal.services import figures_cache, paging
from portal.services.monitoring import LIVE_AWARDS, StreamProgress, has_live_award, programme_progress
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
    released = exists().where(Panel.round_id == Round.id, Panel.decisions_released_at.is_not(None))
    return list(db.session.scalars(select(Round).where(has_live_award(), released).order_by(Round.id.desc())))


def public_register(
    *,
    work_stream_id: int | None = None,
    round_id: int | None = None,
    locality_id: int | None = None,
    page: int | None = 1,
    per_page: int = paging.PER_PAGE,
) -> Register:
    """One page of the published awards, newest first, optionally of one work stream, one round or
    one locality; with how many match and their amount added up (in SQL, whatever the number).

    Four statements, whatever the number of awards: the figures (one row per released round and
    work stream: the count and amount of what matches, the rounds and work streams to choose from,
    how many match in each round; kept by ``figures_cache``, which asks for the newest change), the
    page (reading only the rounds it reaches, see ``_page_rows``), the page's localities and the
    localities to choose from."""
    matches = _matching(work_stream_id, round_id, locality_id)
    # Counted over every award of every released round: kept until anything changes.
    key = ("register", work_stream_id, round_id, locality_id)
    figures = figures_cache.remembered(key, lambda: _figures(matches))
    count = sum(f.matching for f in figures)
    number = paging.clamp(page, count, per_page)
    rows = _page_rows(figures, matches, (number - 1) * per_page, per_page)
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
    live_rounds = {f.round_id: f.round_title for f in figures if f.live}
    streams = {f.stream_id: f for f in figures if f.stream_id is not None}
    return Register(
        page=Page(items=items, total=count, page=number, per_page=per_page),
        total=sum((f.amount for f in figures), Decimal(0)),
        work_streams=[
            (s.stream_id, f"{s.stream_name} ({s.stream_round_title})")
            for s in sorted(streams.values(), key=lambda s: (-s.stream_round_id, s.stream_position))
        ],
        rounds=sorted(live_rounds.items(), reverse=True),
        localities=_locality_choices(),
    )


def _matching(work_stream_id: int | None, round_id: int | None, locality_id: int | None) -> list:
    """What an award on the register must be (live) and the filters chosen, as SQL conditions."""
    matches = [Award.status.in_(LIVE_AWARDS)]
    if work_stream_id is not None:
        matches.append(Application.work_stream_id == work_stream_id)
    if round_id is not None:
        matches.append(Application.round_id == round_id)
    if locality_id is not None:
        matches.append(Application.localities.any(Locality.id == locality_id))
    return matches


@dataclass(frozen=True)
class _Figures:
    """The awards (of any status) of one released round and work stream."""

    round_id: int
    round_title: str
    released_at: datetime
    stream_id: int | None
    stream_name: str | None
    stream_round_id: int | None
    stream_position: int | None
    stream_round_title: str | None
    live: int  # accepted, active or completed: the round is one of the register's choices
    matching: int  # live and matching the filters
    amount: Decimal  # of those matching


def _figures(matches: list) -> list[_Figures]:
    """Per released round and work stream with an award: how many are live, how many match and
    their amount (one statement, over the awards of released rounds)."""
    matching = and_(*matches)
    counted = (
        select(
            Application.round_id,
            Application.work_stream_id,
            Panel.decisions_released_at.label("released_at"),
            func.count().filter(Award.status.in_(LIVE_AWARDS)).label("live"),
            func.count().filter(matching).label("matching"),
            func.sum(Award.amount).filter(matching).label("amount"),
        )
        .select_from(Award)
        .join(Award.application)
        .join(Panel, Panel.round_id == Application.round_id)
        .where(Panel.decisions_released_at.is_not(None))
        .group_by(Application.round_id, Application.work_stream_id, Panel.decisions_released_at)
        .subquery("counted")
    )
    stream_round = aliased(Round)
    rows = db.session.execute(
        select(
            counted.c.round_id,
            Round.title,
            counted.c.released_at,
            WorkStream.id,
            WorkStream.name,
            WorkStream.round_id,
            WorkStream.position,
            stream_round.title,
            counted.c.live,
            counted.c.matching,
            counted.c.amount,
        )
        .join(Round, Round.id == counted.c.round_id)
        .outerjoin(WorkStream, WorkStream.id == counted.c.work_stream_id)
        .outerjoin(stream_round, stream_round.id == WorkStream.round_id)
    ).all()
    return [_Figures(*row[:-1], amount=row[-1] or Decimal(0)) for row in rows]


def _page_rows(figures: list[_Figures], matches: list, offset: int, limit: int) -> list:
    """The register's rows from ``offset``: (EOI id, organisation, work stream, round, amount,
    decisions released at). The order is made of runs, one per moment decisions were released
    (newest first; rounds released at the same moment share one), each newest award first; the
    figures say how many of each run match, so only the runs the page reaches are read, each
    cut to its part of the page on the awards' index."""
    released: dict[datetime, list[int]] = defaultdict(list)
    for f in figures:
        if f.matching and f.round_id not in released[f.released_at]:
            released[f.released_at].append(f.round_id)
    runs = [round_ids for _, round_ids in sorted(released.items(), reverse=True)]
    sizes = [sum(f.matching for f in figures if f.round_id in round_ids) for round_ids in runs]
    parts = []
    for index, start, count in paging.window(sizes, offset, limit):
        part = (
            select(Award.id, literal(index, Integer).label("run"))
            .join(Award.application)
            .where(Application.round_id.in_(runs[index]), *matches)
            .order_by(Award.id.desc())
            .limit(count)
            .offset(start)
            .subquery()
        )
        parts.append(select(part))
    if not parts:
        return []
    page_ids = paging.chosen_once(union_all(*parts) if len(parts) > 1 else parts[0], "page_ids")
    return db.session.execute(
        select(
            Application.id, Organisation.name, WorkStream.name, Round.title, Award.amount, Panel.decisions_released_at
        )
        .select_from(page_ids)
        .join(Award, Award.id == page_ids.c.id)
        .join(Award.application)
        .join(Panel, Panel.round_id == Application.round_id)
        .join(Application.organisation)
        .join(Application.round)
        .outerjoin(Application.work_stream)
        .order_by(page_ids.c.run, Award.id.desc())
    ).all()


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
