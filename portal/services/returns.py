"""Output returns: each accepted award's return schedule becomes returns the group fills in — the
number achieved in the period for every agreed measure, stories with consent (return_content.py),
spend and reflections — saved as drafts and sent, which freezes a version. The group answers an
officer's query and sends again; an officer can enter a return on a group's behalf (the assisted
route, recorded as such); reminders go before and after each due date.

Services never build URLs: routes (and the ``flask send-reminders`` command) pass links in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal.db import utcnow
from portal.domain.applications import Channel
from portal.domain.awards import ReturnKind
from portal.domain.contact import monitoring_answer, monitoring_problem
from portal.domain.measures import MeasureKind
from portal.domain.returns import is_overdue
from portal.domain.roles import Role
from portal.domain.workflow import LIVE_AWARDS, RETURN_TRANSITIONS, ReturnStatus, check_transition
from portal.extensions import db
from portal.models import Application, Award, OutputReturn, ReturnFigure, ReturnMessage, ReturnVersion, User
from portal.services import ServiceError, audit, notifications
from portal.services.return_content import (  # noqa: F401 - part of this module's interface
    EDITABLE,
    SENT,
    STORY_FILES,
    MeasureRow,
    ReturnProblems,
    add_story,
    agreed_targets,
    check_can_edit,
    content_of,
    figures_of_version,
    is_member,
    measure_rows,
    previous_due_on,
    remove_story,
    roles_for,
    sha256_of,
    update_story,
    withdraw_consent,
)

TEXT_LIMIT = 20000
NUMBER_LIMIT = 1_000_000
REMIND_BEFORE = timedelta(days=14)
REMIND_AGAIN_AFTER = timedelta(days=7)


class EditConflict(ServiceError):
    """Someone saved this return since the page was opened."""


def move(output_return: OutputReturn, target: ReturnStatus, by: User) -> ReturnStatus:
    allowed = check_transition(RETURN_TRANSITIONS, output_return.status, target, roles_for(by, output_return))
    if not allowed:
        raise ServiceError(allowed.reason)
    before = output_return.status
    output_return.status = target
    return before


def _context(output_return: OutputReturn, by: User | None) -> dict:
    organisation = output_return.award.application.organisation
    member = by is not None and is_member(by, output_return)
    return {
        "on_behalf_of": None if member or by is None else organisation,
        "channel": Channel(output_return.channel).value if output_return.entered_by_id else None,
        "round_id": output_return.award.application.round_id,
    }


# --- the schedule ----------------------------------------------------------------------------------


def create_for_award(award: Award, *, by: User | None, now: datetime | None = None) -> list[OutputReturn]:
    """One return per date of the award's return schedule, numbered by date; dates that already
    have a return are left alone, so calling it again makes nothing twice."""
    now = now or utcnow()
    existing = {
        r.return_date_id for r in db.session.scalars(select(OutputReturn).where(OutputReturn.award_id == award.id))
    }
    made = []
    for period, return_date in enumerate(sorted(award.return_dates, key=lambda d: (d.due_on, d.id or 0)), start=1):
        if return_date.id in existing:
            continue
        output_return = OutputReturn(
            award=award,
            return_date=return_date,
            period=period,
            due_on=return_date.due_on,
            is_final=return_date.kind == ReturnKind.FINAL,
            status=ReturnStatus.DUE,
            created_at=now,
            updated_at=now,
        )
        db.session.add(output_return)
        made.append(output_return)
    db.session.flush()
    for output_return in made:
        audit.record(
            "return.created",
            output_return,
            by=by,
            after={
                "period": output_return.period,
                "due_on": output_return.due_on.isoformat(),
                "is_final": output_return.is_final,
            },
            round_id=award.application.round_id,
            now=now,
        )
    return made


def _loaded():  # noqa: ANN202
    return (
        joinedload(OutputReturn.award).joinedload(Award.application).joinedload(Application.organisation),
        selectinload(OutputReturn.figures),
        selectinload(OutputReturn.stories),
        joinedload(OutputReturn.entered_by),
    )


def returns_of(organisation_ids: list[int]) -> list[OutputReturn]:
    """The returns of these groups' awards, soonest due first (withdrawn awards left out)."""
    if not organisation_ids:
        return []
    return list(
        db.session.scalars(
            _of_groups(select(OutputReturn), Application.organisation_id.in_(organisation_ids))
            .options(joinedload(OutputReturn.award).joinedload(Award.application).joinedload(Application.organisation))
            .order_by(OutputReturn.due_on, OutputReturn.id)
        )
    )


