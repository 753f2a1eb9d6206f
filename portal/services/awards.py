"""Awards: made from an officer's "fund" decision, with the round's standard conditions, one payment
on acceptance, output targets taken from the group's plan and a mid-point and a final return; then
changed by officers until the group accepts (the terms themselves: services/award_terms.py), or
withdrawn. Also the round's list of awards for officers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from portal.db import utcnow
from portal.domain.awards import LetterKind, PaymentTrigger, default_return_dates, period_problems, schedule_problems
from portal.domain.dates import utc_to_local
from portal.domain.measures import MeasureKind
from portal.domain.text import Message
from portal.domain.workflow import AWARD_TRANSITIONS, AwardStatus, DecisionOutcome, check_transition
from portal.extensions import db
from portal.models import (
    Application,
    Award,
    AwardCondition,
    AwardInstalment,
    AwardTarget,
    BankDetails,
    FundingDecision,
    Letter,
    OutputMeasure,
    PlannedOutput,
    Round,
    RoundCondition,
    User,
    WorkStream,
)
from portal.services import ServiceError
from portal.services.award_terms import (  # noqa: F401 - the terms are changed through this module too
    AwardProblem,
    EditConflict,
    Instalment,
    TermsLocked,
    check_changeable,
    clean_text,
    day,
    record,
    replace_return_dates,
    return_date_problems,
    return_dates_snapshot,
    rework_percentages,
    set_conditions,
    set_instalments,
    set_return_dates,
    set_targets,
    touch,
)

DECISION_CONDITIONS_TITLE = "Conditions for your project"  # stored, like the round's conditions, as written
TEXT_LIMIT = 5000
DEFAULT_ZONE = "Europe/London"


def _snapshot(award: Award) -> dict:
    return {
        "status": award.status,
        "amount": award.amount,
        "starts_on": day(award.starts_on),
        "ends_on": day(award.ends_on),
    }


def award_for(application: Application) -> Award | None:
    return db.session.scalar(select(Award).where(Award.application_id == application.id))


# --- the default period ----------------------------------------------------------------------------


def _local_today(now: datetime) -> date:
    zone = current_app.config.get("TIMEZONE", DEFAULT_ZONE) if has_app_context() else DEFAULT_ZONE
    return utc_to_local(now, zone).date()


def default_period(today: date) -> tuple[date, date]:
    """From the first day of next month, for twelve months: 15 May 2027 → 1 June 2027 to
    31 May 2028. (A pure rule: it could live in domain/awards.py.)"""
    starts_on = date(today.year + today.month // 12, today.month % 12 + 1, 1)
    return starts_on, date(starts_on.year + 1, starts_on.month, 1) - timedelta(days=1)


# --- made from a decision ----------------------------------------------------------------------------


def _standard_conditions(round_id: int) -> list[RoundCondition]:
    return db.session.scalars(
        select(RoundCondition)
        .where(RoundCondition.round_id == round_id, RoundCondition.is_archived.is_(False))
        .order_by(RoundCondition.position, RoundCondition.id)
    ).all()


def _planned_targets(application: Application) -> list[AwardTarget]:
    """The group's plan as targets: the number it planned (or its words, for a measure described in
    words), leaving out the measures it said are not part of its project."""
    if application.work_stream_id is None:
        return []
    rows = db.session.scalars(
        select(PlannedOutput)
        .join(PlannedOutput.measure)
        .where(
            PlannedOutput.application_id == application.id,
            PlannedOutput.is_part_of_project.is_(True),
            OutputMeasure.work_stream_id == application.work_stream_id,
        )
        .options(contains_eager(PlannedOutput.measure))
        .order_by(OutputMeasure.position, OutputMeasure.id)
    ).all()
    targets = []
    for plan in rows:
        if plan.measure.kind == MeasureKind.QUALITATIVE:
            words = clean_text(plan.description)
            if words:
                targets.append(AwardTarget(measure_id=plan.measure_id, description=words))
        elif plan.quantity is not None:
            targets.append(AwardTarget(measure_id=plan.measure_id, quantity=plan.quantity))
    return targets


def create_from_decision(decision: FundingDecision, *, by: User, now: datetime | None = None) -> Award:
    """The award offered from a "fund" decision: the amount decided; from the first day of the month
    after ``now`` (UK date) for twelve months; the round's standard conditions, and the decision's
    own conditions as one more; one payment of 100% on acceptance; targets from the group's
    plan; a mid-point and a final return. If the EOI already has an award, that award is returned
    (its amount follows a changed decision while it is still an offer)."""
    now = now or utcnow()
    if decision.outcome != DecisionOutcome.FUND or decision.amount is None:
        raise ServiceError(_l("Only a decision to fund, with an amount, makes an award."))
    application = decision.application
    existing = award_for(application)
    if existing is not None:
        if existing.status == AwardStatus.OFFERED and existing.amount != decision.amount:
            before = _snapshot(existing)
            _ = list(existing.instalments)  # loaded first: no flush half way
            existing.amount, existing.decision_id = decision.amount, decision.id
            rework_percentages(existing)
            touch(existing, now)
            record("award.updated", existing, by=by, before=before, after=_snapshot(existing), now=now)
        return existing

    starts_on, ends_on = default_period(_local_today(now))
    award = Award(
        application_id=application.id,
        decision_id=decision.id,
        status=AwardStatus.OFFERED,
        amount=decision.amount,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by_id=by.id,
        created_at=now,
        updated_at=now,
    )
    conditions = [
        AwardCondition(title=c.title, body=c.body, round_condition_id=c.id)
        for c in _standard_conditions(application.round_id)
    ]
    if clean_text(decision.conditions):
        conditions.append(AwardCondition(title=DECISION_CONDITIONS_TITLE, body=clean_text(decision.conditions)))
    for position, condition in enumerate(conditions):
        condition.position = position
    award.conditions = conditions
    award.instalments = [
        AwardInstalment(
            position=0, amount=decision.amount, percentage=Decimal(100), trigger=PaymentTrigger.ON_ACCEPTANCE
        )
    ]
    award.targets = _planned_targets(application)
    replace_return_dates(award, default_return_dates(starts_on, ends_on))
    award.application = application
    db.session.add(award)
    db.session.flush()
    record(
        "award.created",
        award,
        by=by,
        before=None,
        after={
            **_snapshot(award),
            "conditions": [c.title for c in award.conditions],
            "targets": len(award.targets),
            "return_dates": return_dates_snapshot(award),
        },
        now=now,
    )
    return award


# --- changing the amount and dates -------------------------------------------------------------------


def update_terms(
    award: Award,
    *,
    amount: Decimal | None,
    starts_on: date | None,
    ends_on: date | None,
    expected_version: int | None,
    by: User,
    now: datetime | None = None,
) -> None:
    """The amount (more than £0, and no more than the group asked for) and the grant's dates.
    Payments given as a percentage follow the amount; return dates still at their defaults follow
    the dates."""
    now = now or utcnow()
    check_changeable(award, expected_version, by)
    if amount is None:
        raise AwardProblem(_l("Enter the amount of the award"), "amount")
    amount = Decimal(amount)
    if amount <= 0:
        raise AwardProblem(_l("The amount must be more than £0"), "amount")
    asked = award.application.amount_requested
    if asked is not None and amount > asked:
        raise AwardProblem(
            _l("The award cannot be more than the group asked for (£%(asked)s)", asked=f"{asked:,.2f}"), "amount"
        )
    problems = period_problems(starts_on, ends_on)
    if problems:
        raise AwardProblem(problems[0], "starts_on" if starts_on is None else "ends_on")

    before = _snapshot(award)
    old_defaults = default_return_dates(award.starts_on, award.ends_on) if award.starts_on and award.ends_on else None
    current_dates = [(r.kind, r.due_on) for r in sorted(award.return_dates, key=lambda r: r.due_on)]
    _ = list(award.instalments)  # loaded before anything changes, so no flush happens half way
    award.amount, award.starts_on, award.ends_on = amount, starts_on, ends_on
    if amount != Decimal(before["amount"]):
        rework_percentages(award)
    if old_defaults is not None and current_dates == old_defaults:
        replace_return_dates(award, default_return_dates(starts_on, ends_on))
    after = _snapshot(award)
    if after != before:
        touch(award, now)
        record("award.updated", award, by=by, before=before, after=after, now=now)


def withdraw_award(
    award: Award, *, reason: str, by: User, expected_version: int | None = None, now: datetime | None = None
) -> None:
    """An officer takes back the offer (or the grant), with the reason."""
    now = now or utcnow()
    text = clean_text(reason)
    if not text:
        raise AwardProblem(_l("Give the reason for withdrawing this award"), "reason")
    if len(text) > TEXT_LIMIT:
        raise AwardProblem(_l("Keep this to %(limit)d characters or fewer", limit=TEXT_LIMIT), "reason")
    allowed = check_transition(AWARD_TRANSITIONS, award.status, AwardStatus.WITHDRAWN, by.roles)
    if not allowed:
        raise AwardProblem(allowed.reason, "reason")
    if expected_version is not None and expected_version != award.lock_version:
        raise EditConflict(
            _l("This award was changed by someone else since you opened this page. Check it and try again.")
        )
    before = award.status
    award.status, award.withdrawn_at, award.withdrawn_reason = AwardStatus.WITHDRAWN, now, text
    touch(award, now)
    record(
        "award.withdrawn",
        award,
        by=by,
        before={"status": before},
        after={"status": award.status, "reason": text},
        now=now,
    )


def terms_problems(award: Award) -> list[Message]:
    """What is wrong with the award's terms as they stand (empty when they can go in a letter):
    after the amount or dates change, the payments may no longer add up, or a return may fall
    before the start."""
    problems = list(period_problems(award.starts_on, award.ends_on))
    paid = [Instalment(i.amount, None, i.trigger, i.due_on) for i in award.instalments]
    problems += schedule_problems(award.amount, paid)
    problems += return_date_problems([(r.kind, r.due_on) for r in award.return_dates], award.starts_on)
    return problems


# --- the round's awards ------------------------------------------------------------------------------


@dataclass
class AwardRow:
    award: Award
    application: Application
    latest_letter: Letter | None
    has_bank_details: bool

    @property
    def status(self) -> AwardStatus:
        return self.award.status


@dataclass
class StreamAwards:
    work_stream_id: int | None
    name: str
    rows: list[AwardRow] = field(default_factory=list)

    @property
    def live(self) -> list[AwardRow]:
        """The awards still standing: neither declined nor withdrawn."""
        return [r for r in self.rows if r.status not in (AwardStatus.DECLINED, AwardStatus.WITHDRAWN)]

    @property
    def total(self) -> Decimal:
        return sum((r.award.amount for r in self.live), Decimal(0))

    @property
    def accepted_total(self) -> Decimal:
        return sum((r.award.amount for r in self.live if r.status != AwardStatus.OFFERED), Decimal(0))


def awards_for_round(round_: Round) -> list[AwardRow]:
    """Every award of the round, by reference, with its group, work stream, latest award letter
    and whether bank details were given (yes or no only): one query, however many awards."""
    latest = (
        select(Letter.application_id, func.max(Letter.version).label("version"))
        .where(Letter.kind == LetterKind.AWARD)
        .group_by(Letter.application_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Award, Letter, BankDetails.id)
        .join(Award.application)
        .outerjoin(latest, latest.c.application_id == Award.application_id)
        .outerjoin(
            Letter,
            and_(
                Letter.application_id == latest.c.application_id,
                Letter.kind == LetterKind.AWARD,
                Letter.version == latest.c.version,
            ),
        )
        .outerjoin(BankDetails, BankDetails.award_id == Award.id)
        .where(Application.round_id == round_.id)
        .options(
            contains_eager(Award.application).joinedload(Application.organisation),
            contains_eager(Award.application).joinedload(Application.work_stream),
        )
        .order_by(Application.reference, Award.id)
    ).all()
    return [
        AwardRow(award=award, application=award.application, latest_letter=letter, has_bank_details=bank_id is not None)
        for award, letter, bank_id in rows
    ]


def awards_by_stream(round_: Round, rows: list[AwardRow]) -> list[StreamAwards]:
    """The rows under each of the round's work streams (in the round's order), with their totals."""
    streams = {s.id: StreamAwards(s.id, s.name) for s in sorted(round_.work_streams, key=lambda s: s.position)}
    for row in rows:
        stream_id = row.application.work_stream_id
        if stream_id not in streams:
            streams[stream_id] = StreamAwards(stream_id, str(_l("No work stream")))
        streams[stream_id].rows.append(row)
    return [s for s in streams.values() if s.rows]


def get_award(award_id: int) -> Award | None:
    """An award with everything its officer page shows."""
    return db.session.get(
        Award,
        award_id,
        options=[
            joinedload(Award.application).joinedload(Application.organisation),
            joinedload(Award.application).joinedload(Application.work_stream).selectinload(WorkStream.measures),
            joinedload(Award.application).selectinload(Application.planned_outputs),
            selectinload(Award.conditions),
            selectinload(Award.instalments),
            selectinload(Award.targets).joinedload(AwardTarget.measure),
            selectinload(Award.return_dates),
            selectinload(Award.letters),
            joinedload(Award.bank_details).load_only(BankDetails.id, BankDetails.given_at),
        ],
    )


def planned_by_measure(application: Application) -> dict[int, PlannedOutput]:
    return {p.measure_id: p for p in application.planned_outputs}
