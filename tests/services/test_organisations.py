"""Organisations: the rules for a group's details, who owns it, audit, invitations and joining."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.db import utcnow
from portal.domain.organisations import IncomeBand, LegalForm, MembershipRole
from portal.domain.roles import Role
from portal.models import AuditEvent, Locality, Organisation, OrganisationInvitation, Ward
from portal.services import ServiceError, accounts
from portal.services import organisations as service
from portal.services.organisations import DetailsRefused, OrganisationDetails


@pytest.fixture
def places(db):  # noqa: ANN001, ANN201
    north = Locality(name="North", position=0, wards=[Ward(name="Riverside"), Ward(name="Old Town")])
    south = Locality(name="South", position=1, wards=[Ward(name="Hillside")])
    gone = Locality(name="Gone", position=2, is_archived=True)
    db.session.add_all([north, south, gone])
    db.session.commit()
    return north, south, gone


def details(**overrides) -> OrganisationDetails:  # noqa: ANN003
    values = {
        "name": "  Sparkhill   Women's Circle ",
        "legal_form": LegalForm.COMMUNITY_GROUP,
        "income_band": IncomeBand.UNDER_10K,
        "address_line_1": "12 Stratford Road",
        "town": "Birmingham",
        "postcode": "b11 4bs",
        "localities": [],
        "city_wide": True,
    }
    values.update(overrides)
    return OrganisationDetails(**values)


def events(db, action: str) -> list[AuditEvent]:  # noqa: ANN001
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_new_group_is_tidied_owned_by_its_creator_and_audited(db, make_user, places):
    north, south, _ = places
    amina = make_user(full_name="Amina Khan")
    organisation = service.create_organisation(
        details(contact_phone="+44 121 496 0000", led_by=["women", "faith"], works_with=["prefer_not_to_say"]),
        by=amina,
    )
    db.session.commit()
    assert organisation.name == "Sparkhill Women's Circle"
    assert organisation.postcode == "B11 4BS"
    assert organisation.contact_phone == "0121 496 0000"
    assert {loc.name for loc in organisation.localities} == {"North", "South"}  # city-wide: every active one
    assert (organisation.led_by, organisation.works_with) == (["women", "faith"], ["prefer_not_to_say"])
    [member] = organisation.members
    assert (member.user, member.role) == (amina, MembershipRole.OWNER)
    assert organisation.created_by_id == amina.id
    [event] = events(db, "organisation.created")
    assert event.actor_id == amina.id
    assert event.after["postcode"] == "B11 4BS"
    assert event.after["localities"] == ["North", "South"]


def test_wards_count_only_with_their_locality(db, make_user, places):
    north, south, _ = places
    riverside = north.wards[1]
    hillside = south.wards[0]
    organisation = service.create_organisation(
        details(city_wide=False, localities=[north], wards=[riverside, hillside]), by=make_user()
    )
    assert [loc.name for loc in organisation.localities] == ["North"]
    assert [ward.name for ward in organisation.wards] == [riverside.name]


def test_a_group_must_work_somewhere(db, make_user, places):
    with pytest.raises(DetailsRefused) as refused:
        service.create_organisation(details(city_wide=False, localities=[]), by=make_user())
    assert refused.value.field == "localities"
    assert str(refused.value.message) == "Select the areas your group works in, or 'Across the whole city'"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"legal_form": LegalForm.UNCONSTITUTED}, "accountable_body_name", "Enter the name of your accountable body"),
        (
            {"legal_form": LegalForm.UNCONSTITUTED, "accountable_body_name": "Umbrella Trust"},
            "accountable_body_contact",
            "Enter the email address of someone at your accountable body",
        ),
        (
            {"legal_form": LegalForm.UNCONSTITUTED, "accountable_body_name": "Trust", "accountable_body_contact": "x"},
            "accountable_body_contact",
            "Enter an email address in the correct format",
        ),
        ({"legal_form": LegalForm.CHARITY}, "charity_number", "Enter your charity number"),
        (
            {"legal_form": LegalForm.CHARITY, "charity_number": "12"},
            "charity_number",
            "Enter a charity number in the correct format, like 1012345",
        ),
        (
            {"legal_form": LegalForm.CIC_OR_COMPANY, "company_number": "ABCDEFGH"},
            "company_number",
            "Enter a company number in the correct format, like 01234567",
        ),
        ({"legal_form": "club"}, "legal_form", "Select what kind of group you are"),
        ({"name": "  "}, "name", "Enter the name of your group"),
        ({"income_band": None}, "income_band", "Select your group's yearly income"),
        ({"postcode": "B11"}, "postcode", "Enter a full UK postcode, like B11 4BS"),
        ({"contact_phone": "ring me"}, "contact_phone", "Enter a telephone number"),
        ({"led_by": ["women", "prefer_not_to_say"]}, "led_by", "Select 'Prefer not to say' on its own"),
    ],
)
def test_the_rules_are_checked_in_the_service_not_only_the_form(db, make_user, places, overrides, field, message):
    with pytest.raises(DetailsRefused) as refused:
        service.create_organisation(details(**overrides), by=make_user())
    assert refused.value.field == field
    assert str(refused.value.message).startswith(message)


def test_numbers_and_accountable_bodies_are_kept_only_for_the_kinds_of_group_they_belong_to(db, make_user, places):
    organisation = service.create_organisation(
        details(
            legal_form=LegalForm.UNCONSTITUTED,
            accountable_body_name=" Umbrella  Trust ",
            accountable_body_contact="Grants@Umbrella.example",
            charity_number="1012345",
        ),
        by=(owner := make_user()),
    )
    assert organisation.accountable_body_name == "Umbrella Trust"
    assert organisation.accountable_body_contact == "grants@umbrella.example"
    assert organisation.charity_number is None
    service.update_organisation(
        organisation, details(legal_form=LegalForm.CIC_OR_COMPANY, company_number="1234567"), by=owner
    )
    assert organisation.company_number == "01234567"
    assert organisation.accountable_body_name is None


def test_changes_are_audited_with_before_and_after(db, make_user, places):
    owner = make_user()
    organisation = service.create_organisation(details(), by=owner)
    db.session.commit()
    service.update_organisation(
        organisation, details(name="Sparkhill Women", city_wide=False, localities=[places[0]]), by=owner
    )
    db.session.commit()
    [event] = events(db, "organisation.updated")
    assert event.before == {"name": "Sparkhill Women's Circle", "localities": ["North", "South"]}
    assert event.after == {"name": "Sparkhill Women", "localities": ["North"]}
    service.update_organisation(
        organisation, details(name="Sparkhill Women", city_wide=False, localities=[places[0]]), by=owner
    )
    assert len(events(db, "organisation.updated")) == 1  # nothing changed, nothing recorded


def test_places_archived_since_they_were_chosen_are_kept(db, make_user, places):
    north, south, _ = places
    owner = make_user()
    organisation = service.create_organisation(details(city_wide=False, localities=[north, south]), by=owner)
    south.is_archived = True
    db.session.commit()
    service.update_organisation(organisation, details(city_wide=False, localities=[north]), by=owner)
    assert {loc.name for loc in organisation.localities} == {"North", "South"}


# --- invitations ---------------------------------------------------------------------------------


@pytest.fixture
def group(db, make_user, places):  # noqa: ANN001, ANN201
    owner = make_user(full_name="Amina Khan")
    organisation = service.create_organisation(details(), by=owner)
    db.session.commit()
    return organisation, owner


def test_an_owner_invites_by_email_with_a_hashed_token_for_14_days(db, group):
    organisation, owner = group
    invitation, token = service.invite_member(organisation, " Bilal@Example.org ", by=owner)
    db.session.commit()
    assert invitation.email == "bilal@example.org"
    assert invitation.token_hash == accounts.hash_token(token) != token
    assert invitation.expires_at - invitation.created_at == timedelta(days=14)
    assert service.find_invitation(token) == invitation
    assert service.pending_invitations(organisation) == [invitation]
    [event] = events(db, "organisation.member_invited")
    assert event.after == {"email": "bilal@example.org"}


def test_only_owners_invite(db, group, make_user):
    organisation, _ = group
    member = make_user()
    invitation, _token = service.invite_member(organisation, member.email, by=group[1])
    service.accept_invitation(invitation, by=member)
    with pytest.raises(ServiceError, match="Only the people who manage this group's account can do this"):
        service.invite_member(organisation, "someone@example.org", by=member)
    with pytest.raises(ServiceError, match="You are not a member of this group"):
        service.invite_member(organisation, "someone@example.org", by=make_user())


def test_members_are_not_invited_twice(db, group):
    organisation, owner = group
    with pytest.raises(ServiceError, match="is already a member of this group"):
        service.invite_member(organisation, owner.email.upper(), by=owner)


def test_joining_makes_a_member_gives_the_applicant_role_and_uses_the_link_up(db, group, make_user):
    organisation, owner = group
    panel_member = make_user(roles={Role.PANEL_MEMBER}, email="bilal@example.org")
    invitation, token = service.invite_member(organisation, "BILAL@example.org", by=owner)
    membership = service.accept_invitation(invitation, by=panel_member)
    db.session.commit()
    assert (membership.role, membership.organisation) == (MembershipRole.MEMBER, organisation)
    assert panel_member.roles == {Role.PANEL_MEMBER, Role.APPLICANT}
    assert invitation.accepted_by_id == panel_member.id and invitation.accepted_at is not None
    assert not service.invitation_is_live(invitation)
    assert events(db, "organisation.member_joined")[0].actor_id == panel_member.id
    with pytest.raises(ServiceError, match="expired or has already been used"):
        service.accept_invitation(invitation, by=panel_member)


def test_an_invitation_is_only_for_its_address_and_only_for_14_days(db, group, make_user):
    organisation, owner = group
    invitation, _ = service.invite_member(organisation, "bilal@example.org", by=owner)
    with pytest.raises(ServiceError, match="sent to a different email address"):
        service.accept_invitation(invitation, by=make_user(email="someone.else@example.org"))
    bilal = make_user(email="bilal@example.org")
    later = utcnow() + timedelta(days=14, minutes=1)
    assert not service.invitation_is_live(invitation, now=later)
    with pytest.raises(ServiceError, match="expired"):
        service.accept_invitation(invitation, by=bilal, now=later)
    assert db.session.scalar(select(OrganisationInvitation.accepted_at)) is None
    assert len(db.session.get(Organisation, organisation.id).members) == 1


def test_the_first_to_join_a_group_an_officer_created_becomes_its_owner(db, make_user):
    """The assisted route: an officer made the group, so it has no owner until someone joins.
    The first to join manages the account and can invite the rest; the next is a member."""
    officer = make_user(roles={Role.OFFICER})
    organisation = Organisation(name="Aston Mums", legal_form=LegalForm.FAITH)
    db.session.add(organisation)
    db.session.commit()
    first, _ = service.invite_member(organisation, "fatima@example.org", by=officer)
    second, _ = service.invite_member(organisation, "hana@example.org", by=officer)
    fatima = make_user(email="fatima@example.org")
    hana = make_user(email="hana@example.org")
    assert service.accept_invitation(first, by=fatima).role == MembershipRole.OWNER
    assert service.accept_invitation(second, by=hana).role == MembershipRole.MEMBER
    db.session.commit()
    _, token = service.invite_member(organisation, "yusuf@example.org", by=fatima)
    assert token
    with pytest.raises(ServiceError, match="Only the people who manage"):
        service.invite_member(organisation, "zara@example.org", by=hana)
