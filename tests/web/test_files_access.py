"""Documents through the pages: hostile uploads refused with clear messages, good ones downloadable
as attachments of the right type; and a person reaches only their own groups' pages and files."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.http import parse_options_header
from werkzeug.test import encode_multipart

from portal.domain.roles import Role
from portal.models import FilePurpose, OrganisationInvitation, StoredFile
from portal.services import files, organisations
from tests.helpers import csrf_token_from, visible_text
from tests.unit import test_filetypes as samples

PASSWORD = "correct horse battery staple"


@pytest.fixture
def own_group(login_as, make_organisation):  # noqa: ANN001, ANN201
    amina = login_as("applicant", full_name="Amina Khan")
    return make_organisation(members=[amina], name="Sparkhill Women's Circle"), amina


def upload(client, organisation, data: bytes, name: str, purpose: str = "constitution"):  # noqa: ANN001, ANN201
    base = f"/applicant/organisations/{organisation.id}"
    return client.submit(
        f"{base}/documents",
        {"purpose": purpose, "document": (io.BytesIO(data), name)},
        from_url=base,
        content_type="multipart/form-data",
    )


def stored_count(db) -> int:  # noqa: ANN001
    return db.session.scalar(select(func.count(StoredFile.id)))


def test_a_constitution_is_uploaded_shown_and_downloaded_as_an_attachment(client, db, own_group):
    organisation, amina = own_group
    response = upload(client, organisation, samples.PDF, "Our constitution.pdf")
    assert response.headers["Location"].endswith(f"/applicant/organisations/{organisation.id}#documents")
    page = client.get(f"/applicant/organisations/{organisation.id}")
    text = visible_text(page.data)
    assert "Constitution or set of rules uploaded." in text
    assert (
        "Constitution or set of rules Our constitution.pdf (Constitution or set of rules) PDF, 1 KB, uploaded on"
        in text
    )
    assert "Safeguarding policy Not uploaded yet" in text
    stored = db.session.scalar(select(StoredFile))
    assert f'href="/applicant/files/{stored.id}"' in page.data.decode()

    download = client.get(f"/applicant/files/{stored.id}")
    assert download.data == samples.PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert parse_options_header(download.headers["Content-Disposition"]) == (
        "attachment",
        {"filename": "Our constitution.pdf"},
    )
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download.headers["Cache-Control"]


def test_a_photo_named_like_a_pdf_is_served_as_the_photo_it_is(client, db, own_group):
    organisation, _ = own_group
    upload(client, organisation, samples.JPEG, "rules.pdf", purpose="safeguarding_policy")
    stored = db.session.scalar(select(StoredFile))
    assert stored.purpose == FilePurpose.SAFEGUARDING_POLICY
    download = client.get(f"/applicant/files/{stored.id}")
    assert download.headers["Content-Type"] == "image/jpeg"
    assert parse_options_header(download.headers["Content-Disposition"]) == ("attachment", {"filename": "rules.jpg"})


def test_a_word_document_with_a_unicode_name_downloads_under_that_name(client, db, own_group):
    organisation, _ = own_group
    name = "دستور جمعیت Łódź.docx"
    upload(client, organisation, samples.docx(), name)
    stored = db.session.scalar(select(StoredFile))
    assert stored.original_name == name
    download = client.get(f"/applicant/files/{stored.id}")
    assert download.headers["Content-Type"] == samples.filetypes.DOCX.content_type
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    assert f"filename*=UTF-8''{quote(name)}" in disposition


def test_an_odd_but_harmless_name_is_cleaned(client, db, own_group):
    organisation, _ = own_group
    upload(client, organisation, samples.PDF, ". Our  rules <2024>:v2.pdf")
    stored = db.session.scalar(select(StoredFile))
    assert stored.original_name == "Our rules _2024__v2.pdf"
    assert "Our" not in stored.key
    download = client.get(f"/applicant/files/{stored.id}")
    assert parse_options_header(download.headers["Content-Disposition"]) == (
        "attachment",
        {"filename": "Our rules _2024__v2.pdf"},
    )


# The corpus of hostile files, refused through this same form: tests/web/test_hostile_uploads.py.


def test_an_oversized_upload_is_refused_with_the_limit(app, client, db, own_group):
    organisation, _ = own_group
    app.config["MAX_UPLOAD_MB"] = 1
    base = f"/applicant/organisations/{organisation.id}"
    big = samples.PDF + b"0" * (1024 * 1024)
    # Encoded in memory: the test client would spool a body this size to a file it never closes.
    boundary, body = encode_multipart(
        {
            "csrf_token": csrf_token_from(client.get(base).data),
            "purpose": "constitution",
            "document": FileStorage(io.BytesIO(big), filename="big.pdf"),
        }
    )
    response = client.post(f"{base}/documents", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert "The file must be 1 MB or smaller" in visible_text(response.data)
    assert stored_count(db) == 0


def test_choosing_no_file_is_explained(client, db, own_group):
    organisation, _ = own_group
    base = f"/applicant/organisations/{organisation.id}"
    response = client.submit(f"{base}/documents", {"purpose": "constitution"}, from_url=base)
    assert "Select a file to upload" in visible_text(response.data)


def test_a_new_upload_replaces_the_current_document_and_the_old_one_is_kept(client, db, own_group):
    organisation, _ = own_group
    upload(client, organisation, samples.PDF, "rules-2019.pdf")
    upload(client, organisation, samples.docx(), "rules-2025.docx")
    text = visible_text(client.get(f"/applicant/organisations/{organisation.id}").data)
    assert "rules-2025.docx" in text and "rules-2019.pdf" not in text
    assert stored_count(db) == 2


# --- access --------------------------------------------------------------------------------------


@pytest.fixture
def other_group(app, db, make_user, make_organisation):  # noqa: ANN001, ANN201
    """Group B, with a document and an invitation, that the signed-in person does not belong to."""
    bilal = make_user(full_name="Bilal Ahmed")
    group = make_organisation(members=[bilal], name="Aston Food Bank")
    stored = files.store_upload(
        samples.PDF, "b.pdf", purpose=FilePurpose.CONSTITUTION, organisation=group, by=bilal, max_bytes=1024 * 1024
    )
    _, token = organisations.invite_member(group, "helper@example.org", by=bilal)
    db.session.commit()
    return group, stored, token


def test_an_applicant_of_group_a_gets_not_found_for_everything_of_group_b(client, db, own_group, other_group):
    group_b, file_b, _ = other_group
    base = f"/applicant/organisations/{group_b.id}"
    token = csrf_token_from(client.get("/applicant/").data)
    requests = [
        client.get(base),
        client.get(f"{base}/edit"),
        client.post(f"{base}/edit", data={"csrf_token": token, "name": "Taken over"}),
        client.post(
            f"{base}/documents",
            data={"csrf_token": token, "purpose": "constitution", "document": (io.BytesIO(samples.PDF), "x.pdf")},
            content_type="multipart/form-data",
        ),
        client.post(f"{base}/invitations", data={"csrf_token": token, "email": "me@example.org"}),
        client.get(f"/applicant/files/{file_b.id}"),
        client.get("/applicant/organisations/999999"),
        client.get("/applicant/files/999999"),
    ]
    for response in requests:
        assert response.status_code == 404
        assert "Page not found" in visible_text(response.data)
        assert "Aston Food Bank" not in visible_text(response.data)
    assert group_b.name == "Aston Food Bank"
    assert stored_count(db) == 1
    assert db.session.scalar(select(func.count(OrganisationInvitation.id))) == 1


def test_the_own_groups_pages_are_reachable(client, own_group, other_group):
    organisation, _ = own_group
    assert "Sparkhill Women's Circle" in visible_text(client.get(f"/applicant/organisations/{organisation.id}").data)


def test_an_officer_reads_any_group_and_its_files_but_does_not_change_them(
    client, db, login_as, other_group, make_user
):
    group_b, file_b, _ = other_group
    login_as("officer")
    page = visible_text(client.get(f"/applicant/organisations/{group_b.id}").data)
    assert "Aston Food Bank" in page and "Bilal Ahmed" in page
    assert "Change your group's details" not in page
    assert "Add or replace a document" not in page
    download = client.get(f"/applicant/files/{file_b.id}")
    assert download.data == samples.PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert parse_options_header(download.headers["Content-Disposition"]) == ("attachment", {"filename": "b.pdf"})
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download.headers["Cache-Control"]
    assert client.get(f"/applicant/organisations/{group_b.id}/edit").status_code == 403


def test_a_panel_member_cannot_read_a_groups_files(client, login_as, other_group):
    _, file_b, _ = other_group
    login_as(Role.PANEL_MEMBER)
    assert client.get(f"/applicant/files/{file_b.id}").status_code == 404


def test_signed_out_people_are_asked_to_sign_in(client, other_group):
    group_b, file_b, _ = other_group
    for url in (f"/applicant/organisations/{group_b.id}", f"/applicant/files/{file_b.id}"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/sign-in?next=")


def test_a_member_who_is_not_an_owner_cannot_invite(app, client, db, own_group, make_user):
    organisation, amina = own_group
    helper = make_user(email="helper@example.org")
    invitation, _ = organisations.invite_member(organisation, helper.email, by=amina)
    organisations.accept_invitation(invitation, by=helper)
    db.session.commit()
    other = app.test_client()
    other.submit("/sign-in", {"email": helper.email, "password": PASSWORD})
    base = f"/applicant/organisations/{organisation.id}"
    page = other.get(base)
    assert "Amina Khan" in visible_text(page.data)  # members see the list
    response = other.post(
        f"{base}/invitations", data={"csrf_token": csrf_token_from(page.data), "email": "x@example.org"}
    )
    assert response.status_code == 403


def test_letters_download_as_attachments_for_the_group_and_for_officers(
    app, client, db, login_as, make_award, make_user
):
    from portal.domain.awards import LetterKind
    from portal.models import Letter
    from portal.storage import get_storage

    amina = login_as("applicant", full_name="Amina Khan")
    award = make_award()
    award.application.organisation.members[0].user_id = amina.id
    key = get_storage(app.config).save(samples.PDF, prefix="letters")
    letter = Letter(
        application=award.application, award=award, kind=LetterKind.AWARD, version=1, template_name="award.html",
        context={}, storage_key=key, sha256="0" * 64, size=len(samples.PDF),
    )  # fmt: skip
    db.session.add(letter)
    db.session.commit()
    reference = award.application.reference
    officer = make_user(roles={Role.OFFICER})
    officers = app.test_client()
    officers.submit("/sign-in", {"email": officer.email, "password": PASSWORD})
    for who, url, name in [
        (client, f"/applicant/letters/{letter.id}.pdf", f"{reference}-award-letter.pdf"),
        (officers, f"/officers/letters/{letter.id}.pdf", f"{reference}-award-letter-v1.pdf"),
    ]:
        download = who.get(url)
        assert download.data == samples.PDF, url
        assert download.headers["Content-Type"] == "application/pdf"
        assert parse_options_header(download.headers["Content-Disposition"]) == ("attachment", {"filename": name})
        assert download.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in download.headers["Cache-Control"]


def test_a_file_missing_from_storage_is_not_found_and_logged_not_a_server_error(app, client, sign_in, caplog):
    from portal.extensions import db
    from portal.models import User
    from portal.storage import get_storage
    from tests.helpers import page_title
    from tests.world import build_world

    world = build_world()
    stored = db.session.get(StoredFile, world.document)
    get_storage(app.config).delete(stored.key)
    sign_in(db.session.get(User, world.applicant_a))
    response = client.get(f"/applicant/files/{world.document}")
    assert response.status_code == 404
    assert page_title(response.data).startswith("Error: Page not found")
    assert any("stored file missing" in record.getMessage() for record in caplog.records)
