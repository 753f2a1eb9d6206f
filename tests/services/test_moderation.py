"""The moderation meeting: each EOI's reviews compared (mean, median, lowest, highest, spread), the
flags, each member's leniency, the agreed panel score, the ranking against the budget with the line
where the money runs out, and the spread of the money above the line across localities."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import event, select

from portal.domain.panel import ConflictKind, InterestKind
from portal.domain.roles import Role
from portal.domain.workflow import ApplicationStatus, RoundStatus
from portal.extensions import db as _db
from portal.models import AuditEvent, ConflictDeclaration, Interest, Locality
from portal.services import ServiceError, moderation, panel_access
from tests import factories

MEMBER_NAMES = ("Asha Patel", "Ben Jones", "Chen Li", "Dee Okafor")


make_review = factories.make_review


def build_meeting(budget: str = "5000"):  # noqa: ANN201
    """A round in assessment whose first work stream (budget £5,000) has three EOIs of £3,000 each,
    all in Hall Green, scored by three of four panel members (criteria 0–4, weight 1 each):

    - A (CIF-2027-0001): 100, 50 and 75: mean 75, spread 50 (flagged: over 25);
    - B (CIF-2027-0002): 50 and 50 submitted, a third review only a draft: too few reviews;
    - C (CIF-2027-0003): 25, 25 and 25; the fourth member declared a conflict on it.
    """
    hall = Locality(name="Hall Green", position=0)
    _db.session.add(hall)
    _db.session.commit()
    lady = Locality(name="Ladywood", position=1)
    old = Locality(name="Old Ward", position=2, is_archived=True)
    _db.session.add_all([lady, old])
    _db.session.commit()
    round_ = factories.make_round(title="Community grants 2027", reference_prefix="CIF-2027-")
    stream = round_.work_streams[0]
    stream.budget = Decimal(budget)
    users = [factories.make_user(roles={Role.PANEL_MEMBER}, full_name=name) for name in MEMBER_NAMES]
    panel = factories.make_panel(round_=round_, members=users)
    m1, m2, m3, m4 = panel.members
    a, b, c = (factories.make_eligible_application(round_=round_) for _ in range(3))
    reviews = {
        "a1": make_review(a, m1, scores=[4, 4, 4], submit=True),
        "a2": make_review(a, m2, scores=[2, 2, 2], submit=True),
        "a3": make_review(a, m3, scores=[3, 3, 3], submit=True),
        "b1": make_review(b, m1, scores=[2, 2, 2], submit=True),
        "b2": make_review(b, m2, scores=[2, 2, 2], submit=True),
        "b3": make_review(b, m3, scores=[4, 4, 4]),  # a draft: not counted
        "c1": make_review(c, m1, scores=[1, 1, 1], submit=True),
        "c2": make_review(c, m2, scores=[1, 1, 1], submit=True),
        "c3": make_review(c, m3, scores=[1, 1, 1], submit=True),
    }
    _db.session.add(ConflictDeclaration(application=c, member=m4, kind=ConflictKind.PERSONAL, note="My neighbour"))
    round_.status = RoundStatus.IN_ASSESSMENT
    _db.session.commit()
    officer = factories.make_user(roles={Role.OFFICER}, full_name="Olu Officer")
    return SimpleNamespace(
        round=round_, stream=stream, panel=panel, members=[m1, m2, m3, m4], a=a, b=b, c=c, reviews=reviews,
        officer=officer, hall=hall, lady=lady,
    )  # fmt: skip


def add_eoi(meeting, **fields):  # noqa: ANN001, ANN003, ANN201
    """One more EOI sent to the meeting's round (opened for a moment to take it)."""
    meeting.round.status = RoundStatus.OPEN
    _db.session.commit()
    application = factories.make_eligible_application(round_=meeting.round, **fields)
    meeting.round.status = RoundStatus.IN_ASSESSMENT
    _db.session.commit()
    return application


@pytest.fixture
def meeting(app):  # noqa: ANN001, ANN201
    return build_meeting()


