"""The panel's arithmetic: weighted totals, how far reviewers agree, who scores harshly or
generously, and the ranking of EOIs against a work stream's budget. Pure functions over plain values.

Scores run 0–4 per criterion; a criterion left unscored is ``None`` and is left out, never counted
as 0. A weighted total is out of 100: the weighted share of the highest possible score, over the
criteria that were scored.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Generic, TypeVar

MAX_SCORE = 4
SCORES = range(MAX_SCORE + 1)
HUNDRED = Decimal(100)
_CENT = Decimal("0.01")

K = TypeVar("K", bound=Hashable)
M = TypeVar("M", bound=Hashable)


def _round(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def _to_penny(value: Decimal) -> Decimal:
    """Rounded to a hundredth, but left as given when it is no finer (a score of 3 stays 3)."""
    rounded = _round(Decimal(value))
    return value if rounded == value else rounded


def weighted_total(scores: Iterable[tuple[Decimal, int | None]]) -> Decimal | None:
    """Out of 100, from ``(weight, score)`` pairs; ``None`` when nothing with a weight was scored."""
    weighted = Decimal(0)
    possible = Decimal(0)
    for weight, score in scores:
        if score is None:
            continue
        if score not in SCORES:
            raise ValueError(f"a score must be 0 to {MAX_SCORE}, not {score!r}")
        weighted += Decimal(weight) * score
        possible += Decimal(weight) * MAX_SCORE
    if possible == 0:
        return None
    return _round(weighted / possible * HUNDRED)


@dataclass(frozen=True)
class Summary:
    """How the reviews of one EOI compare."""

    count: int
    mean: Decimal
    median: Decimal
    minimum: Decimal
    maximum: Decimal

    @property
    def spread(self) -> Decimal:
        return self.maximum - self.minimum


def summarise(totals: Sequence[Decimal]) -> Summary | None:
    """Mean, median, lowest, highest and spread of the weighted totals; ``None`` with no reviews.
    The lowest and highest are rounded like the mean and median (when finer than a hundredth), so
    the mean and median never fall outside them."""
    if not totals:
        return None
    return Summary(
        count=len(totals),
        mean=_round(sum(totals, Decimal(0)) / len(totals)),
        median=_round(Decimal(statistics.median(totals))),
        minimum=_to_penny(min(totals)),
        maximum=_to_penny(max(totals)),
    )


@dataclass(frozen=True)
class Leniency:
    """A reviewer's average difference from the rest of the panel on the EOIs they both scored:
    above 0 is more generous, below 0 harsher. ``compared`` is how many EOIs it rests on."""

    difference: Decimal
    compared: int


def leniency(totals: Iterable[tuple[M, K, Decimal]]) -> dict[M, Leniency]:
    """From ``(reviewer, eoi, weighted total)``: each reviewer's mean of (their total − the mean of the
    other reviewers' totals for the same EOI). EOIs nobody else scored are left out; a reviewer with
    none to compare is left out of the result."""
    by_eoi: dict[K, list[tuple[M, Decimal]]] = defaultdict(list)
    for reviewer, eoi, total in totals:
        by_eoi[eoi].append((reviewer, total))
    differences: dict[M, list[Decimal]] = defaultdict(list)
    for reviews in by_eoi.values():
        if len(reviews) < 2:
            continue
        whole = sum((total for _, total in reviews), Decimal(0))
        for reviewer, total in reviews:
            others = (whole - total) / (len(reviews) - 1)
            differences[reviewer].append(total - others)
    return {
        reviewer: Leniency(_round(sum(diffs, Decimal(0)) / len(diffs)), len(diffs))
        for reviewer, diffs in differences.items()
    }


@dataclass(frozen=True)
class Candidate(Generic[K]):
    key: K
    score: Decimal | None  # the agreed panel score, else the mean; None when nobody scored it
    amount: Decimal  # what the group asked for
    tiebreak: str = ""  # equal scores are ordered by this (the reference), so the ranking is stable


@dataclass(frozen=True)
class Ranked(Generic[K]):
    candidate: Candidate[K]
    rank: int
    running_total: Decimal
    within_budget: bool


def rank_against_budget(candidates: Iterable[Candidate[K]], budget: Decimal) -> list[Ranked[K]]:
    """Highest score first (unscored last), with the running total of the amounts asked for. The
    budget line falls before the first EOI whose running total goes over the budget: it and
    everything after it are below the line, even where a later, smaller amount would still fit."""
    ordered = sorted(
        candidates,
        key=lambda c: (c.score is None, -(c.score or Decimal(0)), c.tiebreak),
    )
    ranked: list[Ranked[K]] = []
    running = Decimal(0)
    within = True
    for position, candidate in enumerate(ordered, start=1):
        running += candidate.amount
        within = within and running <= budget
        ranked.append(Ranked(candidate, position, running, within))
    return ranked


@dataclass(frozen=True)
class LocalityShare:
    locality: str
    count: int
    amount: Decimal

    @property
    def has_none(self) -> bool:
        return self.count == 0


def spread_across_localities(
    funded: Iterable[tuple[Decimal, Sequence[str]]], localities: Sequence[str]
) -> list[LocalityShare]:
    """For the EOIs above the line, ``(amount, localities it serves)``: how many work in each
    locality and how much money goes there. An EOI working in several localities counts once in
    each, and its amount is shared equally between them, so the amounts add up to the total."""
    counts: dict[str, int] = dict.fromkeys(localities, 0)
    amounts: dict[str, Decimal] = dict.fromkeys(localities, Decimal(0))
    for amount, served in funded:
        places = list(dict.fromkeys(served))
        if not places:
            continue
        share = Decimal(amount) / len(places)
        for place in places:
            counts[place] = counts.get(place, 0) + 1
            amounts[place] = amounts.get(place, Decimal(0)) + share
    return [LocalityShare(name, counts[name], _round(amounts[name])) for name in counts]


def balanced_assignment(
    eois: Sequence[K],
    members: Sequence[M],
    *,
    per_eoi: int | None,
    blocked: set[tuple[K, M]],
    existing: set[tuple[K, M]],
) -> list[tuple[K, M]]:
    """New (eoi, member) pairs. ``per_eoi=None``: every member to every EOI. Otherwise each EOI is
    topped up to ``per_eoi`` reviewers, choosing the members with the fewest EOIs so far (ties in
    the order given). Blocked pairs (links in a register of interests, declared conflicts) are
    never made; existing pairs are never made twice and count towards the load."""
    load: dict[M, int] = dict.fromkeys(members, 0)
    for _, member in existing:
        if member in load:
            load[member] += 1
    members = list(dict.fromkeys(members))  # each once: a repeated EOI or member would pair twice
    order = {member: index for index, member in enumerate(members)}
    made: list[tuple[K, M]] = []
    for eoi in dict.fromkeys(eois):
        have = sum(1 for member in members if (eoi, member) in existing)
        free = [m for m in members if (eoi, m) not in blocked and (eoi, m) not in existing]
        if per_eoi is not None:
            free.sort(key=lambda m: (load[m], order[m]))
            free = free[: max(per_eoi - have, 0)]
        for member in free:
            made.append((eoi, member))
            load[member] += 1
    return made


def mapping_total(weights: Mapping[int, Decimal], scores: Mapping[int, int | None]) -> Decimal | None:
    """``weighted_total`` for scores keyed by criterion id, with each criterion's weight."""
    return weighted_total((weights[criterion], score) for criterion, score in scores.items() if criterion in weights)
