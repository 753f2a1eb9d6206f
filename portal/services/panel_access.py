"""What a panel member may reach: the reviews that are theirs. Read-only queries that the routes
hand to the policies in ``portal/policies.py`` (which run no queries of their own)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models import Application, ApplicationAnswer, PanelMember, Review, User


def review_of(user: User, review_id: int) -> Review | None:
    """The review with this id if it is ``user``'s own; else ``None`` (the route answers 404)."""
    return db.session.scalar(
        select(Review)
        .join(Review.member)
        .where(Review.id == review_id, PanelMember.user_id == user.id)
        .options(selectinload(Review.scores))
    )


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
