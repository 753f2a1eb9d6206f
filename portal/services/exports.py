"""Exports for officers: a round's EOIs, scores, decisions, awards and returns as tables (a header
then rows), each as CSV and all together as one XLSX workbook.

The EOIs reuse the intake list's export and the scores and decisions the decision pack's sheets,
so each table is built in one place. Every text cell goes through ``intake.safe_cell``: a group
name or answer starting with ``=``, ``+``, ``-`` or ``@`` is never run as a formula.

Stories are never in these tables, only how many a return has: their words stay on the return's
page, where their consent is shown beside them.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal.domain.measures import MeasureKind
from portal.domain.returns import Consent, Figure, actual_to_date, is_public, percentage
from portal.domain.workflow import ReturnStatus
from portal.extensions import db
from portal.models import Application, Award, AwardTarget, OutputMeasure, OutputReturn, Round, WorkStream
from portal.services import decision_pack, intake
from portal.services.intake import safe_cell, to_csv
from portal.services.threesixty import PUBLISHED_STATUSES

TABLES: dict[str, Any] = {
    "eois": _l("EOIs"),
    "scores": _l("Scores"),
    "decisions": _l("Decisions"),
    "awards": _l("Awards"),
    "returns": _l("Returns"),
}

AWARD_HEADER = (
    "reference",
    "organisation",
    "work_stream",
    "amount",
    "status",
    "offered_at",
    "starts_on",
    "ends_on",
    "accepted_on",
    "declined_at",
    "withdrawn_at",
    "agreed_targets",
)
RETURN_HEADER = (
    "reference",
    "organisation",
    "work_stream",
    "period",
    "is_final",
    "due_on",
    "status",
    "submitted_at",
    "late",
    "accepted_at",
    "channel",
    "spend_to_date",
    "stories",
)
SENT = frozenset({ReturnStatus.SUBMITTED, ReturnStatus.QUERIED, ReturnStatus.ACCEPTED})


def cell(value: Any) -> Any:
    """A value for a cell: numbers stay numbers, times ISO 8601 in UTC, dates ISO 8601, yes/no for
    booleans, text made safe from formulas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | int):
        return value
    return safe_cell(value)


# --- the tables ------------------------------------------------------------------------------------


def eoi_rows(round_: Round) -> list[tuple]:
    """Every EOI sent in the round (the intake list's export, with the round's title after the
    legal form)."""
    rows = intake.export_rows(round_, intake.IntakeFilters())
    header = next(rows)
    at = header.index("legal_form") + 1
    title = safe_cell(round_.title)
    return [(*header[:at], "round", *header[at:])] + [(*row[:at], title, *row[at:]) for row in rows]


def _awards(round_: Round) -> list[Award]:
    return list(
        db.session.scalars(
            select(Award)
            .join(Award.application)
            .where(Application.round_id == round_.id)
            .options(
                joinedload(Award.application).joinedload(Application.organisation),
                joinedload(Award.application).joinedload(Application.work_stream),
                selectinload(Award.targets).joinedload(AwardTarget.measure),
            )
            .order_by(Application.reference, Award.id)
        ).unique()
    )


def _target_text(target: AwardTarget) -> str:
    measure = target.measure
    agreed = f"{target.quantity} {measure.unit}" if target.quantity is not None else (target.description or "")
    return f"{measure.name}: {agreed}"


def award_rows(round_: Round) -> list[tuple]:
    """Every award of the round, whatever its status, with its agreed targets in one cell."""
    rows: list[tuple] = [AWARD_HEADER]
    for award in _awards(round_):
        application = award.application
        targets = sorted(award.targets, key=lambda t: (t.measure.position, t.measure_id))
        rows.append(
            (
                application.reference,
                application.organisation.name,
                application.work_stream.name if application.work_stream else None,
                award.amount,
                award.status,
                award.created_at,
                award.starts_on,
                award.ends_on,
                award.accepted_on,
                award.declined_at,
                award.withdrawn_at,
                "; ".join(_target_text(t) for t in targets),
            )
        )
    return [tuple(cell(v) for v in row) for row in rows]


