"""“Issue all letters for this round”: a batch of letters issued by a background job (portal/jobs.py),
with its progress counted as it goes and a ZIP of every letter at the end.

``run_batch`` is a generator: it yields after each step (the batch started, each letter issued or
failed, the batch finished) so that the job that drives it commits there and the progress page
shows it. Services never commit; the job does. Rendering is done by a ``renderer`` the job chooses:
in this process one at a time, or in a pool of worker processes.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from portal.db import utcnow
from portal.domain.awards import BatchStatus, LetterKind
from portal.domain.roles import Role
from portal.domain.workflow import ApplicationStatus, AwardStatus, DecisionOutcome
from portal.extensions import db
from portal.models import Application, Award, FundingDecision, Letter, LetterBatch, Panel, Round, User
from portal.services import ServiceError, audit, letters
from portal.services.letters import LetterLinks, PreparedLetter
from portal.storage import get_storage

log = logging.getLogger(__name__)

ERROR_LIMIT = 4000
ACTIVE = (BatchStatus.QUEUED, BatchStatus.RUNNING)

# A renderer turns prepared letters into PDFs, yielding each with its bytes (or the exception that
# stopped it) in whatever order they finish.
Renderer = Callable[[list[PreparedLetter], str], Iterable[tuple[PreparedLetter, bytes | BaseException]]]


def render_here(
    items: list[PreparedLetter], static_root: str
) -> Iterator[tuple[PreparedLetter, bytes | BaseException]]:
    """Render in this process, one letter after another (tests, and a worker with one core)."""
    for item in items:
        try:
            yield item, letters.render_letter(item.template_name, item.context, static_root=static_root)
        except Exception as exc:  # noqa: BLE001 - one bad letter must not stop the batch
            yield item, exc


def _released(round_: Round) -> bool:
    return bool(
        db.session.scalar(select(Panel.id).where(Panel.round_id == round_.id, Panel.decisions_released_at.is_not(None)))
    )


def _has_letter(kind: LetterKind):  # noqa: ANN202
    return exists().where(Letter.application_id == Application.id, Letter.kind == kind)


def letters_due(round_: Round, *, reissue: bool = False) -> list[int]:
    """The applications of the round that get a letter: every award not withdrawn and every
    released "do not fund" decision; only those without that letter yet, unless ``reissue``."""
    if not _released(round_):
        return []
    awards = (
        select(Application.id, Application.reference)
        .join(Award, Award.application_id == Application.id)
        .where(Application.round_id == round_.id, Award.status != AwardStatus.WITHDRAWN)
    )
    declines = (
        select(Application.id, Application.reference)
        .join(FundingDecision, FundingDecision.application_id == Application.id)
        .where(
            Application.round_id == round_.id,
            Application.status == ApplicationStatus.DECIDED,
            FundingDecision.outcome == DecisionOutcome.DO_NOT_FUND,
        )
    )
    if not reissue:
        awards = awards.where(~_has_letter(LetterKind.AWARD))
        declines = declines.where(~_has_letter(LetterKind.DECLINE))
    rows = [*db.session.execute(awards), *db.session.execute(declines)]
    return [application_id for application_id, _reference in sorted(rows, key=lambda row: (row[1] or "", row[0]))]


def active_batch(round_: Round) -> LetterBatch | None:
    return db.session.scalar(
        select(LetterBatch).where(LetterBatch.round_id == round_.id, LetterBatch.status.in_(ACTIVE)).limit(1)
    )


def batches_of(round_: Round) -> list[LetterBatch]:
    return list(
        db.session.scalars(
            select(LetterBatch).where(LetterBatch.round_id == round_.id).order_by(LetterBatch.created_at.desc())
        )
    )


def start_batch(round_: Round, *, by: User, reissue: bool = False, now: datetime | None = None) -> LetterBatch:
    """Queue a batch issuing the round's letters (see ``letters_due``). The caller enqueues the job
    after committing."""
    now = now or utcnow()
    if not by.has_role(Role.OFFICER):
        raise ServiceError(_l("Only officers can issue letters."))
    if not _released(round_):
        raise ServiceError(_l("Release the round's decisions first: groups cannot see their decisions yet."))
    if active_batch(round_) is not None:
        raise ServiceError(_l("Letters for this round are already being issued. Wait for that to finish."))
    due = letters_due(round_, reissue=reissue)
    if not due:
        raise ServiceError(
            _l("Every group in this round already has its letter. To send them again, choose to issue them again.")
            if not reissue
            else _l("There are no letters to issue in this round.")
        )
    batch = LetterBatch(
        round_id=round_.id,
        status=BatchStatus.QUEUED,
        total=len(due),
        done=0,
        failed=0,
        application_ids=due,
        reissue=reissue,
        created_by_id=by.id,
        created_at=now,
    )
    db.session.add(batch)
    db.session.flush()
    audit.record(
        "letters.batch_started",
        round_,
        by=by,
        after={"batch_id": batch.id, "letters": len(due), "reissue": reissue},
        now=now,
    )
    return batch


def _kind_for(application: Application) -> LetterKind:
    return LetterKind.AWARD if letters.award_of(application) is not None else LetterKind.DECLINE


def _note_failure(batch: LetterBatch, application: Application | None, reason: object) -> None:
    batch.failed += 1
    label = (application.reference if application else None) or "?"
    line = f"{label}: {reason}"
    batch.error = ((batch.error + "\n") if batch.error else "") + line
    batch.error = batch.error[:ERROR_LIMIT]


def run_batch(
    batch_id: int,
    *,
    links: LetterLinks,
    static_root: str | Path,
    renderer: Renderer = render_here,
    now: datetime | None = None,
) -> Iterator[LetterBatch]:
    """Issue every letter of a queued batch, yielding after each step (the caller commits there).
    A letter that cannot be issued is counted as failed, with its reason, and the rest go on."""
    batch = db.session.get(LetterBatch, batch_id)
    if batch is None or batch.status != BatchStatus.QUEUED:
        return
    by = batch.created_by
    batch.status, batch.started_at = BatchStatus.RUNNING, now or utcnow()
    yield batch

    applications = {
        a.id: a
        for a in db.session.scalars(
            select(Application)
            .where(Application.id.in_(batch.application_ids))
            .options(selectinload(Application.organisation), selectinload(Application.round))
        )
    }
    prepared: list[PreparedLetter] = []
    for application_id in batch.application_ids:
        application = applications.get(application_id)
        try:
            if application is None:
                raise ServiceError(_l("This application no longer exists."))
            prepared.append(letters.prepare_letter(application, _kind_for(application), by=by, links=links, now=now))
        except ServiceError as error:
            _note_failure(batch, application, error.message)
            yield batch

    for item, result in renderer(prepared, str(static_root)):
        application = applications[item.application_id]
        if isinstance(result, BaseException):
            log.error("letter for application %s failed to render", item.application_id, exc_info=result)
            _note_failure(batch, application, _l("The letter could not be made."))
        else:
            letters.record_letter(item, result, by=by, links=links, batch_id=batch.id, now=now)
            batch.done += 1
        yield batch

    finish_batch(batch, now=now)
    yield batch


def zip_name(letter: Letter, reference: str | None) -> str:
    return f"{reference or letter.application_id}-{letter.kind.value}-v{letter.version}.pdf"


def finish_batch(batch: LetterBatch, *, now: datetime | None = None) -> None:
    """Write the ZIP of every letter the batch issued (through storage) and mark it finished."""
    now = now or utcnow()
    storage = get_storage(current_app.config)
    rows = db.session.execute(
        select(Letter, Application.reference)
        .join(Application, Application.id == Letter.application_id)
        .where(Letter.batch_id == batch.id)
        .order_by(Application.reference, Letter.kind)
    ).all()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for letter, reference in rows:
            archive.writestr(zip_name(letter, reference), storage.read(letter.storage_key))
    batch.zip_key = storage.save(buffer.getvalue(), prefix=letters.LETTER_PREFIX)
    batch.status, batch.finished_at = BatchStatus.FINISHED, now
    audit.record(
        "letters.batch_finished",
        batch.round,
        by=batch.created_by,
        after={"batch_id": batch.id, "done": batch.done, "failed": batch.failed, "total": batch.total},
        now=now,
    )


def fail_batch(batch_id: int, error: str, *, now: datetime | None = None) -> None:
    """Mark a batch that stopped part way (the letters it issued stay issued)."""
    batch = db.session.get(LetterBatch, batch_id)
    if batch is None:
        return
    batch.status, batch.finished_at = BatchStatus.FAILED, now or utcnow()
    batch.error = ((batch.error + "\n") if batch.error else "") + error[:ERROR_LIMIT]


def zip_bytes(batch: LetterBatch) -> bytes:
    return get_storage(current_app.config).read(batch.zip_key)
