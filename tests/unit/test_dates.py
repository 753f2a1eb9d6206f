"""Dates and times typed by officers, in UK time, across the clocks changing."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from portal.domain.dates import DateProblem, local_to_utc, parse_date, parse_time

LONDON = "Europe/London"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5pm", time(17)),
        ("5:30pm", time(17, 30)),
        ("17:30", time(17, 30)),
        ("17.30", time(17, 30)),
        ("9", time(9)),
        ("12pm", time(12)),
        ("12am", time(0)),
        ("noon", time(12)),
        ("Midday", time(12)),
        ("11:59 p.m.", time(23, 59)),
        (" 09:05 ", time(9, 5)),
    ],
)
def test_times_as_people_write_them(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["", "25:00", "13pm", "5 oclock", "12:60", "tea time"])
def test_times_that_make_no_sense_are_explained(text):
    with pytest.raises(DateProblem) as problem:
        parse_time(text)
    assert "time" in str(problem.value)


def test_dates_from_three_boxes():
    assert parse_date("7", "3", "2027") == date(2027, 3, 7)


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("", "", ""), "Enter a date"),
        (("7", "", "2027"), "The date must include a month"),
        (("31", "2", "2027"), "The date must be a real date"),
        (("7", "3", "27"), "The year must include 4 numbers"),
        (("seven", "3", "2027"), "written in numbers"),
    ],
)
def test_date_problems_name_what_is_wrong(parts, message):
    with pytest.raises(DateProblem, match=message):
        parse_date(*parts)


def test_noon_in_winter_and_in_summer():
    assert local_to_utc(date(2027, 1, 15), time(12), LONDON) == datetime(2027, 1, 15, 12, tzinfo=UTC)
    assert local_to_utc(date(2027, 7, 15), time(12), LONDON) == datetime(2027, 7, 15, 11, tzinfo=UTC)


def test_a_time_the_clocks_skip_is_refused():
    # 28 March 2027: clocks go from 01:00 to 02:00.
    with pytest.raises(DateProblem, match="clocks go forward"):
        local_to_utc(date(2027, 3, 28), time(1, 30), LONDON)


def test_a_time_that_happens_twice_gives_the_later_moment_unless_asked():
    # 31 October 2027: 01:30 happens in BST and then again in GMT.
    assert local_to_utc(date(2027, 10, 31), time(1, 30), LONDON) == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
    assert local_to_utc(date(2027, 10, 31), time(1, 30), LONDON, later_if_repeated=False) == datetime(
        2027, 10, 31, 0, 30, tzinfo=UTC
    )
