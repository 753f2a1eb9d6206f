"""Rules about rounds that need no database: whether a round is ready to open, whether it is
accepting expressions of interest at a given moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from portal.domain.text import N_, Message


@dataclass(frozen=True)
class RoundFacts:
    work_stream_count: int
    criterion_weights: tuple[Decimal, ...]
    opens_at: datetime | None
    closes_at: datetime | None
    min_amount: Decimal
    max_amount: Decimal


def opening_problems(facts: RoundFacts, now: datetime) -> list[Message]:
    """What must be put right before a round can open (empty when it is ready)."""
    problems: list[Message] = []
    if facts.work_stream_count < 1:
        problems.append(Message(N_("Add at least one work stream.")))
    if not facts.criterion_weights:
        problems.append(Message(N_("Add at least one scoring criterion.")))
    elif sum(facts.criterion_weights, Decimal(0)) <= 0:
        problems.append(Message(N_("At least one criterion must have a weight above 0.")))
    if facts.closes_at is None:
        problems.append(Message(N_("Set the closing date and time.")))
    elif facts.closes_at <= now:
        problems.append(Message(N_("The closing date and time must be in the future.")))
    if facts.opens_at is not None and facts.closes_at is not None and facts.closes_at <= facts.opens_at:
        problems.append(Message(N_("The round must close after it opens.")))
    if facts.max_amount <= 0 or facts.max_amount < facts.min_amount:
        problems.append(Message(N_("The largest grant must be more than 0 and at least the smallest grant.")))
    return problems


def is_accepting(opens_at: datetime | None, closes_at: datetime | None, now: datetime) -> bool:
    """Whether a round with these dates takes submissions at ``now`` (the deadline is exclusive)."""
    if closes_at is None or now >= closes_at:
        return False
    return opens_at is None or now >= opens_at
