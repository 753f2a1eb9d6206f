"""The programme dashboard of one round, bounded whatever the size of the round: the same figures
as ``monitoring.dashboard`` (what counts and how is said there), added up by the database, with
the awards a page at a time and the first rows of each list of returns with how many there are.

- Progress: each award's actual for a measure (the sum of its sent returns' figures, or for a
  running total the latest period's) is worked out per award and measure in SQL, then added up
  with the agreed targets per work stream and measure, and per locality (GROUP BY).
- Returns late, due soon and queried: the first ``RETURNS_SHOWN`` of each (soonest due first) and
  how many in all, in one statement (window functions).
- Each award against its own targets: one page of awards with their targets and actuals.
- Equality and reach: groups and answers counted by the database, per distinct answer.

A page reads the same number of statements whatever the number of awards, returns or groups:
the work streams, the progress, the returns, the page of awards and the equality figures. The
progress and equality figures cover the whole round, so their cost grows with it: they are kept
until anything changes (``figures_cache``), and then the page reads the newest change's id instead.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Integer,
    Numeric,
    Select,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import joinedload

from portal.domain.contact import PREFER_NOT_TO_SAY, Community
from portal.domain.measures import MeasureKind
from portal.domain.returns import Figure
from portal.domain.rollups import DUE_SOON_DAYS, AwardFigures, MeasureTotal, ReturnState, award_rag, elapsed_share
from portal.domain.workflow import ApplicationStatus, ReturnStatus
from portal.extensions import db
from portal.models import (
    Application,
    Award,
    AwardTarget,
    Locality,
    Organisation,
    OutputMeasure,
    OutputReturn,
    ReturnFigure,
    Round,
    WorkStream,
)
from portal.models.applications import application_localities as places
from portal.services import figures_cache, paging
from portal.services.equality import (
    GROUP_KEYS,
    MONITORING_QUESTIONS,
    AnswerCounts,
    EqualityTable,
    TookPartTable,
    equality_from_counts,
    took_part_from_counts,
)
from portal.services.monitoring import (
    LIVE_AWARDS,
    OPEN_RETURNS,
    SENT_RETURNS,
    AwardProgress,
    LocalityRow,
    MeasureProgress,
    ReturnRow,
    StreamProgress,
    local_today,
)
from portal.services.paging import Page

RETURNS_SHOWN = 20


@dataclass(frozen=True)
class ReturnList:
    rows: list[ReturnRow]  # the first RETURNS_SHOWN, soonest due first
    total: int

    def __len__(self) -> int:
        return self.total

    def __iter__(self):  # noqa: ANN204
        return iter(self.rows)

    def __bool__(self) -> bool:
        return bool(self.total)

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


@dataclass(frozen=True)
class DashboardPage:
    round: Round
    today: date
    streams: list[StreamProgress]
    late: ReturnList
    due_soon: ReturnList
    queried: ReturnList
    award_page: Page[AwardProgress]
    equality: list[EqualityTable]
    took_part: TookPartTable

    @property
    def awards(self) -> list[AwardProgress]:
        return list(self.award_page.items)


# --- the SQL ----------------------------------------------------------------------------------


def _live(round_: Round):  # noqa: ANN202 - a select
    """The round's accepted, active or completed awards."""
    return (
        select(Award.id.label("award_id"), Award.amount, Application.id.label("application_id"),
               Application.work_stream_id)
        .join(Award.application)
        .where(Application.round_id == round_.id, Award.status.in_(LIVE_AWARDS))
    )  # fmt: skip


