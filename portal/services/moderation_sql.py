"""The SQL of the moderation page (portal/services/moderation_page.py): each review's weighted
total, the work stream's EOIs summed up, their ranking with the running total, the spread of the
money above the line across localities and each member's leniency, all worked out by the database
on whole hundredths of a point and whole pennies, so that they agree to the penny with the panel's
arithmetic in ``portal/domain/scoring.py`` (half-up rounding of each review's weighted total and of
each mean):

- a review's weighted total, in hundredths: kept on the review when it is submitted (worked out
  as ``review_totals.py`` says);
- an EOI's mean of n totals summing to S: ⌊(2S + n) / 2n⌋;
- a member's leniency on an EOI with n totals summing to S: (n·t − S)/(n − 1), summed exactly.
"""

from __future__ import annotations

import math
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from sqlalchemy import BigInteger, Integer, case, cast, exists, func, null, select, union_all

from portal.domain.scoring import LocalityShare
from portal.domain.workflow import ReviewStatus
from portal.extensions import db
from portal.models import (
    AgreedScore,
    Application,
    ConflictDeclaration,
    FundingDecision,
    Locality,
    Organisation,
    PanelMember,
    Review,
    Round,
    User,
    WorkStream,
)
from portal.models.applications import application_localities as places
from portal.services.moderation import PANEL_STATUSES, MemberLeniency

_HUNDRED = Decimal(100)


def review_totals(round_: Round, stream: WorkStream | None = None):  # noqa: ANN202 - a CTE
    """Each submitted review of the round's EOIs with the panel (of one work stream's, with
    ``stream``), by a member without a conflict on that EOI: its weighted total in hundredths, as
    kept on the review (portal/services/review_totals.py; NULL when it scored nothing with a
    weight)."""
    conflicted = exists().where(
        ConflictDeclaration.application_id == Review.application_id,
        ConflictDeclaration.member_id == Review.member_id,
    )
    return (
        select(
            Review.id.label("review_id"),
            Review.application_id.label("application_id"),
            Review.member_id.label("member_id"),
            Review.recommendation.label("recommendation"),
            cast(func.round(Review.weighted_total * 100), BigInteger).label("total_h"),
        )
        .join(Application, Application.id == Review.application_id)
        .where(
            Application.round_id == round_.id,
            Application.status.in_(PANEL_STATUSES),
            Review.status == ReviewStatus.SUBMITTED,
            ~conflicted,
            *([Application.work_stream_id == stream.id] if stream is not None else []),
        )
        .cte("review_totals")
    )


