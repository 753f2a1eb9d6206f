"""Which language and time zone each request uses, and which languages are on offer."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel import Locale
from flask import current_app, has_request_context, request, session
from flask_login import current_user

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


def available_languages() -> list[str]:
    """Enabled languages that have a catalogue (English, the source language, always does)."""
    catalogued = _catalogued(translation_directories()) | {"en"}
    return [code for code in current_app.config["LANGUAGES"] if code in catalogued]


def language_choices() -> list[dict[str, str]]:
    return [
        {"code": code, "name": Locale.parse(code).get_display_name(code) or code}
        for code in available_languages()
    ]


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
