"""The bounded moderation page (portal/services/moderation_page.py) works its figures out in SQL, on
whole hundredths and pennies: here it is held to the panel's own arithmetic (moderation_for, which
reads every score into Python) on a meeting with uneven weights, unscored criteria, conflicts,
agreed scores, decisions and amounts in pennies, and its pages put together give the whole."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

import pytest

from portal.domain.panel import ConflictKind
from portal.domain.roles import Role
from portal.domain.workflow import ApplicationStatus, DecisionOutcome, RoundStatus
from portal.extensions import db as _db
from portal.models import AgreedScore, ConflictDeclaration, FundingDecision, Locality
from portal.services import moderation
from portal.services.moderation_page import eoi_place, member_leniency, moderation_page
from tests import factories
from tests.query_budget import count_queries
from tests.services.test_moderation import build_meeting


def build_uneven_meeting(seed: int, eois: int = 23):  # noqa: ANN201
    """A round whose first work stream has ``eois`` EOIs scored by some of five members on four
    criteria of uneven weights (one archived), with what a real meeting has: unscored criteria,
    drafts, conflicts, agreed scores, decisions, several localities and amounts in pennies."""
    rng = random.Random(seed)
    places = [Locality(name=f"Place {seed}-{i}", position=i, is_archived=i == 3) for i in range(5)]
    _db.session.add_all(places)
    round_ = factories.make_round(title="Uneven", criteria=4, work_streams=2)
    for criterion, weight in zip(round_.criteria, ("1.5", "2", "0.25", "3"), strict=True):
        criterion.weight = Decimal(weight)
    round_.criteria[3].is_archived = True
    stream = round_.work_streams[0]
    _db.session.commit()
    users = [factories.make_user(roles={Role.PANEL_MEMBER}, full_name=f"Member {seed}-{i}") for i in range(5)]
    panel = factories.make_panel(round_=round_, members=users, spread_threshold=Decimal("20.5"), minimum_reviewers=3)
    applications = []
    for i in range(eois):
        application = factories.make_eligible_application(round_=round_)
        application.work_stream_id = stream.id if i % 5 else round_.work_streams[1].id
        application.amount_requested = Decimal(rng.choice(["999.99", "1500.10", "2500.00", "3000.05", "0.01"]))
        application.localities = rng.sample(places, rng.randint(0, 3))
        applications.append(application)
        for member in panel.members:
            if rng.random() < 0.25:
                continue
            scores = [rng.choice([0, 1, 2, 3, 4, None]) for _ in range(3)]
            factories.make_review(application, member, scores=scores, submit=rng.random() < 0.85)
        if rng.random() < 0.2:
            _db.session.add(
                ConflictDeclaration(
                    application=application, member=rng.choice(panel.members), kind=ConflictKind.PERSONAL
                )
            )
        if rng.random() < 0.2:
            _db.session.add(
                AgreedScore(
                    application_id=application.id,
                    score=Decimal(rng.randint(0, 10000)) / 100,
                    rationale="Agreed at the meeting.",
                )
            )
        if rng.random() < 0.15:
            application.status = ApplicationStatus.SCORED
            _db.session.add(
                FundingDecision(
                    application_id=application.id, outcome=DecisionOutcome.FUND, amount=Decimal("900"), reason="Good."
                )
            )
    stream.budget = Decimal(rng.choice(["5000", "7999.95", "12000.17"]))
    round_.status = RoundStatus.IN_ASSESSMENT
    _db.session.commit()
    return round_, stream


def _whole(round_, stream, per_page: int):  # noqa: ANN001, ANN202
    """Every page of the EOIs and of the ranking, put together, and the figures of the first page."""
    first = moderation_page(round_, stream, per_page=per_page)
    eois, ranking = [], []
    for number in range(1, first.eoi_page.pages + 1):
        eois += moderation_page(round_, stream, page=number, per_page=per_page).eois
    for number in range(1, first.ranking_page.pages + 1):
        ranking += moderation_page(round_, stream, ranking_page=number, per_page=per_page).ranking
    return first, eois, ranking


@pytest.mark.parametrize("seed", [1, 2, 3, 29, 30])
def test_the_page_agrees_with_the_panels_arithmetic_to_the_penny(app, seed):  # noqa: ANN001
    round_, stream = build_uneven_meeting(seed)
    full = moderation.moderation_for(round_, stream)
    first, eois, ranking = _whole(round_, stream, per_page=4)

    assert first.eoi_count == len(full.eois) == len(eois)
    by_id = {eoi.application_id: eoi for eoi in full.eois}
    for eoi in eois:
        expected = by_id[eoi.application_id]
        assert [(r.review_id, r.member_name, r.total) for r in eoi.reviews] == [
            (r.review_id, r.member_name, r.total) for r in expected.reviews
        ]
        assert eoi.summary == expected.summary
        assert (eoi.spread_too_wide, eoi.too_few_reviews, eoi.conflicts) == (
            expected.spread_too_wide,
            expected.too_few_reviews,
            expected.conflicts,
        )
        assert (eoi.agreed and eoi.agreed.score) == (expected.agreed and expected.agreed.score)
        assert (eoi.group, eoi.amount, eoi.localities) == (expected.group, expected.amount, expected.localities)
    flagged = [eoi.has_flags for eoi in eois]
    assert flagged == sorted(flagged, reverse=True), "the EOIs needing attention come first"
    assert first.attention.any == sum(flagged)
    assert first.attention.spread == sum(e.spread_too_wide for e in full.eois)
    assert first.attention.conflicts == sum(bool(e.conflicts) for e in full.eois)

    assert [(r.eoi.application_id, r.rank, r.running_total, r.within_budget) for r in ranking] == [
        (r.eoi.application_id, r.rank, r.running_total, r.within_budget) for r in full.ranking
    ]
    assert [r.eoi.score for r in ranking] == [r.eoi.score for r in full.ranking]
    assert [r.first_below_line for r in ranking] == [r.first_below_line for r in full.ranking]
    assert (first.allocated, first.above_line) == (full.allocated, full.above_line)
    # Exact sums, rounded once: the Python path divides each EOI's share (and difference) to 28
    # digits before adding them up, and so can fall a penny short at an exact half (a thirds).
    assert [(s.locality, s.count, s.amount) for s in first.localities] == _exact_shares(full)
    leniency = member_leniency(round_)
    assert [(m.name, m.difference, m.compared) for m in leniency] == _exact_leniency(round_)
    assert [(m.name, m.compared) for m in leniency] == [(m.name, m.compared) for m in full.leniency]
    for ours, theirs in zip(leniency, full.leniency, strict=True):
        assert abs(ours.difference - theirs.difference) <= Decimal("0.01")


def _half_up(value: Fraction) -> Decimal:
    """To the hundredth, halves away from zero."""
    return Decimal(math.floor(abs(value) * 100 + Fraction(1, 2)) * (1 if value >= 0 else -1)) / 100


def _exact_shares(full) -> list[tuple[str, int, Decimal]]:  # noqa: ANN001
    counts = {share.locality: 0 for share in full.localities}
    amounts = {share.locality: Fraction(0) for share in full.localities}
    for row in full.ranking:
        if row.within_budget and row.eoi.localities:
            places = list(dict.fromkeys(row.eoi.localities))
            for place in places:
                counts[place] += 1
                amounts[place] += Fraction(row.eoi.amount) / len(places)
    return [(name, counts[name], _half_up(amounts[name])) for name in counts]


def _exact_leniency(round_) -> list[tuple[str, Decimal, int]]:  # noqa: ANN001
    by_eoi: dict[int, list] = defaultdict(list)
    for view in moderation.moderation_for_round(round_):
        for eoi in view.eois:
            by_eoi[eoi.application_id] += [(r.member_name, r.total) for r in eoi.reviews if r.total is not None]
    differences: dict[str, list[Fraction]] = defaultdict(list)
    for reviews in by_eoi.values():
        if len(reviews) < 2:
            continue
        whole = sum(Fraction(total) for _, total in reviews)
        for name, total in reviews:
            differences[name].append(Fraction(total) - (whole - Fraction(total)) / (len(reviews) - 1))
    return [
        (name, _half_up(sum(diffs) / len(diffs)), len(diffs))
        for name, diffs in sorted(differences.items(), key=lambda item: item[0].lower())
    ]


def test_the_meeting_of_the_moderation_tests_reads_the_same(app):  # noqa: ANN001
    meeting = build_meeting()
    full = moderation.moderation_for(meeting.round, meeting.stream)
    page = moderation_page(meeting.round, meeting.stream)
    # All three flagged: scores far apart (A), then a conflict (C), then too few reviews (B).
    assert [e.reference for e in page.eois] == ["CIF-2027-0001", "CIF-2027-0003", "CIF-2027-0002"]
    assert page.attention.any == 3 and page.without_flags == 0
    assert [r.eoi.reference for r in page.ranking] == [r.eoi.reference for r in full.ranking]
    assert (page.allocated, page.budget_line_page) == (full.allocated, 1)
    assert member_leniency(meeting.round) == full.leniency


def _loaded(round_, stream):  # noqa: ANN001, ANN202
    """The round with its criteria and work streams read, as the page's route reads it."""
    _ = (list(round_.criteria), list(round_.work_streams), stream.budget)
    return round_, stream


