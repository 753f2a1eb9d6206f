"""What a file is comes from its bytes, never its name; names are cleaned before anyone sees them.

The sample builders here are used by the service and page tests too.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from portal.domain import filetypes
from portal.domain.filetypes import clean_filename, download_name, has_dangerous_extension, is_executable, sniff

# --- samples: the first bytes of real formats ----------------------------------------------------

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
MP3_ID3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + b"\x00" * 100
MP3_FRAME = b"\xff\xfb\x90\x64" + b"\x00" * 100
M4A = b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00M4A mp42isom" + b"\x00" * 64
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 64
MOV = b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + b"\x00" * 64
OGG = b"OggS\x00\x02" + b"\x00" * 64
WAV = b"RIFF\x24\x08\x00\x00WAVEfmt \x10\x00\x00\x00" + b"\x00" * 64
AVI = b"RIFF\x24\x08\x00\x00AVI LIST" + b"\x00" * 64
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm\x42\x87\x81\x04" + b"\x00" * 64
MKV = b"\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x88matroska" + b"\x00" * 64
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 64 + b"This program cannot be run in DOS mode."
LINUX_ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 64
SCRIPT = b"#!/bin/sh\nrm -rf ~\n"
HTML = b"<!doctype html><script>alert(1)</script>"


def _zip(members: dict[str, bytes], *, first_stored: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if first_stored is not None:
            archive.writestr(zipfile.ZipInfo(first_stored), members.pop(first_stored), zipfile.ZIP_STORED)
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx(text: str = "Our constitution", *, extra: dict[str, bytes] | None = None) -> bytes:
    return _zip(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": f"<w:document><w:body><w:p><w:t>{text}</w:t></w:p></w:body></w:document>".encode(),
            **(extra or {}),
        }
    )


def odt() -> bytes:
    return _zip(
        {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office:document-content/>"},
        first_stored="mimetype",
    )


def plain_zip() -> bytes:
    return _zip({"photos/one.jpg": JPEG, "notes.txt": b"hello"})


def zip_bomb(unpacked_mb: int = 60) -> bytes:
    """A 'Word document' that unpacks to ``unpacked_mb`` MB of zeros (it packs to a few dozen KB)."""
    return docx(extra={"word/media/padding.bin": b"\x00" * (unpacked_mb * 1024 * 1024)})


# --- sniffing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PDF, filetypes.PDF),
        (b"\xef\xbb\xbf\n%PDF-1.4\n", filetypes.PDF),
        (JPEG, filetypes.JPEG),
        (PNG, filetypes.PNG),
        (MP3_ID3, filetypes.MP3),
        (MP3_FRAME, filetypes.MP3),
        (M4A, filetypes.M4A),
        (MP4, filetypes.MP4),
        (OGG, filetypes.OGG),
        (WAV, filetypes.WAV),
        (WEBM, filetypes.WEBM),
    ],
    ids=["pdf", "pdf-after-bom", "jpeg", "png", "mp3-id3", "mp3-frame", "m4a", "mp4", "ogg", "wav", "webm"],
)
def test_each_accepted_format_is_recognised_from_its_bytes(data, expected):
    assert sniff(data) is expected


def test_word_and_opendocument_files_are_recognised_inside_their_zip():
    assert sniff(docx()) is filetypes.DOCX
    assert sniff(odt()) is filetypes.ODT


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"just some text",
        HTML,
        MOV,
        AVI,
        MKV,
        b"\xff\xf1\x50\x80",  # AAC in ADTS: an audio sync word, but not MPEG layer 1–3
        b"PK\x03\x04broken zip",
    ],
    ids=["empty", "text", "html", "quicktime", "avi", "matroska", "aac-adts", "broken-zip"],
)
def test_other_content_is_not_recognised(data):
    assert sniff(data) is None


def test_a_zip_that_is_not_a_word_document_is_not_recognised():
    assert sniff(plain_zip()) is None


def test_a_macro_enabled_word_document_is_not_recognised():
    assert sniff(docx(extra={"word/vbaProject.bin": b"\x00" * 100})) is None


def test_a_zip_bomb_is_not_recognised_without_being_unpacked():
    assert sniff(zip_bomb(60)) is None  # over 50 MB unpacked
    assert sniff(zip_bomb(8)) is None  # under 50 MB, but zeros pack over 100 times smaller


@pytest.mark.parametrize("data", [WINDOWS_EXE, LINUX_ELF, SCRIPT, b"\xcf\xfa\xed\xfe\x07\x00\x00\x01"])
def test_executables_are_recognised_as_such_and_never_as_anything_else(data):
    assert is_executable(data)
    assert sniff(data) is None


def test_a_document_is_not_an_executable():
    assert not is_executable(PDF)
    assert not is_executable(docx())


# --- names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["policy.pdf.exe", "setup.EXE", "photo.jpg.scr", "rules.docx.bat ", "policy.pdf.exe.", "x.pdf:evil.exe", "a.js"],
)
def test_names_a_computer_would_run_are_dangerous(name):
    assert has_dangerous_extension(name)


@pytest.mark.parametrize(
    "name", ["policy.pdf", "Constitution v1.2.docx", "St. Mary's rules.pdf", "scan", "photo.jpeg", "exe.pdf"]
)
def test_ordinary_names_are_not_dangerous(name):
    assert not has_dangerous_extension(name)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\Amina\\Documents\\constitution.pdf", "constitution.pdf"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        (".htaccess", "htaccess"),
        ("...hidden.pdf", "hidden.pdf"),
        ("policy\x00.pdf", "policy.pdf"),
        ("safe\r\nguarding\t.pdf", "safeguarding.pdf"),
        ("photo\u202egpj.exe", "photogpj.exe"),  # a right-to-left override hides the real extension
        ("  lots   of   space .pdf ", "lots of space .pdf"),
        ('a<b>c:"d"|e?f*.pdf', "a_b_c__d__e_f_.pdf"),
        ("دستور جمعیت.pdf", "دستور جمعیت.pdf"),
        ("সংবিধান.docx", "সংবিধান.docx"),
        ("Statut stowarzyszenia Łódź.pdf", "Statut stowarzyszenia Łódź.pdf"),
        ("", "file"),
        ("../", "file"),
        ("\x00\x01", "file"),
    ],
)
def test_names_are_cleaned_for_display(raw, clean):
    assert clean_filename(raw) == clean


def test_long_names_are_cut_to_120_characters_keeping_the_extension():
    cleaned = clean_filename("a" * 300 + ".pdf")
    assert len(cleaned) == 120
    assert cleaned.endswith("aaa.pdf")
    assert len(clean_filename("b" * 300)) == 120


def test_the_download_name_carries_the_extension_of_the_content():
    assert download_name("constitution.pdf", filetypes.PDF) == "constitution.pdf"
    assert download_name("constitution.pdf", filetypes.JPEG) == "constitution.jpg"
    assert download_name("photo.JPEG", filetypes.JPEG) == "photo.JPEG"
    assert download_name("scan of rules", filetypes.PNG) == "scan of rules.png"
    assert download_name("St. Mary's rules", filetypes.PDF) == "St. Mary's rules.pdf"
    assert download_name("x" * 200 + ".docx", filetypes.PDF).endswith(".pdf")


def test_size_messages_are_plain():
    assert str(filetypes.too_large(10 * 1024 * 1024)) == "The file must be 10 MB or smaller"
    assert str(filetypes.too_large(512 * 1024)) == "The file must be 0.5 MB or smaller"


# --- the whole rule: examine -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["../x.pdf", "a/b.pdf", "a\\b.pdf", "nul\x00.pdf", "tab\t.pdf", "del\x7f.pdf", "c1\x85.pdf", "rtl\u202etxt.exe"],
)
def test_names_with_folders_controls_or_direction_overrides_are_refused(name):
    assert filetypes.name_problem(name)
    verdict = filetypes.examine(PDF, name, max_bytes=1024, allowed=filetypes.DOCUMENTS)
    assert verdict.problem is filetypes.Problem.BAD_NAME and not verdict.accepted


@pytest.mark.parametrize("name", ["Our rules.pdf", "دستور\u200f.pdf", "zero\u200dwidth joiner.pdf", "", "..pdf"])
def test_ordinary_names_pass_the_name_rule(name):
    assert not filetypes.name_problem(name)


def test_examine_checks_the_cheapest_things_first_and_names_the_file():
    verdict = filetypes.examine(WINDOWS_EXE * 100, "big.exe", max_bytes=10, allowed=filetypes.DOCUMENTS)
    assert verdict.problem is filetypes.Problem.TOO_LARGE
    assert str(verdict.message).startswith("The file must be 0.0 MB or smaller. ‘big.exe’ is larger")


def test_an_accepted_file_has_its_type_and_no_message():
    verdict = filetypes.examine(docx(), "rules.docx", max_bytes=1024 * 1024, allowed=filetypes.DOCUMENTS)
    assert (verdict.accepted, verdict.file_type, verdict.message) == (True, filetypes.DOCX, None)


def test_a_document_that_is_a_recording_is_refused_with_the_documents_rule():
    verdict = filetypes.examine(MP3_ID3, "talk.mp3", max_bytes=1024, allowed=filetypes.DOCUMENTS)
    assert verdict.problem is filetypes.Problem.WRONG_TYPE
    assert str(verdict.message).startswith("The file must be a PDF, Word document or photo. ‘talk.mp3’ is not one")


@pytest.mark.parametrize(
    ("data", "file_type", "problem"),
    [
        (PDF + b"\n% <ScRiPt src=x>", filetypes.PDF, filetypes.Problem.HIDDEN_CONTENT),
        (JPEG + b"javascript:alert(1)", filetypes.JPEG, filetypes.Problem.HIDDEN_CONTENT),
        (MP3_ID3 + _zip({"x.txt": b"x"}), filetypes.MP3, filetypes.Problem.HIDDEN_CONTENT),
        (b"%PDF-1.7 << /AA << /O << /S /JavaScript >> >> >>", filetypes.PDF, filetypes.Problem.ACTIVE_CONTENT),
        (b"%PDF-1.7 << /RichMedia 3 0 R >>", filetypes.PDF, filetypes.Problem.ACTIVE_CONTENT),
        (PDF, filetypes.PDF, None),
        (b"%PDF-1.7 << /JSON 1 /JavaScripts 2 /Launcher 3 >>", filetypes.PDF, None),
        (JPEG + b"PK\x05\x06 not a real directory", filetypes.JPEG, None),
        (docx(), filetypes.DOCX, None),
    ],
)
def test_hidden_and_active_content(data, file_type, problem):
    assert filetypes.hidden_content(data, file_type) is problem
