"""A corpus of hostile uploads, each refused through the service with a message that names the file and
says what to do, and nothing stored; beside it, the near misses that must still be accepted.

The rules are those of ``portal/domain/filetypes.py`` (its docstring); the page-level twin of this test
is tests/web/test_hostile_uploads.py, which sends the same corpus through a real upload form.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.domain import filetypes
from portal.domain.filetypes import Problem
from portal.models import AuditEvent, FilePurpose, StoredFile
from portal.services import files
from portal.services.files import UploadRefused
from tests.unit import test_filetypes as samples

MB = 1024 * 1024


def pdf_with(body: bytes) -> bytes:
    return b"%PDF-1.7\n1 0 obj\n" + body + b"\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def pdf_with_object_stream(objects: bytes) -> bytes:
    packed = zlib.compress(objects)
    head = f"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length {len(packed)} >>\nstream\n".encode()
    return b"%PDF-1.7\n5 0 obj\n" + head + packed + b"\nendstream\nendobj\n%%EOF\n"


def zip_of(members: dict[str, bytes], *, stored: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_with_pdf_header() -> bytes:
    """A Word document whose first (stored) part holds a PDF header: Acrobat would open it as a PDF."""
    return zip_of(
        {
            "aaa.xml": b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj",
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document/>",
        },
        stored=True,
    )


def many_parts(count: int) -> bytes:
    return samples.docx(extra={f"word/media/p{i}.xml": b"" for i in range(count)})


OLD_WORD = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512  # a .doc from Word 97-2003
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
JS_IN_PDF = b"<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"


@dataclass(frozen=True)
class Hostile:
    id: str
    data: bytes
    name: str
    problem: Problem
    shown: str  # the name as the message shows it


CORPUS = [
    # double extensions and renamed programs
    Hostile("double-extension", samples.PDF, "report.pdf.exe", Problem.PROGRAM, "report.pdf.exe"),
    Hostile("exe-inside-pdf-name", samples.WINDOWS_EXE, "letter.exe.pdf", Problem.PROGRAM, "letter.exe.pdf"),
    Hostile("renamed-windows-exe", samples.WINDOWS_EXE, "constitution.pdf", Problem.PROGRAM, "constitution.pdf"),
    Hostile("renamed-linux-binary", samples.LINUX_ELF, "policy.docx", Problem.PROGRAM, "policy.docx"),
    Hostile("renamed-script", samples.SCRIPT, "notes.pdf", Problem.PROGRAM, "notes.pdf"),
    Hostile("batch-file", samples.PDF, "setup.BAT", Problem.PROGRAM, "setup.BAT"),
    Hostile("trailing-dot", samples.PDF, "run.exe.", Problem.PROGRAM, "run.exe"),
    # polyglots: one file that is two kinds of file
    Hostile("pdf-and-zip", samples.PDF + samples.plain_zip(), "rules.pdf", Problem.HIDDEN_CONTENT, "rules.pdf"),
    Hostile("pdf-and-html", b"%PDF-1.4\n<html><script>alert(1)</script>", "a.pdf", Problem.HIDDEN_CONTENT, "a.pdf"),
    Hostile("jpeg-and-script", samples.JPEG + b"<script>alert(1)</script>", "me.jpg", Problem.HIDDEN_CONTENT, "me.jpg"),
    Hostile(
        "png-and-php", samples.PNG + b"<?php system($_GET['c']); ?>", "logo.png", Problem.HIDDEN_CONTENT, "logo.png"
    ),
    Hostile("jpeg-and-jar", samples.JPEG + zip_of({"a.class": b"\xca\xfe"}), "x.jpg", Problem.HIDDEN_CONTENT, "x.jpg"),
    Hostile("docx-and-pdf", docx_with_pdf_header(), "both.docx", Problem.HIDDEN_CONTENT, "both.docx"),
    # active content in documents
    Hostile("pdf-javascript", pdf_with(JS_IN_PDF), "form.pdf", Problem.ACTIVE_CONTENT, "form.pdf"),
    Hostile("pdf-escaped-js", pdf_with(b"<< /S /Java#53cript /J#53 (x) >>"), "f.pdf", Problem.ACTIVE_CONTENT, "f.pdf"),
    Hostile("pdf-launch", pdf_with(b"<< /S /Launch /F (cmd.exe) >>"), "go.pdf", Problem.ACTIVE_CONTENT, "go.pdf"),
    Hostile("pdf-attachment", pdf_with(b"<< /Type /EmbeddedFile >>"), "inv.pdf", Problem.ACTIVE_CONTENT, "inv.pdf"),
    Hostile(
        "pdf-js-in-object-stream", pdf_with_object_stream(b"2 0 " + JS_IN_PDF), "o.pdf", Problem.ACTIVE_CONTENT, "o.pdf"
    ),
    Hostile(
        "docx-macros", samples.docx(extra={"word/vbaProject.bin": b"\x00"}), "m.docx", Problem.ACTIVE_CONTENT, "m.docx"
    ),
    Hostile(
        "docx-ole-package",
        samples.docx(extra={"word/embeddings/oleObject1.bin": b"\x00"}),
        "ole.docx",
        Problem.ACTIVE_CONTENT,
        "ole.docx",
    ),
    Hostile(
        "docx-with-program",
        samples.docx(extra={"word/media/setup.exe": samples.WINDOWS_EXE}),
        "p.docx",
        Problem.ACTIVE_CONTENT,
        "p.docx",
    ),
    # zip bombs and damaged archives
    Hostile("zip-bomb-size", samples.zip_bomb(60), "big.docx", Problem.ZIP_BOMB, "big.docx"),
    Hostile("zip-bomb-ratio", samples.zip_bomb(8), "dense.docx", Problem.ZIP_BOMB, "dense.docx"),
    Hostile("zip-bomb-parts", many_parts(filetypes.ZIP_MAX_ENTRIES + 1), "many.docx", Problem.ZIP_BOMB, "many.docx"),
    Hostile(
        "zip-slip",
        samples.docx(extra={"../../etc/cron.d/x.xml": b"<x/>"}),
        "slip.docx",
        Problem.WRONG_TYPE,
        "slip.docx",
    ),
    Hostile("plain-zip", samples.plain_zip(), "rules.docx", Problem.WRONG_TYPE, "rules.docx"),
    Hostile("html", samples.HTML, "page.pdf", Problem.WRONG_TYPE, "page.pdf"),
    Hostile("svg", SVG, "logo.png", Problem.WRONG_TYPE, "logo.png"),
    Hostile("old-word", OLD_WORD, "rules.doc", Problem.WRONG_TYPE, "rules.doc"),
    # size
    Hostile("empty", b"", "blank.pdf", Problem.EMPTY, "blank.pdf"),
    Hostile("oversized", samples.PDF + b"0" * MB, "huge.pdf", Problem.TOO_LARGE, "huge.pdf"),
    # names
    Hostile("dot-dot-slash", samples.PDF, "../../etc/passwd.pdf", Problem.BAD_NAME, "passwd.pdf"),
    Hostile("backslashes", samples.PDF, "..\\..\\windows\\win.ini.pdf", Problem.BAD_NAME, "win.ini.pdf"),
    Hostile("nul", samples.PDF, "report.pdf\x00.exe", Problem.BAD_NAME, "report.pdf.exe"),
    Hostile("control-characters", samples.PDF, "bell\x07\x1b[31m.pdf", Problem.BAD_NAME, "bell[31m.pdf"),
    Hostile("new-line", samples.PDF, "two\nlines.pdf", Problem.BAD_NAME, "twolines.pdf"),
    Hostile("right-to-left-override", samples.PDF, "invoice\u202efdp.exe", Problem.BAD_NAME, "invoicefdp.exe"),
    Hostile("direction-isolate", samples.PDF, "a\u2067b.pdf", Problem.BAD_NAME, "ab.pdf"),
]

MAX_BYTES = MB  # the oversized sample is just over it


@pytest.fixture
def group(make_user, make_organisation):  # noqa: ANN001, ANN201
    owner = make_user()
    return make_organisation(members=[owner]), owner


def upload(group, data: bytes, name: str, **kwargs):  # noqa: ANN001, ANN003, ANN201
    organisation, owner = group
    kwargs.setdefault("purpose", FilePurpose.CONSTITUTION)
    return files.store_upload(data, name, organisation=organisation, by=owner, max_bytes=MAX_BYTES, **kwargs)


def stored_files(app) -> list[Path]:  # noqa: ANN001
    root = Path(app.config["STORAGE_PATH"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize("case", CORPUS, ids=[case.id for case in CORPUS])
def test_each_hostile_upload_is_refused_naming_the_file_and_nothing_is_stored(app, db, group, case):
    with pytest.raises(UploadRefused) as refused:
        upload(group, case.data, case.name)
    assert refused.value.problem == case.problem
    message = str(refused.value)
    assert f"‘{case.shown}’" in message
    assert any(step in message for step in ("choose it again", "upload it again", "upload that", "The file must be"))
    db.session.commit()
    assert db.session.scalar(select(func.count(StoredFile.id))) == 0
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "file.uploaded")) == 0
    assert stored_files(app) == []


@pytest.mark.parametrize(
    ("problem", "expected"),
    [
        (
            Problem.PROGRAM,
            "This file type is not allowed. ‘report.pdf.exe’ is a program or script, which could harm the computers "
            "that open it. The file must be a PDF, Word document or photo.",
        ),
        (
            Problem.HIDDEN_CONTENT,
            "The file must be a PDF, Word document or photo. ‘rules.pdf’ is also another kind of file: it has a web "
            "page, a script or a compressed folder hidden inside it. Save a clean copy (for example, print it to a "
            "new PDF or take a new photo) and upload that.",
        ),
        (
            Problem.BAD_NAME,
            "The file name ‘passwd.pdf’ has characters we cannot accept, such as folder names or hidden control "
            "characters. Rename the file using letters, numbers, spaces and hyphens, then choose it again.",
        ),
        (
            Problem.TOO_LARGE,
            "The file must be 1 MB or smaller. ‘huge.pdf’ is larger: make it smaller (for example, save it as a PDF "
            "or take the photo at a lower quality), then upload it again.",
        ),
    ],
)
def test_the_messages_read_in_full(app, db, group, problem, expected):
    case = next(c for c in CORPUS if c.problem == problem)
    with pytest.raises(UploadRefused) as refused:
        upload(group, case.data, case.name)
    assert str(refused.value) == expected


def test_a_recording_upload_says_what_a_recording_must_be(app, db, group):
    with pytest.raises(UploadRefused) as refused:
        upload(group, samples.WINDOWS_EXE, "answer.mp3", purpose=FilePurpose.RECORDING)
    assert str(refused.value).endswith("The file must be an audio or video recording: MP3, M4A, OGG, WAV, MP4 or WebM.")


def test_a_refused_upload_is_logged_with_its_raw_name(app, db, group, caplog):
    with caplog.at_level("WARNING", logger="portal.services.files"), pytest.raises(UploadRefused):
        upload(group, samples.PDF, "invoice\u202efdp.exe")
    assert "upload refused (bad_name): 'invoice\\u202efdp.exe'" in caplog.text


ACCEPTED = [
    ("pdf", samples.PDF, "Our rules.pdf", "application/pdf"),
    ("pdf-json-name", pdf_with(b"<< /Type /Catalog /JSON (not a script) >>"), "j.pdf", "application/pdf"),
    ("pdf-plain-object-stream", pdf_with_object_stream(b"2 0 << /Type /Page >>"), "o.pdf", "application/pdf"),
    ("docx", samples.docx(), "rules.docx", filetypes.DOCX.content_type),
    (
        "docx-with-chart-and-svg",
        samples.docx(extra={"word/embeddings/Chart.xlsx": b"PK", "word/media/image1.svg": b"<svg/>"}),
        "rules.docx",
        filetypes.DOCX.content_type,
    ),
    ("odt", samples.odt(), "rules.odt", filetypes.ODT.content_type),
    ("jpeg-with-camera-trailer", samples.JPEG + b"SEFT\x00\x01trailer", "photo.jpg", "image/jpeg"),
    ("png", samples.PNG, "policy.png", "image/png"),
    ("arabic-name-with-direction-mark", samples.PDF, "دستور\u200f الجمعية.pdf", "application/pdf"),
    ("exe-in-the-middle-of-a-pdf-name", samples.PDF, "letter.exe.pdf", "application/pdf"),
]


@pytest.mark.parametrize(("data", "name", "content_type"), [a[1:] for a in ACCEPTED], ids=[a[0] for a in ACCEPTED])
def test_near_misses_are_accepted(app, db, group, data, name, content_type):
    stored = upload(group, data, name)
    assert stored.content_type == content_type
    assert len(stored_files(app)) == 1