def any_for_group(organisation_id: ColumnElement[int]) -> ColumnElement[bool]:
    """Whether the group ``organisation_id`` (a column of a query over groups) has any return to
    see (``returns_of`` is not empty): a column, so a group's page reads it with the group."""
    return _of_groups(select(OutputReturn.id), Application.organisation_id == organisation_id).exists()


def _of_groups(query, groups: ColumnElement[bool]):  # noqa: ANN001, ANN202 - a select of returns
    """``query`` kept to the returns of the live awards of the groups ``groups`` chooses (a
    condition on ``Application.organisation_id``)."""
    return query.join(OutputReturn.award).join(Award.application).where(groups, Award.status.in_(LIVE_AWARDS))


def get_return(return_id: int) -> OutputReturn | None:
    return db.session.get(OutputReturn, return_id, options=_loaded())


def get_return_for_member(user: User, return_id: int) -> OutputReturn | None:
    """The return, if ``user`` is a member of its award's group; else None (the page is a 404)."""
    output_return = get_return(return_id)
    if output_return is None or not is_member(user, output_return):
        return None
    if output_return.award.status not in LIVE_AWARDS:
        return None
    return output_return


def display_status(output_return: OutputReturn, today: date) -> str:
    """What the group's list says: due, overdue, draft, sent, queried or accepted."""
    status = output_return.status
    if is_overdue(output_return.due_on, status.value, today):
        return "overdue"
    return {ReturnStatus.SUBMITTED: "sent"}.get(status, status.value)


# --- saving and sending -----------------------------------------------------------------------------


def _clean_figures(
    output_return: OutputReturn, figures: dict[int, int | str | None], *, submit: bool
) -> tuple[dict[int, tuple[int | None, str | None]], dict[str, object]]:
    cleaned: dict[int, tuple[int | None, str | None]] = {}
    problems: dict[str, object] = {}
    for target in agreed_targets(output_return):
        measure = target.measure
        value = figures.get(measure.id)
        field = f"m{measure.id}"
        if measure.kind == MeasureKind.NUMERIC:
            if isinstance(value, str):
                value = value.strip().replace(",", "")
                value = int(value) if value.isascii() and value.isdigit() and len(value) < 10 else (value or None)
            if isinstance(value, str | bool) or (isinstance(value, int) and value < 0):
                problems[field] = _l("Enter a whole number of %(unit)s, like 25 (0 if none)", unit=measure.unit)
            elif isinstance(value, int) and value > NUMBER_LIMIT:
                problems[field] = _l("The number is too large")
            elif value is None and submit:
                problems[field] = _l("Enter the number of %(unit)s (0 if none)", unit=measure.unit)
            else:
                cleaned[measure.id] = (value, None)
        else:
            text = (str(value) if value is not None else "").replace("\r\n", "\n").strip()
            if len(text) > TEXT_LIMIT:
                problems[field] = _l("Keep this to %(limit)d characters or fewer", limit=TEXT_LIMIT)
            else:
                cleaned[measure.id] = (None, text or None)
    return cleaned, problems