def _facts(live):  # noqa: ANN001, ANN202 - a subquery
    """Per live award and measure: its agreed target (NULL without a number) and its actual to
    date (0 without figures), as ``rollups.award_actual`` counts it."""
    latest_first = func.row_number().over(
        partition_by=(OutputReturn.award_id, ReturnFigure.measure_id),
        order_by=(OutputReturn.period.desc(), OutputReturn.id.desc()),
    )
    figures = (
        select(OutputReturn.award_id, ReturnFigure.measure_id, ReturnFigure.quantity, latest_first.label("latest"))
        .join(ReturnFigure.output_return)
        .join(live, live.c.award_id == OutputReturn.award_id)  # a join, not IN: planned by the awards' number
        .where(
            OutputReturn.status.in_(SENT_RETURNS),
            ReturnFigure.quantity.is_not(None),
        )
        .subquery("figures")
    )
    counted = case(
        (OutputMeasure.is_cumulative, case((figures.c.latest == 1, figures.c.quantity), else_=0)),
        else_=figures.c.quantity,
    )
    actuals = (
        select(figures.c.award_id, figures.c.measure_id, cast(null(), Integer).label("target"),
               cast(func.sum(counted), Integer).label("actual"))
        .join(OutputMeasure, OutputMeasure.id == figures.c.measure_id)
        .group_by(figures.c.award_id, figures.c.measure_id)
    )  # fmt: skip
    targets = (
        select(
            AwardTarget.award_id,
            AwardTarget.measure_id,
            AwardTarget.quantity.label("target"),
            literal(0).label("actual"),
        )
        .join(live, live.c.award_id == AwardTarget.award_id)
        .where(AwardTarget.quantity.is_not(None))
    )
    both = union_all(targets, actuals).subquery("both_kinds")
    return (
        select(both.c.award_id, both.c.measure_id, func.max(both.c.target).label("target"),
               func.sum(both.c.actual).label("actual"))
        .group_by(both.c.award_id, both.c.measure_id)
        .cte("facts")
    )  # fmt: skip


def _progress_rows(round_: Round, live, facts) -> list:  # noqa: ANN001
    """Five kinds of row, in one statement: 1 awards and amount per work stream; 2 agreed, targets
    and actual per work stream and measure; 3 awards per locality and work stream; 4 agreed and
    actual per locality, work stream and measure; 5 the localities to show (active, or served)."""
    no_int, no_text = cast(null(), Integer), cast(null(), String)
    no_money, no_flag = cast(null(), Numeric(14, 2)), cast(null(), Boolean)

    names = ("work_stream_id", "measure_id", "locality_id", "name", "position", "archived", "n", "amount", "agreed",
             "targets", "actual")  # fmt: skip

    def row(kind: int, *columns):  # noqa: ANN002, ANN202
        return (literal(kind).label("kind"), *(c.label(n) for c, n in zip(columns, names, strict=True)))

    per_award = facts.join(live, live.c.award_id == facts.c.award_id)
    served = live.join(places, places.c.application_id == live.c.application_id)
    stream = live.c.work_stream_id
    return db.session.execute(
        union_all(
            select(*row(1, stream, no_int, no_int, no_text, no_int, no_flag, func.count(), func.sum(live.c.amount),
                        no_int, no_int, no_int)).group_by(stream),
            select(*row(2, stream, facts.c.measure_id, no_int, no_text, no_int, no_flag, no_int, no_money,
                        func.sum(facts.c.target), func.count(facts.c.target), func.sum(facts.c.actual)))
            .select_from(per_award).group_by(stream, facts.c.measure_id),
            select(*row(3, stream, no_int, places.c.locality_id, no_text, no_int, no_flag, func.count(), no_money,
                        no_int, no_int, no_int))
            .select_from(served).group_by(stream, places.c.locality_id),
            select(*row(4, stream, facts.c.measure_id, places.c.locality_id, no_text, no_int, no_flag, no_int,
                        no_money, func.sum(facts.c.target), func.count(facts.c.target), func.sum(facts.c.actual)))
            .select_from(per_award.join(places, places.c.application_id == live.c.application_id))
            .group_by(stream, facts.c.measure_id, places.c.locality_id),
            select(*row(5, no_int, no_int, Locality.id, Locality.name, Locality.position, Locality.is_archived,
                        no_int, no_money, no_int, no_int, no_int))
            .where(Locality.is_archived.is_(False) | Locality.id.in_(select(places.c.locality_id).select_from(served))),
        )
    ).all()  # fmt: skip


