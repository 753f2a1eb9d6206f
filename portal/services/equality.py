"""Equality and reach on the dashboard, made safe to share: how many groups chose each answer of
the optional monitoring questions (their own answers, and who took part as each funded award's
latest sent return says), with every count of 1 to 4 shown as "fewer than 5" and complementary
suppression where counts add up to a total shown beside them (``portal/domain/rollups.py``).
Plain values in, plain dataclasses out; the dashboard (monitoring.py) reads the database."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from portal.domain.contact import PREFER_NOT_TO_SAY, Community
from portal.domain.returns import suppress
from portal.domain.rollups import count_answers, suppress_group

if TYPE_CHECKING:
    from portal.models import Organisation

MONITORING_QUESTIONS = ("led_by", "works_with")


@dataclass(frozen=True)
class EqualityRow:
    code: str
    awards: int | None  # None: "fewer than 5"
    others: int | None


@dataclass(frozen=True)
class EqualityTable:
    question: str  # "led_by" or "works_with"
    options: list[EqualityRow]
    groups: list[EqualityRow]  # answered / prefer not to say / not answered, adding up to the total
    total: EqualityRow


@dataclass(frozen=True)
class CountRow:
    code: str
    count: int | None  # None: "fewer than 5"


@dataclass(frozen=True)
class TookPartTable:
    """Who took part, from returns: one count of awards per answer."""

    options: list[CountRow]
    groups: list[CountRow]  # answered / prefer not to say / not answered, adding up to the total
    total: CountRow  # the awards that have sent a return


GROUP_KEYS = ("answered", PREFER_NOT_TO_SAY, "not_answered")


def _safe_counts(answers: list[list[str] | None]) -> tuple[dict[str, int | None], list[int | None], int | None]:
    """One column of answers made safe to share: each option's count, the answered / prefer not
    to say / not answered counts (in ``GROUP_KEYS`` order) and the total. Every count of 1 to 4 is
    hidden; in the three counts that add up to the total a second is hidden with a lone hidden one
    (complementary suppression); a hidden total hides every part of it."""
    return _safe_tally([(answer, 1) for answer in answers])


def _safe_tally(
    tally: Iterable[tuple[list[str] | None, int]],
) -> tuple[dict[str, int | None], list[int | None], int | None]:
    """``_safe_counts`` of answers already counted: (an answer, how many gave it), each answer
    counted as ``count_answers`` counts it once, times how many gave it."""
    options = [c.value for c in Community]
    counts = dict.fromkeys((*options, *GROUP_KEYS), 0)
    given = 0
    for answer, how_many in tally:
        for key, value in count_answers([answer], options, PREFER_NOT_TO_SAY).items():
            counts[key] += value * how_many
        given += how_many
    return _made_safe(AnswerCounts(counts, given))


@dataclass(frozen=True)
class AnswerCounts:
    """One column of answers already counted (by the database): how many chose each option, and
    each of ``GROUP_KEYS``, out of ``given`` (as ``count_answers`` counts them)."""

    counts: dict[str, int]
    given: int

    @classmethod
    def none(cls) -> AnswerCounts:
        return cls(dict.fromkeys((*(c.value for c in Community), *GROUP_KEYS), 0), 0)


def _made_safe(column: AnswerCounts) -> tuple[dict[str, int | None], list[int | None], int | None]:
    counts = column.counts
    groups = suppress_group([counts[k] for k in GROUP_KEYS])
    total = suppress(column.given)
    if total is None:
        groups = [None if c else c for c in groups]
    return {o.value: suppress(counts[o.value]) for o in Community}, groups, total


def equality_and_reach(funded: list[Organisation], others: list[Organisation]) -> list[EqualityTable]:
    """Per monitoring question, how many groups chose each answer, in two separate columns (groups
    funded, other groups that sent an EOI) so that no column is the difference of two others.
    Small numbers are hidden as ``_safe_counts`` says."""
    options = [c.value for c in Community]
    tables = []
    for question in MONITORING_QUESTIONS:
        (f_options, f_groups, f_total), (o_options, o_groups, o_total) = (
            _safe_counts([getattr(o, question) for o in group]) for group in (funded, others)
        )
        tables.append(
            EqualityTable(
                question,
                [EqualityRow(o, f_options[o], o_options[o]) for o in options],
                [EqualityRow(k, f_groups[i], o_groups[i]) for i, k in enumerate(GROUP_KEYS)],
                EqualityRow("total", f_total, o_total),
            )
        )
    return tables


def equality_from_counts(columns: Mapping[str, AnswerCounts]) -> list[EqualityTable]:
    """``equality_and_reach`` from groups already counted by the database: per monitoring
    question and column (``"led_by:funded"``, ``"led_by:other"``…), how many groups gave each
    answer."""
    options = [c.value for c in Community]
    tables = []
    for question in MONITORING_QUESTIONS:
        (f_options, f_groups, f_total), (o_options, o_groups, o_total) = (
            _made_safe(columns.get(f"{question}:{column}", AnswerCounts.none())) for column in ("funded", "other")
        )
        tables.append(
            EqualityTable(
                question,
                [EqualityRow(o, f_options[o], o_options[o]) for o in options],
                [EqualityRow(k, f_groups[i], o_groups[i]) for i, k in enumerate(GROUP_KEYS)],
                EqualityRow("total", f_total, o_total),
            )
        )
    return tables


def took_part_from_counts(column: AnswerCounts) -> TookPartTable:
    """``took_part`` from answers already counted by the database (one per award)."""
    return _took_part_table(*_made_safe(column))


def took_part(answers: list[list[str] | None]) -> TookPartTable:
    """Who took part, from each funded award's latest sent return (``answers``: one per award
    that has sent a return; None when that return left the question blank). Small numbers are
    hidden as ``_safe_counts`` says."""
    return _took_part_table(*_safe_counts(answers))


def _took_part_table(options: dict[str, int | None], groups: list[int | None], total: int | None) -> TookPartTable:
    return TookPartTable(
        [CountRow(code, count) for code, count in options.items()],
        [CountRow(code, groups[i]) for i, code in enumerate(GROUP_KEYS)],
        CountRow("total", total),
    )
