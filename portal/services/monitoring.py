"""The programme dashboard of one round, read-only: per work stream and numeric measure the
programme target, the agreed targets added up, the actual to date and the percentage, overall and
by locality; returns due soon, late and queried; a red/amber/green status per award; equality and
reach from the groups' optional monitoring answers and from who took part, as each funded award's
latest sent return says, with small numbers hidden.

What counts:
- Awards that were accepted, are active or completed (never offers, declines or withdrawals).
- Figures of returns the group has sent (submitted, queried or accepted), read from their
  ReturnFigure rows: a sent return cannot be changed until an officer queries it, and a queried
  return's figures keep counting until the group answers.
- A locality counts, in full, every award whose EOI serves it (see portal/domain/rollups.py).

Reading a round runs a fixed number of statements whatever the number of awards or returns, and
hands templates plain dataclasses.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from sqlalchemy import exists, select
from sqlalchemy.orm import contains_eager, joinedload

from portal.db import utcnow
from portal.domain.measures import MeasureKind
from portal.domain.returns import RAG, Figure
from portal.domain.rollups import (
    AwardFigures,
    MeasureTotal,
    ReturnState,
    award_actual,
    award_rag,
    elapsed_share,
    measure_total,
    return_state,
)
from portal.domain.workflow import LIVE_AWARDS, ApplicationStatus, ReturnStatus
from portal.extensions import db
from portal.models import (
    Application,
    Award,
    Locality,
    Organisation,
    OutputMeasure,
    OutputReturn,
    Panel,
    PanelMember,
    ReturnFigure,
    Round,
    User,
    WorkStream,
)
from portal.services import figures_cache
from portal.services.equality import (  # noqa: F401 - part of this module's interface
    MONITORING_QUESTIONS,
    CountRow,
    EqualityRow,
    EqualityTable,
    TookPartTable,
    equality_and_reach,
    took_part,
)

SENT_RETURNS = (ReturnStatus.SUBMITTED, ReturnStatus.QUERIED, ReturnStatus.ACCEPTED)
OPEN_RETURNS = (ReturnStatus.DUE, ReturnStatus.DRAFT, ReturnStatus.QUERIED)


def local_today(now: datetime | None = None) -> date:
    zone = current_app.config.get("TIMEZONE", "Europe/London") if has_app_context() else "Europe/London"
    return (now or utcnow()).astimezone(ZoneInfo(zone)).date()


# --- what the pages get ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureProgress:
    measure_id: int
    name: str
    unit: str
    is_cumulative: bool
    total: MeasureTotal


@dataclass(frozen=True)
class LocalityRow:
    locality: str
    awards: int
    totals: list[MeasureTotal]  # in the order of the work stream's measures


@dataclass(frozen=True)
class StreamProgress:
    work_stream_id: int
    name: str
    awards: int
    amount: Decimal
    measures: list[MeasureProgress]
    localities: list[LocalityRow] = field(default_factory=list)


@dataclass(frozen=True)
class ReturnRow:
    return_id: int
    award_id: int
    organisation: str
    reference: str | None
    work_stream: str
    period: int
    is_final: bool
    due_on: date
    status: ReturnStatus
    state: ReturnState


@dataclass(frozen=True)
class AwardProgress:
    award_id: int
    organisation: str
    reference: str | None
    work_stream: str
    amount: Decimal
    rag: RAG | None
    elapsed: Decimal | None  # share of the grant period gone, 0–1
    measures: list[tuple[str, int, int]]  # (measure, actual, agreed target)


@dataclass(frozen=True)
class Dashboard:
    round: Round
    today: date
    streams: list[StreamProgress]
    due_soon: list[ReturnRow]
    late: list[ReturnRow]
    queried: list[ReturnRow]
    awards: list[AwardProgress]
    equality: list[EqualityTable]
    took_part: TookPartTable


# --- loading --------------------------------------------------------------------------------------


def has_live_award():  # noqa: ANN201 - a condition on Round
    """The round has at least one accepted, active or completed award. Its first live award, if
    any: a sub-select with LIMIT 1 is planned to stop at the first award it meets, walking the
    round's EOIs by index. Written as EXISTS, PostgreSQL made it a hash join that read every EOI of
    every round and every award (13 ms on 20,000 EOIs, 3 ms now; what remains is reading the EOIs
    of the rounds that have no award yet)."""
    first_award = (
        select(Award.id)
        .join(Award.application)
        .where(Application.round_id == Round.id, Award.status.in_(LIVE_AWARDS))
        .limit(1)
        .correlate(Round)
        .scalar_subquery()
    )
    return first_award.is_not(None)


def rounds_with_awards(*, panel_member: User | None = None) -> list[Round]:
    """Rounds with at least one accepted, active or completed award, newest first; with
    ``panel_member``, only the rounds whose panel they sit on."""
    query = select(Round).where(Round.id.in_(round_ids_with_awards()))
    if panel_member is not None:
        query = query.where(
            exists().where(
                Panel.round_id == Round.id, PanelMember.panel_id == Panel.id, PanelMember.user_id == panel_member.id
            )
        )
    return list(db.session.scalars(query.order_by(Round.id.desc())))


def round_ids_with_awards() -> frozenset[int]:
    """The ids of the rounds with at least one accepted, active or completed award. Finding them
    reads the EOIs of every round without one (some 3 ms on 20,000 EOIs, on every dashboard and
    panel queue), so they are kept until anything changes (``figures_cache``)."""
    return figures_cache.remembered(
        ("rounds_with_awards",), lambda: frozenset(db.session.scalars(select(Round.id).where(has_live_award())))
    )


def choose_round(round_id: int | None, rounds: list[Round]) -> Round | None:
    """The round asked for when it is one of ``rounds``, else (no id) the first of them."""
    if round_id is None:
        return rounds[0] if rounds else None
    return next((r for r in rounds if r.id == round_id), None)


def _streams(round_: Round) -> list[WorkStream]:
    return list(
        db.session.scalars(
            select(WorkStream)
            .where(WorkStream.round_id == round_.id)
            .options(joinedload(WorkStream.measures))
            .order_by(WorkStream.position, WorkStream.id)
        ).unique()
    )


def _awards(round_: Round) -> list[Award]:
    return list(
        db.session.scalars(
            select(Award)
            .join(Award.application)
            .where(Application.round_id == round_.id, Award.status.in_(LIVE_AWARDS))
            # Joined, not "selectin": one statement however many awards (selectin sends one per 500).
            .options(
                joinedload(Award.application).joinedload(Application.organisation),
                joinedload(Award.application).joinedload(Application.localities),
                joinedload(Award.targets),
            )
            .order_by(Award.id)
        ).unique()
    )


def _figures(round_: Round) -> dict[int, dict[int, list[Figure]]]:
    """award id → measure id → the figures of its sent returns."""
    rows = db.session.execute(
        select(OutputReturn.award_id, ReturnFigure.measure_id, OutputReturn.period, ReturnFigure.quantity)
        .join(ReturnFigure.output_return)
        .join(OutputReturn.award)
        .join(Award.application)
        .where(
            Application.round_id == round_.id,
            Award.status.in_(LIVE_AWARDS),
            OutputReturn.status.in_(SENT_RETURNS),
            ReturnFigure.quantity.is_not(None),
        )
    )
    figures: dict[int, dict[int, list[Figure]]] = defaultdict(lambda: defaultdict(list))
    for award_id, measure_id, period, quantity in rows:
        figures[award_id][measure_id].append(Figure(period, quantity))
    return figures


def _returns_of_live_awards(round_: Round) -> list[OutputReturn]:
    """The sent and open returns of the round's live awards, with their figures, in one statement."""
    return list(
        db.session.scalars(
            select(OutputReturn)
            .join(OutputReturn.award)
            .join(Award.application)
            .outerjoin(OutputReturn.figures)
            .where(
                Application.round_id == round_.id,
                Award.status.in_(LIVE_AWARDS),
                OutputReturn.status.in_(SENT_RETURNS + OPEN_RETURNS),
            )
            .options(contains_eager(OutputReturn.figures))
            .order_by(OutputReturn.award_id, OutputReturn.period, OutputReturn.id)
        ).unique()
    )


