"""The roll-up of awards' figures into the programme's progress, how far through its period an
award is, its red/amber/green status, which list a return belongs on, and the suppression of
small counts: examples, then properties that must hold for any figures (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from portal.domain.returns import RAG, Figure, actual_to_date
from portal.domain.rollups import (
    AwardFigures,
    ReturnState,
    award_rag,
    count_answers,
    elapsed_share,
    measure_total,
    return_state,
    suppress_group,
)

PEOPLE, STORIES = 1, 2


def _award(award_id, targets, **figures):  # noqa: ANN001, ANN003, ANN202
    """figures: measure name → list of numbers, one per period (1, 2, …)."""
    ids = {"people": PEOPLE, "stories": STORIES}
    return AwardFigures(
        award_id,
        targets,
        {ids[name]: [Figure(i + 1, q) for i, q in enumerate(values)] for name, values in figures.items()},
    )


# --- examples --------------------------------------------------------------------------------------


def test_per_period_figures_are_added_up_across_periods_and_awards():
    awards = [_award(1, {PEOPLE: 40}, people=[10, 15]), _award(2, {PEOPLE: 40}, people=[5])]
    total = measure_total(awards, PEOPLE, programme_target=100, cumulative=False)
    assert (total.programme_target, total.agreed, total.actual, total.awards) == (100, 80, 30, 2)
    assert total.percentage == Decimal("30.0")
    assert total.agreed_percentage == Decimal("37.5")


def test_a_cumulative_measure_takes_each_awards_latest_figure_then_adds_the_awards():
    awards = [_award(1, {PEOPLE: 40}, people=[10, 15]), _award(2, {PEOPLE: 40}, people=[5])]
    assert measure_total(awards, PEOPLE, programme_target=100, cumulative=True).actual == 20


def test_an_award_without_the_measure_adds_nothing():
    awards = [_award(1, {PEOPLE: 40}, people=[10]), _award(2, {STORIES: 3}, stories=[2])]
    total = measure_total(awards, PEOPLE, programme_target=100, cumulative=False)
    assert (total.agreed, total.actual, total.awards) == (40, 10, 1)


def test_targets_that_do_not_add_up_to_the_programmes_are_kept_as_they_are():
    awards = [_award(i, {PEOPLE: 40}, people=[30]) for i in range(4)]
    total = measure_total(awards, PEOPLE, programme_target=100, cumulative=False)
    assert (total.agreed, total.actual, total.percentage) == (160, 120, Decimal("120.0"))
    assert measure_total(awards, PEOPLE, programme_target=None, cumulative=False).percentage is None


def test_how_far_through_its_period_an_award_is():
    start, end = date(2027, 4, 1), date(2028, 3, 31)
    assert elapsed_share(start, end, date(2027, 1, 1)) == 0
    assert elapsed_share(start, end, date(2027, 9, 30)) == Decimal("0.4986")
    assert elapsed_share(start, end, date(2029, 1, 1)) == 1
    assert elapsed_share(None, end, date(2027, 9, 30)) is None
    assert elapsed_share(end, start, date(2027, 9, 30)) is None


def test_an_awards_status_from_its_own_targets():
    on_track = _award(1, {PEOPLE: 40, STORIES: 10}, people=[20], stories=[5])
    assert award_rag(on_track, set(), Decimal("0.5")) == RAG.GREEN
    a_little_behind = _award(2, {PEOPLE: 40}, people=[15])  # 75% of the 20 expected
    assert award_rag(a_little_behind, set(), Decimal("0.5")) == RAG.AMBER
    behind_on_one = _award(3, {PEOPLE: 40, STORIES: 10}, people=[40], stories=[2])  # stories: 40%
    assert award_rag(behind_on_one, set(), Decimal("0.5")) == RAG.RED
    cumulative = _award(4, {PEOPLE: 40}, people=[20, 20])  # a running total of 20, not 40
    assert award_rag(cumulative, {PEOPLE}, Decimal("1")) == RAG.RED
    assert award_rag(on_track, set(), None) is None
    assert award_rag(_award(5, {}), set(), Decimal("0.5")) is None


def test_which_list_a_return_belongs_on():
    today = date(2027, 10, 1)
    assert return_state("due", today - timedelta(days=1), today) == ReturnState.LATE
    assert return_state("draft", today, today) == ReturnState.DUE_SOON
    assert return_state("due", today + timedelta(days=30), today) == ReturnState.DUE_SOON
    assert return_state("due", today + timedelta(days=31), today) is None
    assert return_state("queried", today - timedelta(days=90), today) == ReturnState.QUERIED
    assert return_state("submitted", today - timedelta(days=1), today) is None
    assert return_state("accepted", today - timedelta(days=1), today) is None


def test_small_counts_and_their_complement_are_hidden():
    assert suppress_group([7, 1, 1]) == [7, None, None]
    assert suppress_group([12, 3, 6]) == [12, None, None]  # 3 hidden, so 6 with it
    assert suppress_group([12, 0, 6]) == [12, 0, 6]
    assert suppress_group([0, 0, 3]) == [0, 0, None]  # the total (3) is hidden too by the caller
    assert suppress_group([]) == []


def test_answers_are_counted_once_per_group():
    answers = [["women", "faith"], ["women"], ["prefer_not_to_say"], None, []]
    counts = count_answers(answers, ["women", "faith", "lgbtq"], "prefer_not_to_say")
    assert counts == {
        "women": 2,
        "faith": 1,
        "lgbtq": 0,
        "answered": 2,
        "prefer_not_to_say": 1,
        "not_answered": 2,
    }


# --- properties ------------------------------------------------------------------------------------

quantities = st.integers(min_value=0, max_value=10_000)
award_figures = st.builds(
    lambda i, target, has_target, periods: AwardFigures(
        i,
        {PEOPLE: target} if has_target else {},
        {PEOPLE: [Figure(p + 1, q) for p, q in enumerate(periods)]} if periods else {},
    ),
    st.integers(min_value=1, max_value=10_000),
    quantities,
    st.booleans(),
    st.lists(quantities, max_size=6),
)
programmes = st.lists(award_figures, max_size=8)


@given(programmes, st.one_of(st.none(), quantities))
def test_per_period_total_is_the_sum_of_every_figure_of_every_award(awards, programme_target):
    total = measure_total(awards, PEOPLE, programme_target=programme_target, cumulative=False)
    assert total.actual == sum(f.quantity for a in awards for f in a.figures.get(PEOPLE, ()))
    assert total.agreed == sum(a.targets.get(PEOPLE, 0) for a in awards)
    assert total.awards == sum(PEOPLE in a.targets for a in awards)
    assert total.programme_target == programme_target  # never replaced by the agreed targets


@given(programmes)
def test_cumulative_total_is_the_sum_of_each_awards_latest_figure(awards):
    total = measure_total(awards, PEOPLE, programme_target=100, cumulative=True)
    latest = [max(a.figures[PEOPLE], key=lambda f: f.period).quantity for a in awards if a.figures.get(PEOPLE)]
    assert total.actual == sum(latest)
    assert total.actual <= measure_total(awards, PEOPLE, programme_target=100, cumulative=False).actual


@given(programmes, programmes)
def test_the_total_of_two_groups_of_awards_is_the_sum_of_their_totals(left, right):
    for cumulative in (False, True):
        both = measure_total(left + right, PEOPLE, programme_target=None, cumulative=cumulative)
        parts = [measure_total(p, PEOPLE, programme_target=None, cumulative=cumulative) for p in (left, right)]
        assert both.actual == parts[0].actual + parts[1].actual
        assert both.agreed == parts[0].agreed + parts[1].agreed


@given(programmes, quantities)
def test_awards_without_the_measure_change_nothing(awards, target):
    others = [AwardFigures(a.award_id, {STORIES: target}, {STORIES: [Figure(1, target)]}) for a in awards]
    assert measure_total(others, PEOPLE, programme_target=100, cumulative=False).actual == 0
    with_others = measure_total(awards + others, PEOPLE, programme_target=100, cumulative=False)
    assert with_others == measure_total(awards, PEOPLE, programme_target=100, cumulative=False)


@given(st.lists(quantities, max_size=6), st.booleans())
def test_one_award_alone_is_its_own_actual_to_date(periods, cumulative):
    award = AwardFigures(1, {PEOPLE: 10}, {PEOPLE: [Figure(i + 1, q) for i, q in enumerate(periods)]})
    total = measure_total([award], PEOPLE, programme_target=10, cumulative=cumulative)
    assert total.actual == actual_to_date(award.figures[PEOPLE], cumulative=cumulative)


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
    st.integers(min_value=1, max_value=2000),
    st.integers(min_value=-100, max_value=3000),
)
def test_elapsed_share_is_between_0_and_1_and_grows_with_time(start, length, offset):
    end = start + timedelta(days=length)
    today = start + timedelta(days=offset)
    tomorrow = today + timedelta(days=1)
    share = elapsed_share(start, end, today)
    assert 0 <= share <= 1
    assert elapsed_share(start, end, tomorrow) >= share


@given(st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=6))
def test_no_group_of_counts_leaves_exactly_one_small_count_to_be_worked_out(counts):
    shown = suppress_group(counts)
    hidden = [i for i, value in enumerate(shown) if value is None]
    # Every count of 1 to 4 is hidden; every shown count is the true count.
    assert all(shown[i] is None for i, c in enumerate(counts) if 0 < c < 5)
    assert all(value == counts[i] for i, value in enumerate(shown) if value is not None)
    # Never exactly one hidden count, unless it is the whole total (which the caller hides).
    if len(hidden) == 1:
        assert sum(counts) == counts[hidden[0]]
