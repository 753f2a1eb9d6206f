"""The moderation page of one work stream, bounded whatever the size of the round: the EOIs a page
at a time, those needing attention first (scores far apart, conflicts, too few reviews), with how
many need it and how many do not; the ranking against the budget a page at a time, with where the
money runs out; the spread of the money above the line across localities. Each member's leniency
covers the whole round and has its own page (``member_leniency``).

What covers the whole work stream or round is worked out by the database (moderation_sql.py);
only the rows of the page come back to Python, whose medians and review lists are worked out here
with ``summarise`` as before. A page runs the same number of statements whatever the number of
EOIs, reviews or scores: the panel, the page of EOIs with their reviews, the page of the ranking
with the totals and the localities. Those cover the whole work stream, so a page is kept until
anything changes (``figures_cache``): then it reads only the newest change's id.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.sql import Select

from portal.domain.panel import DEFAULT_MINIMUM_REVIEWERS, DEFAULT_SPREAD_THRESHOLD
from portal.domain.scoring import LocalityShare, summarise
from portal.extensions import db
from portal.models import Application, Locality, Panel, PanelMember, Round, User, WorkStream
from portal.models.applications import application_localities as places
from portal.services import figures_cache, paging
from portal.services import moderation_sql as sql
from portal.services.moderation import (
    PANEL_STATUSES,
    Agreed,
    DecisionSummary,
    EoiModeration,
    MemberLeniency,
    ReviewTotal,
)
from portal.services.paging import Page

PER_PAGE = paging.PER_PAGE  # the ranking: a row an EOI
# The EOIs with their scores: each row carries its figures and every member's score (up to a dozen
# lines), so fewer to a page, which a meeting can work through (and a phone can show).
EOI_PER_PAGE = 20
_SEPARATOR = "\x1f"  # between the locality names of one EOI, read back in one column


@dataclass(frozen=True)
class RankedEoi:
    """What a row of the ranking shows of an EOI."""

    application_id: int
    reference: str
    organisation_id: int
    group: str
    amount: Decimal
    status: object  # ApplicationStatus
    score: Decimal | None  # the agreed panel score, else the mean; None when nobody scored it
    agreed: bool
    decision: DecisionSummary | None


@dataclass(frozen=True)
class RankingRow:
    eoi: RankedEoi
    rank: int
    running_total: Decimal
    within_budget: bool
    first_below_line: bool  # the budget line is drawn just above this row


@dataclass(frozen=True)
class Attention:
    """How many of the work stream's EOIs carry each flag, and carry any."""

    spread: int = 0
    too_few: int = 0
    conflicts: int = 0
    any: int = 0


@dataclass
class ModerationPage:
    round_id: int
    round_title: str
    work_stream_id: int
    work_stream_name: str
    work_streams: list[tuple[int, str]]
    has_panel: bool
    minimum_reviewers: int
    spread_threshold: Decimal
    budget: Decimal
    eoi_page: Page[EoiModeration]  # those needing attention first
    ranking_page: Page[RankingRow]
    attention: Attention
    allocated: Decimal  # the amounts asked for above the line
    above_line: int
    localities: list[LocalityShare]

    @property
    def eois(self) -> list[EoiModeration]:
        return list(self.eoi_page.items)

    @property
    def ranking(self) -> list[RankingRow]:
        return list(self.ranking_page.items)

    @property
    def eoi_count(self) -> int:
        return self.eoi_page.total

    @property
    def without_flags(self) -> int:
        return self.eoi_count - self.attention.any

    @property
    def all_within_budget(self) -> bool:
        return bool(self.eoi_count) and self.above_line == self.eoi_count

    @property
    def budget_line_page(self) -> int | None:
        """The page of the ranking where the line is drawn (None when every EOI fits)."""
        if self.all_within_budget or not self.eoi_count:
            return None
        return math.ceil((self.above_line + 1) / self.ranking_page.per_page)

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.allocated

    @property
    def localities_with_none(self) -> list[str]:
        return [share.locality for share in self.localities if share.has_none]


