"""The review and decision lifecycle tables: members submit, officers reopen, and a decision once
recorded changes only from the reserve list. No app, no database."""

from __future__ import annotations

import itertools

import pytest

from portal.domain.roles import Role
from portal.domain.workflow import (
    DECISION_TRANSITIONS,
    REVIEW_TRANSITIONS,
    SYSTEM,
    DecisionOutcome,
    ReviewStatus,
    check_transition,
    label,
    next_statuses,
)

MEMBER = {Role.PANEL_MEMBER}
OFFICER = {Role.OFFICER}
EVERYONE = {Role.APPLICANT, Role.PANEL_MEMBER, Role.OFFICER, Role.ADMIN, SYSTEM}

# --- reviews ------------------------------------------------------------------------------------

MEMBER_MOVES = [
    (ReviewStatus.NOT_STARTED, ReviewStatus.DRAFT),
    (ReviewStatus.NOT_STARTED, ReviewStatus.SUBMITTED),
    (ReviewStatus.DRAFT, ReviewStatus.SUBMITTED),
    (ReviewStatus.REOPENED, ReviewStatus.SUBMITTED),
]


@pytest.mark.parametrize(("current", "target"), MEMBER_MOVES)
def test_the_member_saves_and_submits_their_review(current, target):
    assert check_transition(REVIEW_TRANSITIONS, current, target, MEMBER)


@pytest.mark.parametrize(("current", "target"), MEMBER_MOVES)
def test_nobody_else_saves_or_submits_a_review(current, target):
    for roles in ({Role.OFFICER}, {Role.APPLICANT}, {Role.ADMIN}, {SYSTEM}, set()):
        decision = check_transition(REVIEW_TRANSITIONS, current, target, roles)
        assert not decision
        assert str(decision.reason) == "You do not have permission to make this change."


def test_only_an_officer_reopens_a_submitted_review():
    assert check_transition(REVIEW_TRANSITIONS, ReviewStatus.SUBMITTED, ReviewStatus.REOPENED, OFFICER)
    for roles in (MEMBER, {Role.APPLICANT}, {Role.ADMIN}, {SYSTEM}):
        assert not check_transition(REVIEW_TRANSITIONS, ReviewStatus.SUBMITTED, ReviewStatus.REOPENED, roles)


def test_a_submitted_review_is_not_changed_by_its_member():
    assert next_statuses(REVIEW_TRANSITIONS, ReviewStatus.SUBMITTED) == [ReviewStatus.REOPENED]
    for target in (ReviewStatus.DRAFT, ReviewStatus.NOT_STARTED):
        decision = check_transition(REVIEW_TRANSITIONS, ReviewStatus.SUBMITTED, target, EVERYONE)
        assert not decision
        assert str(decision.reason) == f"It cannot go from submitted to {label(target)}."


def test_submitting_twice_is_refused_and_says_why():
    decision = check_transition(REVIEW_TRANSITIONS, ReviewStatus.SUBMITTED, ReviewStatus.SUBMITTED, MEMBER)
    assert not decision
    assert str(decision.reason) == "It is already submitted."


def test_a_review_never_goes_back_to_not_started_or_to_draft_from_reopened():
    for current in ReviewStatus:
        assert not check_transition(REVIEW_TRANSITIONS, current, ReviewStatus.NOT_STARTED, EVERYONE)
    assert not check_transition(REVIEW_TRANSITIONS, ReviewStatus.REOPENED, ReviewStatus.DRAFT, EVERYONE)
    assert not check_transition(REVIEW_TRANSITIONS, ReviewStatus.NOT_STARTED, ReviewStatus.REOPENED, EVERYONE)


def test_the_review_table_is_exactly_this():
    allowed = {
        (current, target): sorted(
            role
            for role in (Role.PANEL_MEMBER, Role.OFFICER, Role.APPLICANT, Role.ADMIN, SYSTEM)
            if check_transition(REVIEW_TRANSITIONS, current, target, {role})
        )
        for current, target in itertools.product(ReviewStatus, ReviewStatus)
    }
    assert {move: roles for move, roles in allowed.items() if roles} == {
        **{move: [Role.PANEL_MEMBER] for move in MEMBER_MOVES},
        (ReviewStatus.SUBMITTED, ReviewStatus.REOPENED): [Role.OFFICER],
    }


# --- decisions ----------------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", list(DecisionOutcome))
def test_an_officer_records_any_first_decision(outcome):
    assert check_transition(DECISION_TRANSITIONS, None, outcome, OFFICER)


@pytest.mark.parametrize("outcome", list(DecisionOutcome))
def test_only_officers_decide(outcome):
    for roles in (MEMBER, {Role.APPLICANT}, {Role.ADMIN}, {SYSTEM}):
        decision = check_transition(DECISION_TRANSITIONS, None, outcome, roles)
        assert not decision
        assert str(decision.reason) == "You do not have permission to make this change."


@pytest.mark.parametrize("target", [DecisionOutcome.FUND, DecisionOutcome.DO_NOT_FUND])
def test_a_reserve_decision_becomes_fund_or_do_not_fund(target):
    assert check_transition(DECISION_TRANSITIONS, DecisionOutcome.RESERVE, target, OFFICER)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (DecisionOutcome.FUND, DecisionOutcome.DO_NOT_FUND),
        (DecisionOutcome.FUND, DecisionOutcome.RESERVE),
        (DecisionOutcome.DO_NOT_FUND, DecisionOutcome.FUND),
        (DecisionOutcome.DO_NOT_FUND, DecisionOutcome.RESERVE),
    ],
)
def test_fund_and_do_not_fund_are_final(current, target):
    decision = check_transition(DECISION_TRANSITIONS, current, target, OFFICER)
    assert not decision
    assert str(decision.reason) == f"It cannot go from {label(current)} to {label(target)}."


def test_deciding_the_same_again_is_refused():
    decision = check_transition(DECISION_TRANSITIONS, DecisionOutcome.FUND, DecisionOutcome.FUND, OFFICER)
    assert str(decision.reason) == "It is already fund."
    assert not check_transition(DECISION_TRANSITIONS, DecisionOutcome.RESERVE, DecisionOutcome.RESERVE, OFFICER)


def test_what_each_decision_can_become():
    assert set(next_statuses(DECISION_TRANSITIONS, None)) == set(DecisionOutcome)
    assert set(next_statuses(DECISION_TRANSITIONS, DecisionOutcome.RESERVE)) == {
        DecisionOutcome.FUND,
        DecisionOutcome.DO_NOT_FUND,
    }
    assert next_statuses(DECISION_TRANSITIONS, DecisionOutcome.FUND) == []
    assert next_statuses(DECISION_TRANSITIONS, DecisionOutcome.DO_NOT_FUND) == []


# --- labels -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "text"),
    [
        (ReviewStatus.NOT_STARTED, "not started"),
        (ReviewStatus.DRAFT, "draft"),
        (ReviewStatus.SUBMITTED, "submitted"),
        (ReviewStatus.REOPENED, "reopened"),
        (DecisionOutcome.FUND, "fund"),
        (DecisionOutcome.DO_NOT_FUND, "do not fund"),
        (DecisionOutcome.RESERVE, "reserve"),
        (None, "no decision"),
    ],
)
def test_labels_are_readable(status, text):
    assert label(status) == text


def test_a_refusal_names_the_statuses_in_plain_words():
    decision = check_transition(REVIEW_TRANSITIONS, ReviewStatus.NOT_STARTED, ReviewStatus.REOPENED, OFFICER)
    assert str(decision.reason) == "It cannot go from not started to reopened."
    assert "_" not in str(decision.reason)
