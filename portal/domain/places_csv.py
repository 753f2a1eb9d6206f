"""Reading a CSV file of localities and wards, and the rules for their names and codes.

The file has a header row naming its columns, matched case-insensitively, in any order::

    locality,locality_code,ward,ward_code
    Erdington,,Erdington,E05011118
    Erdington,,Kingstanding,E05011136
    Ladywood,,,

Only ``locality`` is required; a row without a ward adds (or updates) the locality alone. Every
problem in the file is reported, each naming its row as a spreadsheet numbers it (the header is row 1),
so that the whole file can be put right at once.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from portal.domain.text import N_, Message

COLUMNS = ("locality", "locality_code", "ward", "ward_code")
MAX_NAME_LENGTH = 120
MAX_CODE_LENGTH = 20
MAX_FILE_BYTES = 1024 * 1024
CODE_PATTERN = r"^[A-Za-z0-9]+$"
_CODE = re.compile(CODE_PATTERN)


@dataclass(frozen=True)
class PlaceRow:
    """One row of the file: a locality, and optionally a ward within it."""

    row_number: int
    locality: str
    locality_code: str | None = None
    ward: str | None = None
    ward_code: str | None = None


def clean_name(value: str | None) -> str:
    """A name as stored: surrounding spaces removed and inner runs of spaces made single."""
    return " ".join((value or "").split())


def clean_code(value: str | None) -> str | None:
    """A code as stored: spaces around it removed; empty means no code."""
    value = (value or "").strip()
    return value or None


def code_is_valid(code: str) -> bool:
    return bool(_CODE.match(code)) and len(code) <= MAX_CODE_LENGTH


def read_places_csv(data: bytes) -> tuple[list[PlaceRow], list[Message]]:
    """Check the size and encoding of an uploaded file (UTF-8, with or without a byte order mark),
    then parse it."""
    if len(data) > MAX_FILE_BYTES:
        return [], [Message(N_("The file must be smaller than 1 MB."))]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [
            Message(
                N_("The file must be saved as 'CSV UTF-8'. In a spreadsheet, choose 'Save as' and then 'CSV UTF-8'.")
            )
        ]
    return parse_places_csv(text)


def parse_places_csv(text: str) -> tuple[list[PlaceRow], list[Message]]:
    """The rows of the file and every problem found in it (nothing should be saved if there are any)."""
    text = text.removeprefix("\ufeff")
    if not text.strip():
        return [], [Message(N_("The file is empty."))]
    records = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(records)
    except csv.Error:
        return [], [Message(N_("The file could not be read as CSV. Check it was saved as a CSV file."))]
    columns, problems = _read_header(header)
    if problems:
        return [], problems

    rows: list[PlaceRow] = []
    read: list[PlaceRow] = []  # every row with a locality name, also those with problems, to find clashes
    row_number = 1
    try:
        for row_number, cells in enumerate(records, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            row, row_problems = _read_row(row_number, cells, columns)
            problems.extend(row_problems)
            if row.locality:
                read.append(row)
            if not row_problems:
                rows.append(row)
    except csv.Error:
        problems.append(
            Message(N_("Row %(row)s could not be read: check its quotation marks."), {"row": row_number + 1})
        )

    if not rows and not problems:  # only the header
        problems.append(Message(N_("The file has a header row but no localities under it.")))
    problems.extend(_clashes(read))
    problems.sort(key=lambda problem: problem.params.get("row", 0))
    return rows, problems


def _read_header(header: list[str]) -> tuple[dict[str, int], list[Message]]:
    names = [clean_name(cell).lower() for cell in header]
    if "locality" not in names:
        return {}, [
            Message(
                N_("The first row must be the header row, naming the columns: %(columns)s"),
                {"columns": ",".join(COLUMNS)},
            )
        ]
    columns: dict[str, int] = {}
    problems: list[Message] = []
    for index, name in enumerate(names):
        if name not in COLUMNS:
            problems.append(
                Message(
                    N_("Remove the column '%(column)s': the import uses only the columns %(columns)s"),
                    {"column": clean_name(header[index]) or str(index + 1), "columns": ",".join(COLUMNS)},
                )
            )
        elif name in columns:
            problems.append(Message(N_("The column '%(column)s' appears more than once."), {"column": name}))
        else:
            columns[name] = index
    return columns, problems


def _read_row(number: int, cells: list[str], columns: dict[str, int]) -> tuple[PlaceRow, list[Message]]:
    problems: list[Message] = []
    if len(cells) > len(columns) and any(cell.strip() for cell in cells[len(columns) :]):
        problems.append(Message(N_("Row %(row)s has more values than the header has columns."), {"row": number}))

    def cell(name: str) -> str:
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    locality, ward = clean_name(cell("locality")), clean_name(cell("ward"))
    locality_code, ward_code = clean_code(cell("locality_code")), clean_code(cell("ward_code"))

    if not locality:
        problems.append(Message(N_("Row %(row)s: the locality name is missing"), {"row": number}))
    elif len(locality) > MAX_NAME_LENGTH:
        problems.append(
            Message(
                N_("Row %(row)s: the locality name must be %(max)s characters or fewer"),
                {"row": number, "max": MAX_NAME_LENGTH},
            )
        )
    if ward and len(ward) > MAX_NAME_LENGTH:
        problems.append(
            Message(
                N_("Row %(row)s: the ward name must be %(max)s characters or fewer"),
                {"row": number, "max": MAX_NAME_LENGTH},
            )
        )
    if ward_code and not ward:
        problems.append(
            Message(
                N_("Row %(row)s: there is a ward code '%(code)s' but no ward name"), {"row": number, "code": ward_code}
            )
        )
    problems.extend(_code_problems(number, locality_code, is_ward=False))
    problems.extend(_code_problems(number, ward_code, is_ward=True))
    return PlaceRow(number, locality, locality_code, ward or None, ward_code), problems


def _code_problems(number: int, code: str | None, *, is_ward: bool) -> list[Message]:
    if code is None:
        return []
    params = {"row": number, "code": code, "max": MAX_CODE_LENGTH}
    if not _CODE.match(code):
        text = (
            N_("Row %(row)s: ward code '%(code)s' must be letters and numbers only")
            if is_ward
            else N_("Row %(row)s: locality code '%(code)s' must be letters and numbers only")
        )
        return [Message(text, params)]
    if len(code) > MAX_CODE_LENGTH:
        text = (
            N_("Row %(row)s: ward code '%(code)s' must be %(max)s characters or fewer")
            if is_ward
            else N_("Row %(row)s: locality code '%(code)s' must be %(max)s characters or fewer")
        )
        return [Message(text, params)]
    return []


def _clashes(rows: list[PlaceRow]) -> list[Message]:
    """Rows that contradict earlier ones: a ward listed twice in a locality, or two codes for one locality."""
    problems: list[Message] = []
    locality_codes: dict[str, tuple[str, int]] = {}
    wards: dict[tuple[str, str], int] = {}
    for row in rows:
        key = row.locality.casefold()
        if row.locality_code and code_is_valid(row.locality_code):
            earlier = locality_codes.get(key)
            if earlier is None:
                locality_codes[key] = (row.locality_code, row.row_number)
            elif earlier[0] != row.locality_code:
                problems.append(
                    Message(
                        N_(
                            "Row %(row)s: locality '%(locality)s' has code '%(code)s' here but '%(other)s' on row %(earlier)s"
                        ),
                        {
                            "row": row.row_number,
                            "locality": row.locality,
                            "code": row.locality_code,
                            "other": earlier[0],
                            "earlier": earlier[1],
                        },
                    )
                )
        if row.ward:
            ward_key = (key, row.ward.casefold())
            if ward_key in wards:
                problems.append(
                    Message(
                        N_("Row %(row)s: the ward '%(ward)s' is already listed in '%(locality)s' on row %(earlier)s"),
                        {"row": row.row_number, "ward": row.ward, "locality": row.locality, "earlier": wards[ward_key]},
                    )
                )
            else:
                wards[ward_key] = row.row_number
    return problems
