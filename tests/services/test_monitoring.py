"""The programme dashboard and the public register, read from the database: what counts toward
progress (sent returns of live awards), per-period and cumulative measures, localities, returns due,
late and queried, each award's red/amber/green status, equality and reach with small numbers
hidden, the published awards and stories, and a fixed number of statements however much data."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import event

from portal.domain.contact import PREFER_NOT_TO_SAY
from portal.domain.returns import RAG
from portal.domain.workflow import AwardStatus, ReturnStatus
from portal.extensions import db as _db
from portal.models import Award, Locality, Organisation, Panel
from portal.services import monitoring, public_register
from tests import factories

ACCEPTED = AwardStatus.ACCEPTED


@contextmanager
def count_queries(db):  # noqa: ANN001, ANN201
    statements: list[str] = []

    def _record(conn, cursor, statement, *args):  # noqa: ANN001, ANN002, ANN202
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", _record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", _record)


@dataclass
class Programme:
    round: object
    measure: object  # the numeric measure of work stream 1 (programme target 100)
    other_measure: object  # the numeric measure of work stream 2
    north: Locality
    south: Locality
    first: Award  # stream 1, north and south
    second: Award  # stream 1, north only
    third: Award  # stream 2, south


def award_in(round_, *, stream=0, localities=(), status=ACCEPTED, released=True, organisation=None, **fields):  # noqa: ANN001, ANN003, ANN201
    """An award in ``round_``'s ``stream``-th work stream for an EOI serving ``localities``."""
    application = factories.make_application(round_=round_, submit=True, organisation=organisation)
    application.work_stream = round_.work_streams[stream]
    if localities:
        application.localities = list(localities)
    _db.session.commit()
    return factories.make_award(application=application, status=status, released=released, **fields)


def build_programme() -> Programme:
    """Three accepted awards of one round (agreed targets of 40 each, against a programme target
    of 100 per work stream) with returns in every state, and an offer that counts for nothing."""
    north, south = Locality(name="North", position=0), Locality(name="South", position=1)
    _db.session.add_all([north, south])
    _db.session.commit()
    round_ = factories.make_round(title="Community grants 2027", reference_prefix="CG27-")
    measure = round_.work_streams[0].measures[0]
    other = round_.work_streams[1].measures[0]
    first = award_in(round_, localities=[north, south])
    second = award_in(round_, localities=[north])
    third = award_in(round_, stream=1, localities=[south])
    offer = award_in(round_, status=AwardStatus.OFFERED, localities=[north])
    make = factories.make_return
    make(award=first, period=1, status=ReturnStatus.ACCEPTED, figures={measure.id: 10})
    make(award=first, period=2, status=ReturnStatus.SUBMITTED, figures={measure.id: 15})
    make(award=second, period=1, status=ReturnStatus.QUERIED, figures={measure.id: 5})
    make(award=second, period=2, status=ReturnStatus.DRAFT, figures={measure.id: 99})  # not sent
    make(award=third, period=1, status=ReturnStatus.ACCEPTED, figures={other.id: 7})
    make(award=offer, period=1, status=ReturnStatus.SUBMITTED, figures={measure.id: 1000})  # not accepted
    return Programme(round_, measure, other, north, south, first, second, third)


@pytest.fixture
def programme(app) -> Programme:  # noqa: ANN001
    return build_programme()


def _stream(streams, name):  # noqa: ANN001, ANN202
    return next(s for s in streams if s.name == name)


# --- progress ------------------------------------------------------------------------------------


def test_progress_adds_each_periods_figures_of_sent_returns_of_accepted_awards(programme):
    one, two = monitoring.programme_progress(programme.round)
    [measure] = one.measures
    assert (measure.name, measure.total.programme_target) == ("People involved in stream 1", 100)
    # Agreed: 40 + 40 (the offer's 40 does not count). Actual: 10 + 15 + 5 (the draft's 99 and the
    # offer's 1000 do not count, the queried return's 5 does).
    assert (measure.total.agreed, measure.total.actual, measure.total.awards) == (80, 30, 2)
    assert measure.total.percentage == Decimal("30.0")
    assert (one.awards, one.amount) == (2, Decimal("6000"))
    assert (two.measures[0].total.agreed, two.measures[0].total.actual) == (40, 7)


def test_a_cumulative_measure_counts_each_awards_latest_figure(db, programme):
    programme.measure.is_cumulative = True
    db.session.commit()
    [measure] = monitoring.programme_progress(programme.round)[0].measures
    assert measure.total.actual == 15 + 5  # the first award's latest (15), the second's only (5)
    assert measure.is_cumulative


def test_agreed_targets_are_shown_as_they_are_when_they_do_not_add_up(db, programme):
    programme.measure.target = 50
    db.session.commit()
    [measure] = monitoring.programme_progress(programme.round)[0].measures
    assert (measure.total.programme_target, measure.total.agreed) == (50, 80)
    assert measure.total.percentage == Decimal("60.0")


