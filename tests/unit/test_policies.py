"""Who may see or change a group and read its files: a table of person × record, without a database."""

from __future__ import annotations

import pytest

from portal.domain.organisations import LegalForm, MembershipRole
from portal.domain.roles import Role
from portal.models import FilePurpose, Organisation, OrganisationMember, StoredFile, User, UserRole
from portal.policies import can_edit_organisation, can_invite_member, can_read_file, can_view_organisation

GROUP_ID, OTHER_GROUP_ID = 1, 2


class SignedOut:
    is_authenticated = False
    is_active = False


def person(*roles: Role, membership: MembershipRole | None = None, enabled: bool = True) -> User:
    user = User(id=10, email="someone@example.org", full_name="Someone", is_enabled=enabled)
    user.role_rows = [UserRole(role=role) for role in roles]
    user.memberships = [OrganisationMember(organisation_id=GROUP_ID, user_id=10, role=membership)] if membership else []
    return user


GROUP = Organisation(id=GROUP_ID, name="Sparkhill Women's Circle", legal_form=LegalForm.COMMUNITY_GROUP)
GROUP_FILE = StoredFile(id=5, organisation_id=GROUP_ID, purpose=FilePurpose.CONSTITUTION)
OTHER_FILE = StoredFile(id=6, organisation_id=OTHER_GROUP_ID, purpose=FilePurpose.CONSTITUTION)
LOOSE_FILE = StoredFile(id=7, organisation_id=None, purpose=FilePurpose.PAPER_FORM)

PEOPLE = {
    "owner": lambda: person(Role.APPLICANT, membership=MembershipRole.OWNER),
    "member": lambda: person(Role.APPLICANT, membership=MembershipRole.MEMBER),
    "other applicant": lambda: person(Role.APPLICANT),
    "panel member": lambda: person(Role.PANEL_MEMBER),
    "officer": lambda: person(Role.OFFICER),
    "officer who is a member": lambda: person(Role.OFFICER, Role.APPLICANT, membership=MembershipRole.MEMBER),
    "admin only": lambda: person(Role.ADMIN),
    "disabled owner": lambda: person(Role.APPLICANT, membership=MembershipRole.OWNER, enabled=False),
    "signed out": SignedOut,
}

#                        view   edit   invite  file   other group's file  file of no group
EXPECTED = {
    "owner": (True, True, True, True, False, False),
    "member": (True, True, False, True, False, False),
    "other applicant": (False, False, False, False, False, False),
    "panel member": (False, False, False, False, False, False),
    "officer": (True, False, True, True, True, True),
    "officer who is a member": (True, True, True, True, True, True),
    "admin only": (False, False, False, False, False, False),
    "disabled owner": (False, False, False, False, False, False),
    "signed out": (False, False, False, False, False, False),
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_access_table(who):
    user = PEOPLE[who]()
    got = (
        bool(can_view_organisation(user, GROUP)),
        bool(can_edit_organisation(user, GROUP)),
        bool(can_invite_member(user, GROUP)),
        bool(can_read_file(user, GROUP_FILE)),
        bool(can_read_file(user, OTHER_FILE)),
        bool(can_read_file(user, LOOSE_FILE)),
    )
    assert got == EXPECTED[who]


def test_refusals_say_why():
    assert str(can_invite_member(PEOPLE["member"](), GROUP).reason) == (
        "Only the people who manage this group's account can do this."
    )
    assert (
        str(can_view_organisation(PEOPLE["other applicant"](), GROUP).reason) == "You are not a member of this group."
    )
