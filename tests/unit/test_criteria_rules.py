"""Criteria rules: which changes are refused once scoring has started, and what weights may be."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from portal.domain.criteria import (
    DEFAULT_DESCRIPTORS,
    SCORE_NAMES,
    CriterionDetails,
    changed_fields,
    check_change,
    details_problems,
    locked_fields,
    share_of_total,
    total_weight,
    weight_problem,
    weight_warnings,
    word_limit_problem,
)
from portal.domain.rounds import RoundFacts, opening_problems

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def details(**overrides):  # noqa: ANN003, ANN201
    values = {
        "title": "Working in partnership",
        "question": "Who will you work with?",
        "word_limit": 200,
        "guidance": "Informal partnerships count.",
        "descriptors": ("None", "Some", "Enough", "Good", "Strong"),
        "weight": Decimal("2"),
    }
    values.update(overrides)
    return CriterionDetails(**values)


def stored(**overrides):  # noqa: ANN003, ANN201
    """The same criterion as ``details()``, as the database holds it."""
    return {**details().fields(), "weight": Decimal("2.00"), **overrides}


# --- once scoring has started ----------------------------------------------------------------------


@pytest.mark.parametrize("field", ["weight", "question", "word_limit", "descriptor_0", "descriptor_2", "descriptor_4"])
def test_changes_that_would_alter_scores_are_refused_once_scoring_has_started(field):
    decision = check_change([field], scoring_started=True)
    assert not decision
    assert str(decision.reason) == (
        "Scoring has started, so you cannot change the weight, question or score descriptions of this "
        "criterion. Archive it and add a new one instead."
    )


@pytest.mark.parametrize("field", ["title", "guidance"])
def test_the_title_and_panel_guidance_may_still_be_corrected(field):
    assert check_change([field], scoring_started=True)


@pytest.mark.parametrize("field", ["title", "question", "word_limit", "guidance", "descriptor_3", "weight"])
def test_before_scoring_starts_anything_may_change(field):
    assert check_change([field], scoring_started=False)


def test_a_mixed_change_is_refused_and_names_only_the_locked_fields():
    changed = ["title", "question", "guidance", "weight"]
    assert not check_change(changed, scoring_started=True)
    assert locked_fields(changed, scoring_started=True) == ["question", "weight"]
    assert locked_fields(changed, scoring_started=False) == []


def test_no_change_at_all_is_allowed_after_scoring_started():
    assert check_change([], scoring_started=True)


# --- what counts as a change -----------------------------------------------------------------------


def test_a_form_sent_back_as_shown_changes_nothing():
    # The browser sends \r\n line endings and the form shows 2.00 as 2; neither is a change.
    proposed = details(question="Who will you work with?\r\n", weight=Decimal("2.0")).fields()
    assert changed_fields(stored(), proposed) == []


def test_weights_are_kept_with_two_decimal_places():
    assert str(details(weight=Decimal("1.5")).fields()["weight"]) == "1.50"
    assert str(details(weight=Decimal("-0")).fields()["weight"]) == "0.00"


def test_empty_guidance_is_the_same_as_none():
    assert changed_fields(stored(guidance=None), details(guidance="  ").fields()) == []


def test_changed_fields_are_named_in_form_order():
    proposed = details(
        weight=Decimal("1.5"), title="Partnerships", descriptors=("None", "A little", "Enough", "Good", "Strong")
    ).fields()
    assert changed_fields(stored(), proposed) == ["title", "descriptor_1", "weight"]


def test_removing_the_word_limit_is_a_change():
    assert changed_fields(stored(), details(word_limit=None).fields()) == ["word_limit"]


# --- weights and word limits -----------------------------------------------------------------------


@pytest.mark.parametrize("weight", ["0", "1", "1.5", "2.25", "10", "10.00"])
def test_weights_from_0_to_10_with_up_to_2_decimal_places_are_fine(weight):
    assert weight_problem(Decimal(weight)) is None


@pytest.mark.parametrize(
    ("weight", "message"),
    [
        ("-1", "The weight cannot be less than 0"),
        ("-0.01", "The weight cannot be less than 0"),
        ("10.01", "The weight must be 10 or less"),
        ("1.255", "The weight can have up to 2 decimal places, like 1.25"),
        ("NaN", "Enter the weight as a number, like 1 or 1.5"),
    ],
)
def test_weights_outside_the_rules_are_refused_with_a_reason(weight, message):
    assert str(weight_problem(Decimal(weight))) == message


@pytest.mark.parametrize("limit", [None, 10, 250, 2000])
def test_word_limits_from_10_to_2000_or_none(limit):
    assert word_limit_problem(limit) is None


@pytest.mark.parametrize("limit", [0, 9, 2001, -5])
def test_word_limits_outside_the_range_are_refused(limit):
    assert str(word_limit_problem(limit)) == (
        "The word limit must be from 10 to 2000 words, or leave it empty for no limit"
    )


def test_details_problems_are_named_by_field():
    problems = details_problems(
        details(title=" ", descriptors=("a", "", "c", "d", "e"), weight=Decimal("-1"), word_limit=5)
    )
    assert {name: str(message) for name, message in problems.items()} == {
        "title": "Enter a title for the criterion",
        "word_limit": "The word limit must be from 10 to 2000 words, or leave it empty for no limit",
        "descriptor_1": "Describe what a score of 1 means",
        "weight": "The weight cannot be less than 0",
    }
    assert details_problems(details()) == {}


# --- what the weights mean -------------------------------------------------------------------------


def test_each_weight_as_a_share_of_the_total():
    weights = [Decimal("2"), Decimal("2"), Decimal("1")]
    total = total_weight(weights)
    assert total == Decimal("5")
    assert [share_of_total(w, total) for w in weights] == [Decimal("40.0"), Decimal("40.0"), Decimal("20.0")]
    assert share_of_total(Decimal("1"), Decimal("3")) == Decimal("33.3")


def test_shares_mean_nothing_when_every_weight_is_0():
    assert share_of_total(Decimal("0"), Decimal("0")) is None


@pytest.mark.parametrize(
    ("weights", "warning"),
    [
        ((), "Add at least one scoring criterion."),
        ((Decimal("0"), Decimal("0")), "At least one criterion must have a weight above 0."),
    ],
)
def test_weights_that_stop_the_round_opening_are_warned_about_as_opening_would(weights, warning):
    assert [str(m) for m in weight_warnings(weights)] == [warning]
    facts = RoundFacts(
        work_stream_count=1,
        criterion_weights=weights,
        opens_at=None,
        closes_at=NOW + timedelta(days=1),
        min_amount=Decimal("0"),
        max_amount=Decimal("100"),
    )
    assert weight_warnings(weights) == opening_problems(facts, NOW)


def test_sensible_weights_give_no_warning():
    assert weight_warnings((Decimal("0"), Decimal("1"))) == []


def test_there_is_a_name_and_a_default_description_for_every_score():
    assert SCORE_NAMES == ("No evidence", "Limited", "Adequate", "Good", "Strong")
    assert len(DEFAULT_DESCRIPTORS) == 5 and all(text.endswith(".") for text in DEFAULT_DESCRIPTORS)