def test_an_award_without_the_measure_adds_nothing(db, programme):
    for target in list(programme.second.targets):
        db.session.delete(target)
    db.session.commit()
    [measure] = monitoring.programme_progress(programme.round)[0].measures
    assert (measure.total.agreed, measure.total.awards) == (40, 1)


def test_by_locality_an_award_counts_in_full_in_each_locality_it_serves(programme):
    one = _stream(monitoring.programme_progress(programme.round, by_locality=True), "Work stream 1")
    rows = {row.locality: (row.awards, row.totals[0].agreed, row.totals[0].actual) for row in one.localities}
    assert rows == {"North": (2, 80, 30), "South": (1, 40, 25)}


# --- returns and awards --------------------------------------------------------------------------


def test_returns_due_in_the_next_30_days_late_and_queried(db, programme):
    factories.make_return(award=programme.third, period=2, due_on=date(2028, 5, 20))
    view = monitoring.dashboard(programme.round, today=date(2028, 5, 1))
    # The second award's draft was due on 28 April 2028; the third's return is due on 20 May.
    assert [(r.organisation, r.period) for r in view.late] == [(programme.second.application.organisation.name, 2)]
    assert [(r.award_id, r.due_on) for r in view.due_soon] == [(programme.third.id, date(2028, 5, 20))]
    assert [(r.award_id, r.status) for r in view.queried] == [(programme.second.id, ReturnStatus.QUERIED)]
    earlier = monitoring.dashboard(programme.round, today=date(2027, 8, 1))
    assert earlier.late == [] and earlier.due_soon == []
    assert len(earlier.queried) == 1  # queried whatever the date


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2027, 4, 1), {"first": RAG.GREEN, "second": RAG.GREEN}),  # nothing expected yet
        (date(2027, 9, 30), {"first": RAG.GREEN, "second": RAG.RED}),  # half way: 20 of 40 expected
        (date(2028, 3, 31), {"first": RAG.AMBER, "second": RAG.RED}),  # the end: 25 and 5 of 40
    ],
)
def test_each_award_has_a_status_from_its_own_targets_and_how_far_through_it_is(programme, today, expected):
    view = monitoring.dashboard(programme.round, today=today)
    statuses = {row.award_id: row.rag for row in view.awards}
    assert statuses[programme.first.id] == expected["first"]
    assert statuses[programme.second.id] == expected["second"]
    [first] = [row for row in view.awards if row.award_id == programme.first.id]
    assert first.measures == [("People involved in stream 1", 25, 40)]


def test_an_award_without_dates_has_no_status(db, programme):
    programme.first.starts_on = programme.first.ends_on = None
    db.session.commit()
    view = monitoring.dashboard(programme.round, today=date(2027, 9, 30))
    assert next(r for r in view.awards if r.award_id == programme.first.id).rag is None


# --- equality and reach ----------------------------------------------------------------------------


def _orgs(*answers):  # noqa: ANN002, ANN202
    return [Organisation(name=f"Group {i}", led_by=answer, works_with=None) for i, answer in enumerate(answers)]


def test_equality_counts_hide_small_numbers_and_their_complement():
    funded = _orgs(*[["women"]] * 6, ["women", "faith"], [PREFER_NOT_TO_SAY], None)
    others = _orgs(*[["women"]] * 5, *[None] * 5)
    led_by, works_with = monitoring.equality_and_reach(funded, others)
    options = {row.code: (row.awards, row.others) for row in led_by.options}
    assert options["women"] == (7, 5)
    assert options["faith"] == (None, 0)  # one group: "fewer than 5"
    groups = {row.code: (row.awards, row.others) for row in led_by.groups}
    # Funded: 7 answered, 1 prefer not to say, 1 did not answer, of 9. Both small ones hidden.
    assert groups == {"answered": (7, 5), PREFER_NOT_TO_SAY: (None, 0), "not_answered": (None, 5)}
    assert (led_by.total.awards, led_by.total.others) == (9, 10)
    # Nobody answered the second question: 9 and 10 did not answer, nothing small to hide.
    assert {row.code: row.awards for row in works_with.groups}["not_answered"] == 9


def test_a_single_hidden_count_takes_the_next_smallest_with_it():
    funded = _orgs(*[["women"]] * 6, *[None] * 6, [PREFER_NOT_TO_SAY] * 1)
    [led_by, _] = monitoring.equality_and_reach(funded, [])
    groups = {row.code: row.awards for row in led_by.groups}
    assert groups == {"answered": None, PREFER_NOT_TO_SAY: None, "not_answered": 6} or groups == {
        "answered": 6,
        PREFER_NOT_TO_SAY: None,
        "not_answered": None,
    }
    assert list(groups.values()).count(None) == 2


def test_a_small_total_hides_every_part_of_it():
    [led_by, _] = monitoring.equality_and_reach(_orgs(["women"], None), [])
    assert led_by.total.awards is None
    assert all(row.awards in (None, 0) for row in led_by.groups)


