"""Setting up a round's panel and its members, the members' registers of interests, and conflicts
of interest (assigning EOIs is in ``portal/services/assignments.py``).

A member is never assigned an EOI from a group they are linked to (``links_of``: their register of
interests, or the group's account on the portal), nor one they have declared a conflict on.
Declaring a conflict deletes the review and its scores at once, so every kind of access goes with
it; registering a new interest does the same for the group's EOIs they have not yet scored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.db import utcnow
from portal.domain.panel import LABELS, ConflictKind, InterestKind, MemberKind
from portal.domain.roles import Role
from portal.domain.text import N_, Message
from portal.domain.workflow import ReviewStatus
from portal.extensions import db
from portal.models import (
    Application,
    ConflictDeclaration,
    Interest,
    Organisation,
    OrganisationMember,
    Panel,
    PanelMember,
    Review,
    Round,
    User,
)
from portal.services import ServiceError, accounts, audit

PROFILE_LIMIT = 2000
NOTE_LIMIT = 2000
DONE = (ReviewStatus.SUBMITTED, ReviewStatus.REOPENED)


def refuse(text: str, **params: object) -> ServiceError:
    return ServiceError(Message(text, params))


def _text(value: str | None, limit: int, message: str) -> str | None:
    cleaned = (value or "").strip()
    if len(cleaned) > limit:
        raise refuse(message, limit=limit)
    return cleaned or None


# --- the panel and its rules ----------------------------------------------------------------------


def panel_for(round_: Round) -> Panel | None:
    return db.session.scalar(select(Panel).where(Panel.round_id == round_.id))


def ensure_panel(round_: Round, *, by: User | None, now: datetime | None = None) -> Panel:
    """The round's panel, set up with the default rules if it has none yet."""
    panel = panel_for(round_)
    if panel is not None:
        return panel
    panel = Panel(round=round_, created_at=now or utcnow())
    db.session.add(panel)
    db.session.flush()
    audit.record(
        "panel.created",
        panel,
        by=by,
        after=audit.snapshot(panel, ("minimum_reviewers", "spread_threshold", "scoring_deadline")),
        now=now,
    )
    return panel


def update_panel(
    panel: Panel,
    *,
    minimum_reviewers: int,
    spread_threshold: Decimal | int,
    scoring_deadline: datetime | None,
    by: User | None,
    now: datetime | None = None,
) -> None:
    if minimum_reviewers is None or minimum_reviewers < 1:
        raise refuse(N_("Each EOI needs at least 1 reviewer"))
    if minimum_reviewers > 50:
        raise refuse(N_("The number of reviewers must be 50 or fewer"))
    threshold = Decimal(spread_threshold) if spread_threshold is not None else None
    if threshold is None or not Decimal(0) <= threshold <= Decimal(100):
        raise refuse(N_("The spread must be from 0 to 100 points"))
    fields = ("minimum_reviewers", "spread_threshold", "scoring_deadline")
    before = audit.snapshot(panel, fields)
    panel.minimum_reviewers = minimum_reviewers
    panel.spread_threshold = threshold
    panel.scoring_deadline = scoring_deadline
    db.session.flush()
    audit.record("panel.updated", panel, by=by, before=before, after=audit.snapshot(panel, fields), now=now)


# --- members --------------------------------------------------------------------------------------


def _member_facts(member: PanelMember) -> dict:
    return {"user_id": member.user_id, "name": member.user.full_name, "kind": member.kind, "profile": member.profile}


def add_member_by_email(
    panel: Panel, email: str, *, kind: MemberKind, profile: str | None, by: User, now: datetime | None = None
) -> PanelMember:
    """Add the person with this e-mail address. The portal cannot yet invite someone new to the
    panel, so an admin creates their account first."""
    user = accounts.find_user_by_email(email)
    if user is None:
        raise refuse(N_("There is no account for this e-mail address. An admin can create one."))
    return add_member(panel, user, kind=kind, profile=profile, by=by, now=now)


def add_member(
    panel: Panel, user: User, *, kind: MemberKind, profile: str | None, by: User, now: datetime | None = None
) -> PanelMember:
    if not user.is_enabled:
        raise refuse(N_("%(name)s's account is switched off, so they cannot join the panel."), name=user.full_name)
    taken = db.session.scalar(
        select(PanelMember.id).where(PanelMember.panel_id == panel.id, PanelMember.user_id == user.id)
    )
    if taken is not None:
        raise refuse(N_("%(name)s is already on this panel."), name=user.full_name)
    profile = _text(profile, PROFILE_LIMIT, N_("Keep the profile to %(limit)d characters or fewer"))
    if Role.PANEL_MEMBER not in user.roles:
        accounts.set_roles(user, set(user.roles) | {Role.PANEL_MEMBER}, by=by, now=now)
    member = PanelMember(
        panel=panel, user=user, kind=MemberKind(kind), profile=profile, added_by_id=by.id, created_at=now or utcnow()
    )
    db.session.add(member)
    db.session.flush()
    audit.record("panel.member_added", member, by=by, after=_member_facts(member), round_id=panel.round_id, now=now)
    return member


