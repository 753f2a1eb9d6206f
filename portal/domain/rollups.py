"""How the programme's progress is added up from each award's returns, and how small counts are
kept from being worked out. Pure functions over plain values (no Flask, no database); the
single-figure rules (per-period sum or latest cumulative figure, percentage, red/amber/green,
"fewer than 5") are in ``portal/domain/returns.py`` and used here.

- An award's actual for a measure is :func:`~portal.domain.returns.actual_to_date` of the figures
  it gave in its sent returns; the programme's actual is the sum over awards. An award without
  that measure among its targets and figures adds nothing.
- The sum of agreed targets is shown as it is, even when it does not match the programme target.
- A locality's figures count every award that serves it, in full: an award working in two
  localities counts in both, so localities do not add up to the programme total.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from portal.domain.returns import RAG, Figure, actual_to_date, percentage, rag_status, suppress

DUE_SOON_DAYS = 30


@dataclass(frozen=True)
class AwardFigures:
    """What one award brings to the roll-up: its agreed numeric targets (measure id → quantity)
    and the figures of its sent returns (measure id → one Figure per period)."""

    award_id: int
    targets: Mapping[int, int]
    figures: Mapping[int, Sequence[Figure]]


@dataclass(frozen=True)
class MeasureTotal:
    programme_target: int | None
    agreed: int  # the sum of the awards' agreed targets
    actual: int
    awards: int  # how many awards have a target for the measure

    @property
    def percentage(self) -> Decimal | None:
        """Actual as a share of the programme target (``None`` without one)."""
        return percentage(self.actual, self.programme_target)

    @property
    def agreed_percentage(self) -> Decimal | None:
        """Actual as a share of the sum of the agreed targets."""
        return percentage(self.actual, self.agreed)


def award_actual(award: AwardFigures, measure_id: int, *, cumulative: bool) -> int:
    """One award's actual to date for one measure (0 when it gave none)."""
    return actual_to_date(award.figures.get(measure_id, ()), cumulative=cumulative)


def measure_total(
    awards: Iterable[AwardFigures], measure_id: int, *, programme_target: int | None, cumulative: bool
) -> MeasureTotal:
    """The programme's figures for one measure: its target, the agreed targets added up, and the
    awards' actuals added up (each award's own per-period sum or latest cumulative figure)."""
    agreed = actual = count = 0
    for award in awards:
        if measure_id in award.targets:
            agreed += award.targets[measure_id]
            count += 1
        actual += award_actual(award, measure_id, cumulative=cumulative)
    return MeasureTotal(programme_target, agreed, actual, count)


def elapsed_share(starts_on: date | None, ends_on: date | None, today: date) -> Decimal | None:
    """How far through its grant period an award is, from 0 (not started) to 1 (ended);
    ``None`` without both dates."""
    if starts_on is None or ends_on is None or ends_on <= starts_on:
        return None
    if today <= starts_on:
        return Decimal(0)
    if today >= ends_on:
        return Decimal(1)
    return (Decimal((today - starts_on).days) / Decimal((ends_on - starts_on).days)).quantize(Decimal("0.0001"))


def award_rag(award: AwardFigures, cumulative: set[int], share: Decimal | None) -> RAG | None:
    """An award's red/amber/green status from its own numeric targets and how far through its
    period it is (``None`` when either is missing)."""
    if share is None:
        return None
    progress = [
        (award_actual(award, measure_id, cumulative=measure_id in cumulative), target)
        for measure_id, target in sorted(award.targets.items())
    ]
    return rag_status(progress, share)


class ReturnState(StrEnum):
    DUE_SOON = "due_soon"  # not sent, due within the next 30 days
    LATE = "late"  # not sent, past its due date
    QUERIED = "queried"  # sent back to the group with a question


def return_state(status: str, due_on: date, today: date) -> ReturnState | None:
    """Which list of the dashboard a return belongs on, if any."""
    if status == "queried":
        return ReturnState.QUERIED
    if status not in ("due", "draft"):
        return None
    if due_on < today:
        return ReturnState.LATE
    if due_on <= today + timedelta(days=DUE_SOON_DAYS):
        return ReturnState.DUE_SOON
    return None


def suppress_group(counts: Sequence[int]) -> list[int | None]:
    """Counts that add up to a total shown beside them (e.g. answered / prefer not to say / not
    answered), made safe to share: every count of 1 to 4 is hidden (``None``), and when exactly
    one is hidden the next smallest non-zero count is hidden too, so that no hidden count can be
    worked back out from the total (complementary suppression). A total of 1 to 4 must itself be
    hidden by the caller."""
    shown: list[int | None] = [suppress(c) for c in counts]
    hidden = [i for i, c in enumerate(shown) if c is None]
    if len(hidden) == 1:
        # (When every other count is 0, the hidden one equals the total, which is hidden with it.)
        others = sorted((c, i) for i, c in enumerate(counts) if i not in hidden and c > 0)
        if others:
            shown[others[0][1]] = None
    return shown


def count_answers(answers: Iterable[list[str] | None], options: Sequence[str], skip: str) -> dict[str, int]:
    """How many organisations chose each option of a multiple-choice monitoring question, plus
    ``"answered"`` (chose at least one option), ``skip`` (chose "prefer not to say") and
    ``"not_answered"``; each organisation's answer is given once."""
    counts: dict[str, int] = defaultdict(int)
    for answer in answers:
        chosen = set(answer or ())
        if not chosen:
            counts["not_answered"] += 1
        elif skip in chosen:
            counts[skip] += 1
        else:
            counts["answered"] += 1
            for option in options:
                if option in chosen:
                    counts[option] += 1
    return {key: counts[key] for key in (*options, "answered", skip, "not_answered")}