def _run_page(build, count: Select, page: int | None, per_page: int):  # noqa: ANN001, ANN202
    """The rows of ``build(number)``; a page past the end is read as the last page (counted then)."""
    number = max(page or 1, 1)
    rows = db.session.execute(build(number)).all()
    if not rows and number > 1:
        number = paging.clamp(number, db.session.scalar(count) or 0, per_page)
        rows = db.session.execute(build(number)).all()
    return number, rows


# --- the page ---------------------------------------------------------------------------------


def _eoi_page(eois, totals, minimum: int, threshold_h: int, page: int | None, per_page: int):  # noqa: ANN001, ANN202
    spread, too_few, conflict, flagged = _flags(eois, minimum, threshold_h)
    order = (flagged.desc(), spread.desc(), conflict.desc(), too_few.desc(), eois.c.reference, eois.c.id)

    def build(number: int) -> Select:
        page_rows = (
            select(
                eois,
                spread.label("spread"),
                too_few.label("too_few"),
                conflict.label("conflict"),
                func.count().over().label("n_eois"),
                func.sum(spread).over().label("n_spread"),
                func.sum(too_few).over().label("n_too_few"),
                func.sum(conflict).over().label("n_conflict"),
                func.sum(flagged).over().label("n_flagged"),
                func.row_number().over(order_by=order).label("position"),
            )
            .order_by(*order)
            .limit(per_page)
            .offset((number - 1) * per_page)
            .subquery("page")
        )
        return _with_reviews(page_rows, totals).order_by(page_rows.c.position, totals.c.review_id)

    number, rows = _run_page(build, select(func.count()).select_from(eois), page, per_page)
    attention, total = Attention(), 0
    if rows:
        total = rows[0].n_eois
        attention = Attention(rows[0].n_spread, rows[0].n_too_few, rows[0].n_conflict, rows[0].n_flagged)
    return Page(items=_eois_from(rows), total=total, page=number, per_page=per_page), attention


def _flags(eois, minimum: int, threshold_h: int) -> tuple:  # noqa: ANN001
    """1 or 0 for each EOI: scores far apart, too few reviews, conflicts declared, and any of them."""
    spread = case((and_(eois.c.scored > 0, eois.c.max_h - eois.c.min_h > threshold_h), 1), else_=0)
    too_few = case((eois.c.reviews < minimum, 1), else_=0)
    conflict = case((eois.c.conflicts > 0, 1), else_=0)
    flagged = case((or_(spread == 1, too_few == 1, conflict == 1), 1), else_=0)
    return spread, too_few, conflict, flagged


def _with_reviews(rows, totals) -> Select:  # noqa: ANN001
    """``rows`` (EOIs with their flags) each with the localities it serves and a row per review."""
    served = (
        select(func.aggregate_strings(Locality.name, _SEPARATOR))
        .join(places, places.c.locality_id == Locality.id)
        .where(places.c.application_id == rows.c.id)
        .correlate(rows)
        .scalar_subquery()
    )
    return (
        select(rows, served.label("places"), totals.c.review_id, totals.c.member_id, totals.c.recommendation,
               totals.c.total_h, User.full_name.label("member_name"))
        .outerjoin(totals, totals.c.application_id == rows.c.id)
        .outerjoin(PanelMember, PanelMember.id == totals.c.member_id)
        .outerjoin(User, User.id == PanelMember.user_id)
    )  # fmt: skip


