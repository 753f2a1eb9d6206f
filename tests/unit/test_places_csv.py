"""Reading a CSV file of localities and wards: good files, and every kind of problem, each with its row."""

from __future__ import annotations

import pytest

from portal.domain.places_csv import MAX_FILE_BYTES, PlaceRow, parse_places_csv, read_places_csv


def problems_in(text: str) -> list[str]:
    return [str(problem) for problem in parse_places_csv(text)[1]]


def test_a_good_file_gives_one_row_per_line_with_names_and_codes_tidied():
    rows, problems = parse_places_csv(
        "locality,locality_code,ward,ward_code\n"
        "Erdington,E08000025,Erdington,E05011118\n"
        "  Erdington , ,  Kingstanding  ,\n"
        "Ladywood,,,\n"
    )
    assert problems == []
    assert rows == [
        PlaceRow(2, "Erdington", "E08000025", "Erdington", "E05011118"),
        PlaceRow(3, "Erdington", None, "Kingstanding", None),
        PlaceRow(4, "Ladywood", None, None, None),
    ]


def test_header_names_are_matched_ignoring_case_and_order_and_optional_columns_may_be_left_out():
    rows, problems = parse_places_csv("Ward,LOCALITY\nAston,Ladywood\n")
    assert problems == []
    assert rows == [PlaceRow(2, "Ladywood", None, "Aston", None)]


def test_blank_lines_are_skipped_and_rows_keep_their_spreadsheet_numbers():
    rows, problems = parse_places_csv("locality,ward\n\n,\nPerry Barr,Handsworth\n")
    assert problems == []
    assert [row.row_number for row in rows] == [4]


def test_a_byte_order_mark_is_accepted():
    rows, problems = read_places_csv("\ufefflocality,ward\nSelly Oak,Bournville\n".encode())
    assert problems == []
    assert rows == [PlaceRow(2, "Selly Oak", None, "Bournville", None)]
    assert parse_places_csv("\ufefflocality\nSelly Oak\n")[1] == []


def test_windows_line_endings_and_quoted_names_with_commas():
    rows, problems = parse_places_csv('locality,ward\r\n"Hall Green, South","Moseley, East"\r\n')
    assert problems == []
    assert rows[0].locality == "Hall Green, South" and rows[0].ward == "Moseley, East"


@pytest.mark.parametrize("text", ["", "   \n\n"], ids=["empty", "blank"])
def test_an_empty_file(text):
    assert problems_in(text) == ["The file is empty."]


def test_a_file_with_only_the_header():
    assert problems_in("locality,locality_code,ward,ward_code\n") == [
        "The file has a header row but no localities under it."
    ]


def test_a_file_without_a_header_row():
    assert problems_in("Erdington,,Erdington,E05011118\n") == [
        "The first row must be the header row, naming the columns: locality,locality_code,ward,ward_code"
    ]


def test_extra_and_repeated_columns_are_refused():
    assert problems_in("locality,ward,notes,Ward\nA,B,x,C\n") == [
        "Remove the column 'notes': the import uses only the columns locality,locality_code,ward,ward_code",
        "The column 'ward' appears more than once.",
    ]


def test_a_file_that_is_not_utf8():
    rows, problems = read_places_csv("locality\nGöteborg\n".encode("latin-1"))
    assert rows == []
    assert [str(p) for p in problems] == [
        "The file must be saved as 'CSV UTF-8'. In a spreadsheet, choose 'Save as' and then 'CSV UTF-8'."
    ]


def test_a_file_over_one_megabyte():
    data = b"locality\n" + b"A\n" * (MAX_FILE_BYTES // 2)
    assert [str(p) for p in read_places_csv(data)[1]] == ["The file must be smaller than 1 MB."]


def test_every_bad_row_is_reported_with_its_number():
    text = (
        "locality,locality_code,ward,ward_code\n"
        "Erdington,,Erdington,E05011118\n"  # 2: fine
        ",,Aston,\n"  # 3
        "Ladywood,,,E05011120\n"  # 4: a ward code with no ward
        "Ladywood,E08 25,Soho,\n"  # 5
        "Ladywood,,Ladywood,E05 011\n"  # 6
        f"Ladywood,,Nechells,{'E' * 21}\n"  # 7
        f"{'L' * 121},,,\n"  # 8
        f"Ladywood,,{'W' * 121},\n"  # 9
        "Ladywood,,Soho,,extra\n"  # 10
        "Erdington,,erdington,\n"  # 11: the same ward again
        "Erdington,E08000025,,\n"  # 12
        "Erdington,E08000099,Tyburn,\n"  # 13: a second code for Erdington
    )
    assert problems_in(text) == [
        "Row 3: the locality name is missing",
        "Row 4: there is a ward code 'E05011120' but no ward name",
        "Row 5: locality code 'E08 25' must be letters and numbers only",
        "Row 6: ward code 'E05 011' must be letters and numbers only",
        f"Row 7: ward code '{'E' * 21}' must be 20 characters or fewer",
        "Row 8: the locality name must be 120 characters or fewer",
        "Row 9: the ward name must be 120 characters or fewer",
        "Row 10 has more values than the header has columns.",
        "Row 10: the ward 'Soho' is already listed in 'Ladywood' on row 5",
        "Row 11: the ward 'erdington' is already listed in 'Erdington' on row 2",
        "Row 13: locality 'Erdington' has code 'E08000099' here but 'E08000025' on row 12",
    ]


def test_a_ward_repeated_after_a_row_with_another_problem_is_still_reported():
    assert problems_in("locality,ward,ward_code\nSouth,Valley,E05 011\nSouth,valley,\n") == [
        "Row 2: ward code 'E05 011' must be letters and numbers only",
        "Row 3: the ward 'valley' is already listed in 'South' on row 2",
    ]


def test_the_same_ward_name_in_different_localities_is_fine():
    assert problems_in("locality,ward\nNorth,Riverside\nSouth,Riverside\n") == []


def test_a_broken_quotation_mark_is_reported_with_its_row():
    assert problems_in('locality,ward\nNorth,Riverside\n"South,Hillside\n') == [
        "Row 3 could not be read: check its quotation marks."
    ]


def test_problems_keep_their_parameters_for_translation():
    _, problems = parse_places_csv("locality,ward_code\n,\n")
    # the blank row is skipped; a row with only spaces in the name is still missing one
    assert problems[0].text == "The file has a header row but no localities under it."
    _, problems = parse_places_csv("locality,ward\n ,Aston\n")
    assert problems[0].text == "Row %(row)s: the locality name is missing"
    assert problems[0].params == {"row": 2}
