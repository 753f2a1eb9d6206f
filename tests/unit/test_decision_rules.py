"""When a decision goes against the panel's ranking (and so needs its own reason), without an app
or a database."""

from __future__ import annotations

import pytest

from portal.domain.panel import goes_against_ranking
from portal.domain.workflow import DecisionOutcome

FUND, NOT, RESERVE = DecisionOutcome.FUND, DecisionOutcome.DO_NOT_FUND, DecisionOutcome.RESERVE


@pytest.mark.parametrize(
    ("outcome", "above_the_line", "against"),
    [
        (FUND, True, False),
        (FUND, False, True),  # funding an EOI below the budget line
        (NOT, True, True),  # not funding one above it
        (NOT, False, False),
        (RESERVE, True, True),  # putting one above the line on the reserve list
        (RESERVE, False, False),
        (FUND, None, False),  # not ranked (no work stream): nothing to go against
        (NOT, None, False),
    ],
)
def test_a_decision_goes_against_the_ranking(outcome, above_the_line, against):
    assert goes_against_ranking(outcome, above_the_line) is against