def _view(meeting):  # noqa: ANN001, ANN202
    return moderation.moderation_for(meeting.round, meeting.stream)


def test_each_eoi_shows_its_submitted_reviews_compared(meeting):
    view = _view(meeting)
    assert [eoi.reference for eoi in view.eois] == ["CIF-2027-0001", "CIF-2027-0002", "CIF-2027-0003"]
    a = view.eoi(meeting.a.id)
    assert [(r.member_name, r.total) for r in a.reviews] == [
        ("Asha Patel", Decimal("100.00")),
        ("Ben Jones", Decimal("50.00")),
        ("Chen Li", Decimal("75.00")),
    ]
    s = a.summary
    assert (s.count, s.mean, s.median, s.minimum, s.maximum, s.spread) == (3, 75, 75, 50, 100, 50)
    assert (a.group, a.amount, a.localities) == (meeting.a.organisation.name, Decimal("3000.00"), ["Hall Green"])


def test_flags_a_wide_spread_too_few_reviews_and_declared_conflicts(meeting):
    view = _view(meeting)
    a, b, c = (view.eoi(x.id) for x in (meeting.a, meeting.b, meeting.c))
    assert (a.spread_too_wide, a.too_few_reviews, a.conflicts) == (True, False, 0)
    assert (b.spread_too_wide, b.too_few_reviews, b.conflicts, b.submitted) == (False, True, 0, 2)
    assert (c.spread_too_wide, c.too_few_reviews, c.conflicts) == (False, False, 1)
    assert a.has_flags and b.has_flags and c.has_flags


def test_the_spread_threshold_and_minimum_come_from_the_panel(db, meeting):
    meeting.panel.spread_threshold = Decimal(50)
    meeting.panel.minimum_reviewers = 2
    db.session.commit()
    view = _view(meeting)
    assert not view.eoi(meeting.a.id).spread_too_wide  # a spread of exactly 50 is not above 50
    assert not view.eoi(meeting.b.id).too_few_reviews


def test_unscored_criteria_are_left_out_never_counted_as_zero(db, meeting):
    d = add_eoi(meeting)
    make_review(d, meeting.members[0], scores=[4, None, None], submit=True)
    make_review(d, meeting.members[1], scores=[None, None, None], submit=True)
    eoi = _view(meeting).eoi(d.id)
    assert [r.total for r in eoi.reviews] == [Decimal("100.00"), None]
    assert (eoi.summary.count, eoi.summary.mean) == (1, Decimal("100.00"))


def test_a_review_by_a_member_with_a_declared_conflict_never_counts(db, meeting):
    db.session.add(ConflictDeclaration(application=meeting.a, member=meeting.members[2], kind=ConflictKind.FINANCIAL))
    db.session.commit()
    a = _view(meeting).eoi(meeting.a.id)
    assert (a.submitted, a.conflicts, a.summary.mean) == (2, 1, Decimal("75.00"))


def test_only_eois_with_the_panel_are_moderated(db, meeting):
    waiting = add_eoi(meeting)
    withdrawn = add_eoi(meeting, status=ApplicationStatus.WITHDRAWN)
    ids = {eoi.application_id for eoi in _view(meeting).eois}
    assert waiting.id not in ids and withdrawn.id not in ids and meeting.a.id in ids


def test_leniency_shows_who_scores_generously_and_who_harshly(meeting):
    members = {m.name: m for m in _view(meeting).leniency}
    assert (members["Asha Patel"].difference, members["Asha Patel"].compared) == (Decimal("12.50"), 3)
    assert members["Asha Patel"].in_words == "more generous"
    assert (members["Ben Jones"].difference, members["Ben Jones"].in_words) == (Decimal("-12.50"), "harsher")
    assert (members["Chen Li"].difference, members["Chen Li"].compared) == (Decimal("0.00"), 2)
    assert "Dee Okafor" not in members  # she scored nothing


