"""The language switcher is wired to Flask-Babel; right-to-left languages are laid out so."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from sqlalchemy import select

from portal.domain.roles import Role
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
    return make_app(BABEL_TRANSLATION_DIRECTORIES=f"{TRANSLATIONS};{root}", LANGUAGES="en,ar,pl,cy")


def test_only_languages_with_a_catalogue_are_offered(multilingual):
    html = multilingual.test_client().get("/sign-in").data.decode()
    assert 'hreflang="ar"' in html and 'hreflang="pl"' in html
    assert 'hreflang="cy"' not in html  # enabled, but no catalogue yet: not offered
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


# --- with the real catalogues (compiled by scripts/bootstrap; tests/unit/test_translations.py keeps them whole)


def test_the_chosen_language_follows_the_user_after_signing_out_and_in_on_another_device(app, client, db, make_user):
    user = make_user(email="amal@example.org")
    client.submit("/sign-in", {"email": "amal@example.org", "password": "correct horse battery staple"})
    client.get("/language/ar?next=/applicant/")
    assert '<html lang="ar"' in client.get("/applicant/").data.decode()
    client.submit("/sign-out", {}, from_url="/applicant/")
    assert db.session.scalar(select(User.preferred_language).where(User.id == user.id)) == "ar"

    elsewhere = app.test_client()  # another browser: no cookie, and it asks for English
    elsewhere.submit(
        "/sign-in",
        {"email": "amal@example.org", "password": "correct horse battery staple"},
        headers={"Accept-Language": "en"},
    )
    html = elsewhere.get("/applicant/", headers={"Accept-Language": "en"}).data.decode()
    assert '<html lang="ar"' in html and 'dir="rtl"' in html
    assert "تسجيل الخروج" in visible_text(html)  # "Sign out", in Arabic


def test_an_email_is_written_in_the_language_its_recipient_chose(app, make_user):
    from flask_babel import lazy_gettext

    from portal.services import notifications

    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        arabic = notifications.queue_email(
            make_user(preferred_language="ar"), "welcome", subject=lazy_gettext("Your account is ready")
        )
        urdu = notifications.queue_email(
            make_user(preferred_language="ur"), "welcome", subject=lazy_gettext("Your account is ready")
        )
        welsh = notifications.queue_email(  # no Welsh catalogue: the language of the moment
            make_user(preferred_language="cy"), "welcome", subject=lazy_gettext("Your account is ready")
        )
    assert arabic.subject == "حسابك جاهز"
    assert "حسابك في" in arabic.body_text
    assert urdu.subject == "آپ کا اکاؤنٹ تیار ہے"
    assert welsh.subject == "Your account is ready"


def test_a_language_officers_stopped_offering_is_no_longer_used_for_emails(app, make_user):
    from flask_babel import lazy_gettext

    from portal.services import notifications, settings

    officer = make_user(roles={Role.OFFICER})
    settings.choose_applicant_languages(["en"], choosable=["en", "ar", "ur"], always=["en"], by=officer)
    with app.test_request_context("/"):
        message = notifications.queue_email(
            make_user(preferred_language="ar"), "welcome", subject=lazy_gettext("Your account is ready")
        )
    assert message.subject == "Your account is ready"


def test_dates_and_money_are_written_the_way_the_language_writes_them(app, client, make_round):
    import re
    from datetime import UTC, datetime

    make_round(title="Neighbours Fund", closes_at=datetime(2027, 4, 1, 16, 0, tzinfo=UTC))
    client.get("/language/ar")
    page = visible_text(client.get("/").data.decode())
    assert "أبريل 2027" in page  # "April", in Arabic
    assert re.search(r"500\s*UK£", page) and "£500" not in page  # the way Arabic writes it
    client.get("/language/pl")
    assert re.search(r"5\s000\s£", visible_text(client.get("/").data.decode()))  # Polish: "5 000 £", not "GBP"
    client.get("/language/ur")
    assert "اپریل 2027" in visible_text(client.get("/").data.decode())


def test_the_words_govuk_frontend_scripts_write_are_given_in_the_page_language(client):
    import json
    import re

    client.get("/language/ar")
    html = client.get("/sign-in").data.decode()
    block = re.search(r'<script type="application/json" id="govuk-frontend-config">(.*?)</script>', html, re.DOTALL)
    config = json.loads(block.group(1))
    assert config["passwordInput"]["i18n"]["showPassword"] == "إظهار"
    words = config["characterCount"]["i18n"]["wordsUnderLimit"]
    # One text per plural category the script may ask for, each with the script's own placeholder.
    assert words["two"] == "تتبقى لديك كلمتان"
    assert words["few"] == "تتبقى لديك %{count} كلمات"
    assert words["many"] == "تتبقى لديك %{count} كلمة"


def test_templates_follow_a_language_forced_mid_request_and_back(multilingual):
    """Templates read the request's translations once per language (``i18n.request_translations``),
    and still follow ``force_locale`` (an e-mail in its recipient's language) and come back after."""
    from flask import render_template_string
    from flask_babel import force_locale

    with multilingual.test_request_context("/", headers={"Accept-Language": "pl"}):
        page = "{{ _('Sign in') }}"
        assert render_template_string(page) == "Zaloguj się"
        with force_locale("ar"):
            assert render_template_string(page) == "تسجيل الدخول"
            with force_locale("en"):
                assert render_template_string(page) == "Sign in"
        assert render_template_string(page) == "Zaloguj się"
        assert render_template_string("{{ ngettext('%(num)d EOI', '%(num)d EOIs', 2) }}") == "2 EOIs"


def test_amounts_are_written_in_the_language_of_the_moment_however_often_they_recur(app):
    """``money`` keeps the text of each amount it writes (a long page repeats a few amounts), per
    language: the same amount in another language, or written with more decimal places, is right."""
    from decimal import Decimal

    from flask_babel import force_locale

    from portal.templating import money

    with app.test_request_context("/"):
        for _ in range(2):  # the second time from what was kept
            assert money(Decimal("5000")) == "£5,000"
            assert money(Decimal("5000.00")) == "£5,000"
            assert money(Decimal("5000.5")) == "£5,000.50"
            assert money(Decimal("5000"), whole=False) == "£5,000.00"
            assert money(1250) == "£1,250"
            assert money(None) == ""
            with force_locale("pl"):
                assert money(Decimal("5000")) == "5\xa0000\xa0£"
            with force_locale("ar"):
                assert "UK£" in money(Decimal("5000")) and "5" in money(Decimal("5000"))


def test_a_page_looks_its_translations_up_once_not_once_a_string(multilingual, monkeypatch):
    """A long table repeats strings hundreds of times: the render's context carries its translations
    (``i18n.render_context``), so they are looked up once for the render."""
    from flask import render_template_string

    from portal import i18n

    looked_up = []
    real = i18n.request_translations

    def counting():  # noqa: ANN202
        looked_up.append(1)
        return real()

    monkeypatch.setattr(i18n, "request_translations", counting)
    with multilingual.test_request_context("/", headers={"Accept-Language": "pl"}):
        page = (
            "{% for _i in range(50) %}{{ _('Sign in') }} {{ ngettext('%(num)d EOI', '%(num)d EOIs', 2) }}{% endfor %}"
        )
        html = render_template_string(page)
    assert html.count("Zaloguj się") == 50 and html.count("2 EOIs") == 50
    assert len(looked_up) == 1


def test_numbers_are_written_the_way_the_language_writes_them_however_often_they_recur(app):
    from flask import render_template_string
    from flask_babel import force_locale

    page = "{{ 12345 | decimalformat }}|{{ 1234.5 | decimalformat }}|{{ 7 | decimalformat('#,##0.00') }}"
    with app.test_request_context("/"):
        for _ in range(2):  # the second time from what was kept
            assert render_template_string(page) == "12,345|1,234.5|7.00"
            with force_locale("pl"):
                assert render_template_string(page) == "12\xa0345|1\xa0234,5|7,00"


def test_moments_are_written_in_the_language_and_time_zone_of_the_moment_however_often_they_recur(app):
    """``uk_datetime`` and ``uk_date`` keep the text of each moment they write, per language and
    time zone: the same moment in another language, or with the portal's zone changed, is right."""
    from datetime import UTC, datetime

    from flask_babel import force_locale, refresh

    from portal.templating import uk_date, uk_datetime

    summer, winter = datetime(2026, 5, 12, 16, 0, tzinfo=UTC), datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    with app.test_request_context("/"):
        for _ in range(2):  # the second time from what was kept
            assert uk_datetime(summer) == "12 May 2026 at 5:00pm"  # British Summer Time
            assert uk_datetime(winter) == "1 December 2026 at 9:30am"
            assert uk_date(summer) == "12 May 2026" and uk_date(None) == "" and uk_datetime(None) == ""
            with force_locale("pl"):
                assert uk_datetime(summer) == "12 maja 2026 17:00" and uk_date(summer) == "12 maja 2026"
    zone, app.config["TIMEZONE"] = app.config["TIMEZONE"], "America/New_York"
    try:
        with app.test_request_context("/"):
            refresh()
            assert uk_datetime(summer) == "12 May 2026 at 12:00pm"
    finally:
        app.config["TIMEZONE"] = zone
