"""The public register read a page at a time: every page, whatever its size and the filters chosen,
is the next part of one order (the newest release of decisions first, then the newest award), and
the count, the amount and the choices of round and work stream are those of every award, not of
the page. Rounds released at the same moment share one list, newest award first."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import insert, select, update

from portal.domain.workflow import ApplicationStatus, AwardStatus
from portal.extensions import db
from portal.models import Application, Award, Locality, Panel
from portal.models.applications import application_localities
from portal.services import public_register
from tests import factories
from tests.web import test_query_budgets as bulk

LIVE = (AwardStatus.ACCEPTED, AwardStatus.ACTIVE, AwardStatus.COMPLETED)
# Each round's awards, added a few at a time in turn so that award ids interleave across rounds.
STATUSES = (AwardStatus.ACCEPTED, AwardStatus.COMPLETED, AwardStatus.OFFERED, AwardStatus.ACTIVE, AwardStatus.WITHDRAWN)


@pytest.fixture
def rounds(db):  # noqa: ANN001, ANN201
    """Four rounds: "Early" released first, "Tie A" and "Tie B" released later at the same moment,
    "Unreleased" not released; awards of every status in each, in both work streams, some in
    the locality "Moseley", with different amounts."""
    moseley = Locality(name="Moseley", position=0)
    db.session.add(moseley)
    db.session.commit()
    made = {}
    for title, released in (("Early", bulk.NOW), ("Tie A", bulk.NOW + timedelta(days=30)),
                            ("Tie B", bulk.NOW + timedelta(days=30)), ("Unreleased", None)):  # fmt: skip
        round_ = factories.make_round(title=title)
        panel = factories.make_panel(round_=round_, members=[factories.make_user()])
        panel.decisions_released_at = released
        made[title] = round_
    db.session.commit()
    for turn in range(3):
        for n, round_ in enumerate(made.values()):
            ids = bulk.add_eois(round_, 5, status=ApplicationStatus.DECIDED)
            for i, (application_id, status) in enumerate(zip(ids, STATUSES, strict=True)):
                award_ids = bulk.add_awards(round_, [application_id], status=status)
                db.session.execute(
                    update(Award).where(Award.id == award_ids[0]).values(amount=Decimal(1000 + 100 * turn + 10 * n + i))
                )
                if i % 2:
                    db.session.execute(
                        update(Application)
                        .where(Application.id == application_id)
                        .values(work_stream_id=round_.work_streams[1].id)
                    )
                if (i + turn) % 3 == 0:
                    db.session.execute(
                        insert(application_localities).values(application_id=application_id, locality_id=moseley.id)
                    )
    db.session.commit()
    return made


def _expected(work_stream_id=None, round_id=None, locality_id=None) -> list[Award]:  # noqa: ANN001
    """The register's awards worked out in Python from every award."""
    released = dict(db.session.execute(select(Panel.round_id, Panel.decisions_released_at)).all())
    shown = []
    for award in db.session.scalars(select(Award)).all():
        application = award.application
        if award.status not in LIVE or released.get(application.round_id) is None:
            continue
        if work_stream_id is not None and application.work_stream_id != work_stream_id:
            continue
        if round_id is not None and application.round_id != round_id:
            continue
        if locality_id is not None and locality_id not in {loc.id for loc in application.localities}:
            continue
        shown.append(award)
    return sorted(shown, key=lambda a: (released[a.application.round_id], a.id), reverse=True)


def _key(award: Award) -> tuple:
    application = award.application
    return (application.organisation.name, application.round.title, award.amount)


def _every_page(per_page: int, **filters) -> list[tuple]:  # noqa: ANN003
    first = public_register.public_register(per_page=per_page, **filters)
    rows = list(first.rows)
    for number in range(2, first.page.pages + 1):
        rows += public_register.public_register(page=number, per_page=per_page, **filters).rows
    return [(row.organisation, row.round, row.amount) for row in rows]


@pytest.mark.parametrize("per_page", [1, 2, 4, 7, 50])
def test_the_pages_put_together_are_the_whole_register_in_order(rounds, per_page):
    expected = _expected()
    assert len(expected) == 27  # three live awards a turn, three turns, three released rounds
    assert _every_page(per_page) == [_key(a) for a in expected]


def test_each_filter_pages_through_its_own_awards_in_the_same_order(rounds):
    moseley = db.session.scalar(select(Locality.id).where(Locality.name == "Moseley"))
    tie_a = rounds["Tie A"]
    for filters in (
        {"round_id": tie_a.id},
        {"round_id": rounds["Early"].id},
        {"work_stream_id": tie_a.work_streams[1].id},
        {"locality_id": moseley},
        {"locality_id": moseley, "work_stream_id": tie_a.work_streams[0].id},
        {"round_id": rounds["Unreleased"].id},
    ):
        expected = _expected(**filters)
        assert _every_page(3, **filters) == [_key(a) for a in expected], filters
        register = public_register.public_register(per_page=3, **filters)
        assert register.count == len(expected), filters
        assert register.total == sum((a.amount for a in expected), Decimal(0)), filters


def test_the_count_amount_and_choices_are_those_of_every_award(rounds):
    register = public_register.public_register(per_page=2)
    expected = _expected()
    assert (register.count, len(register.rows)) == (27, 2)
    assert register.total == sum((a.amount for a in expected), Decimal(0))
    released = [rounds[t] for t in ("Tie B", "Tie A", "Early")]
    assert register.rounds == [(r.id, r.title) for r in released]
    # Work streams of released rounds with an award of any status, newest round first.
    assert register.work_streams == [
        (stream.id, f"{stream.name} ({r.title})") for r in released for stream in r.work_streams
    ]
    rows = public_register.public_register(per_page=50).rows
    moseley = [row for row in rows if row.localities == ["Moseley"]]
    assert moseley and all(row.awarded_on for row in rows)
    assert {row.work_stream for row in rows} == {"Work stream 1", "Work stream 2"}


def test_a_page_past_the_end_is_the_last(rounds):
    register = public_register.public_register(page=99, per_page=10)
    assert (register.page.page, register.page.first, register.page.last) == (3, 21, 27)
    assert [(r.organisation, r.round, r.amount) for r in register.rows] == [_key(a) for a in _expected()[20:]]
