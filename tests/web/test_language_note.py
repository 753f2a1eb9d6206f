"""While a translation is unreviewed, every page in it says so, in that language and in English,
with a link to ask for help in your language (issue #7, item 5)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from portal.i18n import TRANSLATIONS
from tests.helpers import visible_text

NOTE_EN = (
    "This translation was produced with the help of machine translation and has not yet been checked. "
    "If anything is unclear, you can ask for help in your language."
)
NOTE_AR = "أُعدّت هذه الترجمة بمساعدة الترجمة الآلية ولم تُراجَع بعد. إذا كان أي شيء غير واضح، يمكنك طلب المساعدة بلغتك."
NOTE_UR = "یہ ترجمہ مشینی ترجمے کی مدد سے تیار کیا گیا ہے اور ابھی اس کی جانچ نہیں ہوئی۔"
PARTIAL = Path(__file__).resolve().parents[2] / "templates" / "_partials" / "language_note.html"


def _note(html: str) -> str:
    match = re.search(r'<div class="govuk-inset-text app-translation-note">(.*?)</div>', html, re.DOTALL)
    return match.group(1) if match else ""


def test_an_arabic_page_says_the_translation_is_unchecked_in_arabic_and_in_english(client):
    client.get("/language/ar")
    note = _note(client.get("/sign-in").data.decode())
    assert NOTE_AR in visible_text(note)
    english = re.search(r'<p class="govuk-body" lang="en" dir="ltr">(.*?)</p>', note, re.DOTALL)
    assert english, "the English text is marked as English, left to right"
    assert NOTE_EN in visible_text(english.group(1))
    assert note.count('href="/help/call-back"') == 2, "both the Arabic and the English text link to the help page"


def test_the_note_links_to_the_call_back_page_which_asks_for_the_language(client):
    client.get("/language/ur")
    html = client.get("/").data.decode()
    note = _note(html)
    assert NOTE_UR in visible_text(note)
    link = re.search(r'<a class="govuk-link" href="([^"]+)">اپنی زبان میں مدد مانگیں</a>', note)
    assert link, note
    form = client.get(link.group(1)).data.decode()
    assert "وہ زبان جس میں آپ چاہتے ہیں کہ ہم بات کریں (اختیاری)" in visible_text(form)  # which language to speak


def test_english_pages_have_no_note(client):
    assert _note(client.get("/sign-in").data.decode()) == ""
    client.get("/language/ar")
    client.get("/language/en")
    assert _note(client.get("/sign-in").data.decode()) == ""


def test_a_language_marked_reviewed_shows_no_note(make_app):
    reviewed = make_app(REVIEWED_LANGUAGES="ar")
    client = reviewed.test_client()
    client.get("/language/ar")
    assert _note(client.get("/sign-in").data.decode()) == ""
    client.get("/language/ur")  # Urdu is still unreviewed
    assert NOTE_UR in visible_text(_note(client.get("/sign-in").data.decode()))


def test_the_english_text_of_the_note_is_the_source_of_its_translations():
    """The English copy is written out in the template (it must never be translated): it has to stay
    the same as the text the translators translated."""
    text = " ".join(PARTIAL.read_text(encoding="utf-8").split())
    assert f'{{{{ _("{NOTE_EN}") }}}}' in text
    assert f'<p class="govuk-body" lang="en" dir="ltr"> {NOTE_EN}' in text
    for language in ("ar", "ur"):
        with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
            assert read_po(po).get(NOTE_EN).string, language
