"""The terms of an award that an officer sets before the group accepts it: its conditions, its
payment schedule, the output targets the group agrees to and the dates of its returns.

Every change names the version of the award it was based on (``expected_version``): a change based
on an older version is refused with EditConflict, so two officers (or two tabs) never silently
overwrite each other. Once the group has accepted the award its terms cannot change (only an
officer's withdrawal can still happen: see services/awards.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import flag_modified

from portal.db import utcnow
from portal.domain.awards import Instalment, PaymentTrigger, ReturnKind, instalment_amounts, schedule_problems
from portal.domain.roles import Role
from portal.domain.text import N_, Message
from portal.domain.workflow import AwardStatus
from portal.models import Award, AwardCondition, AwardInstalment, AwardReturnDate, AwardTarget, User
from portal.services import ServiceError, audit

TITLE_LIMIT = 200
TEXT_LIMIT = 5000
QUANTITY_LIMIT = 1_000_000
ACCEPTED_STATUSES = (AwardStatus.ACCEPTED, AwardStatus.ACTIVE, AwardStatus.COMPLETED)


class AwardProblem(ServiceError):
    """A refused change to an award, naming the part it is about (``field``: ``amount``,
    ``starts_on``, ``ends_on``, ``conditions``, ``instalments``, ``targets``, ``return_dates`` or
    ``reason``) and, for a list, the row (0-based, as given). ``problems`` holds every reason
    when there are several (a payment schedule can be wrong in more than one way)."""

    def __init__(self, message, field: str = "", *, row: int | None = None, problems=None) -> None:  # noqa: ANN001
        super().__init__(message)
        self.field = field
        self.row = row
        self.problems = list(problems) if problems else [message]


class EditConflict(AwardProblem):
    """Someone changed this award since the page was opened."""


class TermsLocked(AwardProblem):
    """The award is no longer an offer, so its terms cannot change."""


# --- shared checks ---------------------------------------------------------------------------------


def check_changeable(award: Award, expected_version: int | None, by: User) -> None:
    """Only an officer, only while the award is still an offer, and only from the latest version."""
    if not by.has_role(Role.OFFICER):
        raise AwardProblem(_l("Only officers can change the terms of an award."))
    if award.status in ACCEPTED_STATUSES:
        raise TermsLocked(_l("The group has accepted this award: its terms cannot change"))
    if award.status == AwardStatus.DECLINED:
        raise TermsLocked(_l("The group has declined this award: its terms cannot change"))
    if award.status == AwardStatus.WITHDRAWN:
        raise TermsLocked(_l("This award has been withdrawn: its terms cannot change"))
    if expected_version is not None and expected_version != award.lock_version:
        raise EditConflict(
            _l(
                "This award was changed by someone else (or in another tab) since you opened this page. Check it and try again."
            )
        )


def touch(award: Award, now: datetime) -> None:
    """Mark the award changed: its row is updated, so its version moves on even when only one of
    its lists (conditions, payments…) changed."""
    award.updated_at = now
    flag_modified(award, "updated_at")  # even at the same moment: the row is updated, the version moves on


def record(action: str, award: Award, *, by: User, before: Any, after: Any, now: datetime) -> None:
    audit.record(action, award, by=by, before=before, after=after, round_id=award.application.round_id, now=now)


def clean_text(value: str | None) -> str:
    return (value or "").replace("\r\n", "\n").strip()


def day(value: date | None) -> str | None:
    return value.isoformat() if value else None


# --- conditions ------------------------------------------------------------------------------------


def conditions_snapshot(award: Award) -> list[dict[str, Any]]:
    return [
        {"title": c.title, "body": c.body, "round_condition_id": c.round_condition_id}
        for c in sorted(award.conditions, key=lambda c: c.position)
    ]


def set_conditions(
    award: Award,
    conditions: Sequence[tuple[str, str] | tuple[str, str, int | None]],
    *,
    expected_version: int | None,
    by: User,
    now: datetime | None = None,
) -> None:
    """The award's conditions, in this order: each ``(title, body)``, optionally with the id of the
    award condition it edits (so a standard condition keeps its link to the round's). A row with
    neither title nor body is ignored; conditions left out are removed."""
    now = now or utcnow()
    check_changeable(award, expected_version, by)
    wanted: list[tuple[str, str, int | None]] = []
    for row, item in enumerate(conditions):
        title, body = clean_text(item[0]), clean_text(item[1])
        keep_id = item[2] if len(item) > 2 else None
        if not title and not body:
            continue
        if not title:
            raise AwardProblem(_l("Condition %(n)d: give it a title", n=row + 1), "title", row=row)
        if not body:
            raise AwardProblem(_l("Condition %(n)d: write out the condition", n=row + 1), "body", row=row)
        if len(title) > TITLE_LIMIT:
            raise AwardProblem(
                _l("Condition %(n)d: keep the title to %(limit)d characters or fewer", n=row + 1, limit=TITLE_LIMIT),
                "title",
                row=row,
            )
        if len(body) > TEXT_LIMIT:
            raise AwardProblem(
                _l("Condition %(n)d: keep it to %(limit)d characters or fewer", n=row + 1, limit=TEXT_LIMIT),
                "body",
                row=row,
            )
        wanted.append((title, body, keep_id))

    before = conditions_snapshot(award)
    unused = {c.id: c for c in award.conditions if c.id is not None}
    kept: list[AwardCondition] = []
    for position, (title, body, keep_id) in enumerate(wanted):
        condition = unused.pop(keep_id, None) if keep_id is not None else None
        if condition is None:  # the same words as a condition the award has: the same condition
            same = next((c for c in unused.values() if (c.title, c.body) == (title, body)), None)
            condition = unused.pop(same.id) if same is not None else AwardCondition()
        condition.title, condition.body, condition.position = title, body, position
        kept.append(condition)
    award.conditions = kept
    after = conditions_snapshot(award)
    if after != before:
        touch(award, now)
        record(
            "award.conditions_changed",
            award,
            by=by,
            before={"conditions": before},
            after={"conditions": after},
            now=now,
        )


# --- the payment schedule --------------------------------------------------------------------------


def schedule_snapshot(award: Award) -> list[dict[str, Any]]:
    return [
        {"amount": i.amount, "percentage": i.percentage, "trigger": i.trigger, "due_on": day(i.due_on)}
        for i in sorted(award.instalments, key=lambda i: i.position)
    ]


def set_instalments(
    award: Award,
    instalments: Sequence[Instalment],
    *,
    expected_version: int | None,
    by: User,
    now: datetime | None = None,
) -> None:
    """The payment schedule: each payment an amount or a percentage of the award (kept as given;
    the amount in pounds is always stored), paid on a date or when something happens. The
    payments must add up to the award."""
    now = now or utcnow()
    check_changeable(award, expected_version, by)
    problems = schedule_problems(award.amount, instalments)
    if problems:
        raise AwardProblem(problems[0], "instalments", problems=problems)
    before = schedule_snapshot(award)
    amounts = instalment_amounts(award.amount, instalments)
    award.instalments = [
        AwardInstalment(
            position=position,
            amount=amount,
            percentage=instalment.percentage,
            trigger=PaymentTrigger(instalment.trigger),
            due_on=instalment.due_on if instalment.trigger == PaymentTrigger.ON_DATE else None,
        )
        for position, (instalment, amount) in enumerate(zip(instalments, amounts, strict=True))
    ]
    after = schedule_snapshot(award)
    if after != before:
        touch(award, now)
        record(
            "award.schedule_changed",
            award,
            by=by,
            before={"instalments": before},
            after={"instalments": after},
            now=now,
        )


def rework_percentages(award: Award) -> None:
    """After the award's amount changes: payments given as a percentage are worked out again
    (payments given as an amount stay; the page then says if they no longer add up)."""
    ordered = sorted(award.instalments, key=lambda i: i.position)
    plan = [
        Instalment(None if i.percentage is not None else i.amount, i.percentage, i.trigger, i.due_on) for i in ordered
    ]
    amounts = instalment_amounts(award.amount, plan)
    if all(amount > 0 for amount in amounts):
        for instalment, amount in zip(ordered, amounts, strict=True):
            instalment.amount = amount


# --- agreed output targets ---------------------------------------------------------------------------


def targets_snapshot(award: Award) -> dict[str, Any]:
    return {str(t.measure_id): {"quantity": t.quantity, "description": t.description} for t in award.targets}


def set_targets(
    award: Award,
    targets: Mapping[int, tuple[int | None, str | None]],
    *,
    expected_version: int | None,
    by: User,
    now: datetime | None = None,
) -> None:
    """The outputs the group agrees to, by measure of its work stream: a number, or words for a
    measure described in words. A measure with neither has no target; measures left out lose
    theirs. The targets need not add up to the work stream's programme target."""
    now = now or utcnow()
    check_changeable(award, expected_version, by)
    stream = award.application.work_stream
    measures = {m.id: m for m in (stream.measures if stream else [])}
    wanted: dict[int, tuple[int | None, str | None]] = {}
    for measure_id, (quantity, description) in targets.items():
        measure = measures.get(measure_id)
        if measure is None:
            raise AwardProblem(_l("That measure is not part of this award's work stream"), "targets")
        text = clean_text(description) or None
        if quantity is not None and not (0 <= quantity <= QUANTITY_LIMIT):
            raise AwardProblem(
                _l("%(measure)s: enter a whole number from 0 to 1,000,000", measure=measure.name), f"m{measure_id}"
            )
        if text is not None and len(text) > TEXT_LIMIT:
            raise AwardProblem(
                _l("%(measure)s: keep it to %(limit)d characters or fewer", measure=measure.name, limit=TEXT_LIMIT),
                f"m{measure_id}",
            )
        if quantity is not None or text is not None:
            wanted[measure_id] = (quantity, text)
    before = targets_snapshot(award)
    existing = {t.measure_id: t for t in award.targets}
    kept = []
    for measure_id, (quantity, text) in wanted.items():
        target = existing.get(measure_id) or AwardTarget(measure_id=measure_id)
        target.quantity, target.description = quantity, text
        kept.append(target)
    award.targets = kept
    after = targets_snapshot(award)
    if after != before:
        touch(award, now)
        record("award.targets_changed", award, by=by, before={"targets": before}, after={"targets": after}, now=now)


# --- return dates ----------------------------------------------------------------------------------


def return_date_problems(dates: Sequence[tuple[ReturnKind, date]], starts_on: date | None) -> list[Message]:
    """At least one return; exactly one final return, after every other; none before the grant
    starts. (A pure rule: it could live in domain/awards.py.)"""
    if not dates:
        return [Message(N_("Add at least one return date"))]
    problems: list[Message] = []
    for number, (_kind, due_on) in enumerate(dates, start=1):
        if starts_on is not None and due_on < starts_on:
            problems.append(Message(N_("Return %(n)d: it cannot be due before the grant starts"), {"n": number}))
    finals = [due_on for kind, due_on in dates if kind == ReturnKind.FINAL]
    if not finals:
        problems.append(Message(N_("Make one of the returns the final return")))
    elif len(finals) > 1:
        problems.append(Message(N_("There can be only one final return")))
    elif any(due_on >= finals[0] for kind, due_on in dates if kind != ReturnKind.FINAL):
        problems.append(Message(N_("The final return must be the last one")))
    return problems


def return_dates_snapshot(award: Award) -> list[dict[str, Any]]:
    return [{"kind": r.kind, "due_on": day(r.due_on)} for r in sorted(award.return_dates, key=lambda r: r.due_on)]


def set_return_dates(
    award: Award,
    dates: Sequence[tuple[ReturnKind, date]],
    *,
    expected_version: int | None,
    by: User,
    now: datetime | None = None,
) -> None:
    """When the group sends its returns: at least one, the final return last, none before the
    grant starts."""
    now = now or utcnow()
    check_changeable(award, expected_version, by)
    dates = [(ReturnKind(kind), due_on) for kind, due_on in dates]
    problems = return_date_problems(dates, award.starts_on)
    if problems:
        raise AwardProblem(problems[0], "return_dates", problems=problems)
    before = return_dates_snapshot(award)
    replace_return_dates(award, dates)
    after = return_dates_snapshot(award)
    if after != before:
        touch(award, now)
        record(
            "award.return_dates_changed",
            award,
            by=by,
            before={"return_dates": before},
            after={"return_dates": after},
            now=now,
        )


def replace_return_dates(award: Award, dates: Sequence[tuple[ReturnKind, date]]) -> None:
    award.return_dates = [
        AwardReturnDate(kind=kind, due_on=due_on) for kind, due_on in sorted(dates, key=lambda d: d[1])
    ]
