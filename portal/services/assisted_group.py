"""The assisted route for a group's own record: an officer changes its details and adds its
documents (constitution, safeguarding policy) for a group that cannot do it online.

The group's rules and checks are the ones it meets itself (organisations.py for its details,
files.py for what an upload may be); then an event records that the officer did it for the group:
actor the officer, ``on_behalf_of`` the group, ``channel`` how it reached us and ``note`` who in it
asked, as the assisted route records a scan of a paper form (intake.attach_paper_form). The
group's answers to the equality questions are its own: an officer neither sees nor changes them.
"""

from __future__ import annotations

from datetime import datetime
from typing import BinaryIO

from flask_babel import lazy_gettext as _l

from portal.db import utcnow
from portal.domain.applications import Channel
from portal.extensions import db
from portal.models import FilePurpose, Organisation, StoredFile, User
from portal.services import audit, files, organisations
from portal.services.assisted_award import AssistedProblems, check_how, check_officer
from portal.services.organisations import OrganisationDetails, _snapshot


def update_details_for_group(
    organisation: Organisation,
    details: OrganisationDetails,
    *,
    channel: Channel | str | None,
    note: str | None,
    by: User,
    now: datetime | None = None,
) -> list[str]:
    """Change the group's details as it asked; the names of the answers that changed (none: nothing
    is recorded). Its equality answers stay as the group gave them."""
    now = now or utcnow()
    check_officer(by)
    how = check_how(channel, note)
    details.led_by, details.works_with = list(organisation.led_by or []), list(organisation.works_with or [])
    before = _snapshot(organisation)
    organisations.update_organisation(organisation, details, by=by, now=now)
    after = _snapshot(organisation)
    changed = [key for key in after if after[key] != before[key]]
    if changed:
        audit.record(
            "organisation.updated_for_group",
            organisation,
            by=by,
            after={"changed": changed},
            on_behalf_of=organisation,
            **how.record,
            now=now,
        )
    return changed


def upload_document_for_group(
    organisation: Organisation,
    upload: BinaryIO | bytes,
    filename: str,
    *,
    purpose: FilePurpose | str,
    channel: Channel | str | None,
    note: str | None,
    by: User,
    max_bytes: int,
    now: datetime | None = None,
) -> StoredFile:
    """Keep a document the group gave us as its current one of that kind, with the checks of every
    upload (a refused file raises ``files.UploadRefused`` and nothing is kept)."""
    now = now or utcnow()
    check_officer(by)
    how = check_how(channel, note)
    try:
        purpose = FilePurpose(purpose)
    except ValueError:
        purpose = None
    if purpose not in files.DOCUMENT_PURPOSES:
        raise AssistedProblems({"purpose": _l("Choose which of the group's documents it is")})
    stored = files.store_upload(
        upload, filename, purpose=purpose, organisation=organisation, by=by, max_bytes=max_bytes, now=now
    )
    db.session.flush()
    audit.record(
        "organisation.document_added_for_group",
        organisation,
        by=by,
        after={"file_id": stored.id, "name": stored.original_name, "purpose": purpose},
        on_behalf_of=organisation,
        **how.record,
        now=now,
    )
    return stored
