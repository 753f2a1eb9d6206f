"""What an uploaded file really is, decided from its bytes (never its name), and a safe name to show.

``examine(data, name, max_bytes=…, allowed=…)`` is the whole rule for an upload: it returns a
``Verdict`` with the ``FileType`` to store, or the ``Problem`` and a message that names the file and
says what to do. The rules, in order:

1. the name: refused when it has folder parts (``/``, ``\\``, ``..``), control characters (NUL,
   tabs, new lines) or direction-changing characters (the 'cod.exe' right-to-left trick); other
   oddities are cleaned (``clean_filename``), and the name never reaches the file system;
2. the size: empty files, and files over the limit (read no further than limit + 1 bytes);
3. programs: executable content (``MZ``, ``ELF``, ``#!``, Mach-O) whatever the name, and names a
   computer would run ('report.pdf.exe', 'setup.bat') whatever the content;
4. the type: decided by ``sniff`` from the magic bytes (and, for Word and OpenDocument files, the
   ZIP's directory, read without unpacking anything); the name's extension is ignored;
5. ZIP-based documents: refused when they would unpack to more than 50 MB, when a large part
   unpacks to over 100 times its packed size, or when they hold more than 5,000 parts (a zip
   bomb); or when they carry macros, ActiveX controls, embedded OLE packages or programs;
6. polyglots, files that are two kinds of file at once: a PDF, photo or recording is refused when
   it also opens as a ZIP archive (a directory at its end: a JAR, a Word file or a folder appended)
   or when it holds web-page or script markup anywhere (``<script``, ``<html``, ``<iframe``,
   ``<object``, ``<embed``, ``<?php``, ``javascript:``, ``vbscript:``); a Word or OpenDocument file
   is refused when a PDF header sits in its first kilobyte (PDF readers look there);
7. active PDF content: a PDF is refused when it names ``/JavaScript``, ``/JS``, ``/Launch``,
   ``/EmbeddedFile(s)`` or ``/RichMedia``, in its own structure or in a compressed object stream
   (names written with ``#xx`` escapes are decoded first).

The checks are deliberately strict for documents a group sends a council (constitutions, policies,
photos, recordings): a clean copy ("Print to PDF", a new photo) always passes. Whatever passes is
served only as a download (``Content-Disposition: attachment``) with the type its content has and
``X-Content-Type-Options: nosniff``, so a browser never runs it.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from enum import StrEnum

from portal.domain.text import N_, Message


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str  # the usual one, without the dot
    label: str  # for people: "PDF", "Word document"…


PDF = FileType("application/pdf", "pdf", N_("PDF"))
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", N_("Word document"))
ODT = FileType("application/vnd.oasis.opendocument.text", "odt", N_("OpenDocument text"))
JPEG = FileType("image/jpeg", "jpg", N_("JPEG photo"))
PNG = FileType("image/png", "png", N_("PNG image"))
MP3 = FileType("audio/mpeg", "mp3", N_("MP3 audio"))
M4A = FileType("audio/mp4", "m4a", N_("M4A audio"))
MP4 = FileType("video/mp4", "mp4", N_("MP4 video"))
OGG = FileType("audio/ogg", "ogg", N_("Ogg audio"))
WAV = FileType("audio/wav", "wav", N_("WAV audio"))
WEBM = FileType("video/webm", "webm", N_("WebM video"))

ALL_TYPES = (PDF, DOCX, ODT, JPEG, PNG, MP3, M4A, MP4, OGG, WAV, WEBM)
BY_CONTENT_TYPE = {t.content_type: t for t in ALL_TYPES}


@dataclass(frozen=True)
class FileGroup:
    """The kinds of file one upload accepts, and what to tell someone whose file is not one of them."""

    types: frozenset[FileType]
    refusal: str


DOCUMENTS = FileGroup(frozenset({PDF, DOCX, ODT, JPEG, PNG}), N_("The file must be a PDF, Word document or photo"))
RECORDINGS = FileGroup(
    frozenset({MP3, M4A, MP4, OGG, WAV, WEBM}),
    N_("The file must be an audio or video recording: MP3, M4A, OGG, WAV, MP4 or WebM"),
)

LOGOS = FileGroup(frozenset({PNG, JPEG}), N_("The logo must be a PNG or JPG image"))

NOT_ALLOWED = N_("This file type is not allowed")
EMPTY = N_("The file is empty. Choose the file again.")


def too_large(max_bytes: int) -> Message:
    megabytes = max_bytes / (1024 * 1024)
    shown = f"{megabytes:.0f}" if megabytes >= 1 and megabytes == int(megabytes) else f"{megabytes:.1f}"
    return Message(N_("The file must be %(size)s MB or smaller"), {"size": shown})


class Problem(StrEnum):
    """Why an upload was refused."""

    BAD_NAME = "bad_name"
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    PROGRAM = "program"
    WRONG_TYPE = "wrong_type"
    ZIP_BOMB = "zip_bomb"
    ACTIVE_CONTENT = "active_content"
    HIDDEN_CONTENT = "hidden_content"


# Each message names the file and says what to do. %(rule)s is the upload's own rule (a Message:
# "The file must be a PDF, Word document or photo"), %(name)s the cleaned file name.
_MESSAGES = {
    Problem.BAD_NAME: N_(
        "The file name ‘%(name)s’ has characters we cannot accept, such as folder names or hidden control "
        "characters. Rename the file using letters, numbers, spaces and hyphens, then choose it again."
    ),
    Problem.EMPTY: N_(
        "The file is empty. ‘%(name)s’ has nothing in it: check that it opens on your device, then choose it again."
    ),
    Problem.TOO_LARGE: N_(
        "The file must be %(size)s MB or smaller. ‘%(name)s’ is larger: make it smaller (for example, save it "
        "as a PDF or take the photo at a lower quality), then upload it again."
    ),
    Problem.PROGRAM: N_(
        "This file type is not allowed. ‘%(name)s’ is a program or script, which could harm the computers "
        "that open it. %(rule)s."
    ),
    Problem.WRONG_TYPE: N_(
        "%(rule)s. ‘%(name)s’ is not one of these: save or export it in one of these formats, then upload it again."
    ),
    Problem.ZIP_BOMB: N_(
        "%(rule)s. ‘%(name)s’ unpacks to far more than a document should, so it may be damaged or made to "
        "overload computers. Save it again as a PDF and upload that."
    ),
    Problem.ACTIVE_CONTENT: N_(
        "%(rule)s. ‘%(name)s’ contains macros, scripts or programs, which could harm the computers that open "
        "it. Save a copy without them (for example, print it to a new PDF) and upload that."
    ),
    Problem.HIDDEN_CONTENT: N_(
        "%(rule)s. ‘%(name)s’ is also another kind of file: it has a web page, a script or a compressed folder "
        "hidden inside it. Save a clean copy (for example, print it to a new PDF or take a new photo) and "
        "upload that."
    ),
}


@dataclass(frozen=True)
class Verdict:
    """What ``examine`` found: the type to store the file as, or the problem and what to tell the person."""

    file_type: FileType | None = None
    problem: Problem | None = None
    message: Message | None = None

    @property
    def accepted(self) -> bool:
        return self.problem is None


def refusal(problem: Problem, name: str, *, allowed: FileGroup, max_bytes: int = 0) -> Verdict:
    params: dict = {"name": clean_filename(name), "rule": Message(allowed.refusal)}
    if problem is Problem.TOO_LARGE:
        params["size"] = too_large(max_bytes).params["size"]
    return Verdict(problem=problem, message=Message(_MESSAGES[problem], params))


def examine(data: bytes, name: str, *, max_bytes: int, allowed: FileGroup) -> Verdict:
    """The whole rule for one upload (see the module's docstring), cheapest checks first."""
    if name_problem(name):
        return refusal(Problem.BAD_NAME, name, allowed=allowed)
    if len(data) > max_bytes:
        return refusal(Problem.TOO_LARGE, name, allowed=allowed, max_bytes=max_bytes)
    if not data:
        return refusal(Problem.EMPTY, name, allowed=allowed)
    if is_executable(data) or has_dangerous_extension(name):
        return refusal(Problem.PROGRAM, name, allowed=allowed)
    if data.startswith(b"PK\x03\x04"):
        file_type, problem = inspect_zip(data)
    else:
        file_type, problem = sniff(data), None
    if problem is None and (file_type is None or file_type not in allowed.types):
        problem = Problem.WRONG_TYPE
    if problem is None:
        problem = hidden_content(data, file_type)
    if problem is not None:
        return refusal(problem, name, allowed=allowed)
    return Verdict(file_type=file_type)


# --- executables -------------------------------------------------------------------------------

_EXECUTABLE_MAGIC = (
    b"MZ",  # Windows .exe, .dll, .scr, .com (PE)
    b"\x7fELF",  # Linux and Android binaries
    b"#!",  # scripts with an interpreter line
    b"\xfe\xed\xfa\xce",  # Mach-O, 32 and 64 bit, both byte orders
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal binary (and Java classes)
)

# Extensions that a computer may run or open as a program when the file is saved and opened.
DANGEROUS_EXTENSIONS = frozenset(
    """
    exe com scr pif cpl dll sys msi msp mst bat cmd ps1 psm1 psd1 vbs vbe js jse mjs wsf wsh wsc hta
    lnk url inf reg scf jar apk app dmg pkg deb rpm run bin elf sh bash zsh csh ksh command
    py pyc pyw pl rb php phtml asp aspx jsp cgi html htm xhtml shtml svg xml xsl iso img vhd vhdx
    docm dotm xlsm xltm pptm potm ppsm sldm xlam ppam gadget application appref-ms
    """.split()  # noqa: SIM905 - a word list reads better than a column of strings
)


def is_executable(data: bytes) -> bool:
    return data.startswith(_EXECUTABLE_MAGIC)


def extensions_of(name: str) -> list[str]:
    """Every dotted part after the first, lower case: 'Policy.PDF.exe' → ['pdf', 'exe']."""
    base = re.split(r"[\\/]", name or "")[-1].strip().strip(".")
    parts = base.split(".")
    return [part.strip().lower() for part in parts[1:] if part.strip()]


def has_dangerous_extension(name: str) -> bool:
    """A name that a computer could run when the file is opened, such as 'policy.pdf.exe' or
    'setup.bat', whatever is inside: the last extension decides what a computer does with it."""
    for candidate in (name, clean_filename(name)):
        extensions = extensions_of(candidate)
        if extensions and extensions[-1] in DANGEROUS_EXTENSIONS:
            return True
    return False


# --- sniffing ----------------------------------------------------------------------------------

ZIP_MAX_UNCOMPRESSED = 50 * 1024 * 1024  # a Word document is never this big once unpacked
ZIP_MAX_RATIO = 100  # unpacked ÷ packed, for any large part: text compresses ~5–20×; bombs 1000×
ZIP_RATIO_FLOOR = 1024 * 1024  # parts smaller than this unpacked are never suspicious
ZIP_MAX_ENTRIES = 5000

_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def sniff(data: bytes) -> FileType | None:
    """The type of file ``data`` is, from its content alone; None when it is none we accept."""
    if not data or is_executable(data):
        return None
    head = data[:64]
    if head.startswith(b"%PDF-") or head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return WAV
    if head.startswith(b"OggS"):
        return OGG
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return WEBM if b"webm" in data[:64] else None
    if head[4:8] == b"ftyp":
        return _sniff_iso_media(head)
    if head.startswith(b"ID3") or _is_mpeg_audio_frame(head):
        return MP3
    return None


def _sniff_iso_media(head: bytes) -> FileType | None:
    """MP4 family: the ftyp box's major brand says whether it is audio only."""
    brand = head[8:12]
    if brand in {b"M4A ", b"M4B ", b"M4P ", b"F4A "}:
        return M4A
    if brand in {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"MSNV", b"dash", b"M4V "}:
        return MP4
    return None


def _is_mpeg_audio_frame(head: bytes) -> bool:
    """An MPEG audio frame header: 11 sync bits, then a valid version, layer, bitrate and rate."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version = (head[1] >> 3) & 0b11
    layer = (head[1] >> 1) & 0b11
    bitrate = head[2] >> 4
    sample_rate = (head[2] >> 2) & 0b11
    return version != 0b01 and layer != 0b00 and bitrate not in (0b0000, 0b1111) and sample_rate != 0b11


def _sniff_zip(data: bytes) -> FileType | None:
    file_type, problem = inspect_zip(data)
    return None if problem else file_type


def inspect_zip(data: bytes) -> tuple[FileType | None, Problem | None]:
    """A Word or OpenDocument text file (both are ZIPs), or why not: any other ZIP is of no type
    we accept (``WRONG_TYPE``), a bomb is ``ZIP_BOMB``, macros or embedded programs ``ACTIVE_CONTENT``.

    Nothing is unpacked: the ZIP's own directory is read, and only the tiny ODT ``mimetype``."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if not entries:
                return None, Problem.WRONG_TYPE
            if len(entries) > ZIP_MAX_ENTRIES or _looks_like_a_bomb(entries):
                return None, Problem.ZIP_BOMB
            names = [entry.filename for entry in entries]
            if any(_is_unsafe_member_name(name) for name in names):
                return None, Problem.WRONG_TYPE
            if any(_is_active_member(name) for name in names):
                return None, Problem.ACTIVE_CONTENT
            if "word/document.xml" in names and "[Content_Types].xml" in names:
                return DOCX, None
            first = entries[0]
            if first.filename == "mimetype" and first.file_size <= 100 and archive.read(first).strip() == _ODT_MIMETYPE:
                return ODT, None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, NotImplementedError, KeyError):
        return None, Problem.WRONG_TYPE
    return None, Problem.WRONG_TYPE