def _measures(round_: Round) -> list[OutputMeasure]:
    return list(
        db.session.scalars(
            select(OutputMeasure)
            .join(OutputMeasure.work_stream)
            .where(WorkStream.round_id == round_.id)
            .order_by(WorkStream.position, WorkStream.id, OutputMeasure.position, OutputMeasure.id)
        )
    )


def measure_column(measure: OutputMeasure) -> str:
    """The returns table's column for one measure: its work stream and name, e.g.
    "Work stream 1: People involved (people)"."""
    return f"{measure.work_stream.name}: {measure.name} ({measure.unit})"


def is_late(output_return: OutputReturn, today: date, zone: str = "Europe/London") -> bool:
    """Sent after the day it was due, or not sent and the day has passed."""
    if output_return.submitted_at is not None and output_return.status in SENT:
        return output_return.submitted_at.astimezone(ZoneInfo(zone)).date() > output_return.due_on
    return today > output_return.due_on


def return_rows(round_: Round, *, now: datetime | None = None, zone: str = "Europe/London") -> list[tuple]:
    """Every return of the round's awards: one row per return, a column per measure of the round
    (blank for another work stream's measures), the number of stories but never their words."""
    now = now or datetime.now(UTC)
    today = now.astimezone(ZoneInfo(zone)).date()
    measures = _measures(round_)
    returns = db.session.scalars(
        select(OutputReturn)
        .join(OutputReturn.award)
        .join(Award.application)
        .where(Application.round_id == round_.id)
        .options(
            joinedload(OutputReturn.award).joinedload(Award.application).joinedload(Application.organisation),
            joinedload(OutputReturn.award).joinedload(Award.application).joinedload(Application.work_stream),
            selectinload(OutputReturn.figures),
            selectinload(OutputReturn.stories),
        )
        .order_by(Application.reference, OutputReturn.period, OutputReturn.id)
    ).unique()
    rows: list[tuple] = [RETURN_HEADER + tuple(measure_column(m) for m in measures)]
    for output_return in returns:
        application = output_return.award.application
        figures = {f.measure_id: f for f in output_return.figures}
        values = []
        for measure in measures:
            figure = figures.get(measure.id)
            values.append(
                None if figure is None else figure.quantity if figure.quantity is not None else figure.description
            )
        rows.append(
            (
                application.reference,
                application.organisation.name,
                application.work_stream.name if application.work_stream else None,
                output_return.period,
                output_return.is_final,
                output_return.due_on,
                output_return.status,
                output_return.submitted_at if output_return.status in SENT else None,
                is_late(output_return, today, zone),
                output_return.accepted_at,
                output_return.channel,
                output_return.spend_to_date,
                len(output_return.stories),
                *values,
            )
        )
    return [tuple(cell(v) for v in row) for row in rows]


def tables(round_: Round, only: Iterable[str] = tuple(TABLES), *, now: datetime | None = None) -> dict[str, list]:
    """Each table (or ``only`` those named) as rows, the header first, values ready for a cell."""
    names = list(only)
    unknown = [name for name in names if name not in TABLES]
    if unknown:
        raise KeyError(unknown[0])
    pack = decision_pack.pack_sheets(round_, only=tuple(n for n in names if n in ("scores", "decisions")))
    builders = {
        "eois": lambda: eoi_rows(round_),
        "scores": lambda: pack["scores"],
        "decisions": lambda: pack["decisions"],
        "awards": lambda: award_rows(round_),
        "returns": lambda: return_rows(round_, now=now),
    }
    return {name: builders[name]() for name in names}


# --- the files -------------------------------------------------------------------------------------


def table_csv(round_: Round, table: str, *, now: datetime | None = None) -> str:
    """One table as CSV text (``table`` is a key of ``TABLES``; KeyError otherwise)."""
    rows = tables(round_, only=(table,), now=now)[table]
    return to_csv(tuple("" if value == "" else str(value) for value in row) for row in rows)


