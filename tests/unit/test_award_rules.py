"""The award rules in portal/domain/awards.py: payment schedules (worked examples, and hypothesis
properties: any split of percentages adding up to 100 pays exactly the award), return dates, the
grant period, bank details and their masks, and amounts in words. No app, no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain.awards import (
    PENNY,
    Instalment,
    PaymentTrigger,
    ReturnKind,
    bank_details_problems,
    clean_account_number,
    clean_sort_code,
    default_return_dates,
    instalment_amounts,
    masked_account_number,
    masked_sort_code,
    number_in_words,
    period_problems,
    pounds_in_words,
    schedule_problems,
)

D = Decimal
ON_ACCEPTANCE, ON_DATE, ON_FINAL = PaymentTrigger.ON_ACCEPTANCE, PaymentTrigger.ON_DATE, PaymentTrigger.ON_FINAL_RETURN


def pct(value: str, trigger: PaymentTrigger = ON_ACCEPTANCE) -> Instalment:
    return Instalment(None, D(value), trigger)


def pounds(value: str, trigger: PaymentTrigger = ON_ACCEPTANCE, due_on: date | None = None) -> Instalment:
    return Instalment(D(value), None, trigger, due_on)


def texts(problems) -> list[str]:  # noqa: ANN001
    return [str(problem) for problem in problems]


# --- instalment amounts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "plan", "amounts"),
    [
        ("4000", [pct("100")], ["4000.00"]),
        ("4000", [pct("50"), pct("50", ON_FINAL)], ["2000.00", "2000.00"]),
        ("1000", [pct("33.33"), pct("33.33"), pct("33.34")], ["333.30", "333.30", "333.40"]),
        # Thirds as 33.33% three times: the last takes the penny so that they add up.
        ("100", [pct("33.33"), pct("33.33"), pct("33.33")], ["33.33", "33.33", "33.34"]),
        ("2500", [pounds("1000"), pct("60")], ["1000.00", "1500.00"]),
        ("2500", [pounds("1000"), pounds("1500")], ["1000.00", "1500.00"]),
        ("0.03", [pct("50"), pct("50")], ["0.02", "0.01"]),  # half a penny rounds up, the last gives it back
    ],
)
def test_instalments_in_pounds(total, plan, amounts):
    assert instalment_amounts(D(total), plan) == [D(a) for a in amounts]


def test_payments_by_amount_are_never_adjusted():
    assert instalment_amounts(D("100"), [pounds("30"), pounds("60")]) == [D("30.00"), D("60.00")]


# Percentages as the portal holds them (Numeric(5, 2)): cut 100.00% into 1 to 12 positive pieces.
splits = st.lists(st.integers(1, 9999), unique=True, max_size=11).map(
    lambda cuts: [D(b - a).scaleb(-2) for a, b in zip([0, *sorted(cuts)], [*sorted(cuts), 10000], strict=True)]
)
totals = st.integers(1, 10**10).map(lambda pennies: D(pennies).scaleb(-2))


@given(total=totals, percentages=splits)
def test_any_split_of_percentages_adding_up_to_100_pays_exactly_the_award(total, percentages):
    assert sum(percentages) == 100
    plan = [pct(str(p)) for p in percentages]
    amounts = instalment_amounts(total, plan)
    assert sum(amounts) == total
    assert all(amount == amount.quantize(PENNY) for amount in amounts)
    # Each is its share to within a penny for every payment (the last one absorbs the rounding).
    assert all(
        abs(amount - total * p / 100) <= PENNY * len(plan) for amount, p in zip(amounts, percentages, strict=True)
    )
    assert (schedule_problems(total, plan) == []) is all(amount > 0 for amount in amounts)


@given(total=totals, first=st.integers(100, 10**10), percentages=splits)
def test_a_fixed_payment_on_top_of_100_percent_is_refused(total, first, percentages):
    # (Within a penny a payment the schedule would absorb as rounding; a pound or more, never.)
    plan = [Instalment(D(first).scaleb(-2), None, ON_ACCEPTANCE), *(pct(str(p)) for p in percentages)]
    problems = texts(schedule_problems(total, plan))
    assert problems
    assert all("add up to the award" in text or "less than a penny" in text for text in problems)


# --- schedule problems -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("plan", "problems"),
    [
        ([pct("100")], []),
        ([pounds("1000"), pct("75", ON_DATE)], ["Payment 2: give the date it is paid"]),
        ([pounds("1000", ON_DATE, date(2027, 9, 1)), pct("75", ON_FINAL)], []),
        ([], ["Add at least one payment"]),
        ([Instalment(D(100), D(10), ON_ACCEPTANCE)], ["Payment 1: give an amount or a percentage, not both"]),
        ([Instalment(None, None, ON_ACCEPTANCE)], ["Payment 1: give an amount or a percentage, not both"]),
        ([pounds("0"), pct("100")], ["Payment 1: the amount must be more than £0"]),
        ([pounds("-5"), pct("100")], ["Payment 1: the amount must be more than £0"]),
        ([pct("0")], ["Payment 1: the percentage must be between 1 and 100"]),
        ([pct("100.01")], ["Payment 1: the percentage must be between 1 and 100"]),
        ([pct("50")], ["The payments must add up to the award of £4,000.00"]),
        ([pounds("4000"), pct("10")], ["The payments must add up to the award of £4,000.00"]),
    ],
)
def test_schedule_problems(plan, problems):
    assert texts(schedule_problems(D("4000"), plan)) == problems


def test_a_payment_that_rounds_to_nothing_is_refused():
    # 0.01% of £10 is a tenth of a penny: stored as £0.00 it would break the "amount > 0" rule.
    plan = [pct("99.99"), pct("0.01")]
    assert instalment_amounts(D(10), plan)[1] == D("0.00")
    assert texts(schedule_problems(D(10), plan)) == ["Payment 2: it works out at less than a penny"]
    assert texts(schedule_problems(D("0.01"), [pct("50"), pct("50")])) == [
        "Payment 2: it works out at less than a penny"
    ]


# --- dates -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "midpoint", "final"),
    [
        (date(2027, 4, 1), date(2028, 3, 31), date(2027, 9, 30), date(2028, 4, 28)),
        (date(2027, 6, 1), date(2028, 5, 31), date(2027, 11, 30), date(2028, 6, 28)),
        (date(2027, 1, 1), date(2027, 1, 3), date(2027, 1, 2), date(2027, 1, 31)),
    ],
)
def test_default_returns_are_half_way_and_four_weeks_after_the_end(starts_on, ends_on, midpoint, final):
    assert default_return_dates(starts_on, ends_on) == [(ReturnKind.MIDPOINT, midpoint), (ReturnKind.FINAL, final)]


@given(
    starts_on=st.dates(date(2020, 1, 1), date(2040, 1, 1)),
    days=st.integers(1, 3650),
)
def test_the_midpoint_return_falls_within_the_grant_and_the_final_one_after_it(starts_on, days):
    from datetime import timedelta

    ends_on = starts_on + timedelta(days=days)
    (mid_kind, midpoint), (final_kind, final) = default_return_dates(starts_on, ends_on)
    assert (mid_kind, final_kind) == (ReturnKind.MIDPOINT, ReturnKind.FINAL)
    assert starts_on <= midpoint < ends_on < final


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "problems"),
    [
        (date(2027, 4, 1), date(2028, 3, 31), []),
        (None, date(2028, 3, 31), ["Give the start and end dates of the grant"]),
        (date(2027, 4, 1), None, ["Give the start and end dates of the grant"]),
        (date(2027, 4, 1), date(2027, 4, 1), ["The end date must be after the start date"]),
        (date(2027, 4, 1), date(2027, 3, 1), ["The end date must be after the start date"]),
    ],
)
def test_period_problems(starts_on, ends_on, problems):
    assert texts(period_problems(starts_on, ends_on)) == problems


# --- bank details ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "sort_code", "account_number", "fields"),
    [
        ("Sparkhill Women's Circle", "30-94-30", "00733445", set()),
        ("Sparkhill Women's Circle", "30 94 30", "0073 3445", set()),
        ("  ", "309430", "00733445", {"account_name"}),
        ("N" * 141, "309430", "00733445", {"account_name"}),
        ("Circle", "30943", "00733445", {"sort_code"}),
        ("Circle", "30-94-3O", "00733445", {"sort_code"}),
        ("Circle", "309430", "733445", {"account_number"}),
        ("Circle", "309430", "0073-3445", {"account_number"}),
        ("", "", "", {"account_name", "sort_code", "account_number"}),
    ],
)
def test_bank_details_problems_by_field(name, sort_code, account_number, fields):
    assert set(bank_details_problems(name, sort_code, account_number)) == fields


def test_bank_details_messages_and_cleaning():
    problems = bank_details_problems("", "1", "2")
    assert texts(problems.values()) == [
        "Enter the name on the account",
        "Enter a valid sort code like 309430",
        "Enter a valid account number like 00733445",
    ]
    assert (clean_sort_code("30-94 30"), clean_account_number(" 0073 3445 ")) == ("309430", "00733445")
    assert (clean_sort_code(None), clean_account_number(None)) == ("", "")


def test_masks_show_only_the_last_two_digits():
    assert masked_account_number("00733445") == "****45"
    assert masked_sort_code("309430") == "**-**-30"
    assert masked_account_number("") == masked_sort_code("") == ""


# --- amounts in words --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "zero"),
        (1, "one"),
        (13, "thirteen"),
        (21, "twenty-one"),
        (40, "forty"),
        (101, "one hundred and one"),
        (110, "one hundred and ten"),
        (999, "nine hundred and ninety-nine"),
        (1005, "one thousand and five"),
        (1100, "one thousand, one hundred"),
        (4500, "four thousand, five hundred"),
        (21_000, "twenty-one thousand"),
        (101_000, "one hundred and one thousand"),
        (1_000_001, "one million and one"),
        (1_250_000, "one million, two hundred and fifty thousand"),
        (2_000_000_000, "two billion"),
    ],
)
def test_numbers_in_british_english(number, words):
    assert number_in_words(number) == words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("1", "one pound"),
        ("21", "twenty-one pounds"),
        ("101", "one hundred and one pounds"),
        ("1005", "one thousand and five pounds"),
        ("4500.50", "four thousand, five hundred pounds and fifty pence"),
        ("1250000", "one million, two hundred and fifty thousand pounds"),
        ("1.01", "one pound and one penny"),
        ("0.99", "zero pounds and ninety-nine pence"),
        ("2500.005", "two thousand, five hundred pounds and one penny"),  # to the penny, half up
    ],
)
def test_pounds_in_words(amount, words):
    assert pounds_in_words(D(amount)) == words


def test_a_negative_number_has_no_words():
    with pytest.raises(ValueError, match="negative"):
        number_in_words(-1)


@given(st.integers(0, 10**12))
def test_every_number_has_words_without_gaps(number):
    words = number_in_words(number)
    assert words and "  " not in words and not words.endswith((" and", ",")) and "_" not in words
