"""Uploads: refused with a plain reason unless they are what we accept; stored, recorded and audited."""

from __future__ import annotations

import hashlib
import io

import pytest
from sqlalchemy import func, select

from portal.domain import filetypes
from portal.models import AuditEvent, FilePurpose, StoredFile
from portal.services import files
from portal.services.files import UploadRefused
from portal.storage import get_storage
from tests.unit import test_filetypes as samples

MB = 1024 * 1024


@pytest.fixture
def group(make_user, make_organisation):  # noqa: ANN001, ANN201
    owner = make_user()
    return make_organisation(members=[owner]), owner


def upload(group, data, name, *, purpose=FilePurpose.CONSTITUTION, max_bytes=10 * MB, **kwargs):  # noqa: ANN001, ANN003, ANN201
    organisation, owner = group
    return files.store_upload(
        data, name, purpose=purpose, organisation=organisation, by=owner, max_bytes=max_bytes, **kwargs
    )


def stored_count(db) -> int:  # noqa: ANN001
    return db.session.scalar(select(func.count(StoredFile.id)))


def test_a_document_is_stored_with_its_hash_type_and_cleaned_name(app, db, group):
    organisation, owner = group
    stored = upload(group, io.BytesIO(samples.PDF), ". Our  constitution\u200e.pdf")  # names with folders: refused
    db.session.commit()
    assert stored.original_name == "Our constitution.pdf"
    assert (stored.content_type, stored.size) == ("application/pdf", len(samples.PDF))
    assert stored.sha256 == hashlib.sha256(samples.PDF).hexdigest()
    assert (stored.organisation_id, stored.uploaded_by_id, stored.purpose) == (
        organisation.id,
        owner.id,
        FilePurpose.CONSTITUTION,
    )
    assert get_storage(app.config).read(stored.key) == samples.PDF
    assert stored.key.startswith("constitution/") and "Our" not in stored.key
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "file.uploaded"))
    assert event.after["name"] == "Our constitution.pdf" and event.actor_id == owner.id


def test_the_content_decides_the_type_not_the_name(db, group):
    stored = upload(group, samples.JPEG, "constitution.pdf")
    assert stored.content_type == "image/jpeg"
    assert files.download_name(stored) == "constitution.jpg"
    word = upload(group, samples.docx(), "rules")
    assert word.content_type == filetypes.DOCX.content_type
    assert files.download_name(word) == "rules.docx"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (samples.WINDOWS_EXE, "constitution.pdf", "This file type is not allowed"),
        (samples.LINUX_ELF, "policy.docx", "This file type is not allowed"),
        (samples.SCRIPT, "notes.pdf", "This file type is not allowed"),
        (samples.PDF, "policy.pdf.exe", "This file type is not allowed"),
        (samples.PDF, "setup.bat", "This file type is not allowed"),
        (samples.plain_zip(), "rules.docx", "The file must be a PDF, Word document or photo"),
        (samples.zip_bomb(60), "rules.docx", "The file must be a PDF, Word document or photo"),
        (samples.HTML, "page.pdf", "The file must be a PDF, Word document or photo"),
        (samples.MP3_ID3, "talk.mp3", "The file must be a PDF, Word document or photo"),
        (b"", "empty.pdf", "The file is empty"),
    ],
    ids=["exe", "elf", "script", "double-extension", "bat", "zip", "zip-bomb", "html", "audio-as-document", "empty"],
)
def test_hostile_or_wrong_documents_are_refused_and_nothing_is_kept(app, db, group, data, name, message):
    with pytest.raises(UploadRefused) as refused:
        upload(group, data, name)
    assert str(refused.value.message).startswith(message)
    assert stored_count(db) == 0


def test_a_file_over_the_cap_is_refused_without_reading_it_all(db, group):
    class Endless(io.RawIOBase):
        """A PDF that never ends, counting what is read of it."""

        read_so_far = 0

        def read(self, size: int = -1) -> bytes:
            size = 64 * 1024 if size < 0 else size
            chunk = (b"%PDF-" + b"0" * size)[:size] if self.read_so_far == 0 else b"0" * size
            self.read_so_far += size
            return chunk

    stream = Endless()
    with pytest.raises(UploadRefused, match="The file must be 2 MB or smaller"):
        upload(group, stream, "big.pdf", max_bytes=2 * MB)
    assert stream.read_so_far == 2 * MB + 1
    assert stored_count(db) == 0


def test_exactly_the_cap_is_allowed(db, group):
    data = samples.PDF + b"0" * (MB - len(samples.PDF))
    assert upload(group, data, "big.pdf", max_bytes=MB).size == MB


def test_recordings_accept_audio_and_video_only(db, group):
    for data, expected in [
        (samples.MP3_ID3, "audio/mpeg"),
        (samples.M4A, "audio/mp4"),
        (samples.MP4, "video/mp4"),
        (samples.OGG, "audio/ogg"),
        (samples.WAV, "audio/wav"),
        (samples.WEBM, "video/webm"),
    ]:
        assert upload(group, data, "answer", purpose=FilePurpose.RECORDING).content_type == expected
    with pytest.raises(UploadRefused, match="The file must be an audio or video recording"):
        upload(group, samples.PDF, "answer.mp3", purpose=FilePurpose.RECORDING)


def test_the_newest_upload_of_each_document_is_the_current_one(db, group):
    organisation, _ = group
    first = upload(group, samples.PDF, "rules-2019.pdf")
    db.session.commit()
    second = upload(group, samples.docx(), "rules-2025.docx")
    policy = upload(group, samples.PNG, "policy.png", purpose=FilePurpose.SAFEGUARDING_POLICY)
    db.session.commit()
    assert files.current_documents(organisation) == {
        FilePurpose.CONSTITUTION: second,
        FilePurpose.SAFEGUARDING_POLICY: policy,
    }
    assert db.session.get(StoredFile, first.id) is not None  # older versions are kept
