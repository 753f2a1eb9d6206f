"""Each record's lifecycle as one explicit table: from → to → who may move it.

Services ask ``check_transition`` before changing a status; a refused move carries a plain reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from portal.domain.roles import Role
from portal.domain.text import N_, Message


class RoundStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    IN_ASSESSMENT = "in_assessment"
    DECIDED = "decided"
    ARCHIVED = "archived"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: Message | None = None

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(True)

SYSTEM = "system"  # the clock: a scheduled command acting without a person

ROUND_TRANSITIONS: dict[tuple[RoundStatus, RoundStatus], frozenset[str]] = {
    (RoundStatus.DRAFT, RoundStatus.OPEN): frozenset({Role.OFFICER, SYSTEM}),
    (RoundStatus.OPEN, RoundStatus.CLOSED): frozenset({Role.OFFICER, SYSTEM}),
    (RoundStatus.CLOSED, RoundStatus.OPEN): frozenset({Role.OFFICER}),
    (RoundStatus.CLOSED, RoundStatus.IN_ASSESSMENT): frozenset({Role.OFFICER}),
    (RoundStatus.IN_ASSESSMENT, RoundStatus.DECIDED): frozenset({Role.OFFICER}),
    (RoundStatus.DECIDED, RoundStatus.ARCHIVED): frozenset({Role.OFFICER}),
}


class ApplicationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    WITH_PANEL = "with_panel"
    SCORED = "scored"
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"


APPLICANT = Role.APPLICANT  # a member of the group (or an officer acting on its behalf)

APPLICATION_TRANSITIONS: dict[tuple[ApplicationStatus, ApplicationStatus], frozenset[str]] = {
    (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED): frozenset({Role.APPLICANT, Role.OFFICER}),
    (ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE): frozenset({Role.OFFICER}),
    (ApplicationStatus.SUBMITTED, ApplicationStatus.INELIGIBLE): frozenset({Role.OFFICER}),
    (ApplicationStatus.INELIGIBLE, ApplicationStatus.ELIGIBLE): frozenset({Role.OFFICER}),
    (ApplicationStatus.ELIGIBLE, ApplicationStatus.INELIGIBLE): frozenset({Role.OFFICER}),
    (ApplicationStatus.ELIGIBLE, ApplicationStatus.WITH_PANEL): frozenset({Role.OFFICER}),
    (ApplicationStatus.WITH_PANEL, ApplicationStatus.SCORED): frozenset({Role.OFFICER, SYSTEM}),
    (ApplicationStatus.SCORED, ApplicationStatus.DECIDED): frozenset({Role.OFFICER}),
    **{
        (status, ApplicationStatus.WITHDRAWN): frozenset({Role.APPLICANT, Role.OFFICER})
        for status in (
            ApplicationStatus.DRAFT,
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.ELIGIBLE,
            ApplicationStatus.INELIGIBLE,
            ApplicationStatus.WITH_PANEL,
            ApplicationStatus.SCORED,
        )
    },
}


class ReviewStatus(StrEnum):
    """A panel member's review of one EOI (the assignment is the review)."""

    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    REOPENED = "reopened"


PANEL_MEMBER = Role.PANEL_MEMBER

REVIEW_TRANSITIONS: dict[tuple[ReviewStatus, ReviewStatus], frozenset[str]] = {
    (ReviewStatus.NOT_STARTED, ReviewStatus.DRAFT): frozenset({Role.PANEL_MEMBER}),
    (ReviewStatus.NOT_STARTED, ReviewStatus.SUBMITTED): frozenset({Role.PANEL_MEMBER}),
    (ReviewStatus.DRAFT, ReviewStatus.SUBMITTED): frozenset({Role.PANEL_MEMBER}),
    (ReviewStatus.SUBMITTED, ReviewStatus.REOPENED): frozenset({Role.OFFICER}),
    (ReviewStatus.REOPENED, ReviewStatus.SUBMITTED): frozenset({Role.PANEL_MEMBER}),
}


class DecisionOutcome(StrEnum):
    FUND = "fund"
    DO_NOT_FUND = "do_not_fund"
    RESERVE = "reserve"


