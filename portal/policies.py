"""Object-level access: who may see or change one record.

Pure functions over the objects (they follow loaded relationships, and run no queries of their
own). Each returns a ``Decision``, which is falsy when refused, so ``if can_view_organisation(…)``
reads as it should. Routes turn a refusal into a 404, so nobody learns that a record exists.
Panel members reach only the EOIs assigned to them, and an EOI's answers (and its recordings) only
once they have confirmed they have no conflict; a declared conflict deletes the assignment, so it
takes every kind of access away at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal.domain.organisations import MembershipRole
from portal.domain.roles import Role
from portal.domain.text import N_, Message
from portal.domain.workflow import ALLOWED, Decision

if TYPE_CHECKING:
    from collections.abc import Iterable

    from portal.models import Organisation, Review, StoredFile, User

NOT_A_MEMBER = Decision(False, Message(N_("You are not a member of this group.")))
ONLY_OWNERS = Decision(False, Message(N_("Only the people who manage this group's account can do this.")))
SIGNED_OUT = Decision(False, Message(N_("Sign in to continue.")))
NOT_YOUR_REVIEW = Decision(False, Message(N_("This EOI is not assigned to you.")))
CONFIRM_FIRST = Decision(False, Message(N_("Confirm that you have no conflict of interest before you read this EOI.")))
SUBMIT_FIRST = Decision(
    False, Message(N_("You can see the other panel members' scores once you have submitted yours."))
)


def _signed_in(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)


def _membership_role(user: User, organisation_id: int | None) -> MembershipRole | None:
    if organisation_id is None:
        return None
    for membership in user.memberships:
        if membership.organisation_id == organisation_id:
            return membership.role
    return None


def can_view_organisation(user: User | None, organisation: Organisation) -> Decision:
    """Members of the group, and officers (who help groups and check what they send)."""
    if not _signed_in(user):
        return SIGNED_OUT
    if user.has_role(Role.OFFICER) or _membership_role(user, organisation.id) is not None:
        return ALLOWED
    return NOT_A_MEMBER


def can_edit_organisation(user: User | None, organisation: Organisation) -> Decision:
    """Any member may keep the group's details and documents up to date. Officers read them;
    changing them on a group's behalf is the assisted route, recorded as such."""
    if not _signed_in(user):
        return SIGNED_OUT
    return ALLOWED if _membership_role(user, organisation.id) is not None else NOT_A_MEMBER


def can_invite_member(user: User | None, organisation: Organisation) -> Decision:
    """The group's owners invite people to join it; so do officers, who invite a group to take
    over an account they created for it on the assisted route."""
    if not _signed_in(user):
        return SIGNED_OUT
    if user.has_role(Role.OFFICER):
        return ALLOWED
    role = _membership_role(user, organisation.id)
    if role is None:
        return NOT_A_MEMBER
    return ALLOWED if role == MembershipRole.OWNER else ONLY_OWNERS


def can_read_file(user: User | None, stored_file: StoredFile, reviews: Iterable[Review] = ()) -> Decision:
    """Members of the group the file belongs to, and officers; and a panel member, for a recording
    that answers a question in an EOI they review and have confirmed no conflict on. ``reviews``
    are the user's own reviews (``panel_access.reviews_of``), with their applications' answers."""
    if not _signed_in(user):
        return SIGNED_OUT
    if user.has_role(Role.OFFICER) or _membership_role(user, stored_file.organisation_id) is not None:
        return ALLOWED
    if user.has_role(Role.PANEL_MEMBER):
        for review in reviews:
            mine = review.member.user_id == user.id and review.no_conflict_confirmed_at is not None
            if mine and any(answer.recording_file_id == stored_file.id for answer in review.application.answers):
                return ALLOWED
    return NOT_A_MEMBER


def can_open_review(user: User | None, review: Review) -> Decision:
    """The panel member the EOI is assigned to (they still hold the panel-member role)."""
    if not _signed_in(user):
        return SIGNED_OUT
    if user.has_role(Role.PANEL_MEMBER) and review.member.user_id == user.id:
        return ALLOWED
    return NOT_YOUR_REVIEW


def can_read_answers(user: User | None, review: Review) -> Decision:
    """The EOI's answers: its panel member, once they have confirmed they have no conflict."""
    decision = can_open_review(user, review)
    if not decision:
        return decision
    return ALLOWED if review.no_conflict_confirmed_at is not None else CONFIRM_FIRST


def can_see_panel_scores(user: User | None, review: Review) -> Decision:
    """Other members' scores for the same EOI: only once this member has submitted their own
    (independence). A reopened review hides them again until it is submitted again."""
    from portal.domain.workflow import ReviewStatus

    decision = can_read_answers(user, review)
    if not decision:
        return decision
    return ALLOWED if review.status == ReviewStatus.SUBMITTED else SUBMIT_FIRST
