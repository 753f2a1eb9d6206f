"""A panel member's queue, a page at a time: what still needs scoring first (soonest scoring
deadline first), then what they have scored; and, per round they review for, how many they have
scored out of how many (counted in SQL).

The page reads a fixed number of statements whatever the size of the queue: one for the rounds
and their counts, one for the page of reviews with what each row shows joined in.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from portal.domain.workflow import ReviewStatus
from portal.extensions import db
from portal.models import Application, Panel, PanelMember, Review, Round, User
from portal.services import paging
from portal.services.paging import Page


@dataclass(frozen=True)
class RoundProgress:
    """One round the member reviews for: its panel (for the scoring deadline) and their progress."""

    round: Round
    panel: Panel
    submitted: int
    total: int

    @property
    def to_score(self) -> int:
        return self.total - self.submitted


@dataclass(frozen=True)
class Queue:
    rounds: list[RoundProgress]  # every round the member has EOIs in, oldest first
    page: Page[Review]  # this page of the queue (of ``round_id`` only, when given)
    round_id: int | None

    @property
    def submitted(self) -> int:
        return sum(r.submitted for r in self.rounds)

    @property
    def total(self) -> int:
        return sum(r.total for r in self.rounds)

    @property
    def chosen(self) -> RoundProgress | None:
        return next((r for r in self.rounds if r.round.id == self.round_id), None)


_SUBMITTED = case((Review.status == ReviewStatus.SUBMITTED, 1), else_=0)


def progress_by_round(user: User) -> list[RoundProgress]:
    """Per round the member has EOIs in: scored and assigned, counted in SQL (one statement)."""
    rows = db.session.execute(
        select(Round, Panel, func.count(Review.id), func.coalesce(func.sum(_SUBMITTED), 0))
        .select_from(Review)
        .join(Review.member)
        .join(PanelMember.panel)
        .join(Panel.round)
        .where(PanelMember.user_id == user.id)
        .group_by(Round.id, Panel.id)
        .order_by(Round.id)
    ).all()
    return [RoundProgress(round_, panel, int(submitted), total) for round_, panel, total, submitted in rows]


def queue(user: User, *, round_id: int | None = None, page: int | None = 1, per_page: int = paging.PER_PAGE) -> Queue:
    """One page of the member's queue: not yet submitted first, the soonest scoring deadline first
    (none set: last), then by round and reference; then the submitted ones in the same order.
    ``round_id`` keeps to one of the member's rounds (another round's id: an empty queue)."""
    rounds = progress_by_round(user)
    if round_id is not None:
        total = sum(r.total for r in rounds if r.round.id == round_id)
    else:
        total = sum(r.total for r in rounds)
    number = paging.clamp(page, total, per_page)
    order = (
        _SUBMITTED,
        Panel.scoring_deadline.is_(None),
        Panel.scoring_deadline,
        Application.round_id,
        Application.reference,
        Review.id,
    )
    # The page's reviews chosen on narrow rows first, then loaded with what each row shows.
    chosen = (
        select(Review.id, func.row_number().over(order_by=order).label("position"))
        .join(Review.member)
        .join(PanelMember.panel)
        .join(Review.application)
        .where(PanelMember.user_id == user.id)
    )
    if round_id is not None:
        chosen = chosen.where(Application.round_id == round_id)
    page_ids = chosen.order_by(*order).limit(per_page).offset((number - 1) * per_page).subquery("page_ids")
    query = (
        select(Review)
        .join(page_ids, page_ids.c.id == Review.id)
        .options(
            joinedload(Review.application).joinedload(Application.organisation),
            joinedload(Review.application).joinedload(Application.work_stream),
            joinedload(Review.member).joinedload(PanelMember.panel).joinedload(Panel.round),
        )
        .order_by(page_ids.c.position)
    )
    items = list(db.session.scalars(query).unique()) if total else []
    return Queue(rounds, Page(items=items, total=total, page=number, per_page=per_page), round_id)
