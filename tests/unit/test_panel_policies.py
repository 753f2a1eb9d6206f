"""Who may open a review, read the EOI's answers, see the rest of the panel's scores and play the
group's recordings: a table of person × state of the review, without a database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from portal.domain.organisations import MembershipRole
from portal.domain.roles import Role
from portal.domain.workflow import ReviewStatus
from portal.models import (
    Application,
    ApplicationAnswer,
    FilePurpose,
    OrganisationMember,
    PanelMember,
    Review,
    StoredFile,
    User,
    UserRole,
)
from portal.policies import can_open_review, can_read_answers, can_read_file, can_see_panel_scores

GROUP_ID, OTHER_GROUP_ID = 1, 2
MEMBER_ID, OTHER_MEMBER_ID, OFFICER_ID, APPLICANT_ID = 10, 11, 12, 13
CONFIRMED_AT = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)

RECORDING = StoredFile(id=5, organisation_id=GROUP_ID, purpose=FilePurpose.RECORDING)
OTHER_RECORDING = StoredFile(id=6, organisation_id=OTHER_GROUP_ID, purpose=FilePurpose.RECORDING)
GROUP_DOCUMENT = StoredFile(id=7, organisation_id=GROUP_ID, purpose=FilePurpose.CONSTITUTION)


class SignedOut:
    is_authenticated = False
    is_active = False


def person(user_id: int, *roles: Role, group: int | None = None, enabled: bool = True) -> User:
    user = User(id=user_id, email=f"user{user_id}@example.org", full_name=f"User {user_id}", is_enabled=enabled)
    user.role_rows = [UserRole(role=role) for role in roles]
    user.memberships = (
        [OrganisationMember(organisation_id=group, user_id=user_id, role=MembershipRole.MEMBER)] if group else []
    )
    return user


def eoi(application_id: int, organisation_id: int, recording: StoredFile) -> Application:
    return Application(
        id=application_id,
        organisation_id=organisation_id,
        answers=[
            ApplicationAnswer(criterion_id=1, text="We know our community well."),
            ApplicationAnswer(criterion_id=2, recording_file_id=recording.id, recording_summary="Our plans."),
        ],
    )


def review(user_id: int, state: str, application: Application | None = None) -> Review:
    status, confirmed = STATES[state]
    return Review(
        application=application or eoi(100, GROUP_ID, RECORDING),
        member=PanelMember(id=user_id + 100, user_id=user_id),
        status=status,
        no_conflict_confirmed_at=CONFIRMED_AT if confirmed else None,
    )


STATES = {
    "unconfirmed": (ReviewStatus.NOT_STARTED, False),
    "confirmed": (ReviewStatus.DRAFT, True),
    "submitted": (ReviewStatus.SUBMITTED, True),
    "reopened": (ReviewStatus.REOPENED, True),
}

PEOPLE = {
    "the member": lambda: person(MEMBER_ID, Role.PANEL_MEMBER),
    "another panel member": lambda: person(OTHER_MEMBER_ID, Role.PANEL_MEMBER),
    "officer": lambda: person(OFFICER_ID, Role.OFFICER),
    "applicant of the group": lambda: person(APPLICANT_ID, Role.APPLICANT, group=GROUP_ID),
    "the member, off the panel": lambda: person(MEMBER_ID, Role.APPLICANT),
    "the member, disabled": lambda: person(MEMBER_ID, Role.PANEL_MEMBER, enabled=False),
    "signed out": SignedOut,
}


def same_everywhere(row: tuple[bool, bool, bool, bool]) -> dict[str, tuple[bool, bool, bool, bool]]:
    return dict.fromkeys(STATES, row)


#            open the review, read the answers, see the panel's scores, play the EOI's recording
EXPECTED = {
    "the member": {
        "unconfirmed": (True, False, False, False),
        "confirmed": (True, True, False, True),
        "submitted": (True, True, True, True),
        "reopened": (True, True, False, True),  # scores hidden again until submitted again
    },
    "another panel member": same_everywhere((False, False, False, False)),
    "officer": same_everywhere((False, False, False, True)),
    "applicant of the group": same_everywhere((False, False, False, True)),
    "the member, off the panel": same_everywhere((False, False, False, False)),
    "the member, disabled": same_everywhere((False, False, False, False)),
    "signed out": same_everywhere((False, False, False, False)),
}


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("who", list(EXPECTED))
def test_access_table(who, state):
    user = PEOPLE[who]()
    the_review = review(MEMBER_ID, state)
    # ``reviews`` is what panel_access.reviews_of gives: the person's own reviews.
    if getattr(user, "id", None) == MEMBER_ID:
        own = [the_review]
    elif getattr(user, "id", None) == OTHER_MEMBER_ID:
        own = [review(OTHER_MEMBER_ID, "submitted", eoi(200, OTHER_GROUP_ID, OTHER_RECORDING))]
    else:
        own = []
    got = (
        bool(can_open_review(user, the_review)),
        bool(can_read_answers(user, the_review)),
        bool(can_see_panel_scores(user, the_review)),
        bool(can_read_file(user, RECORDING, own)),
    )
    assert got == EXPECTED[who][state]


#          the recording of the EOI they review, another EOI's recording, the group's constitution
FILES_EXPECTED = {
    "unconfirmed": (False, False, False),
    "confirmed": (True, False, False),
    "submitted": (True, False, False),
    "reopened": (True, False, False),
}


@pytest.mark.parametrize("state", list(FILES_EXPECTED))
def test_a_panel_member_plays_only_the_recordings_of_eois_they_review(state):
    member = PEOPLE["the member"]()
    own = [review(MEMBER_ID, state)]
    got = tuple(bool(can_read_file(member, f, own)) for f in (RECORDING, OTHER_RECORDING, GROUP_DOCUMENT))
    assert got == FILES_EXPECTED[state]


def test_someone_elses_review_gives_no_access_to_the_recording():
    other = PEOPLE["another panel member"]()
    assert not can_read_file(other, RECORDING, [review(MEMBER_ID, "submitted")])


def test_no_reviews_no_recordings():
    assert not can_read_file(PEOPLE["the member"](), RECORDING)


def test_refusals_say_why():
    member = PEOPLE["the member"]()
    assert str(can_open_review(PEOPLE["another panel member"](), review(MEMBER_ID, "submitted")).reason) == (
        "This EOI is not assigned to you."
    )
    assert str(can_read_answers(member, review(MEMBER_ID, "unconfirmed")).reason) == (
        "Confirm that you have no conflict of interest before you read this EOI."
    )
    assert str(can_see_panel_scores(member, review(MEMBER_ID, "confirmed")).reason) == (
        "You can see the other panel members' scores once you have submitted yours."
    )
    assert str(can_see_panel_scores(member, review(MEMBER_ID, "unconfirmed")).reason) == (
        "Confirm that you have no conflict of interest before you read this EOI."
    )
    assert str(can_open_review(SignedOut(), review(MEMBER_ID, "submitted")).reason) == "Sign in to continue."