def update_member(
    member: PanelMember, *, kind: MemberKind, profile: str | None, by: User, now: datetime | None = None
) -> None:
    profile = _text(profile, PROFILE_LIMIT, N_("Keep the profile to %(limit)d characters or fewer"))
    before = _member_facts(member)
    member.kind, member.profile = MemberKind(kind), profile
    db.session.flush()
    audit.record(
        "panel.member_updated",
        member,
        by=by,
        before=before,
        after=_member_facts(member),
        round_id=member.panel.round_id,
        now=now,
    )


def remove_member(member: PanelMember, *, by: User, now: datetime | None = None) -> None:
    """Take someone off the panel, with the EOIs assigned to them, unless they have already
    submitted scores (the panel's results rest on them) or declared a conflict (the record of it is
    kept for scrutiny, and deleting the member would delete it). They keep the panel-member role,
    for other panels."""
    reviews = list(db.session.scalars(select(Review).where(Review.member_id == member.id)))
    if any(review.submitted_at is not None or review.status in DONE for review in reviews):
        raise refuse(
            N_(
                "%(name)s has already submitted scores, and the panel's results depend on them, so they stay on the panel."
            ),
            name=member.user.full_name,
        )
    declared = db.session.scalar(
        select(ConflictDeclaration.id).where(ConflictDeclaration.member_id == member.id).limit(1)
    )
    if declared is not None:
        raise refuse(
            N_(
                "%(name)s has declared a conflict of interest, and the record of it is kept, so they stay on the panel."
            ),
            name=member.user.full_name,
        )
    facts = {**_member_facts(member), "reviews_removed": [review.application_id for review in reviews]}
    audit.record("panel.member_removed", member, by=by, before=facts, round_id=member.panel.round_id, now=now)
    for review in reviews:
        db.session.delete(review)
    member.panel.members.remove(member)
    db.session.delete(member)
    db.session.flush()


@dataclass
class MemberRow:
    member: PanelMember
    interests: list[Interest]
    assigned: int


def member_rows(panel: Panel) -> list[MemberRow]:
    """Each member with their register of interests and how many EOIs they have (four queries)."""
    members = list(
        db.session.scalars(
            select(PanelMember)
            .where(PanelMember.panel_id == panel.id)
            .options(selectinload(PanelMember.user))
            .order_by(PanelMember.id)
        )
    )
    user_ids = [member.user_id for member in members]
    interests: dict[int, list[Interest]] = defaultdict(list)
    if user_ids:
        for interest in db.session.scalars(
            select(Interest)
            .where(Interest.user_id.in_(user_ids))
            .options(selectinload(Interest.organisation))
            .order_by(Interest.id)
        ):
            interests[interest.user_id].append(interest)
    counts = dict(
        db.session.execute(
            select(Review.member_id, func.count(Review.id))
            .join(Review.member)
            .where(PanelMember.panel_id == panel.id)
            .group_by(Review.member_id)
        ).all()
    )
    return [MemberRow(member, interests[member.user_id], counts.get(member.id, 0)) for member in members]


# --- registers of interests -----------------------------------------------------------------------

CONFLICT_FOR_INTEREST = {InterestKind.FAMILY: ConflictKind.PERSONAL}


def _own(user: User, by: User) -> None:
    if by is None or by.id != user.id:
        raise refuse(N_("Only the panel member can change their own register of interests."))


def add_interest(
    user: User,
    organisation: Organisation,
    *,
    kind: InterestKind,
    note: str | None,
    by: User,
    now: datetime | None = None,
) -> Interest:
    """Record that ``user`` is linked to ``organisation``. Any of the group's EOIs already given to
    them and not yet scored are taken off their list at once, as a declared conflict."""
    _own(user, by)
    kind = InterestKind(kind)
    note = _text(note, NOTE_LIMIT, N_("Keep the note to %(limit)d characters or fewer"))
    exists = db.session.scalar(
        select(Interest.id).where(
            Interest.user_id == user.id, Interest.organisation_id == organisation.id, Interest.kind == kind
        )
    )
    if exists is not None:
        raise refuse(N_("This link to %(group)s is already in the register."), group=organisation.name)
    now = now or utcnow()
    interest = Interest(user=user, organisation=organisation, kind=kind, note=note, created_at=now)
    db.session.add(interest)
    db.session.flush()
    audit.record(
        "interest.added",
        interest,
        by=by,
        after={
            "user_id": user.id,
            "organisation_id": organisation.id,
            "group": organisation.name,
            "kind": kind,
            "note": note,
        },
        now=now,
    )
    open_reviews = db.session.scalars(
        select(Review)
        .join(Review.member)
        .join(Review.application)
        .where(PanelMember.user_id == user.id, Application.organisation_id == organisation.id)
        .where(Review.submitted_at.is_(None), Review.status.not_in(DONE))
    ).all()
    for review in open_reviews:
        _withdraw_for_conflict(
            review,
            kind=CONFLICT_FOR_INTEREST.get(kind, ConflictKind.ORGANISATIONAL),
            note=str(Message(N_("From the register of interests: %(link)s"), {"link": LABELS[kind]})),
            by=by,
            now=now,
        )
    return interest