def _is_unsafe_member_name(name: str) -> bool:
    """A part named like a path out of the folder it would be unpacked into (a 'zip slip')."""
    return name.startswith(("/", "\\")) or "\\" in name or ".." in name.split("/") or "\x00" in name


def _is_active_member(name: str) -> bool:
    """Macros (vbaProject.bin), ActiveX controls, embedded OLE packages, or a program inside."""
    lower = name.lower()
    if lower.endswith("vbaproject.bin") or "/activex/" in f"/{lower}" or lower.startswith("basic/"):
        return True
    if "/embeddings/" in f"/{lower}" and lower.rsplit("/", 1)[-1].startswith("oleobject"):
        return True
    base = lower.rsplit("/", 1)[-1]
    return "." in base and base.rpartition(".")[2] in _PROGRAM_EXTENSIONS


# Programs that have no business inside a document (its pictures, fonts and XML are fine).
_PROGRAM_EXTENSIONS = frozenset(
    "exe com scr pif cpl dll sys msi bat cmd ps1 vbs vbe js jse wsf wsh hta jar lnk sh app elf".split()  # noqa: SIM905
)


def _looks_like_a_bomb(entries: list[zipfile.ZipInfo]) -> bool:
    total = 0
    for entry in entries:
        total += entry.file_size
        if total > ZIP_MAX_UNCOMPRESSED:
            return True
        if entry.file_size > ZIP_RATIO_FLOOR and entry.file_size > ZIP_MAX_RATIO * max(entry.compress_size, 1):
            return True
    return False


