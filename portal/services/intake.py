"""The officers' view of what came in to a round: the filtered list, counts, the CSV export, an
application's files and history; and the assisted route's own steps: creating a group quickly,
keeping a scan of its paper form, inviting it to take its application over.

Listing reads a constant number of statements whatever the number of rows: one count, one page
of applications with their organisation, work stream and entering officer joined in, and one
for all their localities.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal.db import utcnow
from portal.domain.applications import Channel
from portal.domain.organisations import LegalForm
from portal.domain.roles import Role
from portal.domain.workflow import ApplicationStatus
from portal.extensions import db
from portal.models import (
    Application,
    AuditEvent,
    DeadlineExtension,
    FilePurpose,
    Locality,
    Organisation,
    OrganisationInvitation,
    Round,
    StoredFile,
    User,
)
from portal.services import ServiceError, audit, files, organisations, paging
from portal.services.paging import Page

PER_PAGE = paging.PER_PAGE
SENT_STATUSES = tuple(s for s in ApplicationStatus if s != ApplicationStatus.DRAFT)


@dataclass(frozen=True)
class IntakeFilters:
    """What an officer narrowed the list to; every field empty means everything sent."""

    status: ApplicationStatus | None = None
    work_stream_id: int | None = None
    locality_id: int | None = None
    assisted: bool | None = None
    search: str = ""

    @classmethod
    def from_args(cls, args: dict) -> IntakeFilters:  # a request's query parameters (a MultiDict)
        """Read filters from query parameters, ignoring anything that is not a valid choice."""

        def number(name: str) -> int | None:
            value = (args.get(name) or "").strip()
            return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None

        status = args.get("status") or ""
        assisted = {"yes": True, "no": False}.get(args.get("assisted") or "")
        return cls(
            status=ApplicationStatus(status) if status in set(SENT_STATUSES) else None,
            work_stream_id=number("work_stream"),
            locality_id=number("locality"),
            assisted=assisted,
            search=(args.get("q") or "").strip()[:100],
        )

    def as_args(self) -> dict[str, str]:
        """The filters as query parameters (for page links and the export link)."""
        args = {
            "status": self.status.value if self.status else "",
            "work_stream": str(self.work_stream_id or ""),
            "locality": str(self.locality_id or ""),
            "assisted": {True: "yes", False: "no"}.get(self.assisted, ""),
            "q": self.search,
        }
        return {name: value for name, value in args.items() if value}


# A page of applications (the shared paging of every list).
ApplicationPage = Page


def _filtered(round_: Round, filters: IntakeFilters) -> Select:
    query = (
        select(Application)
        .join(Application.organisation)
        .where(Application.round_id == round_.id, Application.status.in_(SENT_STATUSES))
    )
    if filters.status is not None:
        query = query.where(Application.status == filters.status)
    if filters.work_stream_id is not None:
        query = query.where(Application.work_stream_id == filters.work_stream_id)
    if filters.locality_id is not None:
        query = query.where(Application.localities.any(Locality.id == filters.locality_id))
    if filters.assisted is True:
        query = query.where(Application.channel != Channel.ONLINE)
    elif filters.assisted is False:
        query = query.where(Application.channel == Channel.ONLINE)
    if filters.search:
        text = filters.search.lower()
        query = query.where(
            or_(
                func.lower(Application.reference).contains(text, autoescape=True),
                func.lower(Organisation.name).contains(text, autoescape=True),
            )
        )
    return query


def _eager(query: Select) -> Select:
    return query.options(
        joinedload(Application.organisation),
        joinedload(Application.work_stream),
        joinedload(Application.entered_by),
        selectinload(Application.localities),
    ).order_by(Application.submitted_at, Application.id)


def list_applications(
    round_: Round, filters: IntakeFilters, *, page: int = 1, per_page: int = PER_PAGE
) -> ApplicationPage:
    """One page of the round's sent applications matching ``filters``, in the order they were sent."""
    query = _filtered(round_, filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = paging.clamp(page, total, per_page)
    items = db.session.scalars(_eager(query).limit(per_page).offset((page - 1) * per_page)).unique().all()
    return Page(items=list(items), total=total, page=page, per_page=per_page)


def status_counts(round_: Round) -> dict[ApplicationStatus, int]:
    """How many of the round's applications are at each status, drafts ('started but not sent')
    included; statuses with none are left out."""
    rows = db.session.execute(
        select(Application.status, func.count()).where(Application.round_id == round_.id).group_by(Application.status)
    ).all()
    counts = {ApplicationStatus(status): count for status, count in rows}
    return {status: counts[status] for status in ApplicationStatus if counts.get(status)}


# --- the CSV export ---------------------------------------------------------------------------

CSV_HEADER = (
    "reference",
    "organisation",
    "legal_form",
    "work_stream",
    "title",
    "amount_requested",
    "localities",
    "status",
    "submitted_at",
    "channel",
    "entered_by",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A cell a spreadsheet will not run as a formula: text starting with = + - @ (or a tab or
    carriage return) gets a leading single quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def export_rows(round_: Round, filters: IntakeFilters) -> Iterator[tuple[str, ...]]:
    """Every application matching ``filters`` (no pages), one tuple per row, header first."""
    yield CSV_HEADER
    for application in db.session.scalars(_eager(_filtered(round_, filters))).unique():
        submitted = application.submitted_at.astimezone(UTC).isoformat() if application.submitted_at else ""
        yield tuple(
            safe_cell(value)
            for value in (
                application.reference,
                application.organisation.name,
                application.organisation.legal_form.value,
                application.work_stream.name if application.work_stream else "",
                application.title,
                f"{application.amount_requested:.2f}" if application.amount_requested is not None else "",
                "; ".join(sorted(loc.name for loc in application.localities)),
                application.status.value,
                submitted,
                application.channel.value,
                application.entered_by.full_name if application.entered_by else "",
            )
        )


def to_csv(rows: Iterable[tuple[str, ...]]) -> str:
    """The rows as CSV text, with a byte-order mark so that spreadsheets read non-English names."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue()


# --- the assisted route: a group that is not on the portal yet ------------------------------------


def create_group(
    *,
    name: str,
    legal_form: LegalForm,
    accountable_body_name: str | None,
    channel: Channel,
    by: User,
    now: datetime | None = None,
) -> Organisation:
    """A group with just enough to start an application for it; it can fill in the rest of its
    profile when it takes its account over. Refuses a name already on the portal, so that the
    officer picks the existing group instead of making a second one."""
    now = now or utcnow()
    name = " ".join((name or "").split())
    if not name:
        raise ServiceError(_l("Enter the group's name"))
    body = " ".join((accountable_body_name or "").split()) or None
    if legal_form == LegalForm.UNCONSTITUTED and not body:
        raise ServiceError(_l("Enter the accountable body that will receive the money for this group"))
    taken = db.session.scalar(select(Organisation.id).where(func.lower(Organisation.name) == name.lower()))
    if taken is not None:
        raise ServiceError(_l("A group called %(name)s is already on the portal: choose it from the list", name=name))
    organisation = Organisation(
        name=name[:200],
        legal_form=legal_form,
        accountable_body_name=body[:200] if body else None,
        created_by_id=by.id,
        created_at=now,
    )
    db.session.add(organisation)
    db.session.flush()
    audit.record(
        "organisation.created",
        organisation,
        by=by,
        on_behalf_of=organisation,
        channel=channel.value,
        after=audit.snapshot(organisation, ("name", "legal_form", "accountable_body_name")),
        now=now,
    )
    return organisation


def find_groups(search: str, *, limit: int = 200) -> list[Organisation]:
    """Groups to choose from on the assisted route, by name; all of them (up to ``limit``) when
    ``search`` is empty."""
    query = select(Organisation).order_by(Organisation.name, Organisation.id).limit(limit)
    text = (search or "").strip().lower()
    if text:
        query = query.where(func.lower(Organisation.name).contains(text, autoescape=True))
    return list(db.session.scalars(query))


def files_of(application: Application, content: dict) -> list[StoredFile]:
    """The recordings in ``content`` (a version's or the draft's answers) and the group's
    documents and paper-form scans, oldest first."""
    recording_ids = {a["recording_file_id"] for a in content.get("answers", []) if a.get("recording_file_id")}
    return list(
        db.session.scalars(
            select(StoredFile)
            .where(
                or_(
                    StoredFile.id.in_(recording_ids),
                    (StoredFile.organisation_id == application.organisation_id)
                    & (StoredFile.purpose != FilePurpose.RECORDING),
                )
            )
            .order_by(StoredFile.created_at, StoredFile.id)
        )
    )


def extension_for(round_id: int, organisation_id: int) -> DeadlineExtension | None:
    return db.session.scalar(
        select(DeadlineExtension).where(
            DeadlineExtension.round_id == round_id, DeadlineExtension.organisation_id == organisation_id
        )
    )


def latest_application(round_: Round, organisation: Organisation, *, drafts_only: bool = False) -> Application | None:
    """The group's most recent application in the round (only a draft, with ``drafts_only``)."""
    query = select(Application).where(Application.round_id == round_.id, Application.organisation_id == organisation.id)
    if drafts_only:
        query = query.where(Application.status == ApplicationStatus.DRAFT)
    return db.session.scalar(query.order_by(Application.created_at.desc(), Application.id.desc()).limit(1))


def history_of(application: Application) -> list[AuditEvent]:
    """Everything recorded about this application, newest first."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == Application.__tablename__, AuditEvent.object_id == application.id)
            .options(joinedload(AuditEvent.actor), joinedload(AuditEvent.on_behalf_of))
            .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        )
    )


# --- the assisted route: a scan of the paper form, and handing the application over ------------


def attach_paper_form(
    application: Application,
    upload: BinaryIO,
    filename: str,
    *,
    by: User,
    max_bytes: int,
    now: datetime | None = None,
) -> StoredFile:
    """Keep a scan or photo of the paper form the group filled in, with the application's history.
    A refused file raises ``files.UploadRefused``."""
    now = now or utcnow()
    stored = files.store_upload(
        upload,
        filename,
        purpose=FilePurpose.PAPER_FORM,
        organisation=application.organisation,
        by=by,
        max_bytes=max_bytes,
        now=now,
    )
    db.session.flush()
    audit.record(
        "application.paper_form_attached",
        application,
        by=by,
        on_behalf_of=application.organisation,
        channel=application.channel.value,
        after={"file_id": stored.id, "name": stored.original_name},
        now=now,
    )
    return stored


def invite_to_take_over(
    application: Application, email: str, *, by: User, now: datetime | None = None
) -> tuple[OrganisationInvitation, str]:
    """An officer invites someone in the group to create an account and take over the
    application entered for it. Returns the invitation and the token for the e-mailed link
    (only its hash is kept); accepting it is the ordinary invitation journey."""
    now = now or utcnow()
    if not by.has_role(Role.OFFICER):
        raise ServiceError(_l("Only officers can invite a group to take over its application."))
    organisation = application.organisation
    invitation, token = organisations.invite_member(organisation, email, by=by, now=now)
    address = invitation.email
    audit.record(
        "application.takeover_invited",
        application,
        by=by,
        on_behalf_of=organisation,
        channel=application.channel.value,
        after={"email": address, "organisation_id": organisation.id},
        now=now,
    )
    return invitation, token
