"""The hostile-upload corpus through a real upload form (a group's documents): each file refused on the
page with an error summary and a field error that name the file, nothing stored; an upload larger than
the request limit gets the 'file is too big' page."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from portal.models import StoredFile
from tests.helpers import csrf_token_from, page_title, visible_text
from tests.services.test_hostile_uploads import CORPUS, MAX_BYTES
from tests.unit import test_filetypes as samples


@pytest.fixture
def group_page(app, client, login_as, make_organisation):  # noqa: ANN001, ANN201
    amina = login_as("applicant", full_name="Amina Khan")
    group = make_organisation(members=[amina], name="Sparkhill Women's Circle")
    app.config["MAX_UPLOAD_MB"] = MAX_BYTES // (1024 * 1024)
    return f"/applicant/organisations/{group.id}"


def multipart(fields: dict[str, str], name: str, data: bytes) -> tuple[str, bytes]:
    """A form body with the file name sent as RFC 5987 ``filename*`` (as a script can), so that
    backslashes, NUL and new lines reach the portal as they were written."""
    boundary = "hostile-upload-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"document\"; filename*=UTF-8''{quote(name, safe='')}"
        "\r\nContent-Type: application/octet-stream\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    return boundary, b"".join(parts) + f"--{boundary}--\r\n".encode()


def post_document(client, base: str, data: bytes, name: str, purpose: str = "constitution"):  # noqa: ANN001, ANN201
    token = csrf_token_from(client.get(base).data)
    boundary, body = multipart({"csrf_token": token, "purpose": purpose}, name, data)
    return client.post(f"{base}/documents", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_every_hostile_upload_is_refused_on_the_page_naming_the_file(app, client, db, group_page):
    for case in CORPUS:
        response = post_document(client, group_page, case.data, case.name, purpose="safeguarding_policy")
        html = response.data.decode()
        text = visible_text(response.data)
        assert response.status_code == 200, case.id
        assert page_title(response.data).startswith("Error: "), case.id
        assert f"There is a problem {text.split('There is a problem ', 1)[1][:20]}" in text
        summary = text.split("There is a problem ", 1)[1]
        assert f"‘{case.shown}’" in summary, case.id
        assert 'href="#document"' in html, case.id
        assert f"Error: {summary[:40]}" in text, case.id  # the same message on the field
        assert 'value="safeguarding_policy" checked' in html, case.id  # the choice is kept
    assert db.session.scalar(select(func.count(StoredFile.id))) == 0
    root = Path(app.config["STORAGE_PATH"])
    assert not root.exists() or [p for p in root.rglob("*") if p.is_file()] == []


def test_a_name_with_markup_is_shown_as_text(client, db, group_page):
    response = post_document(client, group_page, samples.WINDOWS_EXE, "<img src=x onerror=alert(1)>.pdf")
    assert "<img src=x" not in response.data.decode()
    assert "‘_img src=x onerror=alert(1)_.pdf’ is a program or script" in visible_text(response.data)


def test_a_body_over_the_request_limit_gets_the_file_is_too_big_page(app, client, db, group_page):
    app.config["MAX_CONTENT_LENGTH"] = 256 * 1024
    response = post_document(client, group_page, samples.PDF + b"0" * (300 * 1024), "scan.pdf")
    assert response.status_code == 413
    assert page_title(response.data).startswith("Error: The file is too big")
    assert "Go back and choose a smaller file." in visible_text(response.data)
    assert db.session.scalar(select(func.count(StoredFile.id))) == 0
