"""Officers review output returns: a round's returns with the late ones flagged, one return with its
figures beside the agreed targets, and the two answers an officer gives to a sent return: accept it,
or ask the group about it (a query, with a message; the group answers and sends it again).

Accepting an award's final return completes the award, only through the award's state machine.
Services never build URLs: the route passes the link to the group's page (``link``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import joinedload, selectinload

from portal.db import utcnow
from portal.domain.applications import Channel
from portal.domain.measures import MeasureKind
from portal.domain.returns import Figure, actual_to_date, is_overdue, percentage
from portal.domain.roles import Role
from portal.domain.workflow import (
    AWARD_TRANSITIONS,
    RETURN_TRANSITIONS,
    SYSTEM,
    AwardStatus,
    ReturnStatus,
    check_transition,
)
from portal.extensions import db
from portal.models import (
    Application,
    Award,
    AwardTarget,
    Organisation,
    OrganisationMember,
    OutputMeasure,
    OutputReturn,
    ReturnFigure,
    ReturnMessage,
    ReturnVersion,
    Round,
    Story,
    User,
    WorkStream,
)
from portal.services import ServiceError, audit, notifications

MESSAGE_LIMIT = 5000
NOT_SENT = (ReturnStatus.DUE, ReturnStatus.DRAFT)  # the only statuses that can be late
SENT = (ReturnStatus.SUBMITTED, ReturnStatus.QUERIED, ReturnStatus.ACCEPTED)
COMPLETABLE = (AwardStatus.ACCEPTED, AwardStatus.ACTIVE)


# --- lateness (pure: could live in portal/domain/returns.py) ----------------------------------------


def late(due_on: date, status: ReturnStatus | str, today: date) -> bool:
    """A return is late once its due date has passed and the group has still not sent it
    (``domain.returns.is_overdue``)."""
    return is_overdue(due_on, ReturnStatus(status).value, today)


def is_late(output_return: OutputReturn, today: date) -> bool:
    return late(output_return.due_on, output_return.status, today)


def _late_clause(today: date) -> Any:
    return and_(OutputReturn.status.in_(NOT_SENT), OutputReturn.due_on < today)


# --- a round's returns ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnRow:
    id: int
    reference: str
    group: str
    work_stream: str | None
    period: int
    is_final: bool
    due_on: date
    status: ReturnStatus
    is_late: bool
    submitted_at: datetime | None
    assisted: bool  # entered by an officer on the group's behalf


def returns_for_round(
    round_: Round, *, status: ReturnStatus | str | None = None, late_only: bool = False, today: date
) -> list[ReturnRow]:
    """Every return of the round's awards, soonest due first, optionally only one status or only
    the late ones. One query, whatever the number of returns."""
    query = (
        select(OutputReturn, Application.reference, Organisation.name, WorkStream.name)
        .join(Award, OutputReturn.award_id == Award.id)
        .join(Application, Award.application_id == Application.id)
        .join(Organisation, Application.organisation_id == Organisation.id)
        .outerjoin(WorkStream, Application.work_stream_id == WorkStream.id)
        .where(Application.round_id == round_.id)
        .order_by(OutputReturn.due_on, Application.reference, OutputReturn.period)
    )
    if status:
        query = query.where(OutputReturn.status == ReturnStatus(status))
    if late_only:
        query = query.where(_late_clause(today))
    return [
        ReturnRow(
            id=output_return.id,
            reference=reference or "",
            group=group,
            work_stream=stream,
            period=output_return.period,
            is_final=output_return.is_final,
            due_on=output_return.due_on,
            status=output_return.status,
            is_late=is_late(output_return, today),
            submitted_at=output_return.submitted_at,
            assisted=output_return.channel != Channel.ONLINE,
        )
        for output_return, reference, group, stream in db.session.execute(query)
    ]


@dataclass(frozen=True)
class ReturnCounts:
    total: int
    late: int
    by_status: dict[str, int] = field(default_factory=dict)


def return_counts(round_: Round, *, today: date) -> ReturnCounts:
    """How many returns the round has, at each status and late. One query."""
    rows = db.session.execute(
        select(OutputReturn.status, func.count(), func.sum(case((_late_clause(today), 1), else_=0)))
        .join(Award, OutputReturn.award_id == Award.id)
        .join(Application, Award.application_id == Application.id)
        .where(Application.round_id == round_.id)
        .group_by(OutputReturn.status)
    ).all()
    by_status = {ReturnStatus(status).value: count for status, count, _ in rows}
    return ReturnCounts(
        total=sum(by_status.values()), late=sum(int(late or 0) for _, _, late in rows), by_status=by_status
    )


# --- one return -------------------------------------------------------------------------------------


def return_for_officer(return_id: int) -> OutputReturn | None:
    """A return with everything its officer's page shows, loaded up front."""
    return db.session.get(
        OutputReturn,
        return_id,
        options=[
            joinedload(OutputReturn.award).joinedload(Award.application).joinedload(Application.organisation),
            joinedload(OutputReturn.award)
            .selectinload(Award.targets)
            .joinedload(AwardTarget.measure)
            .joinedload(OutputMeasure.work_stream),
            joinedload(OutputReturn.entered_by),
            joinedload(OutputReturn.accepted_by),
            joinedload(OutputReturn.submitted_by),
            selectinload(OutputReturn.figures).joinedload(ReturnFigure.measure),
            selectinload(OutputReturn.stories).joinedload(Story.file),
            selectinload(OutputReturn.versions),
            selectinload(OutputReturn.messages).joinedload(ReturnMessage.author),
        ],
    )


