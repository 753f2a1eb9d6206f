"""Retention: personal data of rounds closed longer ago than the retention period is anonymised; the
award records stay (amounts, dates, status, the organisation's name and charity and company numbers:
organisations are not people).

What a run does for each round that closed before ``now - years`` (and was not done before):

- applications: the declarant's name and consent notes removed; messages with the group replaced by a
  note; the personal keys of submitted versions (names, e-mails, phones, addresses) emptied;
  recordings deleted (row and file);
- awards: who accepted (name and role) removed; bank details deleted; letters deleted (row and PDF:
  they carry names and addresses; the award keeps the amounts and dates); the round's letter ZIPs;
- returns: consent notes removed; messages replaced by a note; stories lose the teller's name and
  their audio or photo, and their text unless consent allowed it to be published without a name;
- call-back requests about the round: name, phone, e-mail and message removed;
- organisations whose every application is in such rounds: contact phone, accountable body's
  contact and address removed, their documents deleted, open invitations deleted;
- people linked only to such organisations (no staff role, not signed in since the cut-off): name and
  e-mail replaced, password, two-factor and sessions removed, account disabled, their e-mails deleted,
  names and e-mails in audit events about them emptied.

Each round and each person gets one audit event; a round or person already done is skipped, so a
second run changes nothing. Files are deleted by ``delete_files`` after the commit (a rolled-back
run must not lose files).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update

from portal.db import Base, utcnow
from portal.domain.returns import Consent
from portal.domain.roles import Role
from portal.extensions import db
from portal.models import (
    Application,
    ApplicationAnswer,
    ApplicationMessage,
    ApplicationVersion,
    AuditEvent,
    Award,
    BankDetails,
    Letter,
    LetterBatch,
    Organisation,
    OrganisationInvitation,
    OrganisationMember,
    OutputReturn,
    ReturnMessage,
    ReturnVersion,
    Round,
    StoredFile,
    Story,
    SupportRequest,
    User,
)
from portal.services import audit
from portal.storage import Storage, StorageError

REMOVED = "[Removed under the retention policy]"
ANONYMOUS_NAME = "Removed person"
ANONYMOUS_DOMAIN = "removed.invalid"  # .invalid never resolves (RFC 2606)
# Rows that exist only for the person: deleted with their account's details.
_PERSONAL_TABLES = ("user_sessions", "recovery_codes", "password_reset_tokens", "held_forms", "notifications")
STAFF_ROLES = frozenset({Role.OFFICER, Role.ADMIN, Role.PANEL_MEMBER})
# Keys of JSON snapshots (submitted versions, audit before/after) that hold people's details.
PERSONAL_KEYS = frozenset(
    {
        "declared_by_name",
        "teller_name",
        "email",
        "full_name",
        "phone",
        "contact_phone",
        "accountable_body_contact",
        "address_line_1",
        "address_line_2",
        "town",
        "postcode",
        "accepted_name",
        "accepted_role",
        "account_name",
        "sort_code",
        "account_number",
        "consent_note",
        "to_address",
    }
)


@dataclass
class RetentionReport:
    cutoff: datetime
    rounds: list[int] = field(default_factory=list)
    applications: int = 0
    organisations: list[int] = field(default_factory=list)
    people: list[int] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # storage keys to delete once committed
    letters: int = 0
    support_requests: int = 0

    def summary(self) -> str:
        return (
            f"{len(self.rounds)} rounds closed before {self.cutoff:%d %B %Y}, {self.applications} applications, "
            f"{len(self.organisations)} organisations' contact details, {len(self.people)} people, "
            f"{self.letters} letters, {self.support_requests} call-back requests, {len(self.files)} files."
        )


def scrub(value: Any) -> Any:
    """A JSON snapshot with the values of every personal key emptied, at any depth."""
    if isinstance(value, dict):
        return {k: (None if k in PERSONAL_KEYS else scrub(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def _done_rounds():  # noqa: ANN202
    return select(AuditEvent.round_id).where(
        AuditEvent.action == "round.retention_applied", AuditEvent.round_id.is_not(None)
    )


def expired_rounds(cutoff: datetime) -> list[Round]:
    done = _done_rounds()
    return list(
        db.session.scalars(
            select(Round)
            .where(Round.closes_at.is_not(None), Round.closes_at < cutoff, Round.id.not_in(done))
            .order_by(Round.id)
        )
    )


def apply_retention(*, years: int, now: datetime | None = None) -> RetentionReport:
    """Anonymise what the retention period has run out on (see the module's docstring). The caller
    commits (or rolls back for a dry run), then calls ``delete_files``."""
    now = now or utcnow()
    report = RetentionReport(cutoff=now - timedelta(days=round(365.25 * years)))
    rounds = expired_rounds(report.cutoff)
    for round_ in rounds:
        counts = _anonymise_round(round_, report)
        report.rounds.append(round_.id)
        audit.record("round.retention_applied", round_, by=None, after={"years": years, **counts}, now=now)
    _anonymise_organisations_and_people(report, now)
    return report


def _delete_file(stored: StoredFile, report: RetentionReport) -> None:
    report.files.append(stored.key)
    db.session.delete(stored)


def _scrub_versions(model, condition) -> None:  # noqa: ANN001
    """Submitted versions never change, except here: the frozen-version guard is an ORM event, so
    the table is updated directly. The sha256 stays that of what was sent."""
    table = model.__table__
    for version_id, content in db.session.execute(select(table.c.id, table.c.content).where(condition)).all():
        db.session.execute(update(table).where(table.c.id == version_id).values(content=scrub(content)))


def _anonymise_round(round_: Round, report: RetentionReport) -> dict[str, int]:
    applications = list(db.session.scalars(select(Application).where(Application.round_id == round_.id)))
    ids = [a.id for a in applications]
    for application in applications:
        application.declared_by_name = None
        application.consent_note = None
    for message in db.session.scalars(select(ApplicationMessage).where(ApplicationMessage.application_id.in_(ids))):
        message.body = REMOVED
    _scrub_versions(ApplicationVersion, ApplicationVersion.application_id.in_(ids))
    answers = db.session.scalars(
        select(ApplicationAnswer).where(
            ApplicationAnswer.application_id.in_(ids), ApplicationAnswer.recording_file_id.is_not(None)
        )
    )
    for answer in answers:
        recording = answer.recording
        answer.recording_file_id = None
        db.session.flush()
        _delete_file(recording, report)

    awards = list(db.session.scalars(select(Award).where(Award.application_id.in_(ids))))
    award_ids = [a.id for a in awards]
    for award in awards:
        award.accepted_name = award.accepted_role = None
    db.session.execute(delete(BankDetails).where(BankDetails.award_id.in_(award_ids)))
    letters = list(db.session.scalars(select(Letter).where(Letter.application_id.in_(ids))))
    for letter in letters:
        report.files.append(letter.storage_key)
        db.session.delete(letter)
    report.letters += len(letters)
    for batch in db.session.scalars(select(LetterBatch).where(LetterBatch.round_id == round_.id)):
        if batch.zip_key:
            report.files.append(batch.zip_key)
            batch.zip_key = None

    return_ids = list(db.session.scalars(select(OutputReturn.id).where(OutputReturn.award_id.in_(award_ids))))
    for output_return in db.session.scalars(select(OutputReturn).where(OutputReturn.id.in_(return_ids))):
        output_return.consent_note = None
    for message in db.session.scalars(select(ReturnMessage).where(ReturnMessage.return_id.in_(return_ids))):
        message.body = REMOVED
    _scrub_versions(ReturnVersion, ReturnVersion.return_id.in_(return_ids))
    for story in db.session.scalars(select(Story).where(Story.return_id.in_(return_ids))):
        story.teller_name = None
        if story.consent != Consent.PUBLIC_ANONYMOUS:
            story.body = REMOVED
        if story.file is not None:
            stored, story.file = story.file, None
            db.session.flush()
            _delete_file(stored, report)

    requests = list(db.session.scalars(select(SupportRequest).where(SupportRequest.round_id == round_.id)))
    for request in requests:
        request.name, request.phone, request.email, request.message = ANONYMOUS_NAME, None, None, None
    report.applications += len(applications)
    report.support_requests += len(requests)
    return {"applications": len(applications), "letters": len(letters), "call_back_requests": len(requests)}


def _anonymise_organisations_and_people(report: RetentionReport, now: datetime) -> None:
    """Organisations whose every application is in a round past retention, and the people linked
    only to them."""
    live = select(Application.organisation_id).where(Application.round_id.not_in(_done_rounds()))
    expired_orgs = list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.id.in_(select(Application.organisation_id)), Organisation.id.not_in(live))
            .order_by(Organisation.id)
        )
    )
    expired_ids = {o.id for o in expired_orgs}
    for organisation in expired_orgs:
        if organisation.contact_phone or organisation.accountable_body_contact or organisation.address_line_1:
            report.organisations.append(organisation.id)
        organisation.contact_phone = organisation.accountable_body_contact = None
        organisation.address_line_1 = organisation.address_line_2 = organisation.town = organisation.postcode = None
        for stored in db.session.scalars(select(StoredFile).where(StoredFile.organisation_id == organisation.id)):
            for story in db.session.scalars(select(Story).where(Story.file_id == stored.id)):
                story.file_id = None
            db.session.flush()
            _delete_file(stored, report)
        db.session.execute(
            delete(OrganisationInvitation).where(OrganisationInvitation.organisation_id == organisation.id)
        )

    candidates = db.session.scalars(
        select(User)
        .where(
            User.id.in_(select(OrganisationMember.user_id).where(OrganisationMember.organisation_id.in_(expired_ids)))
        )
        .order_by(User.id)
    )
    for user in candidates:
        if user.email.endswith("@" + ANONYMOUS_DOMAIN) or user.has_role(*STAFF_ROLES):
            continue
        if {m.organisation_id for m in user.memberships} - expired_ids:
            continue
        if user.last_signed_in_at is not None and user.last_signed_in_at >= report.cutoff:
            continue
        anonymise_person(user, now=now)
        report.people.append(user.id)


def anonymise_person(user: User, *, now: datetime) -> None:
    user.email = f"person-{user.id}@{ANONYMOUS_DOMAIN}"
    user.full_name = ANONYMOUS_NAME
    user.password_hash = None
    user.is_enabled = False
    user.preferred_language = None
    for column in ("two_factor_secret", "two_factor_enabled_at", "two_factor_last_step"):
        if column in User.__table__.c:
            setattr(user, column, None)
    for table in _PERSONAL_TABLES:
        if (found := Base.metadata.tables.get(table)) is not None:  # two-factor tables arrive with #8
            db.session.execute(delete(found).where(found.c.user_id == user.id))
    for event in db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "users", AuditEvent.object_id == user.id)
    ):
        event.before, event.after = scrub(event.before), scrub(event.after)
    audit.record("user.anonymised", user, by=None, after={"reason": "retention"}, now=now)


def delete_files(report: RetentionReport, storage: Storage) -> list[str]:
    """Delete the files a committed run released; returns the keys that could not be deleted."""
    failed = []
    for key in report.files:
        try:
            storage.delete(key)
        except (StorageError, OSError):
            failed.append(key)
    return failed