def _eois_from(rows) -> list[EoiModeration]:  # noqa: ANN001
    """The EOIs of ``_with_reviews`` rows (a row per review), in the order they come."""
    items: dict[int, EoiModeration] = {}
    for row in rows:
        eoi = items.get(row.id)
        if eoi is None:
            eoi = items[row.id] = EoiModeration(
                application_id=row.id,
                reference=row.reference,
                organisation_id=row.organisation_id,
                group=row.group_name,
                title=row.title or "",
                amount=row.amount or Decimal(0),
                localities=sorted(set(row.places.split(_SEPARATOR))) if row.places else [],
                status=row.status,
                work_stream_id=None,
                reviews=[],
                summary=None,
                conflicts=row.conflicts,
                spread_too_wide=bool(row.spread),
                too_few_reviews=bool(row.too_few),
                agreed=_agreed(row),
                decision=_decision(row),
            )
        if row.review_id is not None:
            eoi.reviews.append(
                ReviewTotal(row.review_id, row.member_id, row.member_name, sql.points(row.total_h), row.recommendation)
            )
    for eoi in items.values():
        eoi.summary = summarise([r.total for r in eoi.reviews if r.total is not None])
    return list(items.values())


def _agreed(row) -> Agreed | None:  # noqa: ANN001
    if row.agreed_h is None:
        return None
    return Agreed(sql.points(row.agreed_h), row.agreed_rationale, row.agreed_by, row.agreed_at)


def _decision(row) -> DecisionSummary | None:  # noqa: ANN001
    return None if row.outcome is None else DecisionSummary(row.outcome, row.decided_amount, row.override_reason)


def _ranking_page(ranked, budget_p: int, page: int | None, per_page: int):  # noqa: ANN001, ANN202
    within = ranked.c.running <= budget_p

    def build(number: int) -> Select:
        return (
            select(
                ranked,
                func.count().over().label("n_eois"),
                func.sum(case((within, 1), else_=0)).over().label("above"),
                func.max(case((within, ranked.c.running))).over().label("allocated"),
            )
            .order_by(ranked.c.rank)
            .limit(per_page)
            .offset((number - 1) * per_page)
        )

    number, rows = _run_page(build, select(func.count()).select_from(ranked), page, per_page)
    total = rows[0].n_eois if rows else 0
    above = int(rows[0].above or 0) if rows else 0
    allocated = sql.pennies(rows[0].allocated) if rows else Decimal(0)
    items = [
        RankingRow(
            RankedEoi(
                application_id=row.id,
                reference=row.reference,
                organisation_id=row.organisation_id,
                group=row.group_name,
                amount=row.amount or Decimal(0),
                status=row.status,
                score=sql.points(row.score_h),
                agreed=row.agreed_h is not None,
                decision=_decision(row),
            ),
            rank=row.rank,
            running_total=sql.pennies(row.running),
            within_budget=row.running <= budget_p,
            first_below_line=row.rank == above + 1,
        )
        for row in rows
    ]
    return Page(items=items, total=total, page=number, per_page=per_page), above, allocated


def _rules(round_: Round, stream: WorkStream) -> tuple[Panel | None, int, Decimal, int]:
    """The round's panel, its minimum number of reviews and spread threshold, and the work
    stream's budget in pennies."""
    panel = db.session.scalar(select(Panel).where(Panel.round_id == round_.id))
    minimum = panel.minimum_reviewers if panel else DEFAULT_MINIMUM_REVIEWERS
    threshold = Decimal(panel.spread_threshold if panel else DEFAULT_SPREAD_THRESHOLD)
    return panel, minimum, threshold, int((Decimal(stream.budget or 0) * 100).to_integral_value())


def moderation_page(
    round_: Round,
    stream: WorkStream,
    *,
    page: int | None = 1,
    ranking_page: int | None = 1,
    per_page: int | None = None,
) -> ModerationPage:
    """The moderation page of ``stream`` (a work stream of ``round_``, its criteria loaded): its EOIs
    ``EOI_PER_PAGE`` to a page and its ranking ``PER_PAGE`` (both ``per_page`` when given). Its
    figures cover the whole work stream, so they are kept until anything changes (``figures_cache``)."""
    if stream.round_id != round_.id:
        raise ValueError("the work stream belongs to another round")
    sizes = (per_page or EOI_PER_PAGE, per_page or PER_PAGE)
    key = ("moderation", round_.id, stream.id, page, ranking_page, sizes)
    return figures_cache.remembered(key, lambda: _moderation_page(round_, stream, page, ranking_page, *sizes))


