"""The bounded programme dashboard (portal/services/dashboard_page.py) adds its figures up in SQL:
here it is held to ``monitoring.dashboard`` (which reads every award and return into Python) on
the programme of the monitoring tests and on a larger one with every kind of return, cumulative
measures, archived localities and monitoring answers; and its pages of awards put together give
the whole list."""

from __future__ import annotations

import random
from datetime import date

import pytest

from portal.domain.contact import PREFER_NOT_TO_SAY, Community
from portal.domain.workflow import AwardStatus, ReturnStatus
from portal.extensions import db as _db
from portal.models import Locality
from portal.services import monitoring
from portal.services.dashboard_page import RETURNS_SHOWN, dashboard_page
from tests import factories
from tests.query_budget import count_queries
from tests.services.test_monitoring import award_in, build_programme

DAYS = [date(2027, 4, 1), date(2027, 9, 30), date(2027, 10, 2), date(2028, 5, 1)]


def _same(round_, today: date, per_page: int = 4) -> None:  # noqa: ANN001
    full = monitoring.dashboard(round_, today=today)
    first = dashboard_page(round_, today=today, per_page=per_page)
    assert first.streams == full.streams
    for ours, theirs in ((first.late, full.late), (first.due_soon, full.due_soon), (first.queried, full.queried)):
        assert list(ours) == theirs[:RETURNS_SHOWN]
        assert len(ours) == len(theirs)
    awards = []
    for number in range(1, first.award_page.pages + 1):
        awards += dashboard_page(round_, today=today, page=number, per_page=per_page).awards
    assert awards == full.awards
    assert first.award_page.total == len(full.awards)
    assert first.equality == full.equality
    assert first.took_part == full.took_part


@pytest.mark.parametrize("today", DAYS)
def test_the_page_agrees_with_the_dashboard_on_the_monitoring_programme(app, today):  # noqa: ANN001
    programme = build_programme()
    factories.make_application(round_=programme.round, submit=True)  # sent, not funded
    _same(programme.round, today)


def build_busy_round(seed: int):  # noqa: ANN201
    rng = random.Random(seed)
    places = [Locality(name=f"Area {seed}-{i}", position=5 - i, is_archived=i == 4) for i in range(5)]
    _db.session.add_all(places)
    round_ = factories.make_round(title=f"Busy {seed}", work_streams=3)
    round_.work_streams[1].measures[0].is_cumulative = True
    round_.work_streams[2].is_retired = True
    _db.session.commit()
    answers = [None, [], [PREFER_NOT_TO_SAY], *([c.value] for c in Community), [c.value for c in Community][:2]]
    statuses = [AwardStatus.ACCEPTED, AwardStatus.ACTIVE, AwardStatus.COMPLETED, AwardStatus.OFFERED]
    for _ in range(26):
        stream = rng.randrange(2)  # none in the retired one: monitoring.dashboard fails on those (a KeyError)
        award = award_in(
            round_, stream=stream, localities=rng.sample(places, rng.randint(0, 3)), status=rng.choice(statuses)
        )
        organisation = award.application.organisation
        organisation.led_by, organisation.works_with = rng.choice(answers), rng.choice(answers)
        measure = round_.work_streams[stream].measures[0]
        for period in range(1, rng.randint(1, 4)):
            factories.make_return(
                award=award,
                period=period,
                status=rng.choice(list(ReturnStatus)),
                figures={measure.id: rng.randint(0, 30)} if rng.random() < 0.8 else {},
                due_on=date(2027, rng.randint(5, 12), rng.randint(1, 28)),
                took_part=rng.choice(answers),
            )
    for _ in range(8):  # groups that sent an EOI and were not funded
        application = factories.make_application(round_=round_, submit=True)
        application.organisation.led_by = rng.choice(answers)
    _db.session.commit()
    return round_


@pytest.mark.parametrize("seed", [1, 2])
def test_the_page_agrees_with_the_dashboard_on_a_busy_round(app, seed):  # noqa: ANN001
    round_ = build_busy_round(seed)
    for today in (date(2027, 6, 1), date(2027, 9, 15)):
        _same(round_, today, per_page=5)


def test_the_page_reads_as_many_statements_for_a_busy_round_as_for_a_small_one(app):  # noqa: ANN001
    small = factories.make_round(title="Small")
    award_in(small)
    busy = build_busy_round(3)
    runs = []
    for round_ in (small, busy):
        for _first_and_again in range(2):
            _db.session.commit()  # each look a new transaction, as each request is
            round_ = _db.session.get(type(round_), round_.id)
            with count_queries() as log:
                dashboard_page(round_, today=date(2027, 9, 15), per_page=5)
            runs.append(log.count)
    # First: work streams, the newest change, progress, returns, the page of awards, equality.
    # Again, nothing having changed: the round's figures are kept (no progress, no equality).
    assert runs == [6, 4, 6, 4]


def test_answers_are_counted_in_sql_as_count_answers_counts_them(app):  # noqa: ANN001
    """Unsuppressed, so that every count is compared (the pages hide counts under 5): answers left
    empty or blank, "prefer not to say", one option, several, in any order."""
    from sqlalchemy import literal, select

    from portal.domain.rollups import count_answers
    from portal.models import Organisation
    from portal.services.dashboard_page import _answer_counts

    options = [c.value for c in Community]
    rng = random.Random(7)
    given = [None, [], [PREFER_NOT_TO_SAY], *([o] for o in options)]
    given += [rng.sample(options, rng.randint(2, len(options))) for _ in range(30)]
    organisations = [factories.make_organisation(led_by=answer) for answer in given]
    _db.session.commit()
    answers = select(literal("led_by").label("key"), Organisation.led_by.label("answer")).where(
        Organisation.id.in_([o.id for o in organisations])
    )
    row = _db.session.execute(_answer_counts(answers.subquery())).mappings().one()
    expected = count_answers(given, options, PREFER_NOT_TO_SAY)
    assert {key: row[key] for key in expected} == expected
    assert row["given"] == len(given)
    assert expected["answered"] == 30 + len(options)  # the test covers what it says it does