@dataclass(frozen=True)
class FigureRow:
    """One agreed measure: the target, what was achieved in this period and to date."""

    measure: OutputMeasure
    is_numeric: bool
    target: int | None
    target_text: str | None
    this_period: int | None
    this_period_text: str | None
    to_date: int | None
    percent: Decimal | None  # to date as a share of the target


@dataclass(frozen=True)
class ReturnDetail:
    output_return: OutputReturn
    version: ReturnVersion | None  # the latest version sent
    content: dict[str, Any]  # that version's frozen content ({} before anything was sent)
    figures: list[FigureRow]
    spend_to_date: Decimal | None
    spend_percent: Decimal | None
    went_well: str | None
    was_hard: str | None
    support_needed: str | None
    stories: list[Story]
    messages: list[ReturnMessage]
    versions: list[ReturnVersion]
    late: bool


def _value(raw: Any) -> tuple[int | None, str | None]:
    """A figure as frozen in a version (a number, words, or {"quantity", "description"})."""
    if isinstance(raw, dict):
        quantity = raw.get("quantity")
        return (int(quantity) if quantity is not None else None), raw.get("description")
    if isinstance(raw, bool) or raw is None:
        return None, None
    if isinstance(raw, int):
        return raw, None
    return None, str(raw)


def _sent_figures(award: Award, up_to_period: int) -> dict[int, list[Figure]]:
    """The numbers the award's sent returns gave, per measure, up to and including a period."""
    rows = db.session.execute(
        select(ReturnFigure.measure_id, OutputReturn.period, ReturnFigure.quantity)
        .join(OutputReturn, ReturnFigure.return_id == OutputReturn.id)
        .where(
            OutputReturn.award_id == award.id,
            OutputReturn.period <= up_to_period,
            OutputReturn.status.in_(SENT),
            ReturnFigure.quantity.is_not(None),
        )
    ).all()
    figures: dict[int, list[Figure]] = {}
    for measure_id, period, quantity in rows:
        figures.setdefault(measure_id, []).append(Figure(period=period, quantity=quantity))
    return figures


