"""What an uploaded file really is, decided from its bytes (never its name), and a safe name to show.

``sniff(data)`` reads the first bytes (and, for ZIP-based documents, the ZIP's directory) and
returns the ``FileType`` it recognises, or None. Executables are recognised separately
(``is_executable``) so that they are refused whatever they are called. ``clean_filename`` turns
whatever name a browser sent into one that is safe to show and to offer as a download name.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

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

NOT_ALLOWED = N_("This file type is not allowed")
EMPTY = N_("The file is empty. Choose the file again.")


def too_large(max_bytes: int) -> Message:
    megabytes = max_bytes / (1024 * 1024)
    shown = f"{megabytes:.0f}" if megabytes >= 1 and megabytes == int(megabytes) else f"{megabytes:.1f}"
    return Message(N_("The file must be %(size)s MB or smaller"), {"size": shown})


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
    """A Word or OpenDocument text file (both are ZIPs); any other ZIP, or a ZIP bomb, is None.

    Nothing is unpacked: the ZIP's own directory is read, and only the tiny ODT ``mimetype``."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if not entries or len(entries) > ZIP_MAX_ENTRIES or _looks_like_a_bomb(entries):
                return None
            names = {entry.filename for entry in entries}
            if "word/document.xml" in names and "[Content_Types].xml" in names:
                if any(name.lower().endswith("vbaproject.bin") for name in names):
                    return None  # a macro-enabled document
                return DOCX
            first = entries[0]
            if first.filename == "mimetype" and first.file_size <= 100 and archive.read(first).strip() == _ODT_MIMETYPE:
                return ODT
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, NotImplementedError, KeyError):
        return None
    return None


def _looks_like_a_bomb(entries: list[zipfile.ZipInfo]) -> bool:
    total = 0
    for entry in entries:
        total += entry.file_size
        if total > ZIP_MAX_UNCOMPRESSED:
            return True
        if entry.file_size > ZIP_RATIO_FLOOR and entry.file_size > ZIP_MAX_RATIO * max(entry.compress_size, 1):
            return True
    return False


# --- names -------------------------------------------------------------------------------------

MAX_NAME_LENGTH = 120
_KEEP_FORMAT_CHARACTERS = {"\u200c", "\u200d"}  # zero-width (non-)joiners: needed in Urdu, Bengali…
_UNSAFE_IN_NAMES = set('<>:"/\\|?*')


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
