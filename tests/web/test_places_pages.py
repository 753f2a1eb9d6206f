"""Officers set up localities and wards through the pages: add, change, archive, restore, import a CSV file."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from portal.models import AuditEvent, Locality, Ward
from portal.services import places
from tests.helpers import csrf_token_from, page_title, visible_text

LIST = "/officers/localities"
IMPORT = "/officers/localities/import"


def csv_upload(text: str | bytes, name: str = "places.csv") -> dict:
    data = text.encode() if isinstance(text, str) else text
    return {"file": (io.BytesIO(data), name)}


def locality_named(db, name: str) -> Locality | None:  # noqa: ANN001
    return db.session.scalar(select(Locality).where(Locality.name == name))


def test_an_officer_adds_a_locality_and_a_ward_then_changes_and_archives_them(client, db, login_as):
    login_as("officer")
    assert "There are no localities yet." in visible_text(client.get(LIST).data)

    response = client.submit("/officers/localities/new", {"name": "Erdington", "code": "E08000025"})
    locality = locality_named(db, "Erdington")
    assert response.headers["Location"] == f"{LIST}#locality-{locality.id}"
    text = visible_text(client.get(LIST).data)
    assert "Erdington added. You can now add its wards." in text
    assert "Erdington Code: E08000025" in text

    client.submit(f"/officers/localities/{locality.id}/wards/new", {"name": "Kingstanding", "code": "E05011136"})
    ward = db.session.scalar(select(Ward).where(Ward.name == "Kingstanding"))
    assert ward.locality_id == locality.id
    text = visible_text(client.get(LIST).data)
    assert "Kingstanding ward added to Erdington." in text
    assert "Wards in Erdington Ward Code Actions Kingstanding E05011136" in text

    edit = client.get(f"/officers/localities/{locality.id}/edit").data.decode()
    assert 'value="Erdington"' in edit and 'value="E08000025"' in edit
    client.submit(f"/officers/localities/{locality.id}/edit", {"name": "Erdington North", "code": ""})
    client.submit(f"/officers/wards/{ward.id}/edit", {"name": "Kingstanding East", "code": "E05011137"})
    db.session.refresh(locality)
    db.session.refresh(ward)
    assert (locality.name, locality.code) == ("Erdington North", None)
    assert (ward.name, ward.code) == ("Kingstanding East", "E05011137")
    assert "Erdington North No code" in visible_text(client.get(LIST).data)

    response = client.submit(f"/officers/wards/{ward.id}/archive", {"action": "archive"}, from_url=LIST)
    text = visible_text(client.get(response.headers["Location"]).data)
    assert "Kingstanding East ward is archived." in text
    assert "Kingstanding East Archived E05011137" in text
    client.submit(f"/officers/localities/{locality.id}/archive", {"action": "archive"}, from_url=LIST)
    text = visible_text(client.get(LIST).data)
    assert "Erdington North is archived. Groups can no longer choose it; records that use it keep it." in text
    assert "Erdington North Archived" in text
    assert "Restore the name or code" not in text and "Restore Erdington North" in text

    client.submit(f"/officers/localities/{locality.id}/archive", {"action": "restore"}, from_url=LIST)
    assert "Erdington North is restored." in visible_text(client.get(LIST).data)
    db.session.refresh(locality)
    assert not locality.is_archived and db.session.get(Ward, ward.id).is_archived
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert [a for a in actions if a.startswith(("locality.", "ward."))] == [
        "locality.added", "ward.added", "locality.changed", "ward.changed",
        "ward.archived", "locality.archived", "locality.restored",
    ]  # fmt: skip


def test_archiving_twice_from_two_open_pages_does_not_restore(client, db, login_as):
    officer = login_as("officer")
    locality = places.add_locality(name="North", code=None, by=officer)
    db.session.commit()
    client.submit(f"/officers/localities/{locality.id}/archive", {"action": "archive"}, from_url=LIST)
    client.submit(f"/officers/localities/{locality.id}/archive", {"action": "archive"}, from_url=LIST)
    db.session.refresh(locality)
    assert locality.is_archived


def test_a_bad_locality_form_keeps_what_was_typed(client, db, login_as):
    login_as("officer")
    response = client.submit("/officers/localities/new", {"name": "", "code": "E08 025"})
    html = response.data.decode()
    text = visible_text(html)
    assert page_title(html).startswith("Error: Add a locality")
    assert "There is a problem Enter the name of the locality" in text
    assert "The code must be letters and numbers only, with no spaces" in text
    assert 'value="E08 025"' in html
    assert db.session.scalar(select(func.count()).select_from(Locality)) == 0


def test_a_duplicate_name_is_explained_and_what_was_typed_is_kept(client, db, login_as):
    officer = login_as("officer")
    places.add_locality(name="Ladywood", code=None, by=officer)
    db.session.commit()
    response = client.submit("/officers/localities/new", {"name": "LADYWOOD", "code": "L1"})
    text = visible_text(response.data)
    assert "There is already a locality called 'Ladywood'." in text
    assert 'value="LADYWOOD"' in response.data.decode() and 'value="L1"' in response.data.decode()
    assert db.session.scalar(select(func.count()).select_from(Locality)) == 1


def test_a_duplicate_ward_name_in_the_same_locality_is_explained(client, db, login_as):
    officer = login_as("officer")
    locality = places.add_locality(name="Ladywood", code=None, by=officer)
    places.add_ward(locality, name="Soho", code=None, by=officer)
    db.session.commit()
    response = client.submit(f"/officers/localities/{locality.id}/wards/new", {"name": "soho", "code": ""})
    assert "Ladywood already has a ward called 'Soho'." in visible_text(response.data)
    assert 'value="soho"' in response.data.decode()


def test_a_csv_with_bad_rows_lists_every_problem_and_saves_nothing(client, db, login_as):
    officer = login_as("officer")
    places.add_locality(name="North", code="N1", by=officer)
    db.session.commit()
    response = client.submit(
        IMPORT,
        csv_upload(
            "locality,locality_code,ward,ward_code\n"
            "North,N2,Riverside,E05000001\n"
            ",,Hillside,\n"
            "South,,Valley,E05 011\n"
            "South,,valley,\n"
        ),
    )
    html = response.data.decode()
    text = visible_text(html)
    assert page_title(html).startswith("Error: Import localities and wards")
    assert "There is a problem: nothing was imported" in text
    for problem in (
        "Row 3: the locality name is missing",
        "Row 4: ward code 'E05 011' must be letters and numbers only",
        "Row 5: the ward 'valley' is already listed in 'South' on row 4",
    ):
        assert problem in text
    assert "Nothing was imported. Put right the problems in the file and upload it again." in text
    assert 'type="file"' in html  # the upload form is shown again
    assert db.session.scalar(select(func.count()).select_from(Locality)) == 1
    assert db.session.scalar(select(Locality.code)) == "N1"
    assert db.session.scalar(select(func.count()).select_from(Ward)) == 0


def test_a_csv_with_extra_columns_is_refused(client, db, login_as):
    login_as("officer")
    response = client.submit(IMPORT, csv_upload("locality,ward,population\nNorth,Riverside,1000\n"))
    assert "Remove the column 'population'" in visible_text(response.data)
    assert db.session.scalar(select(func.count()).select_from(Locality)) == 0


def test_a_good_csv_imports_and_says_what_it_did(client, db, login_as):
    officer = login_as("officer")
    north = places.add_locality(name="North", code=None, by=officer)
    places.add_ward(north, name="Riverside", code=None, by=officer)
    db.session.commit()
    response = client.submit(
        IMPORT,
        csv_upload(
            "\ufeffLocality,Locality_Code,Ward,Ward_Code\r\n"
            "north,,RIVERSIDE,E05000001\r\n"
            "North,,Hillside,E05000002\r\n"
            "South,E08000002,Valley,\r\n"
            "South,,Meadow,\r\n"
            "East,,,\r\n"
        ),
    )
    assert response.headers["Location"] == LIST
    text = visible_text(client.get(LIST).data)
    assert "2 localities and 3 wards added, 1 updated." in text
    assert "Wards in North Ward Code Actions Hillside E05000002" in text
    assert "Riverside E05000001" in text
    assert "South Code: E08000002" in text
    assert [loc.name for loc in db.session.scalars(select(Locality).order_by(Locality.position))] == [
        "North", "South", "East",
    ]  # fmt: skip
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "places.imported"))
    assert event.actor_id == officer.id
    assert (event.after["localities_added"], event.after["wards_added"], event.after["updated"]) == (2, 3, 1)


def test_one_of_each_is_said_in_the_singular(client, login_as):
    login_as("officer")
    client.submit(IMPORT, csv_upload("locality,ward\nNorth,Riverside\n"))
    assert "1 locality and 1 ward added, 0 updated." in visible_text(client.get(LIST).data)


def test_an_import_without_a_file_asks_for_one(client, login_as):
    login_as("officer")
    response = client.submit(IMPORT, {})
    assert "Choose a CSV file to upload" in visible_text(response.data)


def test_an_empty_file_is_explained(client, db, login_as):
    login_as("officer")
    response = client.submit(IMPORT, csv_upload(""))
    assert "The file is empty." in visible_text(response.data)


def test_a_file_over_one_megabyte_is_refused(client, db, login_as):
    login_as("officer")
    # Encoded here, in memory: the test client would spool a body this big to a file it never closes.
    token = csrf_token_from(client.get(IMPORT).data)
    upload = FileStorage(io.BytesIO(("locality\n" + "A\n" * 600_000).encode()), "places.csv", "file", "text/csv")
    boundary, body = encode_multipart({"csrf_token": token, "file": upload})
    response = client.post(IMPORT, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert "The file must be smaller than 1 MB" in visible_text(response.data)
    assert db.session.scalar(select(func.count()).select_from(Locality)) == 0


def test_an_admin_can_see_the_places_but_only_officers_change_them(client, login_as, db, make_user):
    officer = make_user(roles={"officer"})
    places.add_locality(name="North", code=None, by=officer)
    db.session.commit()
    login_as("admin")
    text = visible_text(client.get(LIST).data)
    assert "North No code No wards yet." in text
    assert "Add a locality" not in text and "Archive North" not in text and "Change" not in text
    assert client.get("/officers/localities/new").status_code == 403


def _pages(db) -> list[tuple[str, str]]:  # noqa: ANN001
    locality = places.add_locality(name="North", code=None, by=None)
    ward = places.add_ward(locality, name="Riverside", code=None, by=None)
    db.session.commit()
    return [
        ("GET", LIST),
        ("GET", "/officers/localities/new"),
        ("GET", f"/officers/localities/{locality.id}/edit"),
        ("POST", f"/officers/localities/{locality.id}/archive"),
        ("GET", f"/officers/localities/{locality.id}/wards/new"),
        ("GET", f"/officers/wards/{ward.id}/edit"),
        ("POST", f"/officers/wards/{ward.id}/archive"),
        ("GET", IMPORT),
        ("GET", "/officers/languages"),
    ]


@pytest.mark.parametrize("role", ["applicant", "panel_member"])
def test_applicants_and_panel_members_are_refused(client, db, login_as, role):
    login_as(role)
    for method, url in _pages(db):
        # a POST carries a valid CSRF token, from a page this user may see
        response = client.submit(url, {"action": "archive"}, from_url="/") if method == "POST" else client.get(url)
        assert response.status_code == 403, url
        assert "You do not have permission to see this page" in visible_text(response.data), url
    assert not db.session.scalar(select(Locality.is_archived))


def test_someone_not_signed_in_is_sent_to_sign_in(client, db):
    for method, url in _pages(db):
        if method == "GET":
            response = client.get(url)
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith("/sign-in"), url


def test_missing_places_are_not_found(client, login_as):
    login_as("officer")
    for url in ("/officers/localities/999/edit", "/officers/localities/999/wards/new", "/officers/wards/999/edit"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Page not found" in visible_text(response.data)
