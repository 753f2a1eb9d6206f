"""The panel's arithmetic (weighted totals, agreement, leniency, the budget line, localities and
balanced assignment): worked examples, and properties checked by hypothesis. No app, no database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from portal.domain.scoring import (
    Candidate,
    balanced_assignment,
    leniency,
    mapping_total,
    rank_against_budget,
    spread_across_localities,
    summarise,
    weighted_total,
)

D = Decimal
PENNY = D("0.01")

# Values as the portal holds them: weights Numeric(5, 2), totals out of 100 to the penny, money in pounds.
weights = st.integers(0, 1000).map(lambda n: D(n).scaleb(-2))
positive_weights = st.integers(1, 1000).map(lambda n: D(n).scaleb(-2))
scores = st.one_of(st.none(), st.integers(0, 4))
totals = st.integers(0, 10_000).map(lambda n: D(n).scaleb(-2))
amounts = st.integers(0, 1_000_000).map(lambda n: D(n).scaleb(-2))


def equal(*values: int | None) -> list[tuple[Decimal, int | None]]:
    return [(D(1), value) for value in values]


# --- weighted totals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        (equal(4, None), D(100)),  # the unscored criterion is left out, not counted as 0 (50)
        (equal(4, 0), D(50)),
        (equal(2, 2, 2), D(50)),
        (equal(1, 2, None, None), D("37.50")),
        (equal(1, 1, 2), D("33.33")),
        ([(D(3), 4), (D(1), 0)], D(75)),  # the heavier criterion counts for more
        ([(D(1), 4), (D(3), 0)], D(25)),
        ([(D("0.5"), 4), (D(1), 2)], D("66.67")),
        ([(D(0), 0), (D(1), 4)], D(100)),  # a criterion weighted 0 does not count
    ],
)
def test_weighted_total_examples(pairs, expected):
    assert weighted_total(pairs) == expected


@pytest.mark.parametrize("pairs", [[], equal(None), equal(None, None, None), [(D(0), 4), (D(0), 2)], [(D(0), 4)]])
def test_nothing_scored_with_a_weight_has_no_total(pairs):
    assert weighted_total(pairs) is None


@pytest.mark.parametrize("bad", [5, -1, 2.5, "3"])
def test_a_score_outside_0_to_4_is_refused(bad):
    with pytest.raises(ValueError, match="0 to 4"):
        weighted_total([(D(1), 2), (D(1), bad)])


def test_mapping_total_takes_each_criterions_weight_and_ignores_unknown_criteria():
    assert mapping_total({1: D(3), 2: D(1)}, {1: 4, 2: 0}) == D(75)
    assert mapping_total({1: D(1), 2: D(1)}, {1: 4, 2: None}) == D(100)
    assert mapping_total({1: D(1)}, {1: 2, 99: 0}) == D(50)
    assert mapping_total({1: D(1)}, {}) is None


@given(st.lists(st.tuples(weights, scores), max_size=8))
def test_a_weighted_total_is_out_of_100_or_none_when_nothing_weighted_was_scored(pairs):
    total = weighted_total(pairs)
    if any(weight > 0 and score is not None for weight, score in pairs):
        assert total is not None
        assert D(0) <= total <= D(100)
        assert total == total.quantize(PENNY)
    else:
        assert total is None


@given(st.lists(st.tuples(weights, scores), max_size=8), st.lists(weights, max_size=4))
def test_adding_unscored_criteria_never_changes_a_total(pairs, extra_weights):
    assert weighted_total(pairs + [(w, None) for w in extra_weights]) == weighted_total(pairs)


@given(st.lists(positive_weights, min_size=1, max_size=8), st.integers(0, 4))
def test_the_same_score_everywhere_is_that_share_of_100_whatever_the_weights(ws, score):
    assert weighted_total([(w, score) for w in ws]) == D(25 * score)


@given(st.lists(st.tuples(weights, scores), max_size=8), st.integers(1, 20), st.randoms())
def test_order_and_scaling_the_weights_do_not_change_a_total(pairs, factor, random):
    shuffled = [(w * factor, s) for w, s in pairs]
    random.shuffle(shuffled)
    assert weighted_total(shuffled) == weighted_total(pairs)


@given(st.lists(st.tuples(positive_weights, st.integers(0, 4)), min_size=1, max_size=8), st.data())
def test_raising_one_score_never_lowers_the_total(pairs, data):
    index = data.draw(st.integers(0, len(pairs) - 1))
    weight, score = pairs[index]
    assume(score < 4)
    raised = [*pairs[:index], (weight, score + 1), *pairs[index + 1 :]]
    assert weighted_total(raised) >= weighted_total(pairs)


# --- how far reviewers agree --------------------------------------------------------------------


def test_summary_of_three_reviews():
    summary = summarise([D(50), D(90), D(70)])
    assert (summary.count, summary.mean, summary.median, summary.minimum, summary.maximum) == (3, 70, 70, 50, 90)
    assert summary.spread == D(40)


def test_summary_median_of_an_even_number_and_a_rounded_mean():
    summary = summarise([D(10), D(20), D(30), D(100)])
    assert (summary.mean, summary.median, summary.spread) == (D(40), D(25), D(90))
    assert summarise([D(0), D(0), D(100)]).mean == D("33.33")
    assert summarise([D("62.50")]).spread == D(0)


def test_no_reviews_no_summary():
    assert summarise([]) is None


def _check_summary(values: list[Decimal]) -> None:
    summary = summarise(values)
    assert summary.count == len(values)
    assert summary.minimum <= summary.median <= summary.maximum
    assert summary.minimum <= summary.mean <= summary.maximum
    assert summary.spread == summary.maximum - summary.minimum >= 0


@given(st.lists(totals, min_size=1, max_size=12))
def test_summary_properties(values):
    _check_summary(values)
    summary = summarise(values)
    assert (summary.minimum, summary.maximum) == (min(values), max(values))
    assert summarise(list(reversed(values))) == summary


@given(st.lists(st.decimals(0, 100, places=4), min_size=1, max_size=12))
def test_summary_stays_in_range_for_totals_finer_than_a_penny(values):
    # Was a bug: the mean was rounded to the penny but the lowest and highest were not, so three
    # totals of 33.333 had a mean of 33.33, below their minimum.
    _check_summary(values)


def test_lowest_and_highest_are_rounded_only_when_finer_than_a_hundredth():
    summary = summarise([D("33.333")] * 3)
    assert (summary.mean, summary.minimum, summary.maximum, summary.spread) == (D("33.33"),) * 3 + (D(0),)
    assert [str(v) for v in (summarise([D(3), D(4)]).minimum, summarise([D(3), D(4)]).maximum)] == ["3", "4"]


@given(totals, st.integers(1, 10))
def test_identical_totals_have_no_spread(value, count):
    summary = summarise([value] * count)
    assert summary.mean == summary.median == value
    assert summary.spread == 0


# --- leniency -----------------------------------------------------------------------------------


def test_a_reviewer_who_always_scores_10_above_the_others_is_plus_10():
    rows = []
    for eoi, base in [("E1", D(40)), ("E2", D(55)), ("E3", D(70))]:
        rows += [("ann", eoi, base + 10), ("bob", eoi, base), ("cat", eoi, base)]
    result = leniency(rows)
    assert result["ann"].difference == D(10)
    assert result["ann"].compared == 3
    assert result["bob"].difference == result["cat"].difference == D(-5)


def test_symmetric_differences_cancel():
    result = leniency([("ann", "E1", D(60)), ("bob", "E1", D(40)), ("ann", "E2", D(40)), ("bob", "E2", D(60))])
    assert result["ann"].difference == result["bob"].difference == D(0)
    assert result["ann"].compared == 2


def test_eois_with_a_single_review_are_left_out():
    result = leniency([("ann", "E1", D(80)), ("bob", "E1", D(60)), ("ann", "E2", D(0))])
    assert result["ann"].difference == D(20)
    assert result["ann"].compared == 1  # E2 had nobody to compare with


def test_a_reviewer_with_nothing_to_compare_is_left_out():
    result = leniency([("ann", "E1", D(80)), ("bob", "E1", D(60)), ("cat", "E2", D(10))])
    assert set(result) == {"ann", "bob"}
    assert leniency([]) == {}
    assert leniency([("ann", "E1", D(80))]) == {}


@settings(deadline=None)
@given(
    st.integers(2, 5).flatmap(
        lambda reviewers: st.lists(st.lists(totals, min_size=reviewers, max_size=reviewers), min_size=1, max_size=6)
    )
)
def test_differences_sum_to_zero_when_every_eoi_has_the_same_reviewers(table):
    rows = [(f"r{r}", f"E{e}", total) for e, row in enumerate(table) for r, total in enumerate(row)]
    result = leniency(rows)
    assert set(result) == {f"r{r}" for r in range(len(table[0]))}
    assert all(entry.compared == len(table) for entry in result.values())
    # Exactly 0 before each reviewer's average is rounded to the penny.
    assert abs(sum(entry.difference for entry in result.values())) <= D("0.005") * len(result)


@given(st.lists(totals, min_size=1, max_size=6), st.integers(2, 5), st.integers(-50, 50))
def test_a_reviewer_always_n_above_everyone_else_is_n(bases, reviewers, offset):
    rows = []
    for e, base in enumerate(bases):
        rows.append(("generous", e, base + offset))
        rows += [(f"r{r}", e, base) for r in range(1, reviewers)]
    assert leniency(rows)["generous"].difference == offset


# --- ranking against the budget -----------------------------------------------------------------


def test_the_budget_line_falls_where_the_money_runs_out():
    ranked = rank_against_budget(
        [
            Candidate("A", D(80), D(3000), "TST-001"),
            Candidate("B", D(90), D(2000), "TST-002"),
            Candidate("C", D(70), D(4000), "TST-003"),
            Candidate("D", D(60), D(500), "TST-004"),
        ],
        D(6000),
    )
    assert [r.candidate.key for r in ranked] == ["B", "A", "C", "D"]
    assert [r.rank for r in ranked] == [1, 2, 3, 4]
    assert [r.running_total for r in ranked] == [D(2000), D(5000), D(9000), D(9500)]
    # D's £500 would fit in the £1,000 left, but it stays below the line.
    assert [r.within_budget for r in ranked] == [True, True, False, False]


def test_unscored_come_last_and_equal_scores_follow_the_reference():
    ranked = rank_against_budget(
        [
            Candidate("none", None, D(100), "TST-001"),
            Candidate("zero", D(0), D(100), "TST-002"),
            Candidate("second", D(75), D(100), "TST-009"),
            Candidate("first", D("75.00"), D(100), "TST-003"),
        ],
        D(1000),
    )
    assert [r.candidate.key for r in ranked] == ["first", "second", "zero", "none"]


def test_spending_the_budget_exactly_is_within_it():
    ranked = rank_against_budget([Candidate(1, D(90), D(600)), Candidate(2, D(80), D(400))], D(1000))
    assert [r.within_budget for r in ranked] == [True, True]


def test_a_budget_of_nothing_funds_only_requests_for_nothing():
    assert not any(r.within_budget for r in rank_against_budget([Candidate(1, D(90), D(1))], D(0)))
    ranked = rank_against_budget([Candidate(1, D(90), D(0)), Candidate(2, D(80), D(5))], D(0))
    assert [r.within_budget for r in ranked] == [True, False]
    assert rank_against_budget([], D(1000)) == []


candidates = st.lists(
    st.builds(Candidate, key=st.integers(), score=st.one_of(st.none(), totals), amount=amounts, tiebreak=st.text()),
    max_size=15,
)


@given(candidates, amounts)
def test_ranking_properties(cands, budget):
    ranked = rank_against_budget(cands, budget)
    assert sorted(map(id, (r.candidate for r in ranked))) == sorted(map(id, cands))
    assert [r.rank for r in ranked] == list(range(1, len(cands) + 1))
    # Highest score first, unscored last, equal scores by their tiebreak.
    keys = [(r.candidate.score is None, -(r.candidate.score or 0), r.candidate.tiebreak) for r in ranked]
    assert keys == sorted(keys)
    running = D(0)
    for r in ranked:
        running += r.candidate.amount
        assert r.running_total == running
    flags = [r.within_budget for r in ranked]
    line = flags.index(False) if False in flags else len(flags)
    assert flags == [True] * line + [False] * (len(flags) - line)  # above the line is a prefix
    assert sum((r.candidate.amount for r in ranked[:line]), D(0)) <= budget
    if line < len(ranked):
        assert ranked[line].running_total > budget


@given(candidates, amounts, st.randoms())
def test_the_ranking_does_not_depend_on_the_order_given(cands, budget, random):
    assume(len({c.tiebreak for c in cands}) == len(cands))
    shuffled = list(cands)
    random.shuffle(shuffled)
    assert rank_against_budget(shuffled, budget) == rank_against_budget(cands, budget)


# --- spread across localities -------------------------------------------------------------------


def test_counts_and_amounts_per_locality():
    shares = spread_across_localities(
        [(D(3000), ["North"]), (D(1000), ["North", "South"]), (D(500), [])], ["North", "South", "East"]
    )
    assert [(s.locality, s.count, s.amount, s.has_none) for s in shares] == [
        ("North", 2, D(3500), False),
        ("South", 1, D(500), False),
        ("East", 0, D(0), True),
    ]


def test_a_locality_listed_twice_for_one_eoi_counts_once():
    shares = {s.locality: s for s in spread_across_localities([(D(100), ["North", "North", "South"])], ["North"])}
    assert (shares["North"].count, shares["North"].amount) == (1, D(50))
    assert (shares["South"].count, shares["South"].amount) == (1, D(50))


def test_an_amount_shared_three_ways_is_within_a_penny_a_locality():
    shares = spread_across_localities([(D(100), ["N", "S", "E"])], ["N", "S", "E"])
    assert [s.amount for s in shares] == [D("33.33")] * 3


def test_nothing_funded_leaves_every_locality_with_none():
    shares = spread_across_localities([], ["North", "South"])
    assert [(s.count, s.amount, s.has_none) for s in shares] == [(0, 0, True), (0, 0, True)]


places = st.sampled_from(["North", "South", "East", "West", "Central"])


@given(st.lists(st.tuples(amounts, st.lists(places, max_size=6)), max_size=10), st.lists(places, unique=True))
def test_locality_properties(funded, localities):
    shares = spread_across_localities(funded, localities)
    by_name = {s.locality: s for s in shares}
    assert len(by_name) == len(shares)
    assert [s.locality for s in shares[: len(localities)]] == localities
    served = [(amount, set(where)) for amount, where in funded if where]
    expected_total = sum((amount for amount, _ in served), D(0))
    assert abs(sum((s.amount for s in shares), D(0)) - expected_total) <= PENNY * len(shares)
    for share in shares:
        assert share.count == sum(1 for _, where in served if share.locality in where)
        assert share.has_none == (share.count == 0)
        if share.count == 0:
            assert share.amount == 0


# --- balanced assignment ------------------------------------------------------------------------


def test_three_eois_two_reviewers_each_spread_evenly():
    pairs = balanced_assignment([1, 2, 3], ["a", "b", "c"], per_eoi=2, blocked=set(), existing=set())
    assert pairs == [(1, "a"), (1, "b"), (2, "c"), (2, "a"), (3, "b"), (3, "c")]


def test_blocked_pairs_are_never_made_and_existing_ones_count():
    pairs = balanced_assignment(
        [1, 2], ["a", "b", "c"], per_eoi=2, blocked={(1, "a"), (2, "a"), (2, "b")}, existing={(1, "c")}
    )
    assert pairs == [(1, "b"), (2, "c")]  # EOI 1 already had c; EOI 2 has only c to ask, one short


def test_every_unblocked_member_when_no_number_is_set():
    pairs = balanced_assignment([1, 2], ["a", "b"], per_eoi=None, blocked={(1, "b")}, existing={(2, "a")})
    assert pairs == [(1, "a"), (2, "b")]


def test_none_asked_for_or_nobody_to_ask():
    assert balanced_assignment([1], ["a"], per_eoi=0, blocked=set(), existing=set()) == []
    assert balanced_assignment([1], [], per_eoi=3, blocked=set(), existing=set()) == []
    assert balanced_assignment([1], ["a", "b"], per_eoi=1, blocked=set(), existing={(1, "a"), (1, "b")}) == []


def test_an_eoi_or_member_given_twice_is_paired_once():
    # Was a bug: each repeat was topped up again, giving (1, a) and (1, b) for one reviewer wanted.
    assert balanced_assignment([1, 1], ["a", "b"], per_eoi=1, blocked=set(), existing=set()) == [(1, "a")]
    assert balanced_assignment([1], ["a", "a"], per_eoi=None, blocked=set(), existing=set()) == [(1, "a")]


eoi_ids = st.lists(st.integers(1, 8), unique=True, max_size=8)
member_ids = st.lists(st.sampled_from("abcdefg"), unique=True, max_size=7)


@settings(deadline=None)
@given(eoi_ids, member_ids, st.one_of(st.none(), st.integers(0, 8)), st.data())
def test_assignment_properties(eois, members, per_eoi, data):
    all_pairs = [(e, m) for e in eois for m in members]
    some_pairs = st.sets(st.sampled_from(all_pairs)) if all_pairs else st.just(set())
    blocked = data.draw(some_pairs, label="blocked")
    existing = data.draw(some_pairs, label="existing") - blocked
    made = balanced_assignment(eois, members, per_eoi=per_eoi, blocked=blocked, existing=existing)
    assert len(made) == len(set(made))
    assert not set(made) & blocked
    assert not set(made) & existing
    for eoi in eois:
        available = {m for m in members if (eoi, m) not in blocked and (eoi, m) not in existing}
        new = {m for e, m in made if e == eoi}
        assert new <= available
        if per_eoi is None:
            assert new == available
        else:
            have = sum(1 for m in members if (eoi, m) in existing)
            assert len(new) == min(max(per_eoi - have, 0), len(available))


@given(eoi_ids, member_ids, st.integers(0, 8))
def test_without_blocks_the_load_is_even(eois, members, per_eoi):
    made = balanced_assignment(eois, members, per_eoi=per_eoi, blocked=set(), existing=set())
    if members:
        loads = [sum(1 for _, m in made if m == member) for member in members]
        assert max(loads) - min(loads) <= 1
