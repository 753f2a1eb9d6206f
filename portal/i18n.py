"""Which language and time zone each request uses, and which languages are on offer."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from babel import Locale
from flask import current_app, g, has_request_context, request, session
from flask_babel import get_locale, get_translations
from flask_login import current_user
from jinja2 import Environment, pass_context
from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import db
from portal.services import settings

log = logging.getLogger(__name__)

SOURCE_LANGUAGE = "en"  # the language the templates and code are written in
RTL_LANGUAGES = {"ar", "ur", "fa", "he", "ps", "ku"}
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


@lru_cache(maxsize=8)
def _catalogued(directories: tuple[str, ...]) -> frozenset[str]:
    found: set[str] = set()
    for directory in directories:
        root = Path(directory)
        if root.is_dir():
            found |= {p.parent.parent.name for p in root.glob("*/LC_MESSAGES/messages.mo")}
    return frozenset(found)


def translation_directories() -> tuple[str, ...]:
    configured = current_app.config.get("BABEL_TRANSLATION_DIRECTORIES")
    if configured:
        return tuple(d for d in configured.split(";") if d)
    return (str(TRANSLATIONS),)


def catalogued_languages() -> list[str]:
    """Configured languages that have a catalogue (English, the source language, always does):
    the languages officers may choose to offer."""
    catalogued = _catalogued(translation_directories()) | {SOURCE_LANGUAGE}
    return [code for code in current_app.config["LANGUAGES"] if code in catalogued]


def always_offered() -> list[str]:
    """Offered whatever officers choose: the source language and the default language."""
    keep = {SOURCE_LANGUAGE, current_app.config["DEFAULT_LANGUAGE"]}
    return [code for code in catalogued_languages() if code in keep]


def _read_choice() -> list[str] | None:
    try:
        with db.session.no_autoflush:
            value = settings.read_setting(settings.APPLICANT_LANGUAGES)
    except SQLAlchemyError:  # a page (even an error page) must not fail for want of the choice
        log.warning("could not read the %s setting", settings.APPLICANT_LANGUAGES, exc_info=True)
        return None
    return [str(code) for code in value] if isinstance(value, list) else None


def chosen_languages() -> list[str] | None:
    """The languages officers chose to offer, or None if they have not chosen (read once per request)."""
    if not has_request_context():
        return _read_choice()
    if "applicant_languages" not in g:
        g.applicant_languages = _read_choice()
    return g.applicant_languages


def forget_chosen_languages() -> None:
    """After the choice changes, read it again on this request."""
    g.pop("applicant_languages", None)


def available_languages() -> list[str]:
    """The languages on offer: those with a catalogue, limited to the officers' choice if they made one."""
    catalogued = catalogued_languages()
    chosen = chosen_languages()
    if chosen is None:
        return catalogued
    keep = set(chosen) | set(always_offered())
    return [code for code in catalogued if code in keep]


@lru_cache(maxsize=256)
def language_name(code: str, in_language: str | None = None) -> str:
    """A language's name in its own language (or in ``in_language``), e.g. "polski", "العربية".
    Kept once worked out: every page names every language on offer (the language switcher)."""
    return Locale.parse(code).get_display_name(in_language or code) or code


def language_choices() -> list[dict[str, str]]:
    return [{"code": code, "name": language_name(code)} for code in available_languages()]


def select_locale() -> str:
    if not has_request_context():  # commands and background work: the default language
        return current_app.config["DEFAULT_LANGUAGE"]
    offered = available_languages()
    chosen = session.get("language")
    if chosen in offered:
        return chosen
    if current_user and current_user.is_authenticated and current_user.preferred_language in offered:
        return current_user.preferred_language
    best = request.accept_languages.best_match(offered)
    return best or current_app.config["DEFAULT_LANGUAGE"]


def select_timezone() -> str:
    return current_app.config["TIMEZONE"]


def text_direction(code: str) -> str:
    return "rtl" if code.split("_")[0] in RTL_LANGUAGES else "ltr"


def request_translations():  # noqa: ANN201 - babel's Translations or NullTranslations
    """The translations of the language in use, looked up once for each language a request uses.
    Flask-Babel looks them up again for every string (about 30 µs: on a page of a thousand strings,
    a third of its time). Kept on ``g`` with the locale they are for: a new locale
    (``force_locale``, a language chosen mid-request) is a different object, and finds them again."""
    if not g:  # outside an application context: what Flask-Babel gives there
        return get_translations()
    locale = get_locale()
    kept = g.get("_portal_translations")
    if kept is None or kept[0] is not locale:
        kept = g._portal_translations = (locale, get_translations())
    return kept[1]


RENDER_TRANSLATIONS = "portal_translations"  # the template context's name for them (``render_context``)


def render_context() -> dict:
    """For every page's context (a context processor): the translations of the moment, so that a
    page's strings read them from its context rather than asking Flask-Babel for each one (some
    3 µs a string: a long table has hundreds). Each render gets its own, so a ``force_locale``
    render is in its own language."""
    return {RENDER_TRANSLATIONS: request_translations()}


def _translations_of(context) -> object:  # noqa: ANN001 - a Jinja context
    """The render's translations (``render_context``); a template rendered without them (a macro
    module imported without context, a render outside Flask's) asks the request's."""
    kept = context.get(RENDER_TRANSLATIONS)
    return kept if kept is not None else request_translations()


def install_gettext(env: Environment) -> None:
    """Templates' ``_``, ``gettext``, ``ngettext``… as Flask-Babel installs them, reading the
    render's translations from its context (``render_context``), else the request's
    (``request_translations``)."""
    env.install_gettext_callables(
        gettext=pass_context(lambda c, s: _translations_of(c).ugettext(s)),
        ngettext=pass_context(lambda c, s, p, n: _translations_of(c).ungettext(s, p, n)),
        newstyle=True,
        pgettext=pass_context(lambda c, ctx, s: _translations_of(c).upgettext(ctx, s)),
        npgettext=pass_context(lambda c, ctx, s, p, n: _translations_of(c).unpgettext(ctx, s, p, n)),
    )