def test_the_dashboard_counts_funded_groups_and_other_groups_that_sent_an_eoi(programme):
    factories.make_application(round_=programme.round, submit=True)  # sent, not funded
    factories.make_application(round_=programme.round)  # a draft: not counted
    view = monitoring.dashboard(programme.round, today=date(2027, 9, 30))
    led_by = view.equality[0]
    # 3 funded groups and 2 others (the offer's and the new EOI's): all "fewer than 5".
    assert (led_by.total.awards, led_by.total.others) == (None, None)
    assert {row.code: row.awards for row in led_by.groups} == {
        "answered": 0,
        PREFER_NOT_TO_SAY: 0,
        "not_answered": None,
    }


# --- a fixed number of statements ------------------------------------------------------------------


def test_the_dashboard_reads_a_fixed_number_of_statements_however_many_awards(db, programme):
    small = factories.make_round(title="Small round")
    small_award = award_in(small, localities=[programme.north])
    factories.make_return(award=small_award, period=1, status=ReturnStatus.SUBMITTED)
    runs = []
    for round_ in (small, programme.round):
        db.session.expire_all()
        with count_queries(db) as statements:
            view = monitoring.dashboard(round_, today=date(2027, 10, 2))
            _ = [(r.organisation, r.reference) for r in view.late + view.due_soon + view.queried]
        runs.append(len(statements))
    assert runs[0] == runs[1]


def test_the_public_pages_read_a_fixed_number_of_statements(db, programme):
    runs = []
    for extra in (0, 2):
        for _ in range(extra):
            award_in(programme.round, localities=[programme.south])
        db.session.expire_all()
        with count_queries(db) as statements:
            public_register.public_register()
            public_register.public_stories()
        runs.append(len(statements))
    assert runs[0] == runs[1]


# --- the public register -----------------------------------------------------------------------------


def test_the_register_lists_live_awards_of_released_rounds_only(db, programme):
    unreleased = factories.make_round(title="Not yet released")
    award_in(unreleased, released=False)
    award_in(programme.round, status=AwardStatus.WITHDRAWN)
    register = public_register.public_register()
    names = {row.organisation for row in register.rows}
    assert names == {a.application.organisation.name for a in (programme.first, programme.second, programme.third)}
    assert register.total == Decimal("9000")
    row = next(r for r in register.rows if r.organisation == programme.first.application.organisation.name)
    assert (row.work_stream, row.localities, row.amount) == ("Work stream 1", ["North", "South"], Decimal("3000"))
    released = db.session.scalar(_db.select(Panel.decisions_released_at).where(Panel.round_id == programme.round.id))
    assert row.awarded_on == released.date()
    assert set(vars(row)) == {"organisation", "work_stream", "round", "amount", "localities", "awarded_on"}


def test_the_register_filters_by_work_stream_and_locality(programme):
    stream_two = programme.round.work_streams[1].id
    assert [r.organisation for r in public_register.public_register(work_stream_id=stream_two).rows] == [
        programme.third.application.organisation.name
    ]
    south = {r.organisation for r in public_register.public_register(locality_id=programme.south.id).rows}
    assert south == {programme.first.application.organisation.name, programme.third.application.organisation.name}
    assert public_register.public_register(work_stream_id=stream_two, locality_id=programme.north.id).rows == []
    assert ("Work stream 2 (Community grants 2027)") in [
        name for _, name in public_register.public_register().work_streams
    ]


def test_public_progress_is_for_released_rounds(programme):
    assert public_register.released_rounds() == [programme.round]
    one, two = public_register.public_progress(programme.round)
    assert (one.measures[0].total.actual, two.measures[0].total.actual) == (30, 7)


# --- stories ---------------------------------------------------------------------------------------


def _story(title, consent, **fields):  # noqa: ANN001, ANN003, ANN202
    return {"title": title, "body": f"{title} body.", "teller_name": "Maryam Begum", "consent": consent, **fields}


def test_only_stories_with_public_consent_never_withdrawn_from_accepted_returns_are_published(programme):
    withdrawn = datetime(2027, 11, 1, tzinfo=UTC)
    factories.make_return(
        award=programme.third,
        period=2,
        status=ReturnStatus.ACCEPTED,
        stories=[
            _story("Named", "public_named"),
            _story("Anonymous", "public_anonymous"),
            _story("Internal", "internal"),
            _story("Withdrawn", "public_named", consent_withdrawn_at=withdrawn),
        ],
    )
    factories.make_return(
        award=programme.third, period=3, status=ReturnStatus.SUBMITTED, stories=[_story("Unread", "public_named")]
    )
    stories = {s.title: s for s in public_register.public_stories()}
    assert set(stories) == {"Named", "Anonymous"}
    assert stories["Named"].teller == "Maryam Begum"
    assert stories["Anonymous"].teller is None
    assert stories["Named"].organisation == programme.third.application.organisation.name