def return_detail(output_return: OutputReturn, *, today: date | None = None) -> ReturnDetail:
    """What an officer reads about a return: the latest version sent (else the draft as it
    stands), the award's agreed targets beside this period's figures and the total to date,
    spend against the award, stories with their consent (withdrawn ones included, for officers
    only), every version and every message."""
    award = output_return.award
    version = output_return.versions[-1] if output_return.versions else None
    content = dict(version.content) if version and isinstance(version.content, dict) else {}
    frozen = content.get("figures") if isinstance(content.get("figures"), dict) else None
    live = {f.measure_id: (f.quantity, f.description) for f in output_return.figures}
    given = {int(k): _value(v) for k, v in frozen.items()} if frozen is not None else live
    previous = _sent_figures(award, output_return.period)

    targets = {t.measure_id: t for t in award.targets}
    measures = {t.measure_id: t.measure for t in award.targets}
    measures.update({f.measure_id: f.measure for f in output_return.figures if f.measure_id not in measures})
    rows = []
    for measure in sorted(measures.values(), key=lambda m: (m.position, m.id)):
        target = targets.get(measure.id)
        quantity, text = given.get(measure.id, (None, None))
        numeric = measure.kind == MeasureKind.NUMERIC
        to_date = None
        if numeric:
            figures = [f for f in previous.get(measure.id, []) if f.period != output_return.period]
            if quantity is not None:
                figures.append(Figure(period=output_return.period, quantity=quantity))
            to_date = actual_to_date(figures, cumulative=measure.is_cumulative)
        rows.append(
            FigureRow(
                measure=measure,
                is_numeric=numeric,
                target=target.quantity if target else None,
                target_text=target.description if target else None,
                this_period=quantity,
                this_period_text=text,
                to_date=to_date,
                percent=percentage(to_date, target.quantity) if to_date is not None and target else None,
            )
        )

    def pick(name: str) -> Any:
        return content[name] if name in content else getattr(output_return, name)

    spend = pick("spend_to_date")
    spend = Decimal(str(spend)) if spend not in (None, "") else None
    spend_percent = None
    if spend is not None and award.amount:
        spend_percent = (spend * 100 / award.amount).quantize(Decimal("0.1"))
    return ReturnDetail(
        output_return=output_return,
        version=version,
        content=content,
        figures=rows,
        spend_to_date=spend,
        spend_percent=spend_percent,
        went_well=pick("went_well"),
        was_hard=pick("was_hard"),
        support_needed=pick("support_needed"),
        stories=list(output_return.stories),
        messages=list(output_return.messages),
        versions=list(output_return.versions),
        late=is_late(output_return, today) if today else False,
    )


# --- accept or query --------------------------------------------------------------------------------


def _check_officer(by: User, refusal: object) -> None:
    if not by.has_role(Role.OFFICER):
        raise ServiceError(refusal)


def _refusal(output_return: OutputReturn, *, accepting: bool) -> object | None:
    """Why a return with this status cannot be accepted or queried, in plain English."""
    status = output_return.status
    if status in NOT_SENT:
        if accepting:
            return _l("The group has not sent this return yet, so it cannot be accepted.")
        return _l("The group has not sent this return yet, so there is nothing to ask about.")
    if status == ReturnStatus.QUERIED:
        if accepting:
            return _l("You have asked the group about this return. You can accept it once they send it again.")
        return _l("You have already asked the group about this return. Wait for them to send it again.")
    if status == ReturnStatus.ACCEPTED:
        if accepting:
            return _l("This return has already been accepted.")
        return _l("This return has been accepted, so you cannot ask about it any more.")
    return None


def _move(output_return: OutputReturn, target: ReturnStatus, by: User) -> ReturnStatus:
    refusal = _refusal(output_return, accepting=target == ReturnStatus.ACCEPTED)
    if refusal is not None:
        raise ServiceError(refusal)
    allowed = check_transition(RETURN_TRANSITIONS, output_return.status, target, set(by.roles))
    if not allowed:
        raise ServiceError(allowed.reason)
    before = output_return.status
    output_return.status = target
    return before


