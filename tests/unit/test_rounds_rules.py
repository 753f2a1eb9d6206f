"""Whether a round is ready to open and whether it is accepting applications."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from portal.domain.rounds import RoundFacts, is_accepting, opening_problems

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")


def facts(**overrides):  # noqa: ANN003, ANN201
    values = {
        "work_stream_count": 2,
        "criterion_weights": (Decimal("2"), Decimal("1")),
        "opens_at": NOW - timedelta(days=1),
        "closes_at": NOW + timedelta(days=30),
        "min_amount": Decimal("500"),
        "max_amount": Decimal("5000"),
    }
    values.update(overrides)
    return RoundFacts(**values)


def texts(problems):  # noqa: ANN001, ANN201
    return [str(p) for p in problems]


def test_a_complete_round_is_ready_to_open():
    assert opening_problems(facts(), NOW) == []


def test_each_missing_piece_is_named():
    problems = texts(opening_problems(facts(work_stream_count=0, criterion_weights=(), closes_at=None), NOW))
    assert problems == [
        "Add at least one work stream.",
        "Add at least one scoring criterion.",
        "Set the closing date and time.",
    ]


def test_criteria_that_all_weigh_nothing_are_refused():
    assert texts(opening_problems(facts(criterion_weights=(Decimal("0"), Decimal("0"))), NOW)) == [
        "At least one criterion must have a weight above 0."
    ]


def test_a_closing_time_in_the_past_is_refused():
    assert "The closing date and time must be in the future." in texts(
        opening_problems(facts(closes_at=NOW - timedelta(minutes=1)), NOW)
    )


def test_amounts_must_make_sense():
    assert texts(opening_problems(facts(min_amount=Decimal("6000")), NOW)) == [
        "The largest grant must be more than 0 and at least the smallest grant."
    ]


def test_the_deadline_is_exclusive_to_the_second():
    closes = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
    assert is_accepting(None, closes, closes - timedelta(seconds=1))
    assert not is_accepting(None, closes, closes)


def test_deadline_noon_uk_time_either_side_of_the_clocks_going_forward():
    # 29 March 2026: UK clocks go forward at 01:00 GMT. Noon on 28 March is 12:00 UTC;
    # noon on 30 March is 11:00 UTC.
    before_change = datetime(2026, 3, 28, 12, 0, tzinfo=LONDON)
    after_change = datetime(2026, 3, 30, 12, 0, tzinfo=LONDON)
    assert before_change.astimezone(UTC).hour == 12
    assert after_change.astimezone(UTC).hour == 11
    assert is_accepting(None, after_change, datetime(2026, 3, 30, 10, 59, tzinfo=UTC))
    assert not is_accepting(None, after_change, datetime(2026, 3, 30, 11, 0, tzinfo=UTC))


def test_not_accepting_before_it_opens():
    assert not is_accepting(NOW + timedelta(hours=1), NOW + timedelta(days=3), NOW)