# A decision once recorded changes only from the reserve list; ``None`` is "no decision yet".
DECISION_TRANSITIONS: dict[tuple[DecisionOutcome | None, DecisionOutcome], frozenset[str]] = {
    (None, DecisionOutcome.FUND): frozenset({Role.OFFICER}),
    (None, DecisionOutcome.DO_NOT_FUND): frozenset({Role.OFFICER}),
    (None, DecisionOutcome.RESERVE): frozenset({Role.OFFICER}),
    (DecisionOutcome.RESERVE, DecisionOutcome.FUND): frozenset({Role.OFFICER}),
    (DecisionOutcome.RESERVE, DecisionOutcome.DO_NOT_FUND): frozenset({Role.OFFICER}),
}


class AwardStatus(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    ACTIVE = "active"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


# Awards the group has taken up: they count on the dashboards, the register and for returns.
LIVE_AWARDS = (AwardStatus.ACCEPTED, AwardStatus.ACTIVE, AwardStatus.COMPLETED)

# The group answers its offer; an officer may record the group's answer for it (the assisted route,
# portal/services/assisted_award.py), recorded with the group and how it reached us.
AWARD_TRANSITIONS: dict[tuple[AwardStatus, AwardStatus], frozenset[str]] = {
    (AwardStatus.OFFERED, AwardStatus.ACCEPTED): frozenset({Role.APPLICANT, Role.OFFICER}),
    (AwardStatus.OFFERED, AwardStatus.DECLINED): frozenset({Role.APPLICANT, Role.OFFICER}),
    (AwardStatus.ACCEPTED, AwardStatus.ACTIVE): frozenset({Role.OFFICER, SYSTEM}),
    (AwardStatus.ACTIVE, AwardStatus.COMPLETED): frozenset({Role.OFFICER, SYSTEM}),
    (AwardStatus.OFFERED, AwardStatus.WITHDRAWN): frozenset({Role.OFFICER}),
    (AwardStatus.ACCEPTED, AwardStatus.WITHDRAWN): frozenset({Role.OFFICER}),
    (AwardStatus.ACTIVE, AwardStatus.WITHDRAWN): frozenset({Role.OFFICER}),
}


class ReturnStatus(StrEnum):
    DUE = "due"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    QUERIED = "queried"
    ACCEPTED = "accepted"


RETURN_TRANSITIONS: dict[tuple[ReturnStatus, ReturnStatus], frozenset[str]] = {
    (ReturnStatus.DUE, ReturnStatus.DRAFT): frozenset({Role.APPLICANT, Role.OFFICER}),
    (ReturnStatus.DUE, ReturnStatus.SUBMITTED): frozenset({Role.APPLICANT, Role.OFFICER}),
    (ReturnStatus.DRAFT, ReturnStatus.SUBMITTED): frozenset({Role.APPLICANT, Role.OFFICER}),
    (ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED): frozenset({Role.OFFICER}),
    (ReturnStatus.SUBMITTED, ReturnStatus.QUERIED): frozenset({Role.OFFICER}),
    (ReturnStatus.QUERIED, ReturnStatus.SUBMITTED): frozenset({Role.APPLICANT, Role.OFFICER}),
}


def check_transition(
    table: dict[tuple[StrEnum | None, StrEnum], frozenset[str]],
    current: StrEnum | None,
    target: StrEnum,
    actor_roles: set[str] | frozenset[str],
) -> Decision:
    """Whether someone holding ``actor_roles`` may move a record from ``current`` to ``target``."""
    if current == target:
        return Decision(False, Message(N_("It is already %(status)s."), {"status": label(target)}))
    allowed_roles = table.get((current, target))
    if allowed_roles is None:
        return Decision(
            False,
            Message(
                N_("It cannot go from %(current)s to %(target)s."), {"current": label(current), "target": label(target)}
            ),
        )
    if not allowed_roles & set(actor_roles):
        return Decision(False, Message(N_("You do not have permission to make this change.")))
    return ALLOWED


def next_statuses(table: dict[tuple[StrEnum, StrEnum], frozenset[str]], current: StrEnum) -> list[StrEnum]:
    return [to for (frm, to) in table if frm == current]


def label(status: StrEnum | None) -> str:
    return "no decision" if status is None else str(status.value).replace("_", " ")
