"""Output returns: consent for stories, and how figures roll up into progress against targets.
Pure rules over plain values (no Flask, no database).

Groups give the number achieved **in each return's period**; the total to date is the sum of the
periods. A measure an officer marks as cumulative (a running total, like "people on our mailing
list") is instead read from the latest return. Both are handled here, so pages never add up."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from portal.domain.text import N_

SMALL_NUMBER = 5  # counts below this are shown as "fewer than 5" in anything shared


class Consent(StrEnum):
    """What the person whose story it is agreed to."""

    INTERNAL = "internal"  # the council only
    PUBLIC_ANONYMOUS = "public_anonymous"  # may be published without names
    PUBLIC_NAMED = "public_named"  # may be published with the name given


PUBLIC_CONSENTS = frozenset({Consent.PUBLIC_ANONYMOUS, Consent.PUBLIC_NAMED})


class RAG(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"


LABELS: dict[StrEnum, str] = {
    Consent.INTERNAL: N_("Only for the council: not to be published"),
    Consent.PUBLIC_ANONYMOUS: N_("Can be published, without names"),
    Consent.PUBLIC_NAMED: N_("Can be published, with the name given"),
    RAG.RED: N_("Behind"),
    RAG.AMBER: N_("A little behind"),
    RAG.GREEN: N_("On track"),
}


def is_overdue(due_on: date, status: str, today: date) -> bool:
    """Late: the due date has passed and the group has still not sent it (due today is not late;
    a sent, queried or accepted return never is)."""
    return status in ("due", "draft") and due_on < today


def is_public(consent: Consent | str, withdrawn: bool) -> bool:
    """Whether a story may appear anywhere public: public consent, never withdrawn."""
    return not withdrawn and Consent(consent) in PUBLIC_CONSENTS


@dataclass(frozen=True)
class Figure:
    """One return's number for one measure: the period's order (1, 2, …) and the number."""

    period: int
    quantity: int


def actual_to_date(figures: Iterable[Figure], *, cumulative: bool = False) -> int:
    """Per period (the default): the sum of every period's number. Cumulative: the number in the
    latest period that gave one. No figures: 0."""
    given = sorted(figures, key=lambda f: f.period)
    if not given:
        return 0
    if cumulative:
        return given[-1].quantity
    return sum(f.quantity for f in given)


def percentage(actual: int, target: int | None) -> Decimal | None:
    """Actual as a share of target, one decimal place; ``None`` without a positive target."""
    if not target or target <= 0:
        return None
    return (Decimal(actual) * 100 / Decimal(target)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def rag_status(progress: Sequence[tuple[int, int | None]], expected_share: Decimal) -> RAG | None:
    """An award's status from its own targets: ``progress`` is (actual, target) per numeric
    measure, ``expected_share`` how far through the grant period it is (0–1). Green when every
    measure is at least 90% of where it should be by now, red when any is below 60%, else amber.
    ``None`` with no numeric targets."""
    ratios = []
    for actual, target in progress:
        if not target:
            continue
        expected = Decimal(target) * max(min(expected_share, Decimal(1)), Decimal(0))
        ratios.append(Decimal(1) if expected == 0 else Decimal(actual) / expected)
    if not ratios:
        return None
    if min(ratios) < Decimal("0.6"):
        return RAG.RED
    if min(ratios) < Decimal("0.9"):
        return RAG.AMBER
    return RAG.GREEN


def suppress(count: int, *, threshold: int = SMALL_NUMBER) -> int | None:
    """A count safe to show: ``None`` (to be shown as "fewer than 5") when it is 1 to 4."""
    return None if 0 < count < threshold else count