def save_return(
    output_return: OutputReturn,
    *,
    figures: dict[int, int | str | None],
    spend_to_date: Decimal | None,
    went_well: str | None,
    was_hard: str | None,
    support_needed: str | None,
    expected_version: int | None,
    submit: bool,
    by: User,
    took_part: list[str] | None = None,
    now: datetime | None = None,
) -> OutputReturn:
    """Save the return as it is (a draft), or send it (``submit``): every numeric measure then
    needs a number (0 is a number) and the spend to date is needed. Sending freezes a version.
    ``figures`` by measure id, for the award's agreed measures (others are ignored).
    ``took_part``: the optional monitoring answer (codes of ``portal.forms.COMMUNITY_LABELS``;
    "prefer not to say" only on its own); nothing ticked is kept as not answered (None)."""
    now = now or utcnow()
    check_can_edit(output_return, by)
    if expected_version is not None and expected_version != output_return.lock_version:
        raise EditConflict(
            _l("This return was changed by someone else (or in another tab) since you opened this page.")
        )
    cleaned, problems = _clean_figures(output_return, figures, submit=submit)
    texts = {"went_well": went_well, "was_hard": was_hard, "support_needed": support_needed}
    texts = {name: (value or "").replace("\r\n", "\n").strip() or None for name, value in texts.items()}
    for name, value in texts.items():
        if value and len(value) > TEXT_LIMIT:
            problems[name] = _l("Keep this to %(limit)d characters or fewer", limit=TEXT_LIMIT)
    amount = output_return.award.amount
    if spend_to_date is None:
        if submit:
            problems["spend_to_date"] = _l("Enter how much of the grant you have spent so far (0 if none)")
    elif spend_to_date < 0:
        problems["spend_to_date"] = _l("The amount cannot be less than 0")
    elif spend_to_date > amount:
        problems["spend_to_date"] = _l(
            "The amount spent cannot be more than the grant of £%(amount)s", amount=f"{amount:,.2f}"
        )
    took_part_problem = monitoring_problem(list(took_part or []))
    if took_part_problem is not None:
        problems["took_part"] = took_part_problem
    if problems:
        raise ReturnProblems(problems)

    before_status = output_return.status
    existing = {f.measure_id: f for f in output_return.figures}
    for measure_id, (quantity, description) in cleaned.items():
        figure = existing.get(measure_id)
        if figure is None:
            if quantity is None and description is None:
                continue
            figure = ReturnFigure(measure_id=measure_id)
            output_return.figures.append(figure)
        figure.quantity, figure.description = quantity, description
    output_return.spend_to_date = spend_to_date
    output_return.went_well, output_return.was_hard = texts["went_well"], texts["was_hard"]
    output_return.support_needed = texts["support_needed"]
    output_return.took_part = monitoring_answer(list(took_part or []))
    output_return.updated_at = now
    if submit:
        move(output_return, ReturnStatus.SUBMITTED, by)
        output_return.submitted_at, output_return.submitted_by_id = now, by.id
        db.session.flush()
        content = content_of(output_return)
        version = ReturnVersion(
            output_return=output_return,
            number=len(output_return.versions) + 1,
            submitted_at=now,
            submitted_by_id=by.id,
            content=content,
            sha256=sha256_of(content),
        )
        db.session.add(version)
    elif output_return.status == ReturnStatus.DUE:
        move(output_return, ReturnStatus.DRAFT, by)
    db.session.flush()
    action = "return.saved"
    if submit:
        action = "return.answered" if before_status == ReturnStatus.QUERIED else "return.submitted"
    # Numbers go into the audit trail; words (which may be personal) do not.
    after = {
        "status": output_return.status,
        "figures": {str(k): q for k, (q, _words) in cleaned.items() if q is not None},
    }
    if submit:
        after.update(version=version.number, sha256=version.sha256)
    audit.record(
        action,
        output_return,
        by=by,
        before={"status": before_status},
        after=after,
        **_context(output_return, by),
        now=now,
    )
    return output_return


def latest_version(output_return: OutputReturn) -> ReturnVersion | None:
    return output_return.versions[-1] if output_return.versions else None


# --- queries and the assisted route ---------------------------------------------------------------


def answer_query(output_return: OutputReturn, *, body: str, by: User, now: datetime | None = None) -> ReturnMessage:
    """The group's answer to an officer's query (then it changes the return and sends it again)."""
    now = now or utcnow()
    if not roles_for(by, output_return):
        raise ServiceError(_l("Only members of the group can answer this query."))
    if output_return.status != ReturnStatus.QUERIED:
        raise ServiceError(_l("There is no question about this return to answer."))
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise ReturnProblems({"body": _l("Write your answer")})
    if len(body) > TEXT_LIMIT:
        raise ReturnProblems({"body": _l("Keep your answer to %(limit)d characters or fewer", limit=TEXT_LIMIT)})
    message = ReturnMessage(output_return=output_return, author_id=by.id, from_officer=False, body=body, created_at=now)
    db.session.add(message)
    db.session.flush()
    audit.record(
        "return.answered",
        output_return,
        by=by,
        after={"message_id": message.id},
        **_context(output_return, by),
        now=now,
    )
    return message


