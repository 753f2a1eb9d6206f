"""Awards: payment schedules, return schedules, bank details and amounts in words. Pure rules over
plain values (no Flask, no database)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from portal.domain.text import N_, Message

PENNY = Decimal("0.01")


class PaymentTrigger(StrEnum):
    """When an instalment is paid."""

    ON_DATE = "on_date"
    ON_ACCEPTANCE = "on_acceptance"
    ON_MIDPOINT_RETURN = "on_midpoint_return"  # when the mid-point return is accepted
    ON_FINAL_RETURN = "on_final_return"  # when the final return is accepted


class ReturnKind(StrEnum):
    MIDPOINT = "midpoint"
    FINAL = "final"
    OTHER = "other"


class LetterKind(StrEnum):
    AWARD = "award"
    DECLINE = "decline"


class BatchStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"


LABELS: dict[StrEnum, str] = {
    PaymentTrigger.ON_DATE: N_("On a date"),
    PaymentTrigger.ON_ACCEPTANCE: N_("When you accept the offer"),
    PaymentTrigger.ON_MIDPOINT_RETURN: N_("When we accept your mid-point return"),
    PaymentTrigger.ON_FINAL_RETURN: N_("When we accept your final return"),
    ReturnKind.MIDPOINT: N_("Mid-point return"),
    ReturnKind.FINAL: N_("Final return"),
    ReturnKind.OTHER: N_("Return"),
    LetterKind.AWARD: N_("Award letter"),
    LetterKind.DECLINE: N_("Decision letter"),
}


@dataclass(frozen=True)
class Instalment:
    """One payment: an amount, or a percentage of the award (the other is worked out)."""

    amount: Decimal | None
    percentage: Decimal | None
    trigger: PaymentTrigger
    due_on: date | None = None


def instalment_amounts(total: Decimal, instalments: Sequence[Instalment]) -> list[Decimal]:
    """Each instalment in pounds: an amount as given, a percentage of ``total`` rounded to the
    penny; the last percentage instalment takes any rounding difference so they add up."""
    amounts = [
        (i.amount if i.amount is not None else (total * (i.percentage or 0) / 100)).quantize(PENNY, ROUND_HALF_UP)
        for i in instalments
    ]
    by_percentage = [n for n, i in enumerate(instalments) if i.amount is None]
    difference = total - sum(amounts, Decimal(0))
    if by_percentage and difference and abs(difference) <= PENNY * len(instalments):
        amounts[by_percentage[-1]] += difference
    return amounts


def schedule_problems(total: Decimal, instalments: Sequence[Instalment]) -> list[Message]:
    """Why a payment schedule cannot stand (empty when it can)."""
    problems: list[Message] = []
    if not instalments:
        return [Message(N_("Add at least one payment"))]
    for number, instalment in enumerate(instalments, start=1):
        given = (instalment.amount is not None) + (instalment.percentage is not None)
        if given != 1:
            problems.append(Message(N_("Payment %(n)d: give an amount or a percentage, not both"), {"n": number}))
        elif instalment.amount is not None and instalment.amount <= 0:
            problems.append(Message(N_("Payment %(n)d: the amount must be more than £0"), {"n": number}))
        elif instalment.percentage is not None and not (0 < instalment.percentage <= 100):
            problems.append(Message(N_("Payment %(n)d: the percentage must be between 1 and 100"), {"n": number}))
        if instalment.trigger == PaymentTrigger.ON_DATE and instalment.due_on is None:
            problems.append(Message(N_("Payment %(n)d: give the date it is paid"), {"n": number}))
    if problems:
        return problems
    amounts = instalment_amounts(total, instalments)
    for number, amount in enumerate(amounts, start=1):
        if amount <= 0:  # a tiny percentage of a small award rounds to nothing
            problems.append(Message(N_("Payment %(n)d: it works out at less than a penny"), {"n": number}))
    if problems:
        return problems
    if sum(amounts, Decimal(0)) != total:
        problems.append(Message(N_("The payments must add up to the award of £%(total)s"), {"total": f"{total:,.2f}"}))
    return problems


def default_return_dates(starts_on: date, ends_on: date) -> list[tuple[ReturnKind, date]]:
    """A mid-point return half way through, and a final return four weeks after the end."""
    middle = starts_on + (ends_on - starts_on) / 2
    return [(ReturnKind.MIDPOINT, middle), (ReturnKind.FINAL, ends_on + timedelta(weeks=4))]


def period_problems(starts_on: date | None, ends_on: date | None) -> list[Message]:
    if starts_on is None or ends_on is None:
        return [Message(N_("Give the start and end dates of the grant"))]
    if ends_on <= starts_on:
        return [Message(N_("The end date must be after the start date"))]
    return []


# --- bank details ---------------------------------------------------------------------------------

_SORT_CODE = re.compile(r"^\d{6}$")
_ACCOUNT_NUMBER = re.compile(r"^\d{8}$")


def clean_sort_code(text: str) -> str:
    """'20-00-00', '20 00 00' and '200000' are the same sort code: the six digits."""
    return re.sub(r"[\s-]", "", text or "")


def clean_account_number(text: str) -> str:
    return re.sub(r"\s", "", text or "")


def bank_details_problems(account_name: str, sort_code: str, account_number: str) -> dict[str, Message]:
    """By field: the name on the account, a six-digit sort code and an eight-digit account number."""
    problems: dict[str, Message] = {}
    if not (account_name or "").strip():
        problems["account_name"] = Message(N_("Enter the name on the account"))
    elif len(account_name.strip()) > 140:
        problems["account_name"] = Message(N_("The name on the account must be 140 characters or fewer"))
    if not _SORT_CODE.match(clean_sort_code(sort_code)):
        problems["sort_code"] = Message(N_("Enter a valid sort code like 309430"))
    if not _ACCOUNT_NUMBER.match(clean_account_number(account_number)):
        problems["account_number"] = Message(N_("Enter a valid account number like 00733445"))
    return problems


def masked_account_number(number: str) -> str:
    """Only the last two digits: '****45'."""
    return "****" + number[-2:] if number else ""


def masked_sort_code(code: str) -> str:
    return "**-**-" + code[-2:] if code else ""


# --- amounts in words -----------------------------------------------------------------------------

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _under_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    words = []
    if hundreds:
        words.append(f"{_ONES[hundreds]} hundred")
    if rest:
        if hundreds:
            words.append("and")
        if rest < 20:
            words.append(_ONES[rest])
        else:
            tens, ones = divmod(rest, 10)
            words.append(_TENS[tens] + (f"-{_ONES[ones]}" if ones else ""))
    return " ".join(words)


def number_in_words(n: int) -> str:
    """British English: 4500 → 'four thousand, five hundred'; 1_250_000 → 'one million, two
    hundred and fifty thousand'."""
    if n < 0:
        raise ValueError("a negative amount")
    if n == 0:
        return "zero"
    parts = []
    for value, name in ((1_000_000_000, "billion"), (1_000_000, "million"), (1000, "thousand")):
        chunk, n = divmod(n, value)
        if chunk:
            parts.append(f"{number_in_words(chunk)} {name}")
    if n and parts and n < 100:
        return ", ".join(parts) + " and " + _under_thousand(n)
    if n:
        parts.append(_under_thousand(n))
    return ", ".join(parts)


def pounds_in_words(amount: Decimal) -> str:
    """The amount on a letter, in English words: '£4,500.50' → 'four thousand, five hundred pounds
    and fifty pence'. (Letters in other languages keep this English line beside the figures.)"""
    amount = Decimal(amount).quantize(PENNY, ROUND_HALF_UP)
    pounds = int(amount)
    pence = int((amount - pounds) * 100)
    words = f"{number_in_words(pounds)} pound{'s' if pounds != 1 else ''}"
    if pence:
        words += " and one penny" if pence == 1 else f" and {number_in_words(pence)} pence"
    return words
