"""Uploading and downloading a document through the pages with files kept in an S3 bucket (moto):
the bytes go to the bucket under a key the portal made (never from the file's name), nothing lands
in the local folder, and the download is the same file under its own name."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.http import parse_options_header

from portal.models import StoredFile
from portal.storage import KEY_PATTERN
from tests.conftest import DEFAULT_PASSWORD
from tests.helpers import visible_text
from tests.services.test_storage_s3 import BUCKET, aws, bucket_keys  # noqa: F401 - the aws fixture
from tests.unit import test_filetypes as samples


@pytest.fixture
def s3_client_app(make_app, aws, tmp_path):  # noqa: ANN001, ANN201, F811
    app = make_app(STORAGE_BACKEND="s3", S3_BUCKET=BUCKET, S3_REGION="eu-west-2", STORAGE_PATH=str(tmp_path / "local"))
    return app.test_client()


@pytest.fixture
def amina_signed_in(s3_client_app, make_user, make_organisation):  # noqa: ANN001, ANN201
    amina = make_user(full_name="Amina Khan")
    group = make_organisation(members=[amina], name="Sparkhill Women's Circle")
    response = s3_client_app.submit("/sign-in", {"email": amina.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    return s3_client_app, group


def test_a_document_goes_to_the_bucket_and_comes_back_from_it(amina_signed_in, aws, db, tmp_path):  # noqa: F811
    client, group = amina_signed_in
    base = f"/applicant/organisations/{group.id}"
    response = client.submit(
        f"{base}/documents",
        {"purpose": "constitution", "document": (io.BytesIO(samples.PDF), "Our rules (signed).pdf")},
        from_url=base,
        content_type="multipart/form-data",
    )
    assert response.headers["Location"].endswith(f"{base}#documents")
    assert "Constitution or set of rules uploaded." in visible_text(client.get(base).data)

    stored = db.session.scalar(select(StoredFile))
    assert stored.original_name == "Our rules (signed).pdf"
    assert KEY_PATTERN.fullmatch(stored.key) and stored.key.startswith("constitution/")  # the purpose, not the name
    assert "rules" not in stored.key.lower() and "signed" not in stored.key.lower()
    assert bucket_keys(aws) == [stored.key]
    assert aws.get_object(Bucket=BUCKET, Key=stored.key)["Body"].read() == samples.PDF
    local = Path(tmp_path / "local")
    assert not local.exists() or not any(path.is_file() for path in local.rglob("*"))

    download = client.get(f"/applicant/files/{stored.id}")
    assert download.data == samples.PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert parse_options_header(download.headers["Content-Disposition"]) == (
        "attachment",
        {"filename": "Our rules (signed).pdf"},
    )
