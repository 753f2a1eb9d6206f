"""A subject access request: everything the portal holds about one person, as plain data.

The export holds every row that is about the person or that they wrote: their account and roles,
sign-in sessions, memberships and the organisations they belong to, invitations, applications they
started, submitted or entered, messages they wrote, files they uploaded, returns they sent, awards
they accepted, e-mails sent to them, call-back requests, held forms, panel membership with their
reviews, scores, comments, conflicts and interests, and the audit events they caused or that are
about them. Rows are found by the person's account or e-mail address, never by name (a namesake's
data must not leak). Secrets are never exported (password and token hashes, the two-factor secret:
the export says whether they are set); bank account numbers are masked.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select

from portal.db import Base, utcnow
from portal.extensions import db
from portal.models import (
    Application,
    ApplicationMessage,
    ApplicationVersion,
    AuditEvent,
    Award,
    BankDetails,
    ConflictDeclaration,
    HeldForm,
    Interest,
    Notification,
    Organisation,
    OrganisationInvitation,
    OrganisationMember,
    OutputReturn,
    PanelMember,
    ReturnMessage,
    Review,
    Score,
    StoredFile,
    SupportRequest,
    User,
    UserSession,
)
from portal.services import ServiceError, audit

SECRET_COLUMNS = frozenset({"password_hash", "two_factor_secret", "token_hash", "code_hash"})


class PersonNotFound(ServiceError):
    """No account, call-back request or e-mail uses that address."""


def row(obj: Any) -> dict[str, Any]:
    """A row's columns as a dict, secrets left out."""
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns if c.key not in SECRET_COLUMNS}


def _rows(statement) -> list[dict[str, Any]]:  # noqa: ANN001
    return [row(obj) for obj in db.session.scalars(statement)]


def _table_rows(name: str, user_id: int) -> list[dict[str, Any]]:
    """Rows of a table by name (the two-factor tables arrive with issue #8), secrets left out."""
    table = Base.metadata.tables.get(name)
    if table is None:
        return []
    rows = db.session.execute(select(table).where(table.c.user_id == user_id)).mappings()
    return [{k: v for k, v in r.items() if k not in SECRET_COLUMNS} for r in rows]


def _masked(details: BankDetails) -> dict[str, Any]:
    data = row(details)
    data["account_number"] = "••••" + details.account_number[-4:]
    data["sort_code"] = "••-••-" + details.sort_code[-2:]
    return data


def export_person(email: str, *, by: User | None = None, now: datetime | None = None) -> dict[str, Any]:
    """Everything held about the person with this e-mail address (see the module's docstring)."""
    address = email.strip().lower()
    user = db.session.scalar(select(User).where(func.lower(User.email) == address))
    support = _rows(select(SupportRequest).where(func.lower(SupportRequest.email) == address))
    emails = _rows(select(Notification).where(func.lower(Notification.to_address) == address))
    if user is None and not support and not emails:
        raise PersonNotFound(f"Nothing is held about {email}.")
    data: dict[str, Any] = {
        "exported_at": (now or utcnow()).isoformat(),
        "email": email,
        "account": None,
        "call_back_requests": support,
        "emails_sent": emails,
        "invitations_received": _rows(
            select(OrganisationInvitation).where(func.lower(OrganisationInvitation.email) == address)
        ),
    }
    if user is not None:
        data.update(_about_user(user))
    audit.record(
        "user.data_exported",
        user,
        by=by,
        object_type=None if user is not None else "person",
        after={"sections": sorted(k for k, v in data.items() if v)},
        now=now,
    )
    return data


def _about_user(user: User) -> dict[str, Any]:
    uid = user.id
    account = row(user)
    account["roles"] = sorted(user.roles)
    account["has_password"] = user.password_hash is not None
    account["has_two_factor"] = user.two_factor_secret is not None
    memberships = list(db.session.scalars(select(OrganisationMember).where(OrganisationMember.user_id == uid)))
    org_ids = [m.organisation_id for m in memberships]
    members = list(db.session.scalars(select(PanelMember).where(PanelMember.user_id == uid)))
    review_ids = select(Review.id).where(Review.member_id.in_([m.id for m in members]))
    award_ids = select(Award.id).where(Award.accepted_by_id == uid)
    return {
        "account": account,
        "sessions": _rows(select(UserSession).where(UserSession.user_id == uid).order_by(UserSession.id)),
        "recovery_codes": _table_rows("recovery_codes", uid),
        "held_forms": _rows(select(HeldForm).where(HeldForm.user_id == uid)),
        "memberships": [row(m) | {"organisation_name": m.organisation.name} for m in memberships],
        "organisations": _rows(
            select(Organisation).where(or_(Organisation.id.in_(org_ids), Organisation.created_by_id == uid))
        ),
        "invitations_sent": _rows(select(OrganisationInvitation).where(OrganisationInvitation.invited_by_id == uid)),
        "applications": _rows(
            select(Application)
            .where(
                or_(
                    Application.created_by_id == uid,
                    Application.submitted_by_id == uid,
                    Application.entered_by_id == uid,
                )
            )
            .order_by(Application.id)
        ),
        "application_versions_submitted": _rows(
            select(ApplicationVersion).where(ApplicationVersion.submitted_by_id == uid)
        ),
        "application_messages": _rows(select(ApplicationMessage).where(ApplicationMessage.author_id == uid)),
        "return_messages": _rows(select(ReturnMessage).where(ReturnMessage.author_id == uid)),
        "returns_submitted": _rows(select(OutputReturn).where(OutputReturn.submitted_by_id == uid)),
        "files_uploaded": _rows(select(StoredFile).where(StoredFile.uploaded_by_id == uid)),
        "awards_accepted": _rows(select(Award).where(Award.accepted_by_id == uid)),
        "bank_details_given": [
            _masked(d)
            for d in db.session.scalars(
                select(BankDetails).where(or_(BankDetails.given_by_id == uid, BankDetails.award_id.in_(award_ids)))
            )
        ],
        "panel_memberships": [row(m) for m in members],
        "reviews": _rows(select(Review).where(Review.id.in_(review_ids))),
        "scores": _rows(select(Score).where(Score.review_id.in_(review_ids))),
        "conflict_declarations": _rows(
            select(ConflictDeclaration).where(ConflictDeclaration.member_id.in_([m.id for m in members]))
        ),
        "interests": _rows(select(Interest).where(Interest.user_id == uid)),
        "audit_events": _rows(
            select(AuditEvent)
            .where(or_(AuditEvent.actor_id == uid, (AuditEvent.object_type == "users") & (AuditEvent.object_id == uid)))
            .order_by(AuditEvent.id)
        ),
    }