def _sent_figures(returns: list[OutputReturn]) -> dict[int, dict[int, list[Figure]]]:
    """award id → measure id → the figures of its sent returns (what ``_figures`` reads)."""
    figures: dict[int, dict[int, list[Figure]]] = defaultdict(lambda: defaultdict(list))
    for output_return in returns:
        if output_return.status not in SENT_RETURNS:
            continue
        for figure in output_return.figures:
            if figure.quantity is not None:
                figures[output_return.award_id][figure.measure_id].append(Figure(output_return.period, figure.quantity))
    return figures


def _award_figures(awards: list[Award], figures: dict[int, dict[int, list[Figure]]]) -> dict[int, AwardFigures]:
    return {
        award.id: AwardFigures(
            award.id,
            {t.measure_id: t.quantity for t in award.targets if t.quantity is not None},
            figures.get(award.id, {}),
        )
        for award in awards
    }


# --- progress ---------------------------------------------------------------------------------------


def _numeric(stream: WorkStream) -> list[OutputMeasure]:
    return [m for m in stream.measures if m.kind == MeasureKind.NUMERIC and not m.is_retired]


def _stream_progress(
    stream: WorkStream, awards: list[Award], facts: dict[int, AwardFigures], localities: list[str] | None
) -> StreamProgress:
    own = [a for a in awards if a.application.work_stream_id == stream.id]
    own_facts = [facts[a.id] for a in own]
    measures = [
        MeasureProgress(
            m.id,
            m.name,
            m.unit,
            m.is_cumulative,
            measure_total(own_facts, m.id, programme_target=m.target, cumulative=m.is_cumulative),
        )
        for m in _numeric(stream)
    ]
    rows = []
    for name in localities or []:
        here = [facts[a.id] for a in own if name in {loc.name for loc in a.application.localities}]
        totals = [
            measure_total(here, m.id, programme_target=None, cumulative=m.is_cumulative) for m in _numeric(stream)
        ]
        rows.append(LocalityRow(name, len(here), totals))
    return StreamProgress(stream.id, stream.name, len(own), sum((a.amount for a in own), Decimal(0)), measures, rows)


