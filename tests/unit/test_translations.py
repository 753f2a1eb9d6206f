"""Every applicant- and grantee-facing string is translated into every language the portal offers
by default (issue #7, item 5).

The strings are extracted afresh from the sources babel-applicant.cfg lists (the same extraction as
``pybabel extract``), so a new string without a translation fails here, before anyone sees English on
an Arabic page. ``scripts/translations missing LANG`` lists what a language lacks, as a .po fragment a
translator can fill; ``scripts/translations merge LANG FILE`` puts the work back.
"""

from __future__ import annotations

import gettext
import io

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from portal import translation_catalogues as tc
from portal.config import SETTINGS
from portal.i18n import SOURCE_LANGUAGE

DEFAULT_LANGUAGES = next(s.default for s in SETTINGS if s.name == "LANGUAGES").split(",")
TRANSLATED = [code for code in DEFAULT_LANGUAGES if code != SOURCE_LANGUAGE]


@pytest.fixture(scope="module")
def wanted() -> list:
    return [message for message in tc.extract() if message.id]


def _catalogue(language: str) -> Catalog:
    path = tc.catalogue_path(language)
    assert path.exists(), f"no catalogue for {language}: scripts/translations init {language}"
    return tc.read_catalogue(path)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_applicant_facing_string_is_translated(wanted, language):
    problems = tc.problems(wanted, _catalogue(language))
    listing = "\n".join(f"  {p.reason}: {p.msgid[:90]!r}" for p in problems[:40])
    assert not problems, (
        f"{len(problems)} applicant-facing strings are not translated into {language} "
        f"(scripts/translations missing {language}):\n{listing}"
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_is_the_one_written(language):
    """The .mo the portal reads says what the .po says (scripts/bootstrap and scripts/translations
    compile build it)."""
    catalog = _catalogue(language)
    compiled = tc.catalogue_path(language).with_suffix(".mo")
    assert compiled.exists(), f"{language} is not compiled: scripts/translations compile"
    fresh = io.BytesIO()
    write_mo(fresh, catalog, use_fuzzy=False)
    fresh.seek(0)
    with compiled.open("rb") as handle:
        on_disk = gettext.GNUTranslations(handle)._catalog  # noqa: SLF001
    expected = gettext.GNUTranslations(fresh)._catalog  # noqa: SLF001
    stale = sorted(str(key)[:60] for key in expected.keys() ^ on_disk.keys() if key != "")
    stale += sorted(str(k)[:60] for k in expected.keys() & on_disk.keys() if k != "" and expected[k] != on_disk[k])
    assert not stale, f"{language}'s .mo is out of date (scripts/translations compile): {stale[:10]}"


def test_the_applicant_sources_include_the_shared_partials_and_macros(wanted):
    """Babel skips folders starting with "_" unless told otherwise: templates/_partials must count."""
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in wanted}
    assert "Ask for help in your language" in ids  # templates/_partials/language_note.html
    assert "Skip to main content" in ids  # templates/base.html


# --- the check itself finds what is wrong -----------------------------------------------------------


def _arabic(*entries: tuple) -> Catalog:
    catalog = Catalog(locale="ar")
    for msgid, msgstr, *flags in entries:
        catalog.add(msgid, msgstr, flags=flags[0] if flags else ())
    return catalog


def test_the_check_reports_missing_fuzzy_placeholder_and_plural_problems():
    template = Catalog()
    for msgid in ("Sign in", "Hello %(name)s,", "Draft", "Continue", ("%(num)d file", "%(num)d files"), "Back"):
        template.add(msgid, None, flags=("python-format",) if "%" in str(msgid) else ())
    catalog = _arabic(
        ("Sign in", ""),
        ("Hello %(name)s,", "مرحبًا %(nom)s،"),
        ("Draft", "مسودة", ("fuzzy",)),
        ("Continue", "متابعة"),
        (("%(num)d file", "%(num)d files"), ("%(num)d ملف", "ملف واحد")),
    )
    found = {p.msgid: p.reason for p in tc.problems(list(template), catalog)}
    assert found == {
        "Sign in": "no translation",
        "Hello %(name)s,": "placeholders ['nom'] differ from ['name']",
        "Draft": "fuzzy",
        "%(num)d file": "2 plural forms, the catalogue needs 6",
        "Back": "not in the catalogue (run scripts/translations extract)",
    }


def test_a_merge_refuses_a_translation_that_drops_a_placeholder_and_keeps_the_rest():
    catalog = _arabic(("Hello %(name)s,", ""), ("Continue", ""))
    catalog["Hello %(name)s,"].flags.add("python-format")
    result = tc.merge(catalog, {"Hello %(name)s,": "مرحبًا،", "Continue": "متابعة", "Unknown": "؟"})
    assert result.merged == 1 and result.unknown == ["Unknown"]
    assert [p.msgid for p in result.rejected] == ["Hello %(name)s,"]
    assert catalog["Continue"].string == "متابعة" and catalog["Hello %(name)s,"].string == ""


def test_the_missing_command_writes_a_fragment_a_translator_can_fill(tmp_path, capsys):
    from babel.messages.pofile import read_po

    from portal.translations_cli import main

    target = tmp_path / "ar.po"
    assert main(["missing", "ar", "--all", "-o", str(target)]) == 0
    with target.open("rb") as handle:
        fragment = read_po(handle)
    assert fragment.locale.language == "ar" and fragment.num_plurals == 6
    entries = [m for m in fragment if m.id]
    assert entries, "officer pages are not all translated, so --all lists some strings"
    assert all(not any(m.string) if isinstance(m.string, tuple) else m.string == "" for m in entries)
    assert "strings to translate" in capsys.readouterr().err
