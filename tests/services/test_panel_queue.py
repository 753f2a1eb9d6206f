"""The panel member's queue read a page at a time: every page, whatever its size, is the next part of
one order (still to score first, the soonest scoring deadline first, none set last, then by round
and reference; then the scored ones in the same order), of the member's own reviews only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from portal.domain.workflow import ApplicationStatus, ReviewStatus
from portal.extensions import db
from portal.models import Application, Review
from portal.services import paging, panel_queue
from tests import factories
from tests.web import test_query_budgets as bulk

STATES = (ReviewStatus.NOT_STARTED, ReviewStatus.SUBMITTED, ReviewStatus.DRAFT)


def test_a_window_over_runs_names_each_run_it_reaches_and_where():
    assert paging.window([3, 0, 4], 0, 2) == [(0, 0, 2)]
    assert paging.window([3, 0, 4], 2, 3) == [(0, 2, 1), (2, 0, 2)]
    assert paging.window([3, 0, 4], 3, 50) == [(2, 0, 4)]
    assert paging.window([3, 0, 4], 7, 5) == []
    assert paging.window([], 0, 50) == []


@pytest.fixture
def member(db):  # noqa: ANN001, ANN201
    """A member on four panels: two with the same deadline, one later, one with none set; seven
    reviews in each round, in every state, whose references do not follow the order they were
    added in; and another member's reviews of the same EOIs."""
    member, other = factories.make_user(), factories.make_user()
    soon = bulk.NOW + timedelta(days=1)
    for n, deadline in enumerate((soon + timedelta(days=4), None, soon, soon)):
        round_ = factories.make_round(title=f"Round {n}", reference_prefix=f"Q{n}-")
        panel = factories.make_panel(round_=round_, members=[member, other], scoring_deadline=deadline)
        ids = bulk.add_eois(round_, 7, status=ApplicationStatus.WITH_PANEL)
        for i, application_id in enumerate(ids):
            reference = f"Q{n}-{(i * 3) % 7:03}"  # 000, 003, 006, 002, ...
            db.session.execute(update(Application).where(Application.id == application_id).values(reference=reference))
        mine = bulk.add_reviews(ids, panel.members[0], round_.criteria, submitted=False)
        for i, review_id in enumerate(mine):
            db.session.execute(update(Review).where(Review.id == review_id).values(status=STATES[i % 3]))
        bulk.add_reviews(ids, panel.members[1], round_.criteria, submitted=False)
    db.session.commit()
    return member


def _expected(user, round_id=None) -> list[int]:  # noqa: ANN001
    reviews = db.session.scalars(select(Review).join(Review.member).where(Review.member.has(user_id=user.id))).all()
    reviews = [r for r in reviews if round_id is None or r.application.round_id == round_id]

    def key(review):  # noqa: ANN001, ANN202
        deadline = review.member.panel.scoring_deadline
        return (
            review.status == ReviewStatus.SUBMITTED,
            deadline is None,
            deadline or bulk.NOW,
            review.application.round_id,
            review.application.reference,
            review.id,
        )

    return [r.id for r in sorted(reviews, key=key)]


def _every_page(user, per_page: int, round_id=None) -> list[int]:  # noqa: ANN001
    first = panel_queue.queue(user, round_id=round_id, per_page=per_page)
    ids = [r.id for r in first.page.items]
    for number in range(2, first.page.pages + 1):
        page = panel_queue.queue(user, round_id=round_id, page=number, per_page=per_page)
        assert page.page.page == number
        ids += [r.id for r in page.page.items]
    return ids


@pytest.mark.parametrize("per_page", [1, 2, 5, 9, 50])
def test_the_pages_put_together_are_the_whole_queue_in_order(member, per_page):
    expected = _expected(member)
    assert len(expected) == 28
    assert _every_page(member, per_page) == expected
    queue = panel_queue.queue(member, per_page=per_page)
    assert (queue.total, queue.submitted, queue.page.total) == (28, 8, 28)


def test_a_round_chosen_is_paged_in_the_same_order(member):
    for progress in panel_queue.queue(member).rounds:
        assert _every_page(member, 3, round_id=progress.round.id) == _expected(member, progress.round.id)


def test_a_page_past_the_end_is_the_last_and_another_round_is_empty(member):
    queue = panel_queue.queue(member, page=99, per_page=10)
    assert (queue.page.page, [r.id for r in queue.page.items]) == (3, _expected(member)[20:])
    someone_else = factories.make_round(title="Not theirs")
    empty = panel_queue.queue(member, round_id=someone_else.id)
    assert (empty.page.items, empty.page.total, empty.chosen) == ([], 0, None)
