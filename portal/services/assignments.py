"""Assigning EOIs to panel members, by hand or in bulk, and the assignments at a glance.

A member is never assigned an EOI from a group they are linked to (``panels.links_of``: their
register of interests, or the group's account on the portal), nor one they have declared a conflict
on, nor the same EOI twice. The first assignment moves an eligible EOI to the panel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.db import utcnow
from portal.domain.scoring import balanced_assignment
from portal.domain.text import N_
from portal.domain.workflow import APPLICATION_TRANSITIONS, ApplicationStatus, check_transition
from portal.extensions import db
from portal.models import Application, ConflictDeclaration, Panel, PanelMember, Review, Round, User
from portal.services import ServiceError, audit, panels
from portal.services.panels import DONE, refuse

# EOIs that can be assigned by hand (found eligible, and not yet decided).
ASSIGNABLE = (ApplicationStatus.ELIGIBLE, ApplicationStatus.WITH_PANEL, ApplicationStatus.SCORED)
# EOIs that bulk assignment tops up: those still waiting for their scores.
BULK = (ApplicationStatus.ELIGIBLE, ApplicationStatus.WITH_PANEL)


# --- assignment -----------------------------------------------------------------------------------


def _to_panel(application: Application, by: User | None) -> ApplicationStatus | None:
    """Eligible → with the panel on its first assignment; the status it had, if it moved."""
    if application.status != ApplicationStatus.ELIGIBLE:
        return None
    roles = set(by.roles) if by is not None else set()
    decision = check_transition(APPLICATION_TRANSITIONS, application.status, ApplicationStatus.WITH_PANEL, roles)
    if not decision:
        raise ServiceError(decision.reason)
    application.status = ApplicationStatus.WITH_PANEL
    return ApplicationStatus.ELIGIBLE


def _new_review(application: Application, member: PanelMember, by: User | None, now: datetime) -> Review:
    review = Review(
        application=application, member=member, assigned_by_id=by.id if by else None, assigned_at=now, updated_at=now
    )
    db.session.add(review)
    return review


def _record_assigned(
    review: Review, by: User | None, moved_from: ApplicationStatus | None, now: datetime, **extra: object
) -> None:
    after = {"application_id": review.application_id, "member_id": review.member_id, "user_id": review.member.user_id}
    if moved_from is not None:
        after["application_status"] = ApplicationStatus.WITH_PANEL
    audit.record(
        "review.assigned",
        review,
        by=by,
        before={"application_status": moved_from} if moved_from is not None else None,
        after={**after, **extra},
        round_id=review.application.round_id,
        now=now,
    )


def assign(application: Application, member: PanelMember, *, by: User, now: datetime | None = None) -> Review:
    """Give one EOI to one panel member to score."""
    name = member.user.full_name
    if application.round_id != member.panel.round_id:
        raise refuse(N_("This EOI is not in the round this panel scores."))
    if application.status not in ASSIGNABLE:
        raise refuse(N_("Only EOIs found eligible can go to the panel."))
    panels.check_not_linked(member.user, application.organisation)
    conflicted = db.session.scalar(
        select(ConflictDeclaration.id).where(
            ConflictDeclaration.application_id == application.id, ConflictDeclaration.member_id == member.id
        )
    )
    if conflicted is not None:
        raise refuse(N_("%(name)s has declared a conflict of interest with this EOI."), name=name)
    taken = db.session.scalar(
        select(Review.id).where(Review.application_id == application.id, Review.member_id == member.id)
    )
    if taken is not None:
        raise refuse(N_("%(name)s is already scoring this EOI."), name=name)
    now = now or utcnow()
    moved_from = _to_panel(application, by)
    review = _new_review(application, member, by, now)
    db.session.flush()
    _record_assigned(review, by, moved_from, now)
    return review


def unassign(review: Review, *, by: User, now: datetime | None = None) -> None:
    if review.submitted_at is not None or review.status in DONE:
        raise refuse(
            N_("%(name)s has already submitted their scores for this EOI, so it stays with them."),
            name=review.member.user.full_name,
        )
    audit.record(
        "review.unassigned",
        review,
        by=by,
        before={
            "application_id": review.application_id,
            "member_id": review.member_id,
            "user_id": review.member.user_id,
            "status": review.status,
        },
        round_id=review.application.round_id,
        now=now,
    )
    db.session.delete(review)
    db.session.flush()


def assign_in_bulk(round_: Round, *, per_eoi: int | None, by: User, now: datetime | None = None) -> int:
    """Assign every eligible EOI of the round that is waiting for scores: to every member without a
    conflict (``per_eoi=None``), or topped up to ``per_eoi`` members each, sharing the work evenly.
    Returns how many assignments were made. A fixed number of queries, whatever the numbers."""
    if per_eoi is not None and per_eoi < 1:
        raise refuse(N_("Each EOI needs at least 1 reviewer"))
    panel = panels.panel_for(round_)
    if panel is None:
        raise refuse(N_("Set up the panel before you assign EOIs."))
    members = list(
        db.session.scalars(
            select(PanelMember)
            .where(PanelMember.panel_id == panel.id)
            .options(selectinload(PanelMember.user))
            .order_by(PanelMember.id)
        )
    )
    if not members:
        raise refuse(N_("Add panel members before you assign EOIs."))
    applications = list(
        db.session.scalars(
            select(Application)
            .where(Application.round_id == round_.id, Application.status.in_(BULK))
            .order_by(Application.reference, Application.id)
        )
    )
    if not applications:
        raise refuse(N_("There are no eligible EOIs waiting for the panel in this round."))
    by_id = {application.id: application for application in applications}
    member_ids = {member.id: member for member in members}
    links = panels.links_of(member.user_id for member in members)
    blocked = {
        (application.id, member.id)
        for application in applications
        for member in members
        if application.organisation_id in links.get(member.user_id, ())
    }
    blocked |= set(
        db.session.execute(
            select(ConflictDeclaration.application_id, ConflictDeclaration.member_id).where(
                ConflictDeclaration.member_id.in_(list(member_ids)),
                ConflictDeclaration.application_id.in_(list(by_id)),
            )
        ).all()
    )
    existing = set(
        db.session.execute(
            select(Review.application_id, Review.member_id).where(
                Review.member_id.in_(list(member_ids)), Review.application_id.in_(list(by_id))
            )
        ).all()
    )
    pairs = balanced_assignment(
        [application.id for application in applications],
        [member.id for member in members],
        per_eoi=per_eoi,
        blocked=blocked,
        existing={(a, m) for a, m in existing},
    )
    now = now or utcnow()
    made: list[tuple[Review, ApplicationStatus | None]] = []
    for application_id, member_id in pairs:
        application = by_id[application_id]
        moved_from = _to_panel(application, by)
        made.append((_new_review(application, member_ids[member_id], by, now), moved_from))
    db.session.flush()
    for review, moved_from in made:
        _record_assigned(review, by, moved_from, now, bulk=True)
    return len(made)


# --- the assignments at a glance ------------------------------------------------------------------


@dataclass
class EoiAssignments:
    application: Application
    reviews: list[Review] = field(default_factory=list)
    conflicts: list[ConflictDeclaration] = field(default_factory=list)
    available: list[PanelMember] = field(default_factory=list)  # could be assigned by hand
    linked: list[PanelMember] = field(default_factory=list)  # never: their register links them
    minimum: int = 1

    @property
    def without_conflict(self) -> int:
        """Reviewers who have not declared a conflict (a declared one deletes the review)."""
        return len(self.reviews)

    @property
    def confirmed(self) -> int:
        return sum(1 for review in self.reviews if review.no_conflict_confirmed_at is not None)

    @property
    def short(self) -> bool:
        return self.without_conflict < self.minimum

    @property
    def needed(self) -> int:
        return max(self.minimum - self.without_conflict, 0)


def assignment_overview(round_: Round) -> list[EoiAssignments]:
    """Each EOI found eligible in the round (and not yet decided), with its reviewers, conflicts and
    who else could take it. A fixed number of queries, whatever the numbers."""
    panel = db.session.scalar(
        select(Panel)
        .where(Panel.round_id == round_.id)
        .options(selectinload(Panel.members).selectinload(PanelMember.user))
    )
    applications = list(
        db.session.scalars(
            select(Application)
            .where(Application.round_id == round_.id, Application.status.in_(ASSIGNABLE))
            .options(selectinload(Application.organisation), selectinload(Application.work_stream))
            .order_by(Application.reference, Application.id)
        )
    )
    members = list(panel.members) if panel is not None else []
    minimum = panel.minimum_reviewers if panel is not None else 1
    rows = {application.id: EoiAssignments(application, minimum=minimum) for application in applications}
    if not rows or not members:
        return list(rows.values())
    # Each review's and declaration's member is already in the session: reading it runs no query.
    application_ids, member_ids = list(rows), [member.id for member in members]
    for review in db.session.scalars(
        select(Review)
        .where(Review.application_id.in_(application_ids), Review.member_id.in_(member_ids))
        .order_by(Review.id)
    ):
        rows[review.application_id].reviews.append(review)
    for declaration in db.session.scalars(
        select(ConflictDeclaration)
        .where(ConflictDeclaration.application_id.in_(application_ids), ConflictDeclaration.member_id.in_(member_ids))
        .order_by(ConflictDeclaration.id)
    ):
        rows[declaration.application_id].conflicts.append(declaration)
    links = panels.links_of(member.user_id for member in members)
    for row in rows.values():
        taken = {review.member_id for review in row.reviews} | {c.member_id for c in row.conflicts}
        for member in members:
            if row.application.organisation_id in links.get(member.user_id, ()):
                row.linked.append(member)
            elif member.id not in taken:
                row.available.append(member)
    return list(rows.values())