def test_the_page_reads_as_many_statements_for_many_eois_as_for_few(app):  # noqa: ANN001
    round_, stream = _loaded(*build_uneven_meeting(4, eois=6))
    with count_queries() as few:
        moderation_page(round_, stream, per_page=3)
    round_, stream = _loaded(*build_uneven_meeting(5, eois=40))
    with count_queries() as many:
        moderation_page(round_, stream, per_page=3)
    # The newest change, the panel, the EOIs, the ranking, localities.
    assert few.count == many.count == 5, many.report()
    _db.session.commit()  # the next request, a new transaction
    round_, stream = _loaded(round_, stream)
    with count_queries() as again:
        kept = moderation_page(round_, stream, per_page=3)
    assert again.count == 1, again.report()  # nothing changed: only the newest change is read
    assert [r.eoi.reference for r in kept.ranking] == [
        r.eoi.reference for r in moderation_page(round_, stream).ranking
    ][:3]
    with count_queries() as leniency:
        member_leniency(round_)
    assert leniency.count == 1, leniency.report()


@pytest.mark.parametrize("seed", [1, 2])
def test_one_eois_place_agrees_with_the_whole_meeting(app, seed):  # noqa: ANN001
    """The one-EOI pages (moderation, decision) and a decision's record of the ranking read one EOI
    from the database (eoi_place); it is what the whole meeting says of that EOI."""
    round_, stream = build_uneven_meeting(seed)
    full = moderation.moderation_for(round_, stream)
    assert full.ranking, "the meeting has a ranking to agree with"
    for row in full.ranking:
        with count_queries() as log:
            place = eoi_place(round_, stream, row.eoi.application_id)
        assert log.count == 2, log.report()  # the panel, the EOI ranked among the others
        assert (place.rank, place.running_total, place.within_budget) == (
            row.rank,
            row.running_total,
            row.within_budget,
        )
        assert place.ranked == len(full.ranking)
        assert (place.eoi.rank, place.eoi.within_budget) == (row.rank, row.within_budget)
        expected = full.eoi(row.eoi.application_id)
        assert [(r.review_id, r.member_name, r.total) for r in place.eoi.reviews] == [
            (r.review_id, r.member_name, r.total) for r in expected.reviews
        ]
        assert place.eoi.summary == expected.summary and place.eoi.score == expected.score
        assert (place.eoi.spread_too_wide, place.eoi.too_few_reviews, place.eoi.conflicts) == (
            expected.spread_too_wide, expected.too_few_reviews, expected.conflicts,
        )  # fmt: skip
        assert place.eoi.localities == expected.localities
    other_stream = round_.work_streams[1]
    in_other = next(e for e in moderation.moderation_for(round_, other_stream).eois)
    assert eoi_place(round_, stream, in_other.application_id) is None  # not in this work stream's ranking