# --- polyglots and active content --------------------------------------------------------------

_MARKUP = re.compile(rb"<(?:script|html|iframe|object|embed)\b|<\?php|javascript:|vbscript:", re.IGNORECASE)
_PDF_NAME = re.compile(rb"/((?:[A-Za-z0-9_.+\-]|#[0-9A-Fa-f]{2})+)")
_PDF_ACTIVE_NAMES = frozenset({b"JavaScript", b"JS", b"Launch", b"EmbeddedFile", b"EmbeddedFiles", b"RichMedia"})
_PDF_OBJECT_STREAM = re.compile(rb"\bobj\b(.{0,4096}?)\bstream\r?\n", re.DOTALL)
PDF_INFLATE_BUDGET = 32 * 1024 * 1024  # how much of a PDF's object streams is unpacked to look for scripts


def hidden_content(data: bytes, file_type: FileType) -> Problem | None:
    """Whether a file that sniffed as ``file_type`` is also something else (``HIDDEN_CONTENT``) or
    carries content a reader would run (``ACTIVE_CONTENT``); None when it is what it says."""
    if file_type in (DOCX, ODT):
        return Problem.HIDDEN_CONTENT if b"%PDF-" in data[:1024] else None
    if _opens_as_zip(data) or _MARKUP.search(data):
        return Problem.HIDDEN_CONTENT
    if file_type is PDF and _pdf_has_active_content(data):
        return Problem.ACTIVE_CONTENT
    return None