def _tell_group(
    output_return: OutputReturn, template: str, *, subject: object, now: datetime, **context: object
) -> int:
    application = output_return.award.application
    members = db.session.scalars(
        select(OrganisationMember)
        .where(OrganisationMember.organisation_id == application.organisation_id)
        .options(joinedload(OrganisationMember.user))
    ).all()
    for member in members:
        notifications.queue_email(
            member.user,
            template,
            subject=subject,
            output_return=output_return,
            award=output_return.award,
            application=application,
            now=now,
            **context,
        )
    return len(members)


def _move_award(award: Award, target: AwardStatus, roles: set[str], *, by: User | None, now: datetime) -> None:
    allowed = check_transition(AWARD_TRANSITIONS, award.status, target, roles)
    if not allowed:
        raise ServiceError(allowed.reason)
    before = award.status
    award.status, award.updated_at = target, now
    db.session.flush()
    audit.record(
        "award.updated",
        award,
        by=by,
        before={"status": before},
        after={"status": target},
        note="The final return was accepted." if target == AwardStatus.COMPLETED else None,
        round_id=award.application.round_id,
        now=now,
    )


def _complete_award(award: Award, *, by: User, now: datetime) -> bool:
    """The final return accepted: the award is completed (an accepted award first becomes active,
    moved by the system). Awards in any other state are left as they are."""
    if award.status not in COMPLETABLE:
        return False
    if award.status == AwardStatus.ACCEPTED:
        _move_award(award, AwardStatus.ACTIVE, {SYSTEM}, by=None, now=now)
    _move_award(award, AwardStatus.COMPLETED, set(by.roles), by=by, now=now)
    return True


def accept_return(
    output_return: OutputReturn, *, by: User, link: str | None = None, now: datetime | None = None
) -> bool:
    """Accept a sent return. The group is told by e-mail (``link``: their return's page, if
    given). Accepting the award's final return completes the award. Returns whether it did."""
    now = now or utcnow()
    _check_officer(by, _l("Only officers can accept returns."))
    before = _move(output_return, ReturnStatus.ACCEPTED, by)
    output_return.accepted_at, output_return.accepted_by_id = now, by.id
    output_return.updated_at = now
    db.session.flush()
    application = output_return.award.application
    audit.record(
        "return.accepted",
        output_return,
        by=by,
        before={"status": before},
        after={"status": output_return.status, "period": output_return.period, "is_final": output_return.is_final},
        on_behalf_of=application.organisation,
        round_id=application.round_id,
        now=now,
    )
    completed = _complete_award(output_return.award, by=by, now=now) if output_return.is_final else False
    _tell_group(
        output_return,
        "return_accepted",
        subject=_l("We have accepted your return for %(reference)s", reference=application.reference or ""),
        link=link,
        completed=completed,
        now=now,
    )
    return completed


def query_return(
    output_return: OutputReturn, *, message: str, by: User, link: str, now: datetime | None = None
) -> ReturnMessage:
    """Ask the group about a sent return: it goes back to them with the message, e-mailed to every
    member with ``link`` (their return's page), to answer and send again."""
    now = now or utcnow()
    _check_officer(by, _l("Only officers can ask groups about their returns."))
    body = (message or "").replace("\r\n", "\n").strip()
    if not body:
        raise ServiceError(_l("Write your question for the group"))
    if len(body) > MESSAGE_LIMIT:
        raise ServiceError(_l("Keep the message to %(limit)d characters or fewer", limit=MESSAGE_LIMIT))
    before = _move(output_return, ReturnStatus.QUERIED, by)
    output_return.updated_at = now
    note = ReturnMessage(output_return=output_return, author_id=by.id, from_officer=True, body=body, created_at=now)
    db.session.add(note)
    db.session.flush()
    application = output_return.award.application
    audit.record(
        "return.queried",
        output_return,
        by=by,
        before={"status": before},
        after={"status": output_return.status, "message": body},
        on_behalf_of=application.organisation,
        round_id=application.round_id,
        now=now,
    )
    _tell_group(
        output_return,
        "return_queried",
        subject=_l("A question about your return for %(reference)s", reference=application.reference or ""),
        body=body,
        link=link,
        now=now,
    )
    return note