def programme_progress(round_: Round, *, by_locality: bool = False) -> list[StreamProgress]:
    """Per work stream, each numeric measure's programme target, agreed targets, actual and
    percentage; with ``by_locality`` also the same per locality (an award counts in each locality
    its EOI serves)."""
    awards = _awards(round_)
    facts = _award_figures(awards, _figures(round_))
    localities = _locality_names(awards) if by_locality else None
    return [_stream_progress(s, awards, facts, localities) for s in _streams(round_) if not s.is_retired]


def _locality_names(awards: list[Award]) -> list[str]:
    """The active localities, then any archived one an award still serves."""
    active = list(
        db.session.scalars(
            select(Locality.name).where(Locality.is_archived.is_(False)).order_by(Locality.position, Locality.name)
        )
    )
    served = sorted({loc.name for a in awards for loc in a.application.localities} - set(active))
    return active + served


# --- returns and awards ------------------------------------------------------------------------------


def _return_rows(returns: list[OutputReturn], awards: dict[int, Award], today: date) -> list[ReturnRow]:
    """The open returns, soonest due first."""
    rows = []
    for output_return in sorted(returns, key=lambda r: (r.due_on, r.id)):
        if output_return.status not in OPEN_RETURNS:
            continue
        state = return_state(output_return.status, output_return.due_on, today)
        award = awards.get(output_return.award_id)
        if state is None or award is None:
            continue
        application = award.application
        rows.append(
            ReturnRow(
                output_return.id,
                award.id,
                application.organisation.name,
                application.reference,
                _stream_name(application),
                output_return.period,
                output_return.is_final,
                output_return.due_on,
                output_return.status,
                state,
            )
        )
    return rows


def _stream_name(application: Application) -> str:
    return application.work_stream.name if application.work_stream else ""


def _award_progress(
    award: Award, facts: AwardFigures, measures: dict[int, OutputMeasure], today: date
) -> AwardProgress:
    cumulative = {m_id for m_id, m in measures.items() if m.is_cumulative}
    share = elapsed_share(award.starts_on, award.ends_on, today)
    rows = [
        (measures[m_id].name, award_actual(facts, m_id, cumulative=m_id in cumulative), target)
        for m_id, target in sorted(facts.targets.items(), key=lambda item: measures[item[0]].position)
        if m_id in measures
    ]
    application = award.application
    return AwardProgress(
        award.id,
        application.organisation.name,
        application.reference,
        _stream_name(application),
        award.amount,
        award_rag(facts, cumulative, share),
        share,
        rows,
    )


# --- equality and reach ------------------------------------------------------------------------------


def _other_organisations(round_: Round, funded: set[int]) -> list[Organisation]:
    """Groups that sent the round an EOI and have no live award in it."""
    # An IN over the senders, not DISTINCT over organisations: PostgreSQL cannot compare their
    # JSON columns (the monitoring answers), so DISTINCT on them fails there.
    senders = select(Application.organisation_id).where(
        Application.round_id == round_.id, Application.status != ApplicationStatus.DRAFT
    )
    organisations = db.session.scalars(select(Organisation).where(Organisation.id.in_(senders)))
    return [o for o in organisations if o.id not in funded]


def _took_part_answers(returns: list[OutputReturn]) -> list[list[str] | None]:
    """The answer of each live award's latest sent return (by period); ``returns`` come ordered by
    award, period and id."""
    latest: dict[int, list[str] | None] = {}
    for output_return in returns:
        if output_return.status in SENT_RETURNS:
            latest[output_return.award_id] = output_return.took_part  # a later period replaces an earlier one
    return list(latest.values())


# --- the whole dashboard -------------------------------------------------------------------------------


def dashboard(round_: Round, *, today: date | None = None) -> Dashboard:
    """Everything the dashboard shows for ``round_``, in a fixed number of statements."""
    today = today or local_today()
    streams = [s for s in _streams(round_) if not s.is_retired]
    awards = _awards(round_)
    sent_and_open = _returns_of_live_awards(round_)
    facts = _award_figures(awards, _sent_figures(sent_and_open))
    localities = _locality_names(awards)
    measures = {m.id: m for s in streams for m in _numeric(s)}
    returns = _return_rows(sent_and_open, {a.id: a for a in awards}, today)
    funded = list({a.application.organisation.id: a.application.organisation for a in awards}.values())
    return Dashboard(
        round=round_,
        today=today,
        streams=[_stream_progress(s, awards, facts, localities) for s in streams],
        due_soon=[r for r in returns if r.state == ReturnState.DUE_SOON],
        late=[r for r in returns if r.state == ReturnState.LATE],
        queried=[r for r in returns if r.state == ReturnState.QUERIED],
        awards=[_award_progress(a, facts[a.id], measures, today) for a in awards],
        equality=equality_and_reach(funded, _other_organisations(round_, {o.id for o in funded})),
        took_part=took_part(_took_part_answers(sent_and_open)),
    )