def eois(stream: WorkStream, totals):  # noqa: ANN001, ANN202 - a subquery
    """The work stream's EOIs with the panel: what the page shows of each, and their scores summed
    up (reviews counted, mean, lowest and highest in hundredths), the conflicts declared on them,
    the agreed score and the decision."""
    per_eoi = (
        select(
            totals.c.application_id,
            func.count().label("reviews"),
            func.count(totals.c.total_h).label("scored"),
            cast(func.sum(totals.c.total_h), BigInteger).label("sum_h"),
            func.min(totals.c.total_h).label("min_h"),
            func.max(totals.c.total_h).label("max_h"),
        )
        .group_by(totals.c.application_id)
        .subquery("per_eoi")
    )
    scored = func.coalesce(per_eoi.c.scored, 0)
    declared = (
        select(ConflictDeclaration.application_id, func.count().label("conflicts"))
        .join(Application, Application.id == ConflictDeclaration.application_id)
        .where(Application.round_id == stream.round_id, Application.work_stream_id == stream.id)
        .group_by(ConflictDeclaration.application_id)
        .subquery("declared")
    )
    recorder = User.__table__.alias("recorder")
    return (
        select(
            Application.id.label("id"),
            func.coalesce(Application.reference, "").label("reference"),
            Application.organisation_id.label("organisation_id"),
            Organisation.name.label("group_name"),
            Application.title.label("title"),
            Application.status.label("status"),
            Application.amount_requested.label("amount"),
            cast(func.round(func.coalesce(Application.amount_requested, 0) * 100), BigInteger).label("pennies"),
            func.coalesce(per_eoi.c.reviews, 0).label("reviews"),
            scored.label("scored"),
            case((scored > 0, (2 * per_eoi.c.sum_h + scored) // (2 * scored))).label("mean_h"),
            per_eoi.c.min_h,
            per_eoi.c.max_h,
            func.coalesce(declared.c.conflicts, 0).label("conflicts"),
            cast(func.round(AgreedScore.score * 100), BigInteger).label("agreed_h"),
            AgreedScore.rationale.label("agreed_rationale"),
            AgreedScore.recorded_at.label("agreed_at"),
            recorder.c.full_name.label("agreed_by"),
            FundingDecision.outcome.label("outcome"),
            FundingDecision.amount.label("decided_amount"),
            FundingDecision.override_reason.label("override_reason"),
        )
        .join(Organisation, Organisation.id == Application.organisation_id)
        .outerjoin(per_eoi, per_eoi.c.application_id == Application.id)
        .outerjoin(declared, declared.c.application_id == Application.id)
        .outerjoin(AgreedScore, AgreedScore.application_id == Application.id)
        .outerjoin(recorder, recorder.c.id == AgreedScore.recorded_by_id)
        .outerjoin(FundingDecision, FundingDecision.application_id == Application.id)
        .where(
            Application.round_id == stream.round_id,
            Application.work_stream_id == stream.id,
            Application.status.in_(PANEL_STATUSES),
        )
        .subquery("eois")
    )


def ranked(eois):  # noqa: ANN001, ANN202 - a subquery
    """The EOIs ranked as ``rank_against_budget`` ranks them: highest score first (the agreed score,
    else the mean; unscored last), equal scores by reference; with the running total in pennies."""
    score = func.coalesce(eois.c.agreed_h, eois.c.mean_h)
    order = (score.is_(None), score.desc(), eois.c.reference, eois.c.id)
    return select(
        eois,
        score.label("score_h"),
        func.row_number().over(order_by=order).label("rank"),
        func.sum(eois.c.pennies).over(order_by=order, rows=(None, 0)).label("running"),
    ).subquery("ranked")


def pennies(value: int | None) -> Decimal:
    return Decimal(value or 0) / _HUNDRED


def points(hundredths: int | None) -> Decimal | None:
    return None if hundredths is None else Decimal(hundredths) / _HUNDRED


def half_up(value: Fraction) -> Decimal:
    """A fraction of a point to the hundredth, halves away from zero (as ``Decimal``'s ROUND_HALF_UP)."""
    hundredths = abs(value) * 100
    whole = math.floor(hundredths + Fraction(1, 2))
    return Decimal(whole if value >= 0 else -whole) / _HUNDRED


def locality_shares(ranked, budget_p: int) -> list[LocalityShare]:  # noqa: ANN001
    """Where the money above the line goes: each active locality (and any other an EOI above the
    line serves), how many EOIs above the line work there and their amounts shared equally between
    the localities each serves; summed in SQL by locality and by how many localities an EOI serves."""
    funded = select(ranked.c.id, ranked.c.pennies).where(ranked.c.running <= budget_p).subquery("funded")
    spread = (
        select(places.c.application_id, func.count().label("k"))
        .where(places.c.application_id.in_(select(funded.c.id)))
        .group_by(places.c.application_id)
        .subquery("spread")
    )
    served = (
        select(
            Locality.name, Locality.position, Locality.is_archived, spread.c.k,
            cast(func.sum(funded.c.pennies), BigInteger).label("pennies"), func.count().label("eois"),
        )
        .select_from(funded)
        .join(places, places.c.application_id == funded.c.id)
        .join(Locality, Locality.id == places.c.locality_id)
        .join(spread, spread.c.application_id == funded.c.id)
        .group_by(Locality.id, Locality.name, Locality.position, Locality.is_archived, spread.c.k)
    )  # fmt: skip
    active = select(
        Locality.name, Locality.position, Locality.is_archived,
        cast(null(), Integer), cast(null(), BigInteger), cast(null(), Integer),
    ).where(Locality.is_archived.is_(False))  # fmt: skip
    counts: dict[str, int] = {}
    amounts: dict[str, Decimal] = {}
    rows = db.session.execute(union_all(active, served)).all()
    archived: set[str] = set()
    for name, _position, is_archived, k, amount_p, eois in sorted(rows, key=lambda r: (r[2], r[1] or 0, r[0])):
        counts.setdefault(name, 0)
        amounts.setdefault(name, Decimal(0))
        if is_archived:
            archived.add(name)
        if k:
            counts[name] += eois
            amounts[name] += Decimal(amount_p) / _HUNDRED / k
    active_first = sorted(counts, key=lambda name: name in archived)
    return [
        LocalityShare(name, counts[name], amounts[name].quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        for name in active_first
    ]


def leniency(totals) -> list[MemberLeniency]:  # noqa: ANN001
    """Each member's mean difference from the other members' mean on the EOIs they both scored,
    over the whole round (as ``portal.domain.scoring.leniency``): for an EOI with n totals summing
    to S, a member's difference is (n·t − S)/(n − 1); the database sums n·t − S per member and n."""
    scored = select(totals).where(totals.c.total_h.is_not(None)).subquery("scored")
    per_eoi = (
        select(scored.c.application_id, func.count().label("n"), cast(func.sum(scored.c.total_h), BigInteger).label("s"))
        .group_by(scored.c.application_id)
        .having(func.count() >= 2)
        .subquery("per_eoi_totals")
    )  # fmt: skip
    rows = db.session.execute(
        select(
            scored.c.member_id,
            User.full_name,
            per_eoi.c.n,
            cast(func.sum(per_eoi.c.n * scored.c.total_h - per_eoi.c.s), BigInteger),
            func.count(),
        )
        .join(per_eoi, per_eoi.c.application_id == scored.c.application_id)
        .join(PanelMember, PanelMember.id == scored.c.member_id)
        .join(User, User.id == PanelMember.user_id)
        .group_by(scored.c.member_id, User.full_name, per_eoi.c.n)
    ).all()
    differences: dict[int, Fraction] = defaultdict(Fraction)
    compared: dict[int, int] = defaultdict(int)
    names: dict[int, str] = {}
    for member_id, name, n, numerator, count in rows:
        names[member_id] = name
        differences[member_id] += Fraction(numerator, (n - 1) * 100)  # in points
        compared[member_id] += count
    members = [
        MemberLeniency(member, names[member], half_up(differences[member] / compared[member]), compared[member])
        for member in names
    ]
    return sorted(members, key=lambda m: (m.name.lower(), m.member_id))
