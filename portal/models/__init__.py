"""Every model, imported so that the metadata (and Alembic) sees all tables."""

from portal.models.audit import AuditEvent
from portal.models.funding import Criterion, Fund, OutputMeasure, Round, RoundCondition, WorkStream
from portal.models.notifications import Notification
from portal.models.people import (
    Organisation,
    OrganisationMember,
    PasswordResetToken,
    User,
    UserRole,
    UserSession,
)
from portal.models.places import Locality, Ward
from portal.models.settings import Setting

__all__ = [
    "AuditEvent",
    "Criterion",
    "Fund",
    "Locality",
    "Notification",
    "Organisation",
    "OrganisationMember",
    "OutputMeasure",
    "PasswordResetToken",
    "Round",
    "RoundCondition",
    "Setting",
    "User",
    "UserRole",
    "UserSession",
    "Ward",
    "WorkStream",
]
