"""Postcodes and phone numbers are tidied the way people expect; monitoring answers are checked."""

from __future__ import annotations

import pytest

from portal.domain.contact import (
    PREFER_NOT_TO_SAY,
    monitoring_answer,
    monitoring_problem,
    normalise_phone,
    normalise_postcode,
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("B11 4BS", "B11 4BS"),
        ("b114bs", "B11 4BS"),
        ("  b1   1aa ", "B1 1AA"),
        ("sw1a 1aa", "SW1A 1AA"),
        ("W1A 0AX", "W1A 0AX"),
        ("M1 1AE", "M1 1AE"),
        ("CR2 6XH", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("GIR 0AA", "GIR 0AA"),
    ],
)
def test_postcodes_are_stored_in_capitals_with_one_space(typed, stored):
    assert normalise_postcode(typed) == stored


@pytest.mark.parametrize(
    "typed", ["", "B11", "Birmingham", "B11 4B", "11 4BS", "QQ1 1AA", "B11 4CS", "B11-4BS", "B11 4BS extra"]
)
def test_things_that_are_not_full_postcodes_are_refused(typed):
    assert normalise_postcode(typed) is None


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0121 496 0000", "0121 496 0000"),
        ("01214960000", "0121 496 0000"),
        ("(0121) 496-0000", "0121 496 0000"),
        ("+44 (0)121 496 0000", "0121 496 0000"),
        ("+44 7700 900982", "07700 900982"),
        ("07700900982", "07700 900982"),
        ("0044 7700 900982", "07700 900982"),
        ("020 7946 0000", "020 7946 0000"),
        ("01632 960000", "01632 960000"),
        ("0300 123 4567", "0300 123 4567"),
        ("+48 22 123 45 67", "+48221234567"),
        ("0048 22 123 45 67", "+48221234567"),
    ],
)
def test_phone_numbers_are_written_the_usual_way(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize(
    "typed", ["", "12345", "call me", "0121 496", "07700 900982 ext 2", "+1 23", "0121 496 00000 0"]
)
def test_things_that_are_not_phone_numbers_are_refused(typed):
    assert normalise_phone(typed) is None


def test_monitoring_answers_are_stored_as_codes_in_the_list_order():
    assert monitoring_answer(["faith", "women"]) == ["women", "faith"]
    assert monitoring_answer([]) is None
    assert monitoring_answer([PREFER_NOT_TO_SAY]) == [PREFER_NOT_TO_SAY]


def test_prefer_not_to_say_goes_on_its_own():
    assert str(monitoring_problem(["women", PREFER_NOT_TO_SAY])) == (
        "Select 'Prefer not to say' on its own, or choose who it is"
    )
    assert monitoring_problem([PREFER_NOT_TO_SAY]) is None
    assert monitoring_problem(["women", "older_people"]) is None
    assert monitoring_problem([]) is None


def test_unknown_monitoring_codes_are_refused():
    assert monitoring_problem(["aliens"]) is not None
