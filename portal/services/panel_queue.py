"""A panel member's queue, a page at a time: what still needs scoring first (soonest scoring
deadline first), then what they have scored; and, per round they review for, how many they have
scored out of how many (counted in SQL).

The page reads a fixed number of statements whatever the size of the queue: one for the rounds
and their counts, one for the page of reviews with what each row shows joined in (as plain rows:
building fifty reviews with their EOIs, groups and work streams as objects cost 4 ms).

The queue is made of runs, one per round and state: what is still to score in each round (the
soonest deadline first), then what was scored, in the same order of rounds; each run in reference
order. The counts say which runs a page reaches and where in them it starts, so the page statement
sorts only the reviews of those runs, not every review the member has ever had.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy import Integer, Select, bindparam, case, func, literal, select, union_all
from sqlalchemy.orm import load_only

from portal.db import planned_once_for_any_values
from portal.domain.workflow import ReviewStatus
from portal.extensions import db
from portal.models import Application, Organisation, Panel, PanelMember, Review, Round, User, WorkStream
from portal.services import paging
from portal.services.paging import Page


@dataclass(frozen=True)
class RoundProgress:
    """One round the member reviews for: its panel (for the scoring deadline) and their progress."""

    round: Round
    panel: Panel
    submitted: int
    total: int
    member_id: int  # the member's seat on this panel (their reviews of the round hang from it)

    @property
    def to_score(self) -> int:
        return self.total - self.submitted


@dataclass(frozen=True)
class QueueRow:
    """One review in the queue, with what its row shows (plain values: a page has fifty)."""

    id: int
    status: ReviewStatus
    confirmed: bool  # the member has said they have no conflict of interest with the group
    round_id: int
    reference: str | None
    title: str | None
    organisation: str
    work_stream: str | None


@dataclass(frozen=True)
class Queue:
    rounds: list[RoundProgress]  # every round the member has EOIs in, oldest first
    page: Page[QueueRow]  # this page of the queue (of ``round_id`` only, when given)
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


# Both statements are built once, with the member and the page as parameters: building them on
# each request cost more than the database took to answer them (1.3 ms of 3 for the counts).


@functools.cache
def _progress_statement() -> Select:
    """Per seat of the member (``user_id``): its round and panel, and how many reviews it has and
    has submitted. The reviews are counted per seat first, then joined to their round and panel:
    grouping by the round carried each round's long columns through every review (2 ms of a
    member's 1,600 reviews)."""
    counted = (
        select(Review.member_id, func.count().label("total"), func.coalesce(func.sum(_SUBMITTED), 0).label("submitted"))
        .join(PanelMember, PanelMember.id == Review.member_id)
        .where(PanelMember.user_id == bindparam("user_id"))
        .group_by(Review.member_id)
        .subquery("counted")
    )
    return (
        select(Round, Panel, counted.c.member_id, counted.c.total, counted.c.submitted)
        .select_from(counted)
        .join(PanelMember, PanelMember.id == counted.c.member_id)
        .join(PanelMember.panel)
        .join(Panel.round)
        # A row shows the round's title and status and the panel's scoring deadline.
        .options(load_only(Round.title, Round.status), load_only(Panel.round_id, Panel.scoring_deadline))
        .order_by(Round.id)
    )


def progress_by_round(user: User) -> list[RoundProgress]:
    """Per round the member has EOIs in: scored and assigned, counted in SQL (one statement)."""
    rows = db.session.execute(_progress_statement(), {"user_id": user.id}).all()
    return [
        RoundProgress(round_, panel, int(submitted), total, member_id)
        for round_, panel, member_id, total, submitted in rows
    ]


@functools.lru_cache(maxsize=256)
def _page_statement(submitted: tuple[bool, ...]) -> Select:
    """A page that reaches runs of these states (submitted or not), in this order: each run is a
    seat's reviews in that state with their EOIs' columns, sorted by reference and cut to the part
    on the page (parameters ``member_<i>``, ``offset_<i>``, ``limit_<i>``); then the group's and
    the work stream's names. (A page reaches some unsubmitted runs then some submitted ones, so
    there are few shapes: a member's rounds squared at most.)

    Left to choose, PostgreSQL plans this statement again on every run (its estimates for a given
    seat and limit beat those of a plan kept for any, though the plan is the same), so ``queue``
    asks it to plan it once for any values; and it joins as few tables as it can: joining the
    reviews and EOIs again to the page's ids took a third longer to plan and a fifth longer to run."""
    parts = []
    for index, done in enumerate(submitted):
        part = (
            select(
                Review.id,
                literal(index, Integer).label("run"),
                Review.status,
                Review.no_conflict_confirmed_at.is_not(None).label("confirmed"),
                Application.round_id,
                Application.reference,
                Application.title,
                Application.organisation_id,
                Application.work_stream_id,
            )
            .join(Review.application)
            .where(
                Review.member_id == bindparam(f"member_{index}"),
                Review.status == ReviewStatus.SUBMITTED if done else Review.status != ReviewStatus.SUBMITTED,
            )
            .order_by(Application.reference, Review.id)
            .limit(bindparam(f"limit_{index}", type_=Integer))
            .offset(bindparam(f"offset_{index}", type_=Integer))
            .subquery()
        )
        parts.append(select(part))
    page = paging.chosen_once(union_all(*parts) if len(parts) > 1 else parts[0], "page_rows")
    return (
        select(page.c.id, page.c.status, page.c.confirmed, page.c.round_id, page.c.reference, page.c.title,
               Organisation.name, WorkStream.name)
        .join(Organisation, Organisation.id == page.c.organisation_id)
        .outerjoin(WorkStream, WorkStream.id == page.c.work_stream_id)
        .order_by(page.c.run, page.c.reference, page.c.id)
    )  # fmt: skip


def queue(user: User, *, round_id: int | None = None, page: int | None = 1, per_page: int = paging.PER_PAGE) -> Queue:
    """One page of the member's queue: not yet submitted first, the soonest scoring deadline first
    (none set: last), then by round and reference; then the submitted ones in the same order.
    ``round_id`` keeps to one of the member's rounds (another round's id: an empty queue)."""
    rounds = progress_by_round(user)
    shown = [r for r in rounds if round_id is None or r.round.id == round_id]
    total = sum(r.total for r in shown)
    number = paging.clamp(page, total, per_page)
    by_deadline = sorted(shown, key=lambda r: (r.panel.scoring_deadline is None, r.panel.scoring_deadline, r.round.id))
    runs = [(r, False, r.to_score) for r in by_deadline] + [(r, True, r.submitted) for r in by_deadline]
    # Each run this page reaches, and the part of it on the page.
    reached = paging.window([size for _, _, size in runs], (number - 1) * per_page, per_page)
    if not reached:
        return Queue(rounds, Page(items=[], total=total, page=number, per_page=per_page), round_id)
    parameters = {}
    for part, (index, offset, limit) in enumerate(reached):
        parameters |= {f"member_{part}": runs[index][0].member_id, f"offset_{part}": offset, f"limit_{part}": limit}
    statement = _page_statement(tuple(runs[index][1] for index, _, _ in reached))
    # One plan serves every member and page: reviews by seat and state, the EOIs by id, sorted.
    with planned_once_for_any_values(db.session()):
        rows = db.session.execute(statement, parameters).all()
    items = [QueueRow(r[0], ReviewStatus(r[1]), bool(r[2]), *r[3:]) for r in rows]
    return Queue(rounds, Page(items=items, total=total, page=number, per_page=per_page), round_id)
