"""Object-level access: who may see or change one record.

Pure functions over the objects (they follow loaded relationships, and run no queries of their
own). Each returns a ``Decision``, which is falsy when refused, so ``if can_view_organisation(…)``
reads as it should. Routes turn a refusal into a 404, so nobody learns that a record exists.
Later issues add panel members (files of the applications they are assigned to).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal.domain.organisations import MembershipRole
from portal.domain.roles import Role
from portal.domain.text import N_, Message
from portal.domain.workflow import ALLOWED, Decision

if TYPE_CHECKING:
    from portal.models import Organisation, StoredFile, User

NOT_A_MEMBER = Decision(False, Message(N_("You are not a member of this group.")))
ONLY_OWNERS = Decision(False, Message(N_("Only the people who manage this group's account can do this.")))
SIGNED_OUT = Decision(False, Message(N_("Sign in to continue.")))


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


def can_read_file(user: User | None, stored_file: StoredFile) -> Decision:
    """Members of the group the file belongs to, and officers."""
    if not _signed_in(user):
        return SIGNED_OUT
    if user.has_role(Role.OFFICER) or _membership_role(user, stored_file.organisation_id) is not None:
        return ALLOWED
    return NOT_A_MEMBER