def _moderation_page(  # noqa: PLR0913
    round_: Round, stream: WorkStream, page: int | None, ranking_page: int | None, eoi_per_page: int, per_page: int
) -> ModerationPage:
    panel, minimum, threshold, budget_p = _rules(round_, stream)
    totals = sql.review_totals(round_, stream)
    eois = sql.eois(stream, totals)
    ranked = sql.ranked(eois)
    eoi_page, attention = _eoi_page(eois, totals, minimum, int(threshold * 100), page, eoi_per_page)
    rank_page, above, allocated = _ranking_page(ranked, budget_p, ranking_page, per_page)
    streams = sorted(round_.work_streams, key=lambda s: s.position)
    return ModerationPage(
        round_id=round_.id,
        round_title=round_.title,
        work_stream_id=stream.id,
        work_stream_name=stream.name,
        work_streams=[(s.id, s.name) for s in streams if not s.is_retired or s.id == stream.id],
        has_panel=panel is not None,
        minimum_reviewers=minimum,
        spread_threshold=threshold,
        budget=stream.budget,
        eoi_page=eoi_page,
        ranking_page=rank_page,
        attention=attention,
        allocated=allocated,
        above_line=above,
        localities=sql.locality_shares(ranked, budget_p) if eoi_page.total else [],
    )


def member_leniency(round_: Round) -> list[MemberLeniency]:
    """Each panel member's leniency over the whole round, by name (one statement). Its own page:
    it reads every review of the round, where the moderation page reads one work stream's."""
    return sql.leniency(sql.review_totals(round_))


@dataclass(frozen=True)
class EoiPlace:
    """One EOI at the meeting and where it stands in its work stream's ranking, worked out by the
    database as the moderation page works it out."""

    eoi: EoiModeration  # with its rank and side of the budget line
    rank: int
    running_total: Decimal
    within_budget: bool
    ranked: int  # how many EOIs the work stream's ranking has
    minimum_reviewers: int


def eoi_place(round_: Round, stream: WorkStream, application_id: int) -> EoiPlace | None:
    """``application_id`` as the moderation page of ``stream`` shows it, with its place in the
    ranking; ``None`` when it is not with the panel in that work stream. Two statements, whatever
    the size of the round: the panel, and the EOI with its reviews (ranked among the others by the
    database)."""
    _panel, minimum, threshold, budget_p = _rules(round_, stream)
    totals = sql.review_totals(round_, stream)
    ranked = sql.ranked(sql.eois(stream, totals))
    spread, too_few, conflict, _flagged = _flags(ranked, minimum, int(threshold * 100))
    counted = select(
        ranked, spread.label("spread"), too_few.label("too_few"), conflict.label("conflict"),
        func.count().over().label("n_ranked"),
    ).subquery("counted")  # fmt: skip
    one = select(counted).where(counted.c.id == application_id).subquery("one")
    rows = db.session.execute(_with_reviews(one, totals).order_by(totals.c.review_id)).all()
    if not rows:
        return None
    row, within = rows[0], rows[0].running <= budget_p
    (eoi,) = _eois_from(rows)
    eoi.rank, eoi.within_budget = row.rank, within
    return EoiPlace(eoi, row.rank, sql.pennies(row.running), within, row.n_ranked, minimum)


def ranking_place(application: Application) -> EoiPlace | None:
    """Where ``application`` stands in its work stream's ranking now (``None`` without one)."""
    if application.work_stream is None or application.status not in PANEL_STATUSES:
        return None
    return eoi_place(application.round, application.work_stream, application.id)
