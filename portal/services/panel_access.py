"""What a panel member may reach: the reviews that are theirs. Read-only queries that the routes
hand to the policies in ``portal/policies.py`` (which run no queries of their own)."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import Select, bindparam, inspect, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from portal.domain.workflow import ReviewStatus
from portal.extensions import db
from portal.models import (
    Application,
    ApplicationAnswer,
    ApplicationVersion,
    ConflictDeclaration,
    Interest,
    Organisation,
    Panel,
    PanelMember,
    Review,
    Round,
    Score,
    User,
)

if TYPE_CHECKING:
    from portal.services.moderation import EoiModeration


_APPLICATION_SHOWN = (Application.reference, Application.status, Application.title, Application.round_id,
                      Application.organisation_id, Application.work_stream_id, Application.lock_version)  # fmt: skip
_ROUND_SHOWN = (Round.title, Round.status, Round.reference_prefix)


@functools.cache
def _review_statement() -> Select:
    """A review by ``review_id`` if its seat is ``user_id``'s, with what its page shows. Built once
    (building it on every request took longer than the database took to answer it)."""
    return (
        select(Review)
        .join(Review.member)
        .where(Review.id == bindparam("review_id"), PanelMember.user_id == bindparam("user_id"))
        .options(
            contains_eager(Review.member).joinedload(PanelMember.panel),
            # The round's few criteria joined in (a statement fewer); the scores on their own
            # (``_scores_statement``: joined too, they would multiply the rows). What the group
            # sent is read on its own too (``submitted_content``), so the EOI's live answers, the
            # group's details and the round's letter settings are left out of these rows (read if
            # asked for).
            joinedload(Review.application)
            .load_only(*_APPLICATION_SHOWN)
            .options(
                joinedload(Application.organisation).load_only(Organisation.name),
                joinedload(Application.round).load_only(*_ROUND_SHOWN).joinedload(Round.criteria),
            ),
        )
    )


@functools.cache
def _scores_statement() -> Select:
    """A review's scores by ``review_id``. Built once: ``selectinload`` built its statement again
    on every load, which took as long as reading the review itself (1 M of the review page's 51 M
    instructions, counted with callgrind)."""
    return select(Score).where(Score.review_id == bindparam("review_id"))


def review_of(user: User, review_id: int) -> Review | None:
    """The review with this id if it is ``user``'s own, with its scores; else ``None`` (the route
    answers 404)."""
    review = db.session.scalars(_review_statement(), {"review_id": review_id, "user_id": user.id}).unique().first()
    if review is not None and "scores" in inspect(review).unloaded:  # not already loaded in this session
        set_committed_value(review, "scores", db.session.scalars(_scores_statement(), {"review_id": review.id}).all())
    return review


@functools.cache
def _newest_version_statement() -> Select:
    return (
        select(ApplicationVersion.content)
        .where(ApplicationVersion.application_id == bindparam("application_id"))
        .order_by(ApplicationVersion.number.desc())
        .limit(1)
    )


def submitted_content(application: Application) -> dict | None:
    """What the group sent, as the panel scores it: the content of the EOI's newest submitted
    version (``None``: never submitted). Only that version's content is read, not every version
    as objects."""
    return db.session.scalar(_newest_version_statement(), {"application_id": application.id})


def reviews_of(user: User) -> list[Review]:
    """Every EOI assigned to ``user`` on any panel, with the application and its answers loaded
    (the file policy follows them)."""
    return list(
        db.session.scalars(
            select(Review)
            .join(Review.member)
            .where(PanelMember.user_id == user.id)
            .options(
                selectinload(Review.application)
                .selectinload(Application.answers)
                .load_only(ApplicationAnswer.recording_file_id),
                selectinload(Review.member),
            )
            .order_by(Review.id)
        )
    )


# --- what a panel member may see at the moderation meeting -------------------------------------

CONFLICT = "conflict"  # they declared a conflict on the EOI
INTEREST = "interest"  # their register of interests links them to the group
NOT_SUBMITTED = "not_submitted"  # they have not submitted their own review of it yet


def membership_of(user: User, round_: Round) -> PanelMember | None:
    """``user``'s place on ``round_``'s panel, if they sit on it."""
    return db.session.scalar(
        select(PanelMember).join(PanelMember.panel).where(Panel.round_id == round_.id, PanelMember.user_id == user.id)
    )


def hidden_from(member: PanelMember, eois: Iterable[EoiModeration]) -> dict[int, str]:
    """The EOIs whose numbers ``member`` must not see, each with why: a conflict they declared, a
    link in their register of interests, or a review of theirs not yet submitted (independence)."""
    eois = list(eois)
    ids = [eoi.application_id for eoi in eois]
    declared = set(
        db.session.scalars(
            select(ConflictDeclaration.application_id).where(
                ConflictDeclaration.member_id == member.id, ConflictDeclaration.application_id.in_(ids)
            )
        )
    )
    linked = set(db.session.scalars(select(Interest.organisation_id).where(Interest.user_id == member.user_id)))
    unsubmitted = set(
        db.session.scalars(
            select(Review.application_id).where(
                Review.member_id == member.id, Review.application_id.in_(ids), Review.status != ReviewStatus.SUBMITTED
            )
        )
    )
    hidden: dict[int, str] = {}
    for eoi in eois:
        if eoi.application_id in declared:
            hidden[eoi.application_id] = CONFLICT
        elif eoi.organisation_id in linked:
            hidden[eoi.application_id] = INTEREST
        elif eoi.application_id in unsubmitted:
            hidden[eoi.application_id] = NOT_SUBMITTED
    return hidden