def _returns(live, today: date) -> dict[ReturnState, ReturnList]:  # noqa: ANN001
    """The open returns of the live awards, late / due soon / queried: the first of each, soonest
    due first, and how many (``rollups.return_state`` in SQL)."""
    unsent = OutputReturn.status.in_([s for s in OPEN_RETURNS if s != ReturnStatus.QUERIED])
    state = case(
        (OutputReturn.status == ReturnStatus.QUERIED, ReturnState.QUERIED.value),
        (and_(unsent, OutputReturn.due_on < today), ReturnState.LATE.value),
        (and_(unsent, OutputReturn.due_on <= today + timedelta(days=DUE_SOON_DAYS)), ReturnState.DUE_SOON.value),
    )
    listed = (
        select(
            OutputReturn.id, OutputReturn.award_id, Organisation.name, Application.reference,
            WorkStream.name.label("stream"), OutputReturn.period, OutputReturn.is_final, OutputReturn.due_on,
            OutputReturn.status, state.label("state"),
            func.row_number().over(partition_by=state, order_by=(OutputReturn.due_on, OutputReturn.id)).label("n"),
            func.count().over(partition_by=state).label("total"),
        )
        .join(live, live.c.award_id == OutputReturn.award_id)
        .join(Application, Application.id == live.c.application_id)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .outerjoin(WorkStream, WorkStream.id == Application.work_stream_id)
        .where(OutputReturn.status.in_(OPEN_RETURNS), state.is_not(None))
        .subquery("listed")
    )  # fmt: skip
    rows = db.session.execute(
        select(listed).where(listed.c.n <= RETURNS_SHOWN).order_by(listed.c.state, listed.c.due_on, listed.c.id)
    ).all()
    found: dict[ReturnState, list[ReturnRow]] = defaultdict(list)
    totals: dict[ReturnState, int] = {}
    for r in rows:
        kind = ReturnState(r.state)
        totals[kind] = r.total
        found[kind].append(
            ReturnRow(r.id, r.award_id, r.name, r.reference, r.stream or "", r.period, r.is_final, r.due_on,
                      ReturnStatus(r.status), kind)
        )  # fmt: skip
    return {kind: ReturnList(found[kind], totals.get(kind, 0)) for kind in ReturnState}


def _award_page(live, measures: dict[int, OutputMeasure], total: int, page: int | None, per_page: int,  # noqa: ANN001, PLR0913
                today: date) -> Page[AwardProgress]:  # fmt: skip
    """One page of the live awards (in the order they were made), each against its own targets."""
    number = paging.clamp(page, total, per_page)
    # The round's awards, then the page of them, each chosen once: as a subquery the page was worked
    # out for each of the three places that read it, each time by walking every award of every round
    # in id order (20 ms of the page's 140 with 5,000 awards; 1 ms this way).
    round_awards = paging.chosen_once(select(live.c.award_id), "round_awards")
    page_awards = paging.chosen_once(
        select(round_awards.c.award_id)
        .order_by(round_awards.c.award_id)
        .limit(per_page)
        .offset((number - 1) * per_page),
        "page_awards",
    )
    facts = _facts(page_awards)  # the figures of the page's awards only
    rows = db.session.execute(
        select(Award.id, Award.amount, Award.starts_on, Award.ends_on, Organisation.name, Application.reference,
               WorkStream.name.label("stream"), facts.c.measure_id, facts.c.target, facts.c.actual)
        .join(page_awards, page_awards.c.award_id == Award.id)
        .join(Award.application)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .outerjoin(WorkStream, WorkStream.id == Application.work_stream_id)
        .outerjoin(facts, facts.c.award_id == Award.id)
        .order_by(Award.id)
    ).all() if total else []  # fmt: skip
    awards: dict[int, tuple] = {}
    targets: dict[int, dict[int, int]] = defaultdict(dict)
    actuals: dict[int, dict[int, int]] = defaultdict(dict)
    for r in rows:
        awards.setdefault(r.id, r)
        if r.measure_id is not None:
            actuals[r.id][r.measure_id] = int(r.actual or 0)
            if r.target is not None:
                targets[r.id][r.measure_id] = r.target
    cumulative = {m_id for m_id, m in measures.items() if m.is_cumulative}
    items = []
    for award_id, r in awards.items():
        # One figure of the actual to date stands for the award's figures: rollups reads it back as it is.
        facts_ = AwardFigures(award_id, targets[award_id], {m: [Figure(1, a)] for m, a in actuals[award_id].items()})
        share = elapsed_share(r.starts_on, r.ends_on, today)
        shown = [
            (measures[m_id].name, actuals[award_id].get(m_id, 0), target)
            for m_id, target in sorted(targets[award_id].items(), key=lambda item: _position(measures, item[0]))
            if m_id in measures
        ]
        items.append(AwardProgress(award_id, r.name, r.reference, r.stream or "", r.amount,
                                   award_rag(facts_, cumulative, share), share, shown))  # fmt: skip
    return Page(items=items, total=total, page=number, per_page=per_page)


