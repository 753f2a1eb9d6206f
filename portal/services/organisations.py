"""Organisations: telling us about a group, changing its details, and inviting people to join it.

The rules live here (not only in the form) so that an officer entering a group on its behalf
meets the same ones: an unconstituted group names an accountable body, a charity gives a charity
number in the right format, a group works somewhere.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from portal.db import utcnow
from portal.domain.contact import monitoring_answer, monitoring_problem, normalise_phone, normalise_postcode
from portal.domain.organisations import (
    IncomeBand,
    LegalForm,
    MembershipRole,
    is_valid_charity_number,
    is_valid_company_number,
    normalise_number,
)
from portal.domain.roles import Role
from portal.domain.text import N_, Message
from portal.extensions import db
from portal.models import Locality, Organisation, OrganisationInvitation, OrganisationMember, User, Ward
from portal.policies import can_invite_member
from portal.services import ServiceError, accounts, audit

INVITATION_DAYS = 14

FIELDS = (
    "name",
    "legal_form",
    "charity_number",
    "company_number",
    "accountable_body_name",
    "accountable_body_contact",
    "income_band",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "contact_phone",
    "led_by",
    "works_with",
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class DetailsRefused(ServiceError):
    """A group's details break a rule; ``field`` names the answer to put right."""

    def __init__(self, field_name: str, message: Message) -> None:
        super().__init__(message)
        self.field = field_name


@dataclass
class OrganisationDetails:
    """What a group tells us about itself (as typed: the service tidies and checks it)."""

    name: str
    legal_form: LegalForm | str
    income_band: IncomeBand | str | None
    address_line_1: str
    town: str
    postcode: str
    address_line_2: str = ""
    contact_phone: str = ""
    charity_number: str = ""
    company_number: str = ""
    accountable_body_name: str = ""
    accountable_body_contact: str = ""
    localities: list[Locality] = field(default_factory=list)
    wards: list[Ward] = field(default_factory=list)
    city_wide: bool = False
    led_by: list[str] = field(default_factory=list)
    works_with: list[str] = field(default_factory=list)


def _tidy(value: str | None) -> str:
    return " ".join((value or "").split())


def _required(value: str | None, field_name: str, message: str) -> str:
    text = _tidy(value)
    if not text:
        raise DetailsRefused(field_name, Message(message))
    return text


def active_localities() -> list[Locality]:
    return list(
        db.session.scalars(
            select(Locality).where(Locality.is_archived.is_(False)).order_by(Locality.position, Locality.name)
        )
    )


