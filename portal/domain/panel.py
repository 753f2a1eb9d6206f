"""The Community Stakeholder Panel's vocabulary: who sits on it, how members are linked to groups,
what a conflict is, and what a review recommends."""

from __future__ import annotations

from enum import StrEnum

from portal.domain.text import N_
from portal.domain.workflow import DecisionOutcome

# The minimum number of reviews without a conflict that each EOI needs, unless a panel says otherwise.
DEFAULT_MINIMUM_REVIEWERS = 3
# Weighted totals are out of 100; a spread (highest minus lowest) above this is flagged for discussion.
DEFAULT_SPREAD_THRESHOLD = 25


class MemberKind(StrEnum):
    RESIDENT = "resident"
    VOLUNTARY_SECTOR_PARTNER = "voluntary_sector_partner"


class InterestKind(StrEnum):
    """How a panel member is linked to an organisation, in their register of interests."""

    TRUSTEE = "trustee"
    STAFF = "staff"
    VOLUNTEER = "volunteer"
    MEMBER = "member"
    FAMILY = "family"
    OTHER = "other"


class ConflictKind(StrEnum):
    """A conflict declared on one EOI."""

    PERSONAL = "personal"
    ORGANISATIONAL = "organisational"
    FINANCIAL = "financial"


class Recommendation(StrEnum):
    FUND = "fund"
    FUND_WITH_CONDITIONS = "fund_with_conditions"
    DO_NOT_FUND = "do_not_fund"


class CommentAudience(StrEnum):
    """Who may read a panel member's comment on one criterion."""

    FEEDBACK = "feedback"  # may be passed on to the group, in the feedback an officer writes
    PANEL_ONLY = "panel_only"  # the panel and officers only; never shown to the group


LABELS: dict[StrEnum, str] = {
    MemberKind.RESIDENT: N_("Resident"),
    MemberKind.VOLUNTARY_SECTOR_PARTNER: N_("Voluntary-sector partner"),
    InterestKind.TRUSTEE: N_("Trustee or committee member"),
    InterestKind.STAFF: N_("Paid staff"),
    InterestKind.VOLUNTEER: N_("Volunteer"),
    InterestKind.MEMBER: N_("Member or user of its services"),
    InterestKind.FAMILY: N_("A family member is involved"),
    InterestKind.OTHER: N_("Another link"),
    ConflictKind.PERSONAL: N_("Personal: I know people involved"),
    ConflictKind.ORGANISATIONAL: N_("Organisational: I am involved with the group or a partner"),
    ConflictKind.FINANCIAL: N_("Financial: I or someone close to me could gain"),
    Recommendation.FUND: N_("Fund"),
    Recommendation.FUND_WITH_CONDITIONS: N_("Fund with conditions"),
    Recommendation.DO_NOT_FUND: N_("Do not fund"),
    CommentAudience.FEEDBACK: N_("Can be shared with the group as feedback"),
    CommentAudience.PANEL_ONLY: N_("For the panel only"),
}


def goes_against_ranking(outcome: DecisionOutcome, within_budget: bool | None) -> bool:
    """Funding an EOI below the budget line, or not funding (or reserving) one above it. An EOI
    with no place in a ranking (no work stream) goes against nothing."""
    if within_budget is None:
        return False
    if outcome == DecisionOutcome.FUND:
        return not within_budget
    return within_budget
