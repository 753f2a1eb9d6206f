"""Uploaded files: checked (size, type from the content, name), stored through storage.py, recorded.

A refused upload raises ``UploadRefused`` with a plain message; nothing is stored then. The
newest file of a purpose is an organisation's current one (its constitution, its safeguarding
policy); older ones stay as history.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import BinaryIO

from flask import current_app
from flask_babel import lazy_gettext
from sqlalchemy import select

from portal.db import utcnow
from portal.domain import filetypes
from portal.domain.filetypes import FileGroup, FileType
from portal.domain.text import Message
from portal.extensions import db
from portal.models import FilePurpose, Organisation, StoredFile, User
from portal.services import ServiceError, audit
from portal.storage import Storage, get_storage, sha256_of

log = logging.getLogger(__name__)

DOCUMENT_PURPOSES = (FilePurpose.CONSTITUTION, FilePurpose.SAFEGUARDING_POLICY)


class UploadRefused(ServiceError):
    """The file was not stored: too big, empty, badly named, a program, or not a kind of file we
    accept; ``problem`` says which (a ``filetypes.Problem``)."""

    def __init__(self, message: Message, problem: filetypes.Problem | None = None) -> None:
        super().__init__(message)
        self.problem = problem


def accepted_for(purpose: FilePurpose) -> FileGroup:
    """What each kind of upload accepts: recordings are audio or video; everything else is a
    document (a PDF, a Word document, or a photo of a paper one)."""
    return filetypes.RECORDINGS if purpose == FilePurpose.RECORDING else filetypes.DOCUMENTS


def _read_at_most(source: bytes | BinaryIO, limit: int) -> bytes:
    if isinstance(source, bytes | bytearray):
        return bytes(source[:limit])
    chunks, remaining = [], limit
    while remaining > 0:
        chunk = source.read(min(remaining, 1024 * 1024))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _translatable(message: Message) -> Message:
    """The message with its nested rule (a Message) made to translate itself when shown."""
    params = {
        key: lazy_gettext(value.text, **value.params) if isinstance(value, Message) else value
        for key, value in message.params.items()
    }
    return Message(message.text, params)


def check_upload(data: bytes, original_name: str, *, max_bytes: int, allowed: FileGroup) -> FileType:
    """The file's type if it may be stored; else ``UploadRefused`` with a message naming the file
    and saying what to do (the rules: ``filetypes.examine``)."""
    verdict = filetypes.examine(data, original_name, max_bytes=max_bytes, allowed=allowed)
    if not verdict.accepted:
        # A security event worth a line in the log; the name is repr'd so control characters stay visible.
        log.warning("upload refused (%s): %r, %d bytes", verdict.problem, original_name, len(data))
        raise UploadRefused(_translatable(verdict.message), verdict.problem)
    return verdict.file_type


def store_upload(
    stream_or_bytes: bytes | BinaryIO,
    original_name: str,
    *,
    purpose: FilePurpose,
    organisation: Organisation | None,
    by: User | None,
    max_bytes: int,
    allowed: FileGroup | None = None,
    storage: Storage | None = None,
    now: datetime | None = None,
) -> StoredFile:
    """Check and keep an uploaded file; the type comes from its content, never its name.

    Reads at most ``max_bytes + 1`` bytes, so an over-large upload is refused without reading it all.
    ``allowed`` defaults to what the purpose accepts (``accepted_for``); ``storage`` to the
    configured one."""
    allowed = allowed or accepted_for(purpose)
    data = _read_at_most(stream_or_bytes, max_bytes + 1)
    file_type = check_upload(data, original_name, max_bytes=max_bytes, allowed=allowed)
    key = (storage or get_storage(current_app.config)).save(data, prefix=purpose.value.replace("_", "-"))
    stored = StoredFile(
        key=key,
        original_name=filetypes.clean_filename(original_name),
        content_type=file_type.content_type,
        size=len(data),
        sha256=sha256_of(data),
        purpose=purpose,
        organisation_id=organisation.id if organisation is not None else None,
        uploaded_by_id=by.id if by is not None else None,
        created_at=now or utcnow(),
    )
    db.session.add(stored)
    audit.record(
        "file.uploaded",
        stored,
        by=by,
        after={
            "name": stored.original_name,
            "purpose": purpose,
            "content_type": stored.content_type,
            "size": stored.size,
            "sha256": stored.sha256,
            "organisation_id": stored.organisation_id,
        },
        now=now,
    )
    return stored


def recordings_in(content: dict) -> dict[int, StoredFile]:
    """The recordings an application's answers (a version's content or a draft's snapshot) point
    to, by id, in one query."""
    ids = {a["recording_file_id"] for a in content.get("answers", []) if a.get("recording_file_id")}
    if not ids:
        return {}
    return {f.id: f for f in db.session.scalars(select(StoredFile).where(StoredFile.id.in_(ids)))}


def current_documents(organisation: Organisation) -> dict[FilePurpose, StoredFile]:
    """The organisation's current file of each document purpose (the newest one uploaded)."""
    rows = db.session.scalars(
        select(StoredFile)
        .where(StoredFile.organisation_id == organisation.id, StoredFile.purpose.in_(DOCUMENT_PURPOSES))
        .order_by(StoredFile.created_at.desc(), StoredFile.id.desc())
    )
    current: dict[FilePurpose, StoredFile] = {}
    for row in rows:
        current.setdefault(row.purpose, row)
    return current


def download_name(stored: StoredFile) -> str:
    return filetypes.download_name(stored.original_name, filetypes.BY_CONTENT_TYPE.get(stored.content_type))
