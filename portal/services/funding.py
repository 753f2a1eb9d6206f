"""Funds and rounds: status changes with their checks, and copying a round."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.db import utcnow
from portal.domain.organisations import LegalForm
from portal.domain.rounds import RoundFacts, opening_problems
from portal.domain.workflow import ROUND_TRANSITIONS, RoundStatus, check_transition
from portal.extensions import db
from portal.models import Criterion, Fund, OutputMeasure, Round, RoundCondition, User, WorkStream
from portal.services import ServiceError, audit

ROUND_FIELDS = ("title", "reference_prefix", "status", "opens_at", "closes_at", "min_amount", "max_amount")


def round_facts(round_: Round) -> RoundFacts:
    return RoundFacts(
        work_stream_count=sum(1 for ws in round_.work_streams if not ws.is_retired),
        criterion_weights=tuple(c.weight for c in round_.criteria if not c.is_archived),
        opens_at=round_.opens_at,
        closes_at=round_.closes_at,
        min_amount=round_.min_amount,
        max_amount=round_.max_amount,
    )


class PrefixTaken(ServiceError):
    """Another round gives out references with this prefix."""


def prefix_taken(prefix: str, *, except_id: int | None = None) -> bool:
    query = select(Round.id).where(func.upper(Round.reference_prefix) == prefix.strip().upper())
    if except_id is not None:
        query = query.where(Round.id != except_id)
    return db.session.scalar(query) is not None


def _check_prefix(prefix: str, *, except_id: int | None = None) -> None:
    """References (CIF-2026-0042) must never repeat, so no two rounds share a prefix."""
    if prefix_taken(prefix, except_id=except_id):
        raise PrefixTaken(_l("Another round already uses this reference prefix. Choose a different one."))


def next_free_prefix(prefix: str) -> str:
    """A prefix no round uses yet: the year in it moved on (CIF-2026- → CIF-2027-), or a number added."""
    import re

    match = re.search(r"(19|20)\d\d", prefix)
    candidates = []
    if match:
        year = int(match.group(0))
        candidates = [prefix[: match.start()] + str(year + step) + prefix[match.end() :] for step in range(1, 50)]
    candidates += [f"{prefix.rstrip('-')[:15]}-{n}-" for n in range(2, 1000)]
    return next(candidate for candidate in candidates if len(candidate) <= 20 and not prefix_taken(candidate))


def change_round_status(
    round_: Round,
    target: RoundStatus,
    *,
    by: User | None,
    actor_roles: set[str] | None = None,
    now: datetime | None = None,
) -> None:
    """Move a round along its lifecycle. ``by=None`` with ``actor_roles={'system'}`` is the clock."""
    now = now or utcnow()
    roles = actor_roles if actor_roles is not None else set(by.roles if by else ())
    decision = check_transition(ROUND_TRANSITIONS, round_.status, target, roles)
    if not decision:
        raise ServiceError(decision.reason)
    if target == RoundStatus.OPEN:
        problems = opening_problems(round_facts(round_), now)
        if problems:
            raise ServiceError(problems[0])
    before = round_.status
    round_.status = target
    audit.record("round.status_changed", round_, by=by, before={"status": before}, after={"status": target}, now=now)


def copy_round(round_: Round, *, title: str, reference_prefix: str, by: User, now: datetime | None = None) -> Round:
    """A new draft round with the same work streams, measures, criteria, standard conditions,
    amounts, eligibility and letter settings and guidance. Dates are left for the officer to set;
    nothing submitted (applications, scores, awards) comes along."""
    _check_prefix(reference_prefix)
    copy = Round(
        fund=round_.fund,
        title=title,
        reference_prefix=reference_prefix,
        status=RoundStatus.DRAFT,
        opens_at=None,
        closes_at=None,
        min_amount=round_.min_amount,
        max_amount=round_.max_amount,
        guidance=round_.guidance,
        allowed_legal_forms=list(round_.allowed_legal_forms or []),
        income_ceiling=round_.income_ceiling,
        excluded_purposes=list(round_.excluded_purposes or []),
        letter_council_name=round_.letter_council_name,
        letter_address=round_.letter_address,
        letter_logo_key=round_.letter_logo_key,
        letter_logo_type=round_.letter_logo_type,
        letter_signatory_name=round_.letter_signatory_name,
        letter_signatory_title=round_.letter_signatory_title,
        copied_from_round_id=round_.id,
        created_at=now or utcnow(),
    )
    db.session.add(copy)
    for ws in round_.work_streams:
        if ws.is_retired:
            continue
        copy.work_streams.append(
            WorkStream(
                name=ws.name,
                short_name=ws.short_name,
                description=ws.description,
                who_it_is_for=ws.who_it_is_for,
                budget=ws.budget,
                position=ws.position,
                measures=[
                    OutputMeasure(
                        name=m.name,
                        unit=m.unit,
                        kind=m.kind,
                        target=m.target,
                        help_text=m.help_text,
                        position=m.position,
                    )
                    for m in ws.measures
                    if not m.is_retired
                ],
            )
        )
    for c in round_.criteria:
        if c.is_archived:
            continue
        copy.criteria.append(
            Criterion(
                title=c.title,
                question=c.question,
                word_limit=c.word_limit,
                guidance=c.guidance,
                descriptor_0=c.descriptor_0,
                descriptor_1=c.descriptor_1,
                descriptor_2=c.descriptor_2,
                descriptor_3=c.descriptor_3,
                descriptor_4=c.descriptor_4,
                weight=c.weight,
                position=c.position,
            )
        )
    for condition in round_.conditions:
        if not condition.is_archived:
            copy.conditions.append(
                RoundCondition(title=condition.title, body=condition.body, position=condition.position)
            )
    db.session.flush()
    audit.record("round.copied", copy, by=by, after={"copied_from": round_.id, "title": title}, now=now)
    return copy


FUND_FIELDS = ("name", "total_budget", "description")
ROUND_DETAIL_FIELDS = ("title", "reference_prefix", "opens_at", "closes_at", "min_amount", "max_amount", "guidance")
ELIGIBILITY_FIELDS = ("allowed_legal_forms", "income_ceiling", "excluded_purposes")
LETTER_FIELDS = (
    "letter_council_name",
    "letter_address",
    "letter_signatory_name",
    "letter_signatory_title",
    "letter_logo_key",
)


def _name_taken(name: str, *, except_id: int | None = None) -> bool:
    query = select(Fund.id).where(func.lower(Fund.name) == name.strip().lower())
    if except_id is not None:
        query = query.where(Fund.id != except_id)
    return db.session.scalar(query) is not None


def create_fund(*, name: str, total_budget, description: str | None, by: User, now: datetime | None = None):  # noqa: ANN001, ANN201
    if _name_taken(name):
        raise ServiceError(_l("There is already a fund with this name"))
    fund = Fund(
        name=name.strip(),
        total_budget=total_budget,
        description=(description or "").strip() or None,
        created_at=now or utcnow(),
    )
    db.session.add(fund)
    db.session.flush()
    audit.record("fund.created", fund, by=by, after=audit.snapshot(fund, FUND_FIELDS), now=now)
    return fund


def update_fund(
    fund, *, name: str, total_budget, description: str | None, by: User, now: datetime | None = None
) -> None:  # noqa: ANN001
    if _name_taken(name, except_id=fund.id):
        raise ServiceError(_l("There is already a fund with this name"))
    before = audit.snapshot(fund, FUND_FIELDS)
    fund.name, fund.total_budget = name.strip(), total_budget
    fund.description = (description or "").strip() or None
    _record_if_changed("fund.updated", fund, before, FUND_FIELDS, by=by, now=now)


def create_round(fund, *, by: User, now: datetime | None = None, **fields) -> Round:  # noqa: ANN001, ANN003
    """A new draft round in ``fund`` with the given details (see ROUND_DETAIL_FIELDS)."""
    _check_prefix(fields.get("reference_prefix", ""))
    round_ = Round(
        fund=fund,
        status=RoundStatus.DRAFT,
        created_at=now or utcnow(),
        allowed_legal_forms=[form.value for form in LegalForm],
        excluded_purposes=[],
    )
    db.session.add(round_)
    _apply(round_, fields, ROUND_DETAIL_FIELDS)
    db.session.flush()
    audit.record("round.created", round_, by=by, after=audit.snapshot(round_, ROUND_DETAIL_FIELDS), now=now)
    return round_


def update_round(round_: Round, *, by: User, now: datetime | None = None, **fields) -> None:  # noqa: ANN003
    if "reference_prefix" in fields:
        _check_prefix(fields["reference_prefix"], except_id=round_.id)
    before = audit.snapshot(round_, ROUND_DETAIL_FIELDS)
    _apply(round_, fields, ROUND_DETAIL_FIELDS)
    _record_if_changed("round.updated", round_, before, ROUND_DETAIL_FIELDS, by=by, now=now)


def update_eligibility(
    round_: Round,
    *,
    allowed_legal_forms: list[str],
    income_ceiling,
    excluded_purposes: list[str],
    by: User,
    now: datetime | None = None,
) -> None:  # noqa: ANN001
    valid = {form.value for form in LegalForm}
    if not allowed_legal_forms or not set(allowed_legal_forms) <= valid:
        raise ServiceError(_l("Select at least one kind of group that can apply"))
    before = audit.snapshot(round_, ELIGIBILITY_FIELDS)
    round_.allowed_legal_forms = [form.value for form in LegalForm if form.value in allowed_legal_forms]
    round_.income_ceiling = income_ceiling
    round_.excluded_purposes = list(excluded_purposes)
    _record_if_changed("round.eligibility_changed", round_, before, ELIGIBILITY_FIELDS, by=by, now=now)


def update_letter_settings(round_: Round, *, by: User, now: datetime | None = None, **fields) -> None:  # noqa: ANN003
    before = audit.snapshot(round_, LETTER_FIELDS)
    for name in LETTER_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(round_, name, value.strip() or None if isinstance(value, str) else value)
    _record_if_changed("round.letter_settings_changed", round_, before, LETTER_FIELDS, by=by, now=now)


def set_letter_logo(round_: Round, *, key: str, content_type: str, by: User, now: datetime | None = None) -> None:
    before = {"letter_logo_key": round_.letter_logo_key}
    round_.letter_logo_key, round_.letter_logo_type = key, content_type
    audit.record("round.letter_logo_changed", round_, by=by, before=before, after={"letter_logo_key": key}, now=now)


def _apply(obj, fields: dict, allowed: tuple[str, ...]) -> None:  # noqa: ANN001
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(f"{name} cannot be set here")
        setattr(obj, name, value.strip() or None if isinstance(value, str) and name == "guidance" else value)


def _record_if_changed(
    action: str,
    obj,
    before: dict,
    fields: tuple[str, ...],
    *,
    by: User,  # noqa: ANN001
    now: datetime | None,
) -> None:
    after = audit.snapshot(obj, fields)
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    if changed:
        audit.record(action, obj, by=by, before={k: before[k] for k in changed}, after=changed, now=now)


def copy_fund(fund: Fund, *, name: str, total_budget, by: User, now: datetime | None = None) -> Fund:  # noqa: ANN001
    """A whole programme into a new one: a new fund with a draft copy of each of its rounds that
    is not archived (see copy_round for what comes along). Titles say they are copies."""
    new_fund = create_fund(name=name, total_budget=total_budget, description=fund.description, by=by, now=now)
    for round_ in fund.rounds:
        if round_.status == RoundStatus.ARCHIVED:
            continue
        copy = copy_round(
            round_,
            title=f"{round_.title} (copy)",
            reference_prefix=next_free_prefix(round_.reference_prefix),
            by=by,
            now=now,
        )
        copy.fund = new_fund
    db.session.flush()
    audit.record("fund.copied", new_fund, by=by, after={"copied_from": fund.id, "name": new_fund.name}, now=now)
    return new_fund