def _opens_as_zip(data: bytes) -> bool:
    """A ZIP directory at the end of the file (where ZIP readers and Java look), with parts in it."""
    if b"PK\x05\x06" not in data[-(65536 + 22) :]:
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return bool(archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, NotImplementedError):
        return False


def _pdf_names(chunk: bytes) -> set[bytes]:
    names = set()
    for match in _PDF_NAME.finditer(chunk):
        name = match.group(1)
        if b"#" in name:
            name = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), name)
        names.add(name)
    return names


def _pdf_has_active_content(data: bytes) -> bool:
    if _pdf_names(data) & _PDF_ACTIVE_NAMES:
        return True
    budget = PDF_INFLATE_BUDGET
    for match in _PDF_OBJECT_STREAM.finditer(data):
        if b"ObjStm" not in match.group(1) or budget <= 0:
            continue
        inflater = zlib.decompressobj()
        try:
            unpacked = inflater.decompress(data[match.end() : match.end() + budget], budget)
        except zlib.error:
            continue
        budget -= len(unpacked)
        if _pdf_names(unpacked) & _PDF_ACTIVE_NAMES:
            return True
    return False


# --- names -------------------------------------------------------------------------------------

MAX_NAME_LENGTH = 120
_KEEP_FORMAT_CHARACTERS = {"\u200c", "\u200d"}  # zero-width (non-)joiners: needed in Urdu, Bengali…
_UNSAFE_IN_NAMES = set('<>:"/\\|?*')


_DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def name_problem(name: str | None) -> bool:
    """Whether a name is one no file on a person's device has: folder parts ('../', '\\'), NUL or
    other control characters, or characters that reverse the text ('cod.exe' shown as 'exe.doc')."""
    for char in name or "":
        if char in "/\\" or char in _DIRECTION_CONTROLS or unicodedata.category(char) == "Cc":
            return True
    return False


def clean_filename(name: str | None, *, fallback: str = "file") -> str:
    """A file name that is safe to show and to download under.

    No folder parts, no control or direction-changing characters (the 'cod.exe' trick), no
    leading dots, single spaces, at most 120 characters (keeping the extension); letters of
    every script are kept."""
    text = unicodedata.normalize("NFC", name or "")
    text = re.split(r"[\\/]", text)[-1]
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char in _KEEP_FORMAT_CHARACTERS:
            kept.append(char)
        elif category[0] == "C" or category in {"Zl", "Zp"}:
            continue
        elif category == "Zs":
            kept.append(" ")
        elif char in _UNSAFE_IN_NAMES:
            kept.append("_")
        else:
            kept.append(char)
    text = " ".join("".join(kept).split())
    text = text.lstrip(". ").rstrip(". ")
    if len(text) > MAX_NAME_LENGTH:
        stem, dot, extension = text.rpartition(".")
        if dot and stem and 0 < len(extension) <= 10:
            text = stem[: MAX_NAME_LENGTH - len(extension) - 1].rstrip(". ") + "." + extension
        else:
            text = text[:MAX_NAME_LENGTH].rstrip(". ")
    return text or fallback


def download_name(name: str, file_type: FileType | None) -> str:
    """The name to save a download under: the cleaned name with the extension its content has,
    so a photo uploaded as 'constitution.pdf' is saved as 'constitution.jpg'."""
    name = clean_filename(name)
    if file_type is None:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and (extension.lower() == file_type.extension or (file_type is JPEG and extension.lower() == "jpeg")):
        return name
    if dot and stem and re.fullmatch(r"[A-Za-z0-9]{1,5}", extension):
        name = stem
    return clean_filename(f"{name[: MAX_NAME_LENGTH - len(file_type.extension) - 1]}.{file_type.extension}")
