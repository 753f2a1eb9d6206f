"""Files people uploaded (documents, recordings, scans of paper forms), kept through storage.py."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, enum_column, utcnow


class FilePurpose(StrEnum):
    CONSTITUTION = "constitution"
    SAFEGUARDING_POLICY = "safeguarding_policy"
    RECORDING = "recording"
    PAPER_FORM = "paper_form"
    SUPPORTING_DOCUMENT = "supporting_document"
    STORY_MEDIA = "story_media"  # the audio or photo that goes with a story in an output return
    RETURN_EVIDENCE = "return_evidence"  # evidence sent with an output return


class StoredFile(Base):
    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[FilePurpose] = mapped_column(enum_column(FilePurpose))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