def workbook(round_: Round, *, now: datetime | None = None) -> bytes:
    """Every table as one XLSX workbook, a worksheet per table."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, rows in tables(round_, now=now).items():
        sheet = book.create_sheet(title=str(TABLES[name])[:31])
        for row in rows:
            sheet.append([None if value == "" else value for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- the annual report -----------------------------------------------------------------------------


def _reported_awards(round_: Round) -> list[Award]:
    return list(
        db.session.scalars(
            select(Award)
            .join(Award.application)
            .where(Application.round_id == round_.id, Award.status.in_(PUBLISHED_STATUSES))
            .options(
                joinedload(Award.application).joinedload(Application.organisation),
                joinedload(Award.application).joinedload(Application.work_stream),
                joinedload(Award.application).selectinload(Application.localities),
                selectinload(Award.targets),
            )
            .order_by(Application.reference, Award.id)
        ).unique()
    )


def annual_summary(round_: Round) -> dict[str, Any]:
    """The figures of the annual report as plain data: awards (accepted, active or completed) by
    work stream and by locality, progress against targets per numeric measure from the figures of
    sent returns (submitted, queried or accepted), and the stories whose tellers agreed to their
    publication (never withdrawn)."""
    awards = _reported_awards(round_)
    award_ids = [a.id for a in awards]
    returns = (
        list(
            db.session.scalars(
                select(OutputReturn)
                .where(OutputReturn.award_id.in_(award_ids), OutputReturn.status.in_(SENT))
                .options(selectinload(OutputReturn.figures), selectinload(OutputReturn.stories))
                .order_by(OutputReturn.period, OutputReturn.id)
            )
        )
        if award_ids
        else []
    )
    by_award: dict[int, list[OutputReturn]] = {}
    for output_return in returns:
        by_award.setdefault(output_return.award_id, []).append(output_return)

    streams: dict[int | None, dict[str, Any]] = {}
    localities: dict[str, dict[str, Any]] = {}
    for award in awards:
        stream = award.application.work_stream
        row = streams.setdefault(
            stream.id if stream else None,
            {"name": stream.name if stream else None, "awards": 0, "amount": Decimal(0)},
        )
        row["awards"] += 1
        row["amount"] += award.amount
        for locality in award.application.localities:
            place = localities.setdefault(locality.name, {"name": locality.name, "awards": 0, "amount": Decimal(0)})
            place["awards"] += 1
            place["amount"] += award.amount

    progress = []
    for measure in _measures(round_):
        if measure.kind != MeasureKind.NUMERIC:
            continue
        agreed = sum(t.quantity or 0 for a in awards for t in a.targets if t.measure_id == measure.id)
        actual = 0
        for award in awards:
            figures = [
                Figure(r.period, f.quantity)
                for r in by_award.get(award.id, [])
                for f in r.figures
                if f.measure_id == measure.id and f.quantity is not None
            ]
            actual += actual_to_date(figures, cumulative=measure.is_cumulative)
        progress.append(
            {
                "work_stream": measure.work_stream.name,
                "measure": measure.name,
                "unit": measure.unit,
                "cumulative": measure.is_cumulative,
                "target": measure.target,
                "agreed": agreed,
                "actual": actual,
                "percentage": percentage(actual, measure.target),
            }
        )

    groups = {a.id: a.application for a in awards}
    stories = [
        {
            "title": story.title,
            "body": story.body,
            "teller": story.teller_name if story.consent == Consent.PUBLIC_NAMED else None,
            "group": groups[r.award_id].organisation.name,
            "work_stream": groups[r.award_id].work_stream.name if groups[r.award_id].work_stream else None,
        }
        for r in returns
        for story in r.stories
        if is_public(story.consent, story.consent_withdrawn_at is not None)
    ]
    return {
        "round": round_.title,
        "fund": round_.fund.name,
        "awards": len(awards),
        "amount": sum((a.amount for a in awards), Decimal(0)),
        "streams": list(streams.values()),
        "localities": sorted(localities.values(), key=lambda p: p["name"]),
        "progress": progress,
        "stories": stories,
    }


def annual_report_pdf(round_: Round, *, static_root: str, lang: str, generated: str, council: str) -> bytes:
    """The annual report of the round as a tagged PDF (``generated``: when, as people read it)."""
    from portal.pdf import render_pdf
    from portal.pdf.annual_report import annual_report

    context = annual_report(annual_summary(round_), lang=lang, generated=generated, council=council)
    return render_pdf("annual_report.html", context, static_root=static_root)
