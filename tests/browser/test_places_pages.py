"""The officers' places and languages pages pass axe (WCAG 2.2 A and AA) and have the basics right."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from portal import i18n
from portal.domain.roles import Role
from portal.extensions import db
from portal.services import places
from tests.browser.axe import assert_no_axe_violations, assert_page_basics


@pytest.fixture
def officer_page(page, make_user, sign_in_page):  # noqa: ANN001, ANN201
    officer = make_user(roles={Role.OFFICER})
    north = places.add_locality(name="North", code="E08000001", by=officer)
    places.add_ward(north, name="Riverside", code="E05000001", by=officer)
    archived = places.add_ward(north, name="Old Town", code=None, by=officer)
    places.set_ward_archived(archived, True, by=officer)
    south = places.add_locality(name="South", code=None, by=officer)
    places.set_locality_archived(south, True, by=officer)
    db.session.commit()
    sign_in_page(page, officer)
    page.places = {"north": north.id, "ward": archived.id}
    return page


def _check(page) -> None:  # noqa: ANN001
    assert_page_basics(page)
    assert_no_axe_violations(page)


def test_the_list_of_localities_and_wards_is_accessible(officer_page):
    officer_page.goto("/officers/localities")
    assert officer_page.locator("h1").inner_text() == "Localities and wards"
    assert officer_page.get_by_role("button", name="Restore South").is_visible()
    assert officer_page.get_by_role("button", name="Restore Old Town ward").is_visible()
    _check(officer_page)


@pytest.mark.parametrize(
    "path",
    [
        "/officers/localities/new",
        "/officers/localities/{north}/edit",
        "/officers/localities/{north}/wards/new",
        "/officers/wards/{ward}/edit",
        "/officers/localities/import",
    ],
    ids=["new-locality", "edit-locality", "new-ward", "edit-ward", "import"],
)
def test_the_forms_are_accessible(officer_page, path):
    response = officer_page.goto(path.format(**officer_page.places))
    assert response is not None and response.status == 200
    _check(officer_page)


def test_a_form_with_errors_is_accessible(officer_page):
    officer_page.goto("/officers/localities/new")
    officer_page.get_by_label("Code (optional)").fill("E08 001")
    with officer_page.expect_navigation():
        officer_page.get_by_role("button", name="Save locality").click()
    assert officer_page.title().startswith("Error: Add a locality")
    summary = officer_page.get_by_role("alert")
    assert "Enter the name of the locality" in summary.inner_text()
    assert officer_page.get_by_label("Code (optional)").input_value() == "E08 001"
    _check(officer_page)


def test_the_import_with_errors_lists_every_problem_and_is_accessible(officer_page, tmp_path):
    bad = tmp_path / "places.csv"
    bad.write_text("locality,locality_code,ward,ward_code\n,,Riverside,\nEast,,Hill,E05 011\n", encoding="utf-8")
    officer_page.goto("/officers/localities/import")
    officer_page.get_by_label("Upload a CSV file").set_input_files(str(bad))
    with officer_page.expect_navigation():
        officer_page.get_by_role("button", name="Import").click()
    assert officer_page.title().startswith("Error: Import localities and wards")
    summary = officer_page.get_by_role("alert").inner_text()
    assert "Row 2: the locality name is missing" in summary
    assert "Row 3: ward code 'E05 011' must be letters and numbers only" in summary
    _check(officer_page)


def test_the_languages_page_is_accessible(officer_page, app, monkeypatch, tmp_path):
    root = tmp_path / "translations"
    for code in ("ar", "pl"):
        folder = root / code / "LC_MESSAGES"
        folder.mkdir(parents=True)
        with (folder / "messages.mo").open("wb") as handle:
            write_mo(handle, Catalog(locale=code))
    # The served app reads which catalogues exist on every request.
    monkeypatch.setitem(app.config, "BABEL_TRANSLATION_DIRECTORIES", f"{i18n.TRANSLATIONS};{Path(root)}")
    officer_page.goto("/officers/languages")
    assert officer_page.get_by_label("العربية").is_checked()
    officer_page.get_by_label("polski").uncheck()
    with officer_page.expect_navigation():
        officer_page.get_by_role("button", name="Save languages").click()
    assert "Languages saved." in officer_page.get_by_role("alert").inner_text()
    assert not officer_page.get_by_label("polski").is_checked()
    _check(officer_page)


def test_the_languages_page_with_english_alone_is_accessible(officer_page):
    officer_page.goto("/officers/languages")
    assert "polski" in officer_page.locator("main").inner_text()  # the catalogued languages are offered
    _check(officer_page)