def test_the_ranking_draws_the_line_where_the_money_runs_out(meeting):
    view = _view(meeting)
    assert [(r.rank, r.eoi.reference, r.running_total, r.within_budget, r.first_below_line) for r in view.ranking] == [
        (1, "CIF-2027-0001", Decimal("3000.00"), True, False),
        (2, "CIF-2027-0002", Decimal("6000.00"), False, True),
        (3, "CIF-2027-0003", Decimal("9000.00"), False, False),
    ]
    assert (view.budget, view.allocated, view.remaining, view.above_line) == (5000, 3000, 2000, 1)
    assert view.eoi(meeting.a.id).rank == 1 and view.eoi(meeting.b.id).within_budget is False


def test_the_agreed_score_replaces_the_mean_in_the_ranking(db, meeting):
    moderation.record_agreed_score(
        meeting.c, score=Decimal("90"), rationale="Strongest at the meeting.", by=meeting.officer
    )
    db.session.commit()
    view = _view(meeting)
    assert [r.eoi.reference for r in view.ranking] == ["CIF-2027-0003", "CIF-2027-0001", "CIF-2027-0002"]
    c = view.eoi(meeting.c.id)
    assert (c.score, c.agreed.rationale, c.agreed.recorded_by, c.within_budget) == (
        Decimal("90.00"),
        "Strongest at the meeting.",
        "Olu Officer",
        True,
    )


def test_the_money_above_the_line_is_spread_across_localities_with_gaps_highlighted(db, meeting):
    view = _view(meeting)
    assert [(s.locality, s.count, s.amount, s.has_none) for s in view.localities] == [
        ("Hall Green", 1, Decimal("3000.00"), False),
        ("Ladywood", 0, Decimal("0.00"), True),
    ]
    assert view.localities_with_none == ["Ladywood"]  # an archived locality is not listed


def test_other_work_streams_are_moderated_apart(meeting):
    other = moderation.moderation_for(meeting.round, meeting.round.work_streams[1])
    assert other.eois == [] and other.ranking == [] and other.work_stream_name == "Work stream 2"
    assert [v.work_stream_name for v in moderation.moderation_for_round(meeting.round)] == [
        "Work stream 1",
        "Work stream 2",
    ]


def _statements_while(callable_):  # noqa: ANN001, ANN202
    count = 0

    def counter(*args):  # noqa: ANN002, ANN202
        nonlocal count
        count += 1

    _db.session.expire_all()
    event.listen(_db.engine, "before_cursor_execute", counter)
    try:
        callable_()
    finally:
        event.remove(_db.engine, "before_cursor_execute", counter)
    return count


def test_reading_a_work_stream_takes_the_same_number_of_queries_whatever_the_number_of_eois(db, meeting):
    moderation.record_agreed_score(meeting.a, score=Decimal(80), rationale="Agreed.", by=meeting.officer)
    db.session.commit()
    few = _statements_while(lambda: _view(meeting))
    for _ in range(4):
        extra = add_eoi(meeting)
        for member in meeting.members[:3]:
            make_review(extra, member, scores=[3, 2, 1], submit=True)
        db.session.add(ConflictDeclaration(application=extra, member=meeting.members[3], kind=ConflictKind.PERSONAL))
        moderation.record_agreed_score(extra, score=Decimal(60), rationale="Agreed.", by=meeting.officer)
        db.session.commit()
    many = _statements_while(lambda: _view(meeting))
    assert len(_view(meeting).eois) == 7
    assert many == few


# --- the agreed panel score -------------------------------------------------------------------


def test_recording_the_agreed_score_is_audited_and_replaces_the_last_one(db, meeting):
    moderation.record_agreed_score(meeting.a, score=Decimal("70"), rationale="First view.", by=meeting.officer)
    moderation.record_agreed_score(meeting.a, score=Decimal("72.5"), rationale="  Second view. ", by=meeting.officer)
    db.session.commit()
    assert _view(meeting).eoi(meeting.a.id).agreed.score == Decimal("72.50")
    first, second = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "moderation.agreed_score_recorded").order_by(AuditEvent.id)
    ).all()
    assert (first.before, first.after) == (None, {"score": "70.00", "rationale": "First view."})
    assert (second.before, second.after) == (
        {"score": "70.00", "rationale": "First view."},
        {"score": "72.50", "rationale": "Second view."},
    )
    assert (second.object_type, second.object_id, second.actor) == ("applications", meeting.a.id, meeting.officer)


