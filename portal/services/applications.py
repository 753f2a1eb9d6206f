"""Expressions of interest: start a draft, save each section, submit once.

The same functions serve a group applying online and an officer entering an application on a
group's behalf (``by`` is then the officer; ``start_application`` records the channel and consent).
Every save names the version it was based on (``expected_version``): a save based on an older
version is refused with EditConflict, so two tabs never silently overwrite each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, load_only

from portal.db import utcnow
from portal.domain.applications import (  # noqa: F401 - missing_sections is used by routes through here
    Channel,
    Section,
    SectionState,
    answer_problem,
    budget_problems,
    format_reference,
    missing_sections,
    section_states,
)
from portal.domain.measures import MeasureKind
from portal.domain.rounds import is_accepting
from portal.domain.workflow import ApplicationStatus, RoundStatus
from portal.extensions import db
from portal.models import (
    Application,
    ApplicationAnswer,
    BudgetLine,
    Criterion,
    DeadlineExtension,
    Locality,
    Organisation,
    Panel,
    PlannedOutput,
    Round,
    StoredFile,
    User,
    Ward,
    WorkStream,
)
from portal.services import ServiceError, audit


class NotEditable(ServiceError):
    """The application can no longer be changed (submitted, withdrawn, or the deadline passed)."""


class EditConflict(ServiceError):
    """Someone saved this application since the page was opened."""


class IncompleteApplication(ServiceError):
    def __init__(self, missing: list[Section]) -> None:
        super().__init__(_l("Complete every section before you submit"))
        self.missing = missing


# --- deadlines and editing --------------------------------------------------------------------


def deadline_for(round_: Round, organisation: Organisation) -> datetime | None:
    """The round's closing time, or this organisation's extension when it has a later one."""
    extension = db.session.scalar(
        select(DeadlineExtension.closes_at).where(
            DeadlineExtension.round_id == round_.id, DeadlineExtension.organisation_id == organisation.id
        )
    )
    if extension is not None and (round_.closes_at is None or extension > round_.closes_at):
        return extension
    return round_.closes_at


def accepting_from(round_: Round, organisation: Organisation, now: datetime) -> bool:
    """Whether this organisation can still change and send applications in this round now."""
    deadline = deadline_for(round_, organisation)
    if round_.status == RoundStatus.OPEN:
        return is_accepting(round_.opens_at, deadline, now)
    if round_.status == RoundStatus.CLOSED and deadline != round_.closes_at:
        return is_accepting(None, deadline, now)  # an extension keeps the round open for this group
    return False


def _editable(application: Application, expected_version: int | None, now: datetime) -> None:
    if application.status != ApplicationStatus.DRAFT:
        raise NotEditable(_l("This application has been sent, so it can no longer be changed."))
    if not accepting_from(application.round, application.organisation, now):
        raise NotEditable(_l("The closing date has passed, so this application can no longer be changed."))
    if expected_version is not None and expected_version != application.lock_version:
        raise EditConflict(
            _l("This application was changed by someone else (or in another tab) since you opened this page.")
        )


def _saved(application: Application, section: Section, *, complete: bool, by: User, now: datetime) -> None:
    done = [s for s in application.completed_sections or [] if s != section.value]
    if complete:
        done.append(section.value)
    application.completed_sections = sorted(done)
    application.updated_at = now


# --- starting ---------------------------------------------------------------------------------


def start_application(
    round_: Round,
    organisation: Organisation,
    *,
    by: User,
    channel: Channel = Channel.ONLINE,
    consent_note: str | None = None,
    now: datetime | None = None,
) -> Application:
    """A new draft. On the assisted route (``channel`` other than online) an officer records how
    the group reached us and that the group agreed."""
    now = now or utcnow()
    if not accepting_from(round_, organisation, now):
        raise NotEditable(_l("This round is not taking applications."))
    assisted = channel != Channel.ONLINE
    if assisted and not (consent_note or "").strip():
        raise ServiceError(_l("Record how the group agreed to us entering the application for them"))
    application = Application(
        round=round_,
        organisation=organisation,
        status=ApplicationStatus.DRAFT,
        created_by_id=by.id,
        created_at=now,
        updated_at=now,
        channel=channel,
        entered_by_id=by.id if assisted else None,
        consent_note=(consent_note or "").strip() or None,
        consent_recorded_at=now if assisted else None,
        completed_sections=[],
    )
    db.session.add(application)
    db.session.flush()
    audit.record(
        "application.started",
        application,
        by=by,
        on_behalf_of=organisation if assisted else None,
        channel=channel.value,
        after={"round_id": round_.id, "organisation_id": organisation.id},
        now=now,
    )
    return application


# --- sections ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutputPlan:
    is_part_of_project: bool
    quantity: int | None = None
    description: str | None = None


def save_project(
    application: Application,
    *,
    title: str,
    summary: str,
    expected_version: int | None,
    complete: bool,
    by: User,
    now: datetime | None = None,
) -> None:
    now = now or utcnow()
    _editable(application, expected_version, now)
    application.title, application.summary = title.strip() or None, summary.strip() or None
    _saved(application, Section.PROJECT, complete=complete, by=by, now=now)


def choose_work_stream(
    application: Application, stream: WorkStream, *, expected_version: int | None, by: User, now: datetime | None = None
) -> None:
    now = now or utcnow()
    _editable(application, expected_version, now)
    if stream.round_id != application.round_id or stream.is_retired:
        raise ServiceError(_l("Choose one of this round's work streams"))
    if application.work_stream_id != stream.id:
        # Planned outputs belong to a work stream's measures: a new stream starts them afresh.
        application.planned_outputs.clear()
        application.completed_sections = [s for s in application.completed_sections or [] if s != Section.OUTPUTS]
    application.work_stream = stream
    _saved(application, Section.WORK_STREAM, complete=True, by=by, now=now)


def save_beneficiaries(
    application: Application,
    *,
    who_benefits: str,
    localities: list[Locality],
    wards: list[Ward],
    expected_version: int | None,
    complete: bool,
    by: User,
    now: datetime | None = None,
) -> None:
    now = now or utcnow()
    _editable(application, expected_version, now)
    if complete and not localities:
        raise ServiceError(_l("Select at least one area where your project will happen"))
    application.who_benefits = who_benefits.strip() or None
    application.localities = list(localities)
    application.wards = [ward for ward in wards if ward.locality in localities]
    _saved(application, Section.BENEFICIARIES, complete=complete, by=by, now=now)


def save_activities(
    application: Application,
    *,
    activities: str,
    timescale: str,
    expected_version: int | None,
    complete: bool,
    by: User,
    now: datetime | None = None,
) -> None:
    now = now or utcnow()
    _editable(application, expected_version, now)
    application.activities, application.timescale = activities.strip() or None, timescale.strip() or None
    _saved(application, Section.ACTIVITIES, complete=complete, by=by, now=now)


def save_outputs(
    application: Application,
    plans: dict[int, OutputPlan],
    *,
    expected_version: int | None,
    complete: bool,
    by: User,
    now: datetime | None = None,
) -> None:
    """``plans`` by measure id, for the measures of the chosen work stream."""
    now = now or utcnow()
    _editable(application, expected_version, now)
    if application.work_stream is None:
        raise ServiceError(_l("Choose a work stream first"))
    measures = {m.id: m for m in application.work_stream.measures if not m.is_retired}
    existing = {p.measure_id: p for p in application.planned_outputs}
    for measure_id, plan in plans.items():
        measure = measures.get(measure_id)
        if measure is None:
            continue
        row = existing.get(measure_id) or PlannedOutput(measure_id=measure_id)
        row.is_part_of_project = plan.is_part_of_project
        row.quantity = plan.quantity if plan.is_part_of_project and measure.kind == MeasureKind.NUMERIC else None
        row.description = (plan.description or "").strip() or None if plan.is_part_of_project else None
        if row.id is None:
            application.planned_outputs.append(row)
    if complete:
        planned = {p.measure_id: p for p in application.planned_outputs}
        for measure in measures.values():
            plan = planned.get(measure.id)
            if plan is None:
                raise ServiceError(_l("Answer for every output: a number, or 'not part of our project'"))
            if plan.is_part_of_project and measure.kind == MeasureKind.NUMERIC and plan.quantity is None:
                raise ServiceError(_l("Enter a number for each output that is part of your project"))
    _saved(application, Section.OUTPUTS, complete=complete, by=by, now=now)


def save_answer(
    application: Application,
    criterion: Criterion,
    *,
    text: str,
    recording: StoredFile | None,
    keep_recording: bool,
    recording_summary: str,
    expected_version: int | None,
    by: User,
    now: datetime | None = None,
) -> None:
    """One criterion's answer, written or recorded. The criteria section is complete when every
    active criterion has one."""
    now = now or utcnow()
    _editable(application, expected_version, now)
    if criterion.round_id != application.round_id:
        raise ServiceError(_l("This question is not part of this round"))
    problem = answer_problem(text, criterion.word_limit)
    if problem is not None:
        raise ServiceError(problem)
    answer = next((a for a in application.answers if a.criterion_id == criterion.id), None)
    if answer is None:
        answer = ApplicationAnswer(criterion_id=criterion.id)
        application.answers.append(answer)
    answer.text = text.strip() or None
    if recording is not None:
        answer.recording = recording
    elif not keep_recording:
        answer.recording = None
    answer.recording_summary = recording_summary.strip() or None
    active = [c for c in application.round.criteria if not c.is_archived]
    answered = {a.criterion_id for a in application.answers if a.text or a.recording_file_id or a.recording}
    _saved(application, Section.CRITERIA, complete=all(c.id in answered for c in active), by=by, now=now)


def save_budget(
    application: Application,
    *,
    amount: Decimal | None,
    lines: list[tuple[str, Decimal]],
    expected_version: int | None,
    complete: bool,
    by: User,
    now: datetime | None = None,
) -> None:
    now = now or utcnow()
    _editable(application, expected_version, now)
    if complete:
        problems = budget_problems(
            amount, [a for _, a in lines], minimum=application.round.min_amount, maximum=application.round.max_amount
        )
        if problems:
            raise ServiceError(problems[0])
    application.amount_requested = amount
    application.budget_lines.clear()
    db.session.flush()
    for position, (description, line_amount) in enumerate(lines):
        application.budget_lines.append(
            BudgetLine(description=description.strip()[:200], amount=line_amount, position=position)
        )
    _saved(application, Section.BUDGET, complete=complete, by=by, now=now)


def save_partners(
    application: Application,
    *,
    has_partners: bool | None,
    partners: str,
    expected_version: int | None,
    complete: bool,
    by: User,
    now: datetime | None = None,
) -> None:
    now = now or utcnow()
    _editable(application, expected_version, now)
    if complete and has_partners and not partners.strip():
        raise ServiceError(_l("Tell us who your partners are"))
    application.has_partners = has_partners
    application.partners = partners.strip() or None if has_partners else None
    _saved(application, Section.PARTNERS, complete=complete, by=by, now=now)


def declare(
    application: Application, *, name: str, expected_version: int | None, by: User, now: datetime | None = None
) -> None:
    now = now or utcnow()
    _editable(application, expected_version, now)
    if not name.strip():
        raise ServiceError(_l("Enter your full name"))
    application.declared_by_name, application.declared_at = name.strip(), now
    _saved(application, Section.DECLARATIONS, complete=True, by=by, now=now)


def states_of(application: Application) -> dict[Section, SectionState]:
    filled = {
        Section.PROJECT: bool(application.title or application.summary),
        Section.WORK_STREAM: application.work_stream_id is not None,
        Section.BENEFICIARIES: bool(application.who_benefits or application.localities),
        Section.ACTIVITIES: bool(application.activities or application.timescale),
        Section.OUTPUTS: bool(application.planned_outputs),
        Section.CRITERIA: bool(application.answers),
        Section.BUDGET: application.amount_requested is not None or bool(application.budget_lines),
        Section.PARTNERS: application.has_partners is not None,
        Section.DECLARATIONS: application.declared_at is not None,
    }
    return section_states(filled, set(application.completed_sections or []))


# Sending lives in submissions.py; these names are part of this module's interface.
from portal.services.submissions import snapshot, submit_application  # noqa: E402, F401


def of_organisations(organisation_ids: list[int]) -> list[tuple[Application, bool]]:
    """Every application of these groups, newest first, for a group's own list, each with whether
    its round's decisions have been released: what the list shows of each (title, reference,
    status, its round's title and its group's name), nothing more (the rest of a long application,
    its round and its group are many columns a row)."""
    if not organisation_ids:
        return []
    released = Panel.decisions_released_at.is_not(None)
    rows = db.session.execute(
        select(Application, released)
        .outerjoin(Panel, Panel.round_id == Application.round_id)  # a round has one panel at most
        .where(Application.organisation_id.in_(organisation_ids))
        .options(
            load_only(
                Application.round_id,
                Application.organisation_id,
                Application.title,
                Application.reference,
                Application.status,
                Application.created_at,
            ),
            joinedload(Application.round).load_only(Round.title),
            joinedload(Application.organisation).load_only(Organisation.name),
        )
        .order_by(Application.created_at.desc(), Application.id.desc())
    ).all()
    return [(application, bool(is_released)) for application, is_released in rows]
