"""Officers choose which languages the portal offers, from those it has translations for."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from sqlalchemy import select

from portal.domain.roles import Role
from portal.models import AuditEvent, Setting
from portal.services import settings
from portal.services.settings import APPLICANT_LANGUAGES
from tests.factories import DEFAULT_PASSWORD
from tests.helpers import visible_text

PAGE = "/officers/languages"


def _catalogue(root: Path, code: str, messages: dict[str, str]) -> None:
    catalog = Catalog(locale=code)
    for source, translation in messages.items():
        catalog.add(source, translation)
    folder = root / code / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as handle:
        write_mo(handle, catalog)


@pytest.fixture
def multilingual(make_app, tmp_path):  # noqa: ANN001, ANN201
    """A portal with Arabic and Polish translations only; Welsh is configured but not translated."""
    root = tmp_path / "translations"
    _catalogue(root, "ar", {"Sign in": "تسجيل الدخول"})
    _catalogue(root, "pl", {"Sign in": "Zaloguj się"})
    return make_app(BABEL_TRANSLATION_DIRECTORIES=str(root), LANGUAGES="en,ar,pl,cy")


@pytest.fixture
def officer_client(multilingual, make_user):  # noqa: ANN001, ANN201
    officer = make_user(roles={Role.OFFICER}, email="officer@example.org")
    client = multilingual.test_client()
    client.submit("/sign-in", {"email": officer.email, "password": DEFAULT_PASSWORD})
    client.officer = officer
    return client


def test_the_page_offers_the_translated_languages_by_their_own_names(officer_client):
    html = officer_client.get(PAGE).data.decode()
    text = visible_text(html)
    assert "English is always offered." in text
    assert 'lang="ar"' in html and "العربية" in text and "Arabic" in text
    assert 'lang="pl"' in html and "polski" in text and "Polish" in text
    assert "Waiting for a translation" in text and "Welsh" in text
    assert 'name="languages" type="checkbox" value="cy"' not in html
    # Nothing chosen yet: every translated language is offered, so every box is ticked.
    assert 'value="ar" checked' in html and 'value="pl" checked' in html


def test_unticking_a_language_takes_it_out_of_the_switcher_and_is_audited(officer_client, multilingual, db):
    visitor = multilingual.test_client()
    before = visitor.get("/sign-in").data.decode()
    assert 'hreflang="ar"' in before and 'hreflang="pl"' in before

    response = officer_client.submit(PAGE, {"languages": ["ar"]})
    assert response.headers["Location"] == PAGE
    page = officer_client.get(PAGE).data.decode()
    assert "Languages saved." in visible_text(page)
    assert 'value="ar" checked' in page and 'value="pl" checked' not in page

    after = visitor.get("/sign-in").data.decode()
    assert 'hreflang="ar"' in after and 'hreflang="pl"' not in after
    assert visitor.get("/language/pl").status_code == 404  # no longer offered
    assert db.session.get(Setting, APPLICANT_LANGUAGES).value == ["en", "ar"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "setting.changed"))
    assert event.actor_id == officer_client.officer.id
    assert (event.before["value"], event.after["value"]) == (None, ["en", "ar"])


def test_unticking_every_language_leaves_english_only_and_no_switcher(officer_client, multilingual):
    officer_client.submit(PAGE, {})
    html = multilingual.test_client().get("/sign-in").data.decode()
    assert "app-language-switcher" not in html
    assert '<html lang="en"' in html


def test_someone_who_chose_a_language_no_longer_offered_gets_the_default(officer_client, multilingual):
    visitor = multilingual.test_client()
    visitor.get("/language/pl")
    assert '<html lang="pl"' in visitor.get("/sign-in").data.decode()
    officer_client.submit(PAGE, {"languages": ["ar"]})
    assert '<html lang="en"' in visitor.get("/sign-in").data.decode()


def test_a_language_without_a_translation_cannot_be_chosen(officer_client, db):
    response = officer_client.submit(PAGE, {"languages": ["ar", "cy"]})
    assert "The portal has no translation for 'cy', so it cannot be offered" in visible_text(response.data)
    assert db.session.get(Setting, APPLICANT_LANGUAGES) is None


def test_a_language_chosen_earlier_whose_translation_was_removed_is_not_offered(multilingual, db):
    settings.change_setting(APPLICANT_LANGUAGES, ["en", "ar", "cy"], by=None)
    db.session.commit()
    html = multilingual.test_client().get("/sign-in").data.decode()
    assert 'hreflang="ar"' in html and 'hreflang="cy"' not in html and 'hreflang="pl"' not in html


def test_with_english_alone_the_page_says_there_is_nothing_to_choose(make_app, make_user, tmp_path):
    english_only = make_app(BABEL_TRANSLATION_DIRECTORIES=str(tmp_path / "no-translations"))
    officer = make_user(roles={Role.OFFICER})
    client = english_only.test_client()
    client.submit("/sign-in", {"email": officer.email, "password": DEFAULT_PASSWORD})
    text = visible_text(client.get(PAGE).data)
    assert "English is always offered." in text
    assert "There are no other translations yet." in text
    assert "Save languages" not in text


def test_an_admin_without_the_officer_role_cannot_change_languages(client, login_as):
    login_as("admin")
    response = client.get(PAGE)
    assert response.status_code == 403
    assert "You do not have permission to see this page" in visible_text(response.data)
