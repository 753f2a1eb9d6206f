"""The officers' exports page and its downloads: each file named for the round, private, with what it
says it holds; unknown tables and rounds not found; other roles refused."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from portal.domain.workflow import AwardStatus
from portal.extensions import db as _db
from tests.factories import DEFAULT_PASSWORD
from tests.helpers import page_title, visible_text
from tests.services.test_exports import INTERNAL_STORY, WITHDRAWN_STORY, build_programme


@pytest.fixture
def programme(app):  # noqa: ANN001, ANN201
    return build_programme()


@pytest.fixture
def officer(login_as):  # noqa: ANN001, ANN201
    return login_as("officer", full_name="Olu Officer")


def _base(programme) -> str:  # noqa: ANN001
    return f"/officers/rounds/{programme.round.id}/exports"


def test_the_exports_page_lists_every_download_with_what_it_holds(client, programme, officer):
    response = client.get(_base(programme))
    page = response.data.decode()
    text = visible_text(page)
    assert page_title(page).startswith("Exports")
    assert "Community grants 2027" in text
    for label in (
        "Everything (Excel spreadsheet)",
        "EOIs (CSV)",
        "Scores (CSV)",
        "Decisions (CSV)",
        "Awards (CSV)",
        "Returns (CSV)",
        "Grants in the 360Giving Data Standard (JSON)",
        "Grants in the 360Giving Data Standard (CSV)",
        "Annual report (PDF)",
    ):
        assert label in text
    assert "The 1 grant groups have accepted" in text
    assert "Stories are never in them" in text
    base = _base(programme)
    for href in (
        f"{base}.xlsx",
        f"{base}/eois.csv",
        f"{base}/returns.csv",
        f"{base}/360giving.json",
        f"{base}/360giving.csv",
        f"{base}/annual-report.pdf",
    ):
        assert f'href="{href}"' in page


def test_without_an_accepted_award_the_360giving_files_are_explained_not_linked(client, programme, officer):
    programme.accepted.status = AwardStatus.WITHDRAWN
    _db.session.commit()
    page = client.get(_base(programme)).data.decode()
    assert "Not available yet: the files need at least one grant that a group has accepted" in visible_text(page)
    assert "360giving.json" not in page
    assert client.get(f"{_base(programme)}/360giving.json").status_code == 404
    assert client.get(f"{_base(programme)}/360giving.csv").status_code == 404


def _private_download(response, mimetype: str, filename: str) -> None:  # noqa: ANN001
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response.headers["Cache-Control"] == "private, no-store"


def test_each_table_downloads_as_csv(client, programme, officer):
    base = _base(programme)
    for table, starts in (
        ("eois", "reference,organisation,legal_form,round"),
        ("scores", "reference,member,criterion"),
        ("decisions", "reference,organisation,work_stream,outcome"),
        ("awards", "reference,organisation,work_stream,amount"),
        ("returns", "reference,organisation,work_stream,period"),
    ):
        response = client.get(f"{base}/{table}.csv")
        _private_download(response, "text/csv", f"CIF-2027-{table}.csv")
        text = response.data.decode("utf-8-sig")
        assert text.startswith(starts)
        assert INTERNAL_STORY not in text
    assert client.get(f"{base}/passwords.csv").status_code == 404


def test_the_workbook_downloads(client, programme, officer):
    response = client.get(f"{_base(programme)}.xlsx")
    _private_download(
        response, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "CIF-2027-exports.xlsx"
    )
    assert load_workbook(io.BytesIO(response.data)).sheetnames == ["EOIs", "Scores", "Decisions", "Awards", "Returns"]


def test_the_360giving_files_download_with_the_configured_ids(client, programme, officer):
    response = client.get(f"{_base(programme)}/360giving.json")
    _private_download(response, "application/json", "CIF-2027-360giving.json")
    package = json.loads(response.data)
    (grant,) = package["grants"]
    assert grant["id"] == "360G-example-CIF-2027-0001"  # the placeholder prefix of the default settings
    assert grant["fundingOrganization"][0]["id"] == "GB-LAE-XXX"
    flat = client.get(f"{_base(programme)}/360giving.csv")
    _private_download(flat, "text/csv", "CIF-2027-360giving.csv")
    assert flat.data.decode("utf-8-sig").startswith("Identifier,Title,Description,Currency")


def test_the_360giving_ids_follow_the_councils_settings(programme, make_app, make_user):
    officer = make_user(roles={"officer"})
    other = make_app(THREESIXTY_PREFIX="360G-anytown", COUNCIL_ORG_ID="GB-LAE-ANY", COUNCIL_NAME="Anytown Council")
    client = other.test_client()
    assert client.submit("/sign-in", {"email": officer.email, "password": DEFAULT_PASSWORD}).status_code == 302
    (grant,) = json.loads(client.get(f"{_base(programme)}/360giving.json").data)["grants"]
    assert grant["id"] == "360G-anytown-CIF-2027-0001"
    assert grant["fundingOrganization"] == [{"id": "GB-LAE-ANY", "name": "Anytown Council"}]


def test_the_annual_report_downloads_as_a_pdf_without_private_stories(client, programme, officer):
    response = client.get(f"{_base(programme)}/annual-report.pdf")
    _private_download(response, "application/pdf", "CIF-2027-annual-report.pdf")
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(" ".join((page.extract_text() or "") for page in reader.pages).split())
    assert "Amina's first English class" in text
    assert INTERNAL_STORY not in text and WITHDRAWN_STORY not in text


@pytest.mark.parametrize("role", ["applicant", "panel_member"])
def test_other_roles_are_refused(client, programme, login_as, role):
    login_as(role)
    base = _base(programme)
    for url in (
        base,
        f"{base}/eois.csv",
        f"{base}.xlsx",
        f"{base}/360giving.json",
        f"{base}/360giving.csv",
        f"{base}/annual-report.pdf",
    ):
        assert client.get(url).status_code == 403, url


def test_signed_out_visitors_are_sent_to_sign_in(client, programme):
    response = client.get(f"{_base(programme)}/awards.csv")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_an_unknown_round_is_not_found(client, officer):
    for url in ("/officers/rounds/999999/exports", "/officers/rounds/999999/exports/awards.csv"):
        assert client.get(url).status_code == 404