def _apply(organisation: Organisation, details: OrganisationDetails) -> None:
    """Check ``details`` and copy them onto ``organisation``; ``DetailsRefused`` names the first problem."""
    name = _required(details.name, "name", N_("Enter the name of your group"))
    if len(name) > 200:
        raise DetailsRefused("name", Message(N_("The name must be 200 characters or fewer")))
    try:
        legal_form = LegalForm(details.legal_form)
    except ValueError:
        raise DetailsRefused("legal_form", Message(N_("Select what kind of group you are"))) from None

    charity_number = company_number = accountable_body_name = accountable_body_contact = None
    if legal_form == LegalForm.CHARITY:
        number = _required(details.charity_number, "charity_number", N_("Enter your charity number"))
        if not is_valid_charity_number(number):
            raise DetailsRefused(
                "charity_number", Message(N_("Enter a charity number in the correct format, like 1012345"))
            )
        charity_number = normalise_number(number)
    elif legal_form == LegalForm.CIC_OR_COMPANY:
        number = _required(details.company_number, "company_number", N_("Enter your company number"))
        if not is_valid_company_number(number):
            raise DetailsRefused(
                "company_number", Message(N_("Enter a company number in the correct format, like 01234567"))
            )
        company_number = normalise_number(number)
        company_number = company_number.zfill(8) if company_number.isdigit() else company_number
    elif legal_form == LegalForm.UNCONSTITUTED:
        accountable_body_name = _required(
            details.accountable_body_name,
            "accountable_body_name",
            N_("Enter the name of your accountable body: a group without a constitution needs one to apply"),
        )
        accountable_body_contact = _required(
            details.accountable_body_contact,
            "accountable_body_contact",
            N_("Enter the email address of someone at your accountable body"),
        ).lower()
        if not _EMAIL.match(accountable_body_contact):
            raise DetailsRefused(
                "accountable_body_contact",
                Message(N_("Enter an email address in the correct format, like name@example.com")),
            )

    try:
        income_band = IncomeBand(details.income_band) if details.income_band else None
    except ValueError:
        income_band = None
    if income_band is None:
        raise DetailsRefused("income_band", Message(N_("Select your group's yearly income")))

    address_line_1 = _required(details.address_line_1, "address_line_1", N_("Enter the first line of the address"))
    town = _required(details.town, "town", N_("Enter the town or city"))
    _required(details.postcode, "postcode", N_("Enter the postcode"))
    postcode = normalise_postcode(details.postcode)
    if postcode is None:
        raise DetailsRefused("postcode", Message(N_("Enter a full UK postcode, like B11 4BS")))
    phone = None
    if _tidy(details.contact_phone):
        phone = normalise_phone(details.contact_phone)
        if phone is None:
            raise DetailsRefused(
                "contact_phone",
                Message(N_("Enter a telephone number, like 0121 496 0000 or 07700 900982")),
            )

    localities, wards = _places(organisation, details)

    for field_name in ("led_by", "works_with"):
        problem = monitoring_problem(getattr(details, field_name))
        if problem is not None:
            raise DetailsRefused(field_name, problem)

    organisation.name = name
    organisation.legal_form = legal_form
    organisation.charity_number = charity_number
    organisation.company_number = company_number
    organisation.accountable_body_name = accountable_body_name
    organisation.accountable_body_contact = accountable_body_contact
    organisation.income_band = income_band
    organisation.address_line_1 = address_line_1
    organisation.address_line_2 = _tidy(details.address_line_2) or None
    organisation.town = town
    organisation.postcode = postcode
    organisation.contact_phone = phone
    organisation.localities = localities
    organisation.wards = wards
    organisation.led_by = monitoring_answer(details.led_by)
    organisation.works_with = monitoring_answer(details.works_with)


def _places(organisation: Organisation, details: OrganisationDetails) -> tuple[list[Locality], list[Ward]]:
    """The localities and wards a group works in. "Across the whole city" means every active
    locality. A ward counts only with its locality chosen too. Places archived since the group
    chose them stay; new choices must be active."""
    kept_localities = [loc for loc in organisation.localities if loc.is_archived]
    kept_wards = [ward for ward in organisation.wards if ward.is_archived or ward.locality.is_archived]
    if details.city_wide:
        return active_localities() + kept_localities, kept_wards
    chosen = [loc for loc in details.localities if not loc.is_archived]
    if not chosen:
        raise DetailsRefused(
            "localities", Message(N_("Select the areas your group works in, or 'Across the whole city'"))
        )
    ids = {loc.id for loc in chosen}
    wards = [ward for ward in details.wards if ward.locality_id in ids and not ward.is_archived]
    return _unique(chosen + kept_localities), _unique(wards + kept_wards)


def _unique(items: list) -> list:
    seen, result = set(), []
    for item in items:
        if item.id not in seen:
            seen.add(item.id)
            result.append(item)
    return result


def _snapshot(organisation: Organisation) -> dict:
    values = audit.snapshot(organisation, FIELDS)
    values["localities"] = sorted(loc.name for loc in organisation.localities)
    values["wards"] = sorted(ward.name for ward in organisation.wards)
    return values


def create_organisation(details: OrganisationDetails, *, by: User, now: datetime | None = None) -> Organisation:
    """A new organisation with ``by`` as its owner (the person who manages its account)."""
    now = now or utcnow()
    organisation = Organisation(created_by_id=by.id, created_at=now)
    _apply(organisation, details)
    organisation.members.append(OrganisationMember(user=by, role=MembershipRole.OWNER, created_at=now))
    db.session.add(organisation)
    db.session.flush()
    audit.record("organisation.created", organisation, by=by, after=_snapshot(organisation), now=now)
    return organisation