def remove_interest(interest: Interest, *, by: User, now: datetime | None = None) -> None:
    _own(interest.user, by)
    audit.record(
        "interest.removed",
        interest,
        by=by,
        before={
            "user_id": interest.user_id,
            "organisation_id": interest.organisation_id,
            "group": interest.organisation.name,
            "kind": interest.kind,
            "note": interest.note,
        },
        now=now,
    )
    db.session.delete(interest)
    db.session.flush()


def interests_of(user: User) -> list[Interest]:
    return list(
        db.session.scalars(
            select(Interest)
            .where(Interest.user_id == user.id)
            .options(selectinload(Interest.organisation))
            .order_by(Interest.created_at, Interest.id)
        )
    )


def linked_organisation_ids(user: User) -> set[int]:
    """The groups ``user`` is linked to: in their register of interests, or as a member of the
    group's account on the portal."""
    return set(links_of([user.id]).get(user.id, ()))


def links_of(user_ids: Iterable[int]) -> dict[int, set[int]]:
    """user id → the ids of the organisations they are linked to (two queries)."""
    ids = list(set(user_ids))
    links: dict[int, set[int]] = defaultdict(set)
    if not ids:
        return links
    for table in (Interest, OrganisationMember):
        for user_id, organisation_id in db.session.execute(
            select(table.user_id, table.organisation_id).where(table.user_id.in_(ids))
        ):
            links[user_id].add(organisation_id)
    return links


def check_not_linked(user: User, organisation: Organisation) -> None:
    registered = db.session.scalar(
        select(Interest.id).where(Interest.user_id == user.id, Interest.organisation_id == organisation.id).limit(1)
    )
    if registered is not None:
        raise refuse(
            N_("%(name)s's register of interests links them to %(group)s."),
            name=user.full_name,
            group=organisation.name,
        )
    belongs = db.session.scalar(
        select(OrganisationMember.id).where(
            OrganisationMember.user_id == user.id, OrganisationMember.organisation_id == organisation.id
        )
    )
    if belongs is not None:
        raise refuse(
            N_("%(name)s belongs to %(group)s's account on this portal."), name=user.full_name, group=organisation.name
        )


# --- conflicts of interest ------------------------------------------------------------------------


def _check_mine(review: Review, by: User) -> None:
    if by is None or review.member.user_id != by.id:
        raise refuse(N_("This EOI is not assigned to you."))


def confirm_no_conflict(review: Review, *, by: User, now: datetime | None = None) -> None:
    """The member says they have no conflict with the group, and may now read its EOI."""
    _check_mine(review, by)
    if review.no_conflict_confirmed_at is not None:
        return
    now = now or utcnow()
    review.no_conflict_confirmed_at = now
    review.updated_at = now
    db.session.flush()
    audit.record(
        "review.no_conflict_confirmed",
        review,
        by=by,
        after={"application_id": review.application_id, "member_id": review.member_id},
        round_id=review.application.round_id,
        now=now,
    )


def declare_conflict(
    review: Review, *, kind: ConflictKind, note: str | None, by: User, now: datetime | None = None
) -> ConflictDeclaration:
    """The member has a conflict with the group: the review and its scores go at once (and with
    them every kind of access to the EOI), and the declaration is kept."""
    _check_mine(review, by)
    if review.status == ReviewStatus.SUBMITTED:
        raise refuse(
            N_("You have already submitted your scores for this EOI. Tell the grants team about the conflict.")
        )
    note = _text(note, NOTE_LIMIT, N_("Keep the note to %(limit)d characters or fewer"))
    return _withdraw_for_conflict(review, kind=ConflictKind(kind), note=note, by=by, now=now or utcnow())


def _withdraw_for_conflict(
    review: Review, *, kind: ConflictKind, note: str | None, by: User, now: datetime
) -> ConflictDeclaration:
    application = review.application
    declaration = ConflictDeclaration(
        application=application, member=review.member, kind=kind, note=note, declared_at=now
    )
    db.session.delete(review)
    db.session.add(declaration)
    db.session.flush()
    audit.record(
        "review.conflict_declared",
        application,
        by=by,
        after={
            "application_id": application.id,
            "review_id": review.id,
            "member_id": declaration.member_id,
            "user_id": declaration.member.user_id,
            "kind": kind,
            "note": note,
        },
        now=now,
    )
    return declaration
