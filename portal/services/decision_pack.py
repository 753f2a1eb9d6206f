"""The decision pack of a round, for scrutiny and freedom-of-information requests: every EOI sent,
every score of every submitted review (raw, with the weighted total and the agreed score), the
conflicts declared, and the decisions with their reasons and overrides; as CSV (one file per
sheet), as one XLSX workbook, and a PDF summary.

Every text cell is made safe for spreadsheets (``intake.safe_cell``): a group name or comment
starting with ``=``, ``+``, ``-`` or ``@`` is never run as a formula.
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.domain.scoring import mapping_total
from portal.domain.workflow import ApplicationStatus, DecisionOutcome, ReviewStatus
from portal.extensions import db
from portal.models import (
    Application,
    ConflictDeclaration,
    Criterion,
    FundingDecision,
    Panel,
    PanelMember,
    Review,
    Round,
    Score,
)
from portal.services.intake import safe_cell, to_csv
from portal.services.moderation import moderation_for_round

SHEETS: dict[str, Any] = {
    "eois": _l("EOIs"),
    "scores": _l("Scores"),
    "conflicts": _l("Conflicts declared"),
    "decisions": _l("Decisions"),
}

EOI_HEADER = (
    "reference",
    "organisation",
    "work_stream",
    "title",
    "amount_requested",
    "status",
    "submitted_reviews",
    "mean",
    "median",
    "lowest",
    "highest",
    "spread",
    "agreed_score",
    "agreed_rationale",
    "rank",
    "above_budget_line",
)
SCORE_HEADER = (
    "reference",
    "member",
    "criterion",
    "weight",
    "score",
    "comment",
    "audience",
    "review_submitted_at",
    "weighted_total",
)
CONFLICT_HEADER = ("reference", "member", "kind", "note", "declared_at")
DECISION_HEADER = (
    "reference",
    "organisation",
    "work_stream",
    "outcome",
    "amount",
    "conditions",
    "feedback",
    "reason",
    "override_reason",
    "rank_at_decision",
    "within_budget_at_decision",
    "decided_by",
    "decided_at",
    "released_at",
)


def _plain(value: Any) -> Any:
    """A value for a cell: numbers stay numbers, times are ISO 8601 in UTC, yes/no for booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, Decimal | int):
        return value
    return safe_cell(value)


def _released_at(round_: Round) -> datetime | None:
    return db.session.scalar(select(Panel.decisions_released_at).where(Panel.round_id == round_.id))


def pack_sheets(round_: Round, only: tuple[str, ...] = tuple(SHEETS)) -> dict[str, list[tuple]]:
    """Each sheet of the pack (or ``only`` those named) as rows, the header first, values ready
    for a cell."""
    builders = {"eois": _eoi_rows, "scores": _score_rows, "conflicts": _conflict_rows, "decisions": _decision_rows}
    return {name: [tuple(_plain(v) for v in row) for row in builders[name](round_)] for name in only}


def _eoi_rows(round_: Round) -> list[tuple]:
    views = moderation_for_round(round_)
    moderated = {eoi.application_id: eoi for view in views for eoi in view.eois}
    applications = db.session.scalars(
        select(Application)
        .where(Application.round_id == round_.id, Application.status != ApplicationStatus.DRAFT)
        .options(joinedload(Application.organisation), joinedload(Application.work_stream))
        .order_by(Application.reference, Application.id)
    ).unique()
    eois = [EOI_HEADER]
    for application in applications:
        eoi = moderated.get(application.id)
        summary = eoi.summary if eoi else None
        agreed = eoi.agreed if eoi else None
        eois.append(
            (
                application.reference,
                application.organisation.name,
                application.work_stream.name if application.work_stream else None,
                application.title,
                application.amount_requested,
                application.status,
                eoi.submitted if eoi else None,
                *(
                    (summary.mean, summary.median, summary.minimum, summary.maximum, summary.spread)
                    if summary
                    else (None,) * 5
                ),
                agreed.score if agreed else None,
                agreed.rationale if agreed else None,
                eoi.rank if eoi else None,
                eoi.within_budget if eoi else None,
            )
        )
    return eois


def _score_rows(round_: Round) -> list[tuple]:
    weights = {
        c.id: c.weight
        for c in db.session.scalars(
            select(Criterion).where(Criterion.round_id == round_.id, Criterion.is_archived.is_(False))
        )
    }
    scores = db.session.scalars(
        select(Score)
        .join(Score.review)
        .join(Review.application)
        .join(Score.criterion)
        .where(Application.round_id == round_.id, Review.status == ReviewStatus.SUBMITTED)
        .options(
            joinedload(Score.criterion),
            joinedload(Score.review).joinedload(Review.application),
            joinedload(Score.review).joinedload(Review.member).joinedload(PanelMember.user),
        )
        .order_by(Application.reference, Review.id, Criterion.position, Criterion.id)
    ).unique()
    scores = list(scores)
    by_review: dict[int, dict[int, int | None]] = defaultdict(dict)
    for score in scores:
        by_review[score.review_id][score.criterion_id] = score.score
    totals = {review_id: mapping_total(weights, marks) for review_id, marks in by_review.items()}
    rows = [SCORE_HEADER]
    for score in scores:
        review = score.review
        rows.append(
            (
                review.application.reference,
                review.member.user.full_name,
                score.criterion.title,
                score.criterion.weight,
                score.score,
                score.comment,
                score.audience,
                review.submitted_at,
                totals[review.id],
            )
        )
    return rows


