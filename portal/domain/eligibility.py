"""Whether a group can apply to a round: the short check people take before they make an account.

Pure rules: the answers and the round's settings go in; whether the group can apply comes out, with
every reason it cannot (never only the first) and notes for the cases that are allowed with a
condition. The questions are asked one to a page (``Step``); a question the round has nothing to
ask about (no localities set up, nothing excluded) is left out.

Also here: how long a round has left, in words ("Closes in 3 days", "Closes today at 5pm").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from portal.domain.organisations import IncomeBand, LegalForm
from portal.domain.text import N_, Message

NONE_OF_THESE = "none"  # the "None of these" answer to the kind-of-group and purpose questions
OUTSIDE_AREA = "outside"  # the "Outside these areas" answer to the where-you-work question


class Step(StrEnum):
    GROUP = "group"
    AREA = "area"
    INCOME = "income"
    PURPOSE = "purpose"
    PEOPLE = "people"


class WorksWith(StrEnum):
    """Whether the group already works with the people the round's work streams are for."""

    YES = "yes"
    PLANNED = "planned"  # not yet, but plans to: eligible (DOMAIN.md §2.2)
    NO = "no"


@dataclass(frozen=True)
class IncomeRange:
    lowest: Decimal
    highest: Decimal | None  # None: no upper end


# A band covers lowest..highest inclusive; "£10,000 to £50,000" includes both ends.
INCOME_RANGES: dict[IncomeBand, IncomeRange] = {
    IncomeBand.UNDER_10K: IncomeRange(Decimal("0"), Decimal("9999.99")),
    IncomeBand.FROM_10K_TO_50K: IncomeRange(Decimal("10000"), Decimal("50000")),
    IncomeBand.FROM_50K_TO_100K: IncomeRange(Decimal("50000.01"), Decimal("100000")),
    IncomeBand.FROM_100K_TO_250K: IncomeRange(Decimal("100000.01"), Decimal("250000")),
    IncomeBand.OVER_250K: IncomeRange(Decimal("250000.01"), None),
}


@dataclass(frozen=True)
class RoundRules:
    """A round's eligibility settings, with the council's active localities."""

    allowed_legal_forms: frozenset[str] = frozenset()  # empty: any kind of group
    income_ceiling: Decimal | None = None  # None: no limit
    excluded_purposes: tuple[str, ...] = ()
    localities: tuple[tuple[int, str], ...] = ()  # (id, name) of each active locality, in order

    @property
    def locality_ids(self) -> frozenset[int]:
        return frozenset(locality_id for locality_id, _name in self.localities)

    def allows(self, legal_form: LegalForm) -> bool:
        return not self.allowed_legal_forms or legal_form.value in self.allowed_legal_forms

    @property
    def purposes_by_key(self) -> dict[str, str]:
        return {purpose_key(purpose): purpose for purpose in self.excluded_purposes}


@dataclass(frozen=True)
class EligibilityAnswers:
    legal_form: LegalForm | None  # None: "None of these"
    income_band: IncomeBand
    works_with: WorksWith
    locality_ids: frozenset[int] = frozenset()
    outside_area: bool = False
    purposes: frozenset[str] = frozenset()  # the excluded purposes the money would be used for


@dataclass(frozen=True)
class EligibilityResult:
    eligible: bool
    reasons: list[Message] = field(default_factory=list)  # why the group cannot apply
    notes: list[Message] = field(default_factory=list)  # conditions when it can
    # Suggest applying as a group without a constitution, with an accountable body.
    accountable_body_route: bool = False


def purpose_key(purpose: str) -> str:
    """A short, stable key for an excluded purpose (kept in the session instead of its text)."""
    return hashlib.sha256(purpose.strip().encode()).hexdigest()[:12]


def format_pounds(amount: Decimal) -> str:
    """'£250,000' or '£2,500.50' (English; the web layer shows amounts with its own filter)."""
    if amount == amount.to_integral_value():
        return f"£{amount:,.0f}"
    return f"£{amount:,.2f}"


# --- the check -----------------------------------------------------------------------------------


def check_eligibility(answers: EligibilityAnswers, rules: RoundRules) -> EligibilityResult:
    reasons: list[Message] = []
    notes: list[Message] = []
    accountable_body_route = False

    if answers.legal_form is None:
        reasons.append(Message(N_("Your group is not one of the kinds of group that can apply.")))
        accountable_body_route = rules.allows(LegalForm.UNCONSTITUTED)
    elif not rules.allows(answers.legal_form):
        reasons.append(Message(N_("This round is not open to your kind of group."), {"legal_form": answers.legal_form}))
    elif answers.legal_form == LegalForm.UNCONSTITUTED:
        notes.append(
            Message(
                N_(
                    "You will need to name an accountable body: an organisation that will receive the money "
                    "for your group and account for how it is spent."
                )
            )
        )

    if rules.localities and not (answers.locality_ids & rules.locality_ids):
        reasons.append(
            Message(N_("The money is for work in the council's area, and your group only works outside it."))
        )

    ceiling = rules.income_ceiling
    if ceiling is not None:
        band = INCOME_RANGES[answers.income_band]
        limit = {"ceiling": format_pounds(ceiling)}
        if band.lowest > ceiling:
            reasons.append(
                Message(N_("Your group's yearly income is more than this round's limit of %(ceiling)s."), limit)
            )
        elif band.highest is None or band.highest > ceiling:
            notes.append(
                Message(N_("If your group's yearly income is more than %(ceiling)s, you cannot apply."), limit)
            )

    for purpose in rules.excluded_purposes:
        if purpose in answers.purposes:
            reasons.append(Message(N_("The money cannot be used for: %(purpose)s."), {"purpose": purpose}))

    if answers.works_with == WorksWith.NO:
        reasons.append(
            Message(N_("This fund is for groups that work with, or plan to work with, the people its themes are for."))
        )
    elif answers.works_with == WorksWith.PLANNED:
        notes.append(
            Message(
                N_(
                    "You do not need to work with these people already. In your application, tell us how you "
                    "plan to reach them."
                )
            )
        )

    return EligibilityResult(
        eligible=not reasons, reasons=reasons, notes=notes, accountable_body_route=accountable_body_route
    )


