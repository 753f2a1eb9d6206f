"""Scoring criteria: what a criterion holds, which changes stay allowed once scoring has started,
and what the weights mean. Plain values in, plain values out: no Flask, no database."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from portal.domain.text import N_, Message
from portal.domain.workflow import ALLOWED, Decision

SCORES = (0, 1, 2, 3, 4)
# The name of each score on the scale (DOMAIN.md §2.5), shown with the criterion's own descriptor.
SCORE_NAMES = (N_("No evidence"), N_("Limited"), N_("Adequate"), N_("Good"), N_("Strong"))
# What a new criterion's descriptors say until the officer writes their own.
DEFAULT_DESCRIPTORS = (
    N_("The answer gives no evidence for this."),
    N_("The answer gives a little evidence, in general terms and with no examples."),
    N_("The answer gives enough evidence, with one or two real examples."),
    N_("The answer gives clear, specific evidence with good examples."),
    N_("The answer gives strong, specific evidence throughout, drawn from the group's own work."),
)

WORD_LIMIT_MIN = 10
WORD_LIMIT_MAX = 2000
WEIGHT_MIN = Decimal("0")
WEIGHT_MAX = Decimal("10")
WEIGHT_PLACES = 2
_WEIGHT_STEP = Decimal(1).scaleb(-WEIGHT_PLACES)  # 0.01

DESCRIPTOR_FIELDS = tuple(f"descriptor_{score}" for score in SCORES)
# Every field an officer edits, in the order the form shows them.
EDITABLE_FIELDS = ("title", "question", "word_limit", "guidance", *DESCRIPTOR_FIELDS, "weight")
# Changing any of these would change what a score already given means (or what it was given for).
SCORE_AFFECTING_FIELDS = frozenset({"question", "word_limit", *DESCRIPTOR_FIELDS, "weight"})

SCORING_STARTED = Message(
    N_(
        "Scoring has started, so you cannot change the weight, question or score descriptions of this "
        "criterion. Archive it and add a new one instead."
    )
)


def clean_text(value: str | None) -> str:
    """Text as it is stored: one kind of line ending, no spaces around it (a browser sends \\r\\n)."""
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


@dataclass(frozen=True)
class CriterionDetails:
    """What an officer sets for a criterion."""

    title: str
    question: str
    word_limit: int | None
    guidance: str | None
    descriptors: tuple[str, ...]
    weight: Decimal

    def fields(self) -> dict[str, Any]:
        """The values as stored, by column name; empty guidance is None."""
        return {
            "title": clean_text(self.title),
            "question": clean_text(self.question),
            "word_limit": self.word_limit,
            "guidance": clean_text(self.guidance) or None,
            **{name: clean_text(text) for name, text in zip(DESCRIPTOR_FIELDS, self.descriptors, strict=True)},
            "weight": _stored_weight(self.weight),
        }


def _stored_weight(weight: Decimal) -> Decimal:
    """A usable weight with its two decimal places, as the database keeps it (1.5 → 1.50)."""
    if not (weight.is_finite() and weight.copy_abs() <= WEIGHT_MAX and weight == weight.quantize(_WEIGHT_STEP)):
        return weight  # not a usable weight: weight_problem says why
    stored = weight.quantize(_WEIGHT_STEP)
    return stored.copy_abs() if stored == 0 else stored  # "-0" is 0


def weight_problem(weight: Decimal) -> Message | None:
    """Why a weight cannot be used, or None when it is fine."""
    if not weight.is_finite():
        return Message(N_("Enter the weight as a number, like 1 or 1.5"))
    if weight < WEIGHT_MIN:
        return Message(N_("The weight cannot be less than 0"))
    if weight > WEIGHT_MAX:
        return Message(N_("The weight must be %(max)s or less"), {"max": str(WEIGHT_MAX)})
    if weight != weight.quantize(_WEIGHT_STEP):
        return Message(N_("The weight can have up to 2 decimal places, like 1.25"))
    return None


def word_limit_problem(word_limit: int | None) -> Message | None:
    """Why a word limit cannot be used, or None when it is fine (None means no limit)."""
    if word_limit is not None and not WORD_LIMIT_MIN <= word_limit <= WORD_LIMIT_MAX:
        return Message(
            N_("The word limit must be from %(min)d to %(max)d words, or leave it empty for no limit"),
            {"min": WORD_LIMIT_MIN, "max": WORD_LIMIT_MAX},
        )
    return None


def details_problems(details: CriterionDetails) -> dict[str, Message]:
    """What is wrong with a criterion's details, by field name (empty when it can be saved)."""
    fields = details.fields()
    problems: dict[str, Message] = {}
    if not fields["title"]:
        problems["title"] = Message(N_("Enter a title for the criterion"))
    if not fields["question"]:
        problems["question"] = Message(N_("Enter the question applicants answer"))
    if problem := word_limit_problem(details.word_limit):
        problems["word_limit"] = problem
    for score, name in zip(SCORES, DESCRIPTOR_FIELDS, strict=True):
        if not fields[name]:
            problems[name] = Message(N_("Describe what a score of %(score)d means"), {"score": score})
    if problem := weight_problem(details.weight):
        problems["weight"] = problem
    return problems


def _comparable(name: str, value: Any) -> Any:
    if name == "weight":
        return Decimal(value) if value is not None else None
    if name == "guidance":
        return clean_text(value) or None
    if isinstance(value, str):
        return clean_text(value)
    return value


def changed_fields(current: Mapping[str, Any], proposed: Mapping[str, Any]) -> list[str]:
    """The editable fields whose proposed value differs from the current one, in form order.

    Text is compared ignoring line endings and surrounding spaces, and 1.50 is the same weight as 1.5,
    so a form sent back as it was shown changes nothing."""
    return [
        name
        for name in EDITABLE_FIELDS
        if name in proposed and _comparable(name, current.get(name)) != _comparable(name, proposed[name])
    ]


def locked_fields(changed: Iterable[str], *, scoring_started: bool) -> list[str]:
    """Which of the ``changed`` fields may not change (none before scoring starts)."""
    if not scoring_started:
        return []
    return [name for name in changed if name in SCORE_AFFECTING_FIELDS]


def check_change(changed: Iterable[str], *, scoring_started: bool) -> Decision:
    """Whether changing these fields is allowed. Once scoring has started, the title and the panel
    guidance may still be corrected; anything that would alter scores already given is refused."""
    if locked_fields(changed, scoring_started=scoring_started):
        return Decision(False, SCORING_STARTED)
    return ALLOWED


def total_weight(active_weights: Iterable[Decimal]) -> Decimal:
    return sum(active_weights, Decimal(0))


def share_of_total(weight: Decimal, total: Decimal) -> Decimal | None:
    """A weight as a percentage of the total of active weights, to 1 decimal place (None when the
    total is 0, so shares mean nothing)."""
    if total <= 0:
        return None
    return (weight * 100 / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def weight_warnings(active_weights: Sequence[Decimal]) -> list[Message]:
    """What stops the round opening because of its criteria: the same messages, and the same test,
    as ``portal.domain.rounds.opening_problems`` (a test keeps the two in step)."""
    if not active_weights:
        return [Message(N_("Add at least one scoring criterion."))]
    if total_weight(active_weights) <= 0:
        return [Message(N_("At least one criterion must have a weight above 0."))]
    return []