def start_assisted(
    output_return: OutputReturn,
    *,
    channel: Channel | str,
    consent_note: str | None,
    by: User,
    now: datetime | None = None,
) -> OutputReturn:
    """Record that an officer is entering this return for the group: how the group reached us
    and who in it agreed. The officer then saves and sends it with the same functions."""
    now = now or utcnow()
    if not by.has_role(Role.OFFICER):
        raise ServiceError(_l("Only officers can enter a return on a group's behalf."))
    if output_return.status not in EDITABLE:
        raise ServiceError(_l("This return has been sent, so it can no longer be changed."))
    try:
        channel = Channel(channel)
    except ValueError:
        channel = None
    if channel is None or channel == Channel.ONLINE:
        raise ReturnProblems({"channel": _l("Choose how the group reached us")})
    note = (consent_note or "").replace("\r\n", "\n").strip()
    if not note:
        raise ReturnProblems({"consent_note": _l("Record who in the group agreed, and when")})
    before = {"channel": output_return.channel, "entered_by_id": output_return.entered_by_id}
    output_return.channel, output_return.entered_by_id, output_return.consent_note = channel, by.id, note
    output_return.updated_at = now
    db.session.flush()
    audit.record(
        "return.assisted_started",
        output_return,
        by=by,
        before=before,
        after={"channel": channel, "entered_by_id": by.id},
        note=note,
        **{**_context(output_return, by), "channel": channel.value},
        now=now,
    )
    return output_return


# --- reminders ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminders:
    before: list[OutputReturn]  # due within 14 days, not reminded yet
    overdue: list[OutputReturn]  # past due and not sent, not reminded in the last 7 days


def due_reminders(today: date, *, now: datetime | None = None) -> Reminders:
    now = now or utcnow()
    unsent = (ReturnStatus.DUE, ReturnStatus.DRAFT)
    base = (
        select(OutputReturn)
        .join(OutputReturn.award)
        .where(OutputReturn.status.in_(unsent), Award.status.in_(LIVE_AWARDS))
        .options(*_loaded())
        .order_by(OutputReturn.due_on, OutputReturn.id)
    )
    before = db.session.scalars(
        base.where(
            OutputReturn.due_on >= today,
            OutputReturn.due_on <= today + REMIND_BEFORE,
            OutputReturn.reminded_before_at.is_(None),
        )
    ).unique()
    overdue = db.session.scalars(
        base.where(
            OutputReturn.due_on < today,
            or_(OutputReturn.reminded_after_at.is_(None), OutputReturn.reminded_after_at <= now - REMIND_AGAIN_AFTER),
        )
    ).unique()
    return Reminders(before=list(before), overdue=list(overdue))


def send_reminders(*, today: date, link_for: Callable[[OutputReturn], str], now: datetime | None = None) -> int:
    """E-mail each group's members about returns due within 14 days and returns overdue, and
    stamp each return so nobody is told twice (overdue ones again a week later). Returns how many
    returns were reminded. ``link_for(output_return)``: the return's page."""
    now = now or utcnow()
    due = due_reminders(today, now=now)
    for kind, items in (("before", due.before), ("overdue", due.overdue)):
        for output_return in items:
            application = output_return.award.application
            for member in application.organisation.members:
                notifications.queue_email(
                    member.user,
                    "return_due" if kind == "before" else "return_overdue",
                    subject=(
                        _l("Your grant return is due on %(day)s", day=format_date(output_return.due_on, "d MMMM y"))
                        if kind == "before"
                        else _l("Your grant return is overdue")
                    ),
                    output_return=output_return,
                    application=application,
                    days=(output_return.due_on - today).days,
                    link=link_for(output_return),
                    now=now,
                )
            if kind == "before":
                output_return.reminded_before_at = now
            else:
                output_return.reminded_after_at = now
            db.session.flush()
            audit.record(
                "return.reminded",
                output_return,
                by=None,
                after={
                    "kind": kind,
                    "due_on": output_return.due_on.isoformat(),
                    "recipients": len(application.organisation.members),
                },
                round_id=application.round_id,
                now=now,
            )
    return len(due.before) + len(due.overdue)
