"""The language switcher is wired to Flask-Babel; right-to-left languages are laid out so."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from sqlalchemy import select

from portal.i18n import TRANSLATIONS
from portal.models import User
from tests.helpers import visible_text


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
    root = tmp_path / "translations"
    _catalogue(root, "ar", {"Sign in": "تسجيل الدخول", "Skip to main content": "انتقل إلى المحتوى الرئيسي"})
    _catalogue(root, "pl", {"Sign in": "Zaloguj się"})
    return make_app(BABEL_TRANSLATION_DIRECTORIES=f"{TRANSLATIONS};{root}", LANGUAGES="en,ar,pl,ur")


def test_only_languages_with_a_catalogue_are_offered(multilingual):
    html = multilingual.test_client().get("/sign-in").data.decode()
    assert 'hreflang="ar"' in html and 'hreflang="pl"' in html
    assert 'hreflang="ur"' not in html  # enabled, but no catalogue yet: not offered
    assert 'lang="en"' in html and 'dir="ltr"' in html


def test_choosing_arabic_translates_and_lays_out_right_to_left(multilingual):
    client = multilingual.test_client()
    response = client.get("/language/ar?next=/sign-in")
    assert response.headers["Location"] == "/sign-in"
    html = client.get("/sign-in").data.decode()
    assert '<html lang="ar"' in html
    assert 'dir="rtl"' in html
    assert "تسجيل الدخول" in visible_text(html)
    assert "انتقل إلى المحتوى الرئيسي" in html


def test_the_switcher_never_redirects_off_site(multilingual):
    response = multilingual.test_client().get("/language/pl?next=https://evil.example")
    assert response.headers["Location"] == "/"


def test_an_unknown_language_is_404(multilingual):
    assert multilingual.test_client().get("/language/xx").status_code == 404


def test_a_signed_in_users_choice_is_remembered_on_their_account(app, multilingual, db, make_user):
    user = make_user(email="ola@example.org")
    client = multilingual.test_client()
    client.submit("/sign-in", {"email": "ola@example.org", "password": "correct horse battery staple"})
    client.get("/language/pl")
    assert db.session.scalar(select(User.preferred_language).where(User.id == user.id)) == "pl"
    # A new browser: after signing in, the portal speaks Polish without being asked again.
    fresh = multilingual.test_client()
    fresh.submit("/sign-in", {"email": "ola@example.org", "password": "correct horse battery staple"})
    assert '<html lang="pl"' in fresh.get("/applicant/").data.decode()


def test_browser_language_is_used_when_nothing_was_chosen(multilingual):
    html = multilingual.test_client().get("/sign-in", headers={"Accept-Language": "pl,en;q=0.5"}).data.decode()
    assert '<html lang="pl"' in html
