"""Expressions of interest: their sections, how complete each is, and the group-facing stages."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from portal.domain.text import N_, Message
from portal.domain.workflow import ApplicationStatus


class Channel(StrEnum):
    """How an application or return reached the council."""

    ONLINE = "online"
    PHONE = "phone"
    PAPER = "paper"
    IN_PERSON = "in_person"
    VIDEO_CALL = "video_call"


class Section(StrEnum):
    """The EOI task list, in order."""

    PROJECT = "project"
    WORK_STREAM = "work_stream"
    BENEFICIARIES = "beneficiaries"
    ACTIVITIES = "activities"
    OUTPUTS = "outputs"
    CRITERIA = "criteria"
    BUDGET = "budget"
    PARTNERS = "partners"
    DECLARATIONS = "declarations"


class SectionState(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class Stage(StrEnum):
    """What a group is told about where its application is."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    BEING_CHECKED = "being_checked"
    WITH_THE_PANEL = "with_the_panel"
    DECISION = "decision"
    NOT_ELIGIBLE = "not_eligible"
    WITHDRAWN = "withdrawn"


def stage_for(status: ApplicationStatus, *, decisions_released: bool = False) -> Stage:
    """The stage a group sees. Panel scores and unreleased decisions stay 'with the panel'."""
    if status == ApplicationStatus.DRAFT:
        return Stage.DRAFT
    if status == ApplicationStatus.SUBMITTED:
        return Stage.BEING_CHECKED
    if status == ApplicationStatus.INELIGIBLE:
        return Stage.NOT_ELIGIBLE
    if status == ApplicationStatus.WITHDRAWN:
        return Stage.WITHDRAWN
    if status == ApplicationStatus.DECIDED and decisions_released:
        return Stage.DECISION
    return Stage.WITH_THE_PANEL


def format_reference(prefix: str, number: int) -> str:
    """'CIF-2026-' and 42 → 'CIF-2026-0042' (at least four digits, more when needed)."""
    return f"{prefix}{number:04d}"


def section_states(filled: dict[Section, bool], completed: set[str]) -> dict[Section, SectionState]:
    """Completed when the person finished the section; in progress when anything is filled in."""
    states = {}
    for section in Section:
        if section.value in completed:
            states[section] = SectionState.COMPLETED
        elif filled.get(section):
            states[section] = SectionState.IN_PROGRESS
        else:
            states[section] = SectionState.NOT_STARTED
    return states


def count_words(text: str | None) -> int:
    """Words as people count them: runs of characters between spaces (works for any script)."""
    return len((text or "").split())


def budget_problems(
    amount: Decimal | None, lines: list[Decimal], *, minimum: Decimal, maximum: Decimal
) -> list[Message]:
    """What is wrong with an amount asked for and its budget lines (Decimals), in plain English."""
    problems = []
    if amount is None:
        problems.append(Message(N_("Enter how much you are asking for")))
        return problems
    if amount < minimum or amount > maximum:
        problems.append(
            Message(
                N_("You can ask for between %(min)s and %(max)s"),
                {"min": f"£{minimum:,.0f}", "max": f"£{maximum:,.0f}"},
            )
        )
    if not lines:
        problems.append(Message(N_("Add at least one thing you will spend the money on")))
    else:
        total = sum((line for line in lines), Decimal(0))
        if total != amount:
            problems.append(
                Message(
                    N_("Your budget lines add up to %(total)s, but you are asking for %(amount)s. Make them match."),
                    {"total": f"£{total:,.2f}".replace(".00", ""), "amount": f"£{amount:,.2f}".replace(".00", "")},
                )
            )
    return problems


def answer_problem(text: str | None, word_limit: int | None) -> Message | None:
    """Too many words for the question's limit (the limit is in words, not characters)."""
    words = count_words(text)
    if word_limit is not None and words > word_limit:
        return Message(
            N_("Your answer has %(words)d words. Shorten it to %(limit)d words or fewer."),
            {"words": words, "limit": word_limit},
        )
    return None


def missing_sections(states: dict[Section, SectionState]) -> list[Section]:
    return [section for section, state in states.items() if state != SectionState.COMPLETED]
