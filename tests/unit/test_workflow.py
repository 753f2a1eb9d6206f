"""The round lifecycle table, without an app or a database."""

from __future__ import annotations

import pytest

from portal.domain.roles import Role
from portal.domain.workflow import ROUND_TRANSITIONS, SYSTEM, RoundStatus, check_transition, next_statuses


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (RoundStatus.DRAFT, RoundStatus.OPEN),
        (RoundStatus.OPEN, RoundStatus.CLOSED),
        (RoundStatus.CLOSED, RoundStatus.IN_ASSESSMENT),
        (RoundStatus.IN_ASSESSMENT, RoundStatus.DECIDED),
        (RoundStatus.DECIDED, RoundStatus.ARCHIVED),
    ],
)
def test_an_officer_moves_a_round_forward_one_step_at_a_time(current, target):
    assert check_transition(ROUND_TRANSITIONS, current, target, {Role.OFFICER}).allowed


def test_a_round_cannot_skip_steps_and_says_why():
    decision = check_transition(ROUND_TRANSITIONS, RoundStatus.DRAFT, RoundStatus.DECIDED, {Role.OFFICER})
    assert not decision.allowed
    assert str(decision.reason) == "It cannot go from draft to decided."


def test_an_applicant_cannot_open_a_round():
    decision = check_transition(ROUND_TRANSITIONS, RoundStatus.DRAFT, RoundStatus.OPEN, {Role.APPLICANT})
    assert not decision.allowed
    assert "permission" in str(decision.reason)


def test_the_clock_opens_and_closes_rounds_but_decides_nothing():
    assert check_transition(ROUND_TRANSITIONS, RoundStatus.DRAFT, RoundStatus.OPEN, {SYSTEM})
    assert check_transition(ROUND_TRANSITIONS, RoundStatus.OPEN, RoundStatus.CLOSED, {SYSTEM})
    assert not check_transition(ROUND_TRANSITIONS, RoundStatus.IN_ASSESSMENT, RoundStatus.DECIDED, {SYSTEM})


def test_moving_to_the_same_status_is_refused():
    decision = check_transition(ROUND_TRANSITIONS, RoundStatus.OPEN, RoundStatus.OPEN, {Role.OFFICER})
    assert not decision.allowed
    assert str(decision.reason) == "It is already open."


def test_an_archived_round_goes_nowhere():
    assert next_statuses(ROUND_TRANSITIONS, RoundStatus.ARCHIVED) == []
    assert set(next_statuses(ROUND_TRANSITIONS, RoundStatus.CLOSED)) == {RoundStatus.OPEN, RoundStatus.IN_ASSESSMENT}