def _position(measures: dict[int, OutputMeasure], measure_id: int) -> int:
    return measures[measure_id].position if measure_id in measures else 0


def _answer_counts(answers) -> Select:  # noqa: ANN001
    """``answers`` (a subquery of rows ``key``, ``answer``: a multiple-choice answer stored as a
    JSON list of codes) counted per ``key`` as ``rollups.count_answers`` counts them: how many
    gave an answer (``given``), did not answer (NULL or no code), preferred not to say, answered,
    and chose each option among those answered. Equal answers are grouped first, so each distinct
    answer is read once; the codes are matched in its JSON text with their quotes ("women"), so one
    code never matches inside another."""
    answer = cast(answers.c.answer, String)
    grouped = (
        select(answers.c.key, answer.label("answer"), func.count().label("n"))
        .group_by(answers.c.key, answer)
        .subquery("grouped")
    )
    text_, n = grouped.c.answer, grouped.c.n
    chose = func.coalesce(text_.contains('"'), False)
    skipped = text_.contains(f'"{PREFER_NOT_TO_SAY}"', autoescape=True)
    answered = and_(chose, ~skipped)

    def count(condition) -> object:  # noqa: ANN001
        return func.coalesce(func.sum(case((condition, n), else_=0)), 0)

    return select(
        grouped.c.key,
        func.sum(n).label("given"),
        count(~chose).label("not_answered"),
        count(and_(chose, skipped)).label(PREFER_NOT_TO_SAY),
        count(answered).label("answered"),
        *(count(and_(answered, text_.contains(f'"{o}"', autoescape=True))).label(o) for o in _OPTIONS),
    ).group_by(grouped.c.key)


_OPTIONS = [c.value for c in Community]


def _equality(round_: Round, live) -> tuple[list[EqualityTable], TookPartTable]:  # noqa: ANN001
    """The groups that sent the round an EOI (funded: with a live award in it) counted per answer
    to each monitoring question, and the live awards counted per answer of their latest sent
    return; one statement of five rows."""
    funded = select(Application.organisation_id).where(Application.id.in_(select(live.c.application_id)))
    senders = select(Application.organisation_id).where(
        Application.round_id == round_.id, Application.status != ApplicationStatus.DRAFT
    )
    is_funded = Organisation.id.in_(funded)
    groups = (
        select(Organisation.led_by, Organisation.works_with, case((is_funded, "funded"), else_="other").label("funded"))
        .where(Organisation.id.in_(senders) | is_funded)
        .cte("monitored")
    )
    latest = (
        select(OutputReturn.took_part, func.row_number().over(
            partition_by=OutputReturn.award_id, order_by=(OutputReturn.period.desc(), OutputReturn.id.desc())
        ).label("n"))
        .where(OutputReturn.award_id.in_(select(live.c.award_id)), OutputReturn.status.in_(SENT_RETURNS))
        .subquery("latest")
    )  # fmt: skip
    columns = [
        *(select((literal(f"{q}:") + groups.c.funded).label("key"), groups.c[q].label("answer")) for q in MONITORING_QUESTIONS),
        select(literal("took_part:").label("key"), latest.c.took_part.label("answer")).where(latest.c.n == 1),
    ]  # fmt: skip
    rows = db.session.execute(_answer_counts(union_all(*columns).subquery("answers"))).mappings().all()
    keys = (*_OPTIONS, *GROUP_KEYS)
    counted = {row["key"]: AnswerCounts({k: int(row[k]) for k in keys}, int(row["given"])) for row in rows}
    return equality_from_counts(counted), took_part_from_counts(counted.get("took_part:", AnswerCounts.none()))