def _conflict_rows(round_: Round) -> list[tuple]:
    conflicts = db.session.scalars(
        select(ConflictDeclaration)
        .join(ConflictDeclaration.application)
        .where(Application.round_id == round_.id)
        .options(
            joinedload(ConflictDeclaration.application),
            joinedload(ConflictDeclaration.member).joinedload(PanelMember.user),
        )
        .order_by(Application.reference, ConflictDeclaration.declared_at)
    ).unique()
    rows = [CONFLICT_HEADER]
    rows += [(c.application.reference, c.member.user.full_name, c.kind, c.note, c.declared_at) for c in conflicts]
    return rows


def _decisions(round_: Round) -> list[FundingDecision]:
    return list(
        db.session.scalars(
            select(FundingDecision)
            .join(FundingDecision.application)
            .where(Application.round_id == round_.id)
            .options(
                joinedload(FundingDecision.application).joinedload(Application.organisation),
                joinedload(FundingDecision.application).joinedload(Application.work_stream),
                joinedload(FundingDecision.decided_by),
            )
            .order_by(Application.reference)
        ).unique()
    )


def _decision_rows(round_: Round) -> list[tuple]:
    released = _released_at(round_)
    rows = [DECISION_HEADER]
    for d in _decisions(round_):
        application = d.application
        rows.append(
            (
                application.reference,
                application.organisation.name,
                application.work_stream.name if application.work_stream else None,
                d.outcome,
                d.amount,
                d.conditions,
                d.feedback,
                d.reason,
                d.override_reason,
                d.rank_at_decision,
                d.within_budget_at_decision,
                d.decided_by.full_name if d.decided_by else None,
                d.decided_at,
                released,
            )
        )
    return rows


# --- the files -------------------------------------------------------------------------------------


def sheet_csv(round_: Round, sheet: str) -> str:
    """One sheet of the pack as CSV text (``sheet`` is a key of ``SHEETS``)."""
    if sheet not in SHEETS:
        raise KeyError(sheet)
    rows = pack_sheets(round_, only=(sheet,))[sheet]
    return to_csv(tuple("" if value == "" else str(value) for value in row) for row in rows)


def workbook(round_: Round) -> bytes:
    """The whole pack as an XLSX workbook, one worksheet per sheet."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, rows in pack_sheets(round_).items():
        sheet = book.create_sheet(title=str(SHEETS[name])[:31])
        for row in rows:
            sheet.append([None if value == "" else value for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def summary(round_: Round) -> dict[str, Any]:
    """The figures of the PDF summary, as plain data."""
    views = moderation_for_round(round_)
    decisions = _decisions(round_)
    by_application = {d.application_id: d for d in decisions}
    conflicts = Counter(
        db.session.scalars(
            select(Application.work_stream_id)
            .join(ConflictDeclaration, ConflictDeclaration.application_id == Application.id)
            .where(Application.round_id == round_.id)
        )
    )
    streams = []
    for view in views:
        outcomes = Counter(eoi.decision.outcome for eoi in view.eois if eoi.decision)
        funded = sum(
            (
                eoi.decision.amount or Decimal(0)
                for eoi in view.eois
                if eoi.decision and eoi.decision.outcome == DecisionOutcome.FUND
            ),
            Decimal(0),
        )
        streams.append(
            {
                "name": view.work_stream_name,
                "budget": view.budget,
                "eois": len(view.eois),
                "funded": outcomes[DecisionOutcome.FUND],
                "not_funded": outcomes[DecisionOutcome.DO_NOT_FUND],
                "reserve": outcomes[DecisionOutcome.RESERVE],
                "undecided": len(view.eois) - sum(outcomes.values()),
                "funded_amount": funded,
                "conflicts": conflicts[view.work_stream_id],
                "ranking": [
                    {
                        "rank": row.rank,
                        "reference": row.eoi.reference,
                        "group": row.eoi.group,
                        "score": row.eoi.score,
                        "agreed": row.eoi.agreed is not None,
                        "amount": row.eoi.amount,
                        "running_total": row.running_total,
                        "within_budget": row.within_budget,
                        "first_below_line": row.first_below_line,
                        "outcome": row.eoi.decision.outcome.value if row.eoi.decision else None,
                        "decided_amount": row.eoi.decision.amount if row.eoi.decision else None,
                    }
                    for row in view.ranking
                ],
            }
        )
    overrides = [
        {
            "reference": d.application.reference,
            "group": d.application.organisation.name,
            "outcome": d.outcome.value,
            "rank": d.rank_at_decision,
            "within_budget": d.within_budget_at_decision,
            "reason": d.reason,
            "override_reason": d.override_reason,
        }
        for d in decisions
        if d.override_reason
    ]
    return {
        "round": round_.title,
        "released_at": _released_at(round_),
        "streams": streams,
        "overrides": overrides,
        "conflicts": sum(conflicts.values()),
        "decisions": len(by_application),
    }


def summary_pdf(round_: Round, *, static_root: str | Path, lang: str, generated: str) -> bytes:
    """The PDF summary of the pack (``generated``: when, as people read it)."""
    from portal.pdf import render_pdf
    from portal.pdf.decision_pack import decision_pack

    return render_pdf(
        "decision_pack.html", decision_pack(summary(round_), lang=lang, generated=generated), static_root=static_root
    )