def update_organisation(
    organisation: Organisation, details: OrganisationDetails, *, by: User, now: datetime | None = None
) -> None:
    before = _snapshot(organisation)
    _apply(organisation, details)
    after = _snapshot(organisation)
    if after != before:
        changed = [key for key in after if after[key] != before[key]]
        audit.record(
            "organisation.updated",
            organisation,
            by=by,
            before={key: before[key] for key in changed},
            after={key: after[key] for key in changed},
            now=now,
        )


# --- members and invitations -------------------------------------------------------------------


def member_of(organisation: Organisation, user: User) -> OrganisationMember | None:
    return next((m for m in organisation.members if m.user_id == user.id), None)


def invite_member(
    organisation: Organisation, email: str, *, by: User, now: datetime | None = None
) -> tuple[OrganisationInvitation, str]:
    """An invitation to join, valid for 14 days; returns it and the token for the e-mailed link
    (only its hash is kept)."""
    decision = can_invite_member(by, organisation)
    if not decision:
        raise ServiceError(decision.reason)
    address = accounts.normalise_email(email)
    if not _EMAIL.match(address):
        raise ServiceError(Message(N_("Enter an email address in the correct format, like name@example.com")))
    if any(m.user.email.lower() == address for m in organisation.members):
        raise ServiceError(Message(N_("%(email)s is already a member of this group"), {"email": address}))
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    invitation = OrganisationInvitation(
        organisation=organisation,
        email=address,
        token_hash=accounts.hash_token(token),
        invited_by_id=by.id,
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    db.session.add(invitation)
    audit.record("organisation.member_invited", organisation, by=by, after={"email": address}, now=now)
    return invitation, token


def pending_invitations(organisation: Organisation, *, now: datetime | None = None) -> list[OrganisationInvitation]:
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(OrganisationInvitation)
            .where(
                OrganisationInvitation.organisation_id == organisation.id,
                OrganisationInvitation.accepted_at.is_(None),
                OrganisationInvitation.expires_at > now,
            )
            .order_by(OrganisationInvitation.created_at.desc())
        )
    )


def find_invitation(token: str) -> OrganisationInvitation | None:
    """The invitation this link names, whatever its state (see ``invitation_is_live``)."""
    if not token:
        return None
    return db.session.scalar(
        select(OrganisationInvitation).where(OrganisationInvitation.token_hash == accounts.hash_token(token))
    )


def invitation_is_live(invitation: OrganisationInvitation, *, now: datetime | None = None) -> bool:
    return invitation.accepted_at is None and invitation.expires_at > (now or utcnow())


def is_invited(invitation: OrganisationInvitation, user: User) -> bool:
    return accounts.normalise_email(user.email) == accounts.normalise_email(invitation.email)


def accept_invitation(
    invitation: OrganisationInvitation, *, by: User, now: datetime | None = None
) -> OrganisationMember:
    """``by`` joins the group (and may now apply: they get the applicant role). The first person
    to join a group that has no owner — one an officer created on the assisted route — becomes its
    owner, so someone in the group can invite the others."""
    now = now or utcnow()
    if not invitation_is_live(invitation, now=now):
        raise ServiceError(Message(N_("This invitation has expired or has already been used.")))
    if not is_invited(invitation, by):
        raise ServiceError(Message(N_("This invitation was sent to a different email address.")))
    organisation = invitation.organisation
    invitation.accepted_at = now
    invitation.accepted_by_id = by.id
    membership = member_of(organisation, by)
    if membership is None:
        has_owner = any(m.role == MembershipRole.OWNER for m in organisation.members)
        role = MembershipRole.MEMBER if has_owner else MembershipRole.OWNER
        membership = OrganisationMember(user=by, role=role, created_at=now)
        organisation.members.append(membership)
    if not by.has_role(Role.APPLICANT):
        accounts.set_roles(by, set(by.roles) | {Role.APPLICANT}, by=by, now=now)
    audit.record(
        "organisation.member_joined",
        organisation,
        by=by,
        after={"user_id": by.id, "email": by.email, "role": membership.role},
        now=now,
    )
    return membership