# --- the page ---------------------------------------------------------------------------------


def dashboard_page(
    round_: Round, *, today: date | None = None, page: int | None = 1, per_page: int = paging.PER_PAGE
) -> DashboardPage:
    """The dashboard of ``round_`` with one page (``page``) of its awards. The figures of the whole
    round (progress, equality) are kept until anything changes (``figures_cache``); the returns
    and the page of awards are read each time."""
    today = today or local_today()
    streams = list(
        db.session.scalars(
            select(WorkStream)
            .where(WorkStream.round_id == round_.id)
            .options(joinedload(WorkStream.measures))
            .order_by(WorkStream.position, WorkStream.id)
        ).unique()
    )
    measures = {
        m.id: m for s in streams if not s.is_retired for m in s.measures
        if m.kind == MeasureKind.NUMERIC and not m.is_retired
    }  # fmt: skip
    figures = figures_cache.remembered(("dashboard", round_.id), lambda: _round_figures(round_, streams, measures))
    live = _live(round_).subquery("live")
    returns = _returns(live, today)
    return DashboardPage(
        round=round_,
        today=today,
        streams=figures.streams,
        late=returns[ReturnState.LATE],
        due_soon=returns[ReturnState.DUE_SOON],
        queried=returns[ReturnState.QUERIED],
        award_page=_award_page(live, measures, figures.award_count, page, per_page, today),
        equality=figures.equality,
        took_part=figures.took_part,
    )


@dataclass(frozen=True)
class _RoundFigures:
    """What the dashboard counts over the whole round (plain values: kept between requests)."""

    streams: list[StreamProgress]
    award_count: int
    equality: list[EqualityTable]
    took_part: TookPartTable


def _round_figures(round_: Round, streams: list[WorkStream], measures: dict[int, OutputMeasure]) -> _RoundFigures:
    """Progress and equality over the whole round: two statements."""
    # A CTE where a statement reads it several times (progress), a plain subquery elsewhere.
    shared = _live(round_).cte("live")
    progress = _progress_rows(round_, shared, _facts(shared))
    equality, took_part = _equality(round_, _live(round_).subquery("live"))
    award_count = sum(r.n for r in progress if r.kind == 1)
    return _RoundFigures(_streams(streams, measures, progress), award_count, equality, took_part)


def _streams(streams: list[WorkStream], measures: dict[int, OutputMeasure], rows: list) -> list[StreamProgress]:
    per_stream = {r.work_stream_id: r for r in rows if r.kind == 1}
    totals = {(r.work_stream_id, r.measure_id): r for r in rows if r.kind == 2}
    here = {(r.work_stream_id, r.locality_id): r.n for r in rows if r.kind == 3}
    local = {(r.work_stream_id, r.measure_id, r.locality_id): r for r in rows if r.kind == 4}
    # The active localities in their order, then any archived one an award still serves, by name.
    shown = sorted(
        (r for r in rows if r.kind == 5), key=lambda r: (r.archived, 0 if r.archived else r.position, r.name)
    )

    def total(row, target: int | None) -> MeasureTotal:  # noqa: ANN001
        if row is None:
            return MeasureTotal(target, 0, 0, 0)
        return MeasureTotal(target, int(row.agreed or 0), int(row.actual or 0), int(row.targets or 0))

    result = []
    for stream in streams:
        if stream.is_retired:
            continue
        own = [m for m in sorted(stream.measures, key=lambda m: (m.position, m.id)) if m.id in measures]
        awards = per_stream.get(stream.id)
        localities = [
            LocalityRow(
                place.name,
                here.get((stream.id, place.locality_id), 0),
                [total(local.get((stream.id, m.id, place.locality_id)), None) for m in own],
            )
            for place in shown
        ]
        result.append(
            StreamProgress(
                stream.id,
                stream.name,
                awards.n if awards else 0,
                Decimal(str(awards.amount)) if awards else Decimal(0),
                [MeasureProgress(m.id, m.name, m.unit, m.is_cumulative, total(totals.get((stream.id, m.id)), m.target))
                 for m in own],
                localities,
            )
        )  # fmt: skip
    return result
