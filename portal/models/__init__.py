"""Every model, imported so that the metadata (and Alembic) sees all tables."""

from portal.models.applications import (
    Application,
    ApplicationAnswer,
    ApplicationMessage,
    ApplicationVersion,
    BudgetLine,
    DeadlineExtension,
    PlannedOutput,
    SupportRequest,
)
from portal.models.audit import AuditEvent
from portal.models.awards import (
    Award,
    AwardCondition,
    AwardInstalment,
    AwardReturnDate,
    AwardTarget,
    BankDetails,
    Letter,
    LetterBatch,
)
from portal.models.files import FilePurpose, StoredFile
from portal.models.funding import Criterion, Fund, OutputMeasure, Round, RoundCondition, WorkStream
from portal.models.notifications import Notification
from portal.models.panel import (
    AgreedScore,
    ConflictDeclaration,
    FundingDecision,
    Interest,
    Panel,
    PanelMember,
    Review,
    Score,
)
from portal.models.people import (
    HeldForm,
    Organisation,
    OrganisationInvitation,
    OrganisationMember,
    PasswordResetToken,
    User,
    UserRole,
    UserSession,
)
from portal.models.places import Locality, Ward
from portal.models.returns import OutputReturn, ReturnFigure, ReturnMessage, ReturnVersion, Story
from portal.models.settings import Setting

__all__ = [
    "OutputReturn",
    "ReturnFigure",
    "ReturnMessage",
    "ReturnVersion",
    "Story",
    "Award",
    "AwardCondition",
    "AwardInstalment",
    "AwardReturnDate",
    "AwardTarget",
    "BankDetails",
    "Letter",
    "LetterBatch",
    "AgreedScore",
    "ConflictDeclaration",
    "FundingDecision",
    "Interest",
    "Panel",
    "PanelMember",
    "Review",
    "Score",
    "HeldForm",
    "Application",
    "ApplicationAnswer",
    "ApplicationMessage",
    "ApplicationVersion",
    "BudgetLine",
    "DeadlineExtension",
    "FilePurpose",
    "OrganisationInvitation",
    "PlannedOutput",
    "StoredFile",
    "SupportRequest",
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
