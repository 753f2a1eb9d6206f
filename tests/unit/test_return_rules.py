"""The rules of portal/domain/returns.py, without app or database: progress to date per period (a sum)
and cumulative (the latest total), percentages of targets, red/amber/green, small-number
suppression and which stories may ever be public."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain.returns import (
    PUBLIC_CONSENTS,
    RAG,
    SMALL_NUMBER,
    Consent,
    Figure,
    actual_to_date,
    is_public,
    percentage,
    rag_status,
    suppress,
)

figures_strategy = st.lists(
    st.builds(
        Figure, period=st.integers(min_value=1, max_value=12), quantity=st.integers(min_value=0, max_value=10_000)
    ),
    max_size=8,
    unique_by=lambda f: f.period,
)


def test_per_period_figures_add_up():
    assert actual_to_date([Figure(1, 12), Figure(2, 20)]) == 32


def test_cumulative_figures_take_the_latest_period_whatever_the_order():
    assert actual_to_date([Figure(2, 20), Figure(1, 12)], cumulative=True) == 20


def test_no_figures_is_nothing_yet():
    assert actual_to_date([]) == 0
    assert actual_to_date([], cumulative=True) == 0


@given(figures_strategy)
def test_per_period_total_is_the_sum_in_any_order(figures):
    assert actual_to_date(figures) == sum(f.quantity for f in figures)
    assert actual_to_date(list(reversed(figures))) == actual_to_date(figures)


@given(figures_strategy)
def test_cumulative_total_is_the_latest_period_and_never_more_than_the_sum(figures):
    total = actual_to_date(figures, cumulative=True)
    if figures:
        assert total == max(figures, key=lambda f: f.period).quantity
    assert total <= actual_to_date(figures)


@pytest.mark.parametrize(
    ("actual", "target", "expected"),
    [
        (20, 40, Decimal("50.0")),
        (1, 3, Decimal("33.3")),
        (2, 3, Decimal("66.7")),
        (50, 40, Decimal("125.0")),
        (0, 40, Decimal("0.0")),
    ],
)
def test_percentage_of_target(actual, target, expected):
    assert percentage(actual, target) == expected


@pytest.mark.parametrize("target", [None, 0, -5])
def test_no_percentage_without_a_positive_target(target):
    assert percentage(10, target) is None


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=10**6))
def test_percentage_is_never_negative_and_is_100_at_the_target(actual, target):
    result = percentage(actual, target)
    assert result >= 0
    assert percentage(target, target) == Decimal("100.0")


@pytest.mark.parametrize(
    ("progress", "share", "expected"),
    [
        ([(45, 100)], Decimal("0.5"), RAG.GREEN),  # 90% of where it should be
        ([(44, 100)], Decimal("0.5"), RAG.AMBER),
        ([(30, 100)], Decimal("0.5"), RAG.AMBER),  # exactly 60%
        ([(29, 100)], Decimal("0.5"), RAG.RED),
        ([(100, 100), (10, 100)], Decimal("0.5"), RAG.RED),  # the worst measure decides
        ([(0, 100)], Decimal("0"), RAG.GREEN),  # nothing expected yet
        ([(100, 100)], Decimal("2"), RAG.GREEN),  # past the end counts as the end
        ([(0, None), (5, 0)], Decimal("0.5"), None),  # no numeric targets
    ],
)
def test_rag_status(progress, share, expected):
    assert rag_status(progress, share) == expected


@given(
    st.lists(st.tuples(st.integers(0, 1000), st.integers(1, 1000)), min_size=1, max_size=5),
    st.decimals(min_value=0, max_value=1, places=2),
)
def test_more_progress_never_makes_the_status_worse(progress, share):
    order = {RAG.RED: 0, RAG.AMBER: 1, RAG.GREEN: 2}
    better = [(actual + 10, target) for actual, target in progress]
    assert order[rag_status(better, share)] >= order[rag_status(progress, share)]


@pytest.mark.parametrize(("count", "shown"), [(0, 0), (1, None), (4, None), (5, 5), (120, 120)])
def test_small_numbers_are_suppressed(count, shown):
    assert suppress(count) == shown


@given(st.integers(min_value=0, max_value=10**6))
def test_suppression_hides_exactly_one_to_four(count):
    assert (suppress(count) is None) == (1 <= count < SMALL_NUMBER)
    if suppress(count) is not None:
        assert suppress(count) == count


@pytest.mark.parametrize("consent", list(Consent))
def test_a_withdrawn_story_is_never_public(consent):
    assert is_public(consent, withdrawn=True) is False


def test_only_public_consents_are_public():
    assert is_public(Consent.INTERNAL, withdrawn=False) is False
    assert is_public(Consent.PUBLIC_ANONYMOUS, withdrawn=False) is True
    assert is_public("public_named", withdrawn=False) is True
    assert {Consent.PUBLIC_ANONYMOUS, Consent.PUBLIC_NAMED} == PUBLIC_CONSENTS


def test_an_unknown_consent_is_refused():
    with pytest.raises(ValueError):
        is_public("everyone", withdrawn=False)


@pytest.mark.parametrize(
    ("status", "due", "late"),
    [
        ("due", date(2027, 10, 1), False),  # due today
        ("due", date(2027, 9, 30), True),
        ("draft", date(2027, 9, 30), True),
        ("submitted", date(2027, 9, 1), False),
        ("queried", date(2027, 9, 1), False),
        ("accepted", date(2027, 9, 1), False),
    ],
)
def test_a_return_is_overdue_only_when_not_sent_after_its_due_day(status, due, late):
    from portal.domain.returns import is_overdue

    assert is_overdue(due, status, date(2027, 10, 1)) is late