@pytest.mark.parametrize(
    ("score", "rationale", "message"),
    [
        (Decimal("100.01"), "Why", "The agreed score must be between 0 and 100"),
        (Decimal("-1"), "Why", "The agreed score must be between 0 and 100"),
        (Decimal("50.005"), "Why", "The agreed score can have at most 2 decimal places"),
        (Decimal("50"), "   ", "Say how the panel reached this score"),
        (Decimal("50"), "x" * 5001, "Keep the rationale to 5000 characters or fewer"),
    ],
)
def test_an_agreed_score_must_be_0_to_100_with_a_rationale(meeting, score, rationale, message):
    with pytest.raises(ServiceError, match=message):
        moderation.record_agreed_score(meeting.a, score=score, rationale=rationale, by=meeting.officer)


def test_the_ends_of_the_range_are_allowed(db, meeting):
    moderation.record_agreed_score(meeting.a, score=Decimal(0), rationale="Nothing.", by=meeting.officer)
    moderation.record_agreed_score(meeting.b, score=Decimal(100), rationale="Everything.", by=meeting.officer)
    db.session.commit()
    view = _view(meeting)
    assert (view.eoi(meeting.a.id).score, view.eoi(meeting.b.id).score) == (0, 100)


def test_only_officers_record_an_agreed_score(meeting):
    with pytest.raises(ServiceError, match="Only officers can record the agreed panel score."):
        moderation.record_agreed_score(meeting.a, score=Decimal(50), rationale="Why", by=meeting.members[0].user)


def test_no_agreed_score_once_decided_or_when_not_with_the_panel(db, meeting):
    meeting.a.status = ApplicationStatus.DECIDED
    waiting = add_eoi(meeting)
    db.session.commit()
    with pytest.raises(ServiceError, match="A decision has been recorded on this EOI"):
        moderation.record_agreed_score(meeting.a, score=Decimal(50), rationale="Why", by=meeting.officer)
    with pytest.raises(ServiceError, match="This EOI is not with the panel."):
        moderation.record_agreed_score(waiting, score=Decimal(50), rationale="Why", by=meeting.officer)


# --- what a panel member may see at the meeting -------------------------------------------------


def test_a_member_never_sees_the_numbers_of_eois_they_are_conflicted_on_or_have_not_scored(db, meeting):
    m1, _, m3, m4 = meeting.members
    db.session.add(Interest(user=m1.user, organisation=meeting.c.organisation, kind=InterestKind.VOLUNTEER))
    db.session.commit()
    eois = _view(meeting).eois
    assert panel_access.hidden_from(m4, eois) == {meeting.c.id: panel_access.CONFLICT}
    assert panel_access.hidden_from(m1, eois) == {meeting.c.id: panel_access.INTEREST}
    assert panel_access.hidden_from(m3, eois) == {meeting.b.id: panel_access.NOT_SUBMITTED}
    assert panel_access.membership_of(m1.user, meeting.round) == m1
    assert panel_access.membership_of(meeting.officer, meeting.round) is None


def test_assignments_and_conflicts_of_one_eoi(meeting):
    reviews = moderation.assignments_of(meeting.b)
    assert [(r.member_name, r.status.value, r.total) for r in reviews] == [
        ("Asha Patel", "submitted", Decimal("50.00")),
        ("Ben Jones", "submitted", Decimal("50.00")),
        ("Chen Li", "draft", None),  # a draft's total is not shown
    ]
    [conflict] = moderation.conflicts_on(meeting.c)
    assert (conflict.member.user.full_name, conflict.kind, conflict.note) == (
        "Dee Okafor",
        ConflictKind.PERSONAL,
        "My neighbour",
    )
