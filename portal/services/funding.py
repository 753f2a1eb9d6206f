"""Funds and rounds: status changes with their checks, and copying a round."""

from __future__ import annotations

from datetime import datetime

from portal.db import utcnow
from portal.domain.rounds import RoundFacts, opening_problems
from portal.domain.workflow import ROUND_TRANSITIONS, RoundStatus, check_transition
from portal.extensions import db
from portal.models import Criterion, OutputMeasure, Round, User, WorkStream
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


def change_round_status(
    round_: Round, target: RoundStatus, *, by: User | None, actor_roles: set[str] | None = None,
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
    """A new draft round with the same work streams, measures, criteria, amounts, eligibility
    settings and guidance. Dates are left for the officer to set; nothing submitted comes along."""
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
        copied_from_round_id=round_.id,
        created_at=now or utcnow(),
    )
    db.session.add(copy)
    for ws in round_.work_streams:
        if ws.is_retired:
            continue
        copy.work_streams.append(
            WorkStream(
                name=ws.name, short_name=ws.short_name, description=ws.description,
                who_it_is_for=ws.who_it_is_for, budget=ws.budget, position=ws.position,
                measures=[
                    OutputMeasure(
                        name=m.name, unit=m.unit, kind=m.kind, target=m.target,
                        help_text=m.help_text, position=m.position,
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
                title=c.title, question=c.question, word_limit=c.word_limit, guidance=c.guidance,
                descriptor_0=c.descriptor_0, descriptor_1=c.descriptor_1, descriptor_2=c.descriptor_2,
                descriptor_3=c.descriptor_3, descriptor_4=c.descriptor_4, weight=c.weight, position=c.position,
            )
        )
    db.session.flush()
    audit.record("round.copied", copy, by=by, after={"copied_from": round_.id, "title": title}, now=now)
    return copy