# --- the questions, one to a page ----------------------------------------------------------------


def steps_for(rules: RoundRules) -> list[Step]:
    """The questions this round asks, in order."""
    steps = [Step.GROUP]
    if rules.localities:
        steps.append(Step.AREA)
    steps.append(Step.INCOME)
    if rules.excluded_purposes:
        steps.append(Step.PURPOSE)
    steps.append(Step.PEOPLE)
    return steps


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)] if value not in (None, "") else []


def _legal_form(value: Any) -> tuple[bool, LegalForm | None]:
    if value == NONE_OF_THESE:
        return True, None
    try:
        return True, LegalForm(value)
    except ValueError:
        return False, None


def _area(value: Any, rules: RoundRules) -> tuple[bool, frozenset[int], bool]:
    chosen = _as_list(value)
    ids = frozenset(
        int(v) for v in chosen if v.isascii() and v.isdigit() and len(v) < 10 and int(v) in rules.locality_ids
    )
    outside = OUTSIDE_AREA in chosen
    return bool(ids or outside), ids, outside


def _purposes(value: Any, rules: RoundRules) -> tuple[bool, frozenset[str]]:
    chosen = _as_list(value)
    by_key = rules.purposes_by_key
    purposes = frozenset(by_key[key] for key in chosen if key in by_key)
    return bool(purposes or NONE_OF_THESE in chosen), purposes


def answered(step: Step, value: Any, rules: RoundRules) -> bool:
    """Whether ``value`` (as kept between pages) answers ``step`` for this round's settings. An
    answer that no longer fits (a locality archived, a purpose reworded) asks the question again."""
    if value is None:
        return False
    if step == Step.GROUP:
        return _legal_form(value)[0]
    if step == Step.AREA:
        return _area(value, rules)[0]
    if step == Step.INCOME:
        return value in {band.value for band in IncomeBand}
    if step == Step.PURPOSE:
        return _purposes(value, rules)[0]
    return value in {choice.value for choice in WorksWith}


def first_unanswered(saved: dict[str, Any], rules: RoundRules) -> Step | None:
    """The first question without a usable answer, or None when all are answered."""
    for step in steps_for(rules):
        if not answered(step, saved.get(step.value), rules):
            return step
    return None


def answers_from(saved: dict[str, Any], rules: RoundRules) -> EligibilityAnswers | None:
    """The answers kept between pages (each question's form value under its step's name), or None
    while any question is unanswered."""
    if first_unanswered(saved, rules) is not None:
        return None
    _ok, legal_form = _legal_form(saved[Step.GROUP.value])
    ids, outside = frozenset(), False
    if Step.AREA in steps_for(rules):
        _ok, ids, outside = _area(saved[Step.AREA.value], rules)
    purposes: frozenset[str] = frozenset()
    if Step.PURPOSE in steps_for(rules):
        _ok, purposes = _purposes(saved[Step.PURPOSE.value], rules)
    return EligibilityAnswers(
        legal_form=legal_form,
        income_band=IncomeBand(saved[Step.INCOME.value]),
        works_with=WorksWith(saved[Step.PEOPLE.value]),
        locality_ids=ids,
        outside_area=outside,
        purposes=purposes,
    )


# --- how long is left ----------------------------------------------------------------------------


def clock_words(at: time) -> str:
    """'5pm', '5:30pm', 'midday', 'midnight'."""
    if at.hour == 0 and at.minute == 0:
        return "midnight"
    if at.hour == 12 and at.minute == 0:
        return "midday"
    hour = at.hour % 12 or 12
    suffix = "am" if at.hour < 12 else "pm"
    return f"{hour}{suffix}" if at.minute == 0 else f"{hour}:{at.minute:02d}{suffix}"


def closing_soon(closes_at: datetime | None, now: datetime, zone: str) -> Message | None:
    """How long is left, in words, when a round closes within 7 days (None otherwise, or once
    closed). Days are counted on the calendar in ``zone``; a deadline at midnight belongs to the
    day before it ("today at midnight" is tonight)."""
    if closes_at is None or closes_at <= now or closes_at - now >= timedelta(days=7):
        return None
    tz = ZoneInfo(zone)
    local_close, local_now = closes_at.astimezone(tz), now.astimezone(tz)
    day = local_close.date()
    if local_close.time() == time(0, 0):
        day -= timedelta(days=1)
    days = (day - local_now.date()).days
    words = {"time": clock_words(local_close.time())}
    if days <= 0:
        return Message(N_("Closes today at %(time)s"), words)
    if days == 1:
        return Message(N_("Closes tomorrow at %(time)s"), words)
    return Message(N_("Closes in %(days)s days"), {"days": days})
