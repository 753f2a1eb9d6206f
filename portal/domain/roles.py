"""The roles a user can hold (a user holds a set of them)."""

from enum import StrEnum


class Role(StrEnum):
    APPLICANT = "applicant"
    PANEL_MEMBER = "panel_member"
    OFFICER = "officer"
    ADMIN = "admin"


# Where each role lands after signing in, most senior first.
LANDING_ORDER: tuple[Role, ...] = (Role.ADMIN, Role.OFFICER, Role.PANEL_MEMBER, Role.APPLICANT)


def landing_role(roles: set[Role] | frozenset[Role]) -> Role | None:
    """The role whose home page a user with these roles sees first."""
    for role in LANDING_ORDER:
        if role in roles:
            return role
    return None
