"""Working with the translation catalogues: which strings applicants and grantees see, which of them
a language still lacks, and merging a translator's work back in.

Used by ``scripts/translations`` and by tests/unit/test_translations.py. Nothing here runs while the
portal serves pages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "portal" / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
APPLICANT_MAPPING = ROOT / "babel-applicant.cfg"
# The same keywords as the documented `pybabel extract -k _l -k lazy_gettext -k lazy_ngettext:1,2` (N_ is a default).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2), "N_": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
# Babel skips folders starting with "_" by default, which would leave out templates/_macros and _partials.
SKIPPED_DIRECTORIES = {"__pycache__", "node_modules", "migrations", "tests", "static", "docs", "scripts"}
IGNORE_DIRS = ".* __pycache__ node_modules"  # the same for `pybabel extract --ignore-dirs`


def _directory_filter(dirpath: str) -> bool:
    name = Path(dirpath).name
    return not (name.startswith(".") or name in SKIPPED_DIRECTORIES)


def extract(mapping: Path = APPLICANT_MAPPING, root: Path = ROOT) -> Catalog:
    """Extract the strings the mapping file names, as ``pybabel extract -F mapping`` would."""
    with mapping.open(encoding="utf-8") as fileobj:
        method_map, options_map = parse_mapping_cfg(fileobj, filename=str(mapping))
    catalog = Catalog(project="grants-portal", charset="utf-8")
    found = extract_from_dir(
        str(root),
        method_map,
        options_map,
        keywords=KEYWORDS,
        strip_comment_tags=True,
        directory_filter=_directory_filter,
    )
    for _filename, _lineno, message, comments, context in found:
        catalog.add(message, None, auto_comments=comments, context=context)
    return catalog


def catalogue_path(language: str, translations: Path = TRANSLATIONS) -> Path:
    return translations / language / "LC_MESSAGES" / "messages.po"


def languages(translations: Path = TRANSLATIONS) -> list[str]:
    return sorted(p.parent.parent.name for p in translations.glob("*/LC_MESSAGES/messages.po"))


def read_catalogue(path: Path) -> Catalog:
    with path.open("rb") as fileobj:
        return read_po(fileobj, abort_invalid=True)


def write_catalogue(catalog: Catalog, path: Path) -> None:
    buffer = BytesIO()
    write_po(buffer, catalog, width=76)
    path.write_bytes(buffer.getvalue())


def compile_catalogue(path: Path) -> Path:
    catalog = read_catalogue(path)
    target = path.with_suffix(".mo")
    partial = target.with_suffix(".mo.tmp")
    with partial.open("wb") as fileobj:
        write_mo(fileobj, catalog, use_fuzzy=False)
    partial.replace(target)  # a running portal never reads a half-written file
    return target


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text or ""))


def _texts(value: str | tuple | list | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


@dataclass(frozen=True)
class Problem:
    msgid: str
    reason: str


def problems(wanted: Iterable[Message], catalog: Catalog) -> list[Problem]:
    """What is wrong with the catalogue's translation of each wanted message (nothing if it is fine)."""
    found: list[Problem] = []
    for wanted_message in wanted:
        if not wanted_message.id:
            continue
        key = wanted_message.id[0] if isinstance(wanted_message.id, tuple) else wanted_message.id
        entry = catalog.get(wanted_message.id, context=wanted_message.context)
        reason = _problem(entry, catalog.num_plurals)
        if reason:
            found.append(Problem(key, reason))
    return found


def _problem(entry: Message | None, num_plurals: int) -> str | None:
    if entry is None:
        return "not in the catalogue (run scripts/translations extract)"
    if entry.fuzzy:
        return "fuzzy"
    strings = _texts(entry.string)
    if not strings or not all(s.strip() for s in strings):
        return "no translation"
    if entry.pluralizable and len(strings) != num_plurals:
        return f"{len(strings)} plural forms, the catalogue needs {num_plurals}"
    sources = _texts(entry.id)
    expected = placeholders(sources[-1]) if entry.pluralizable else placeholders(sources[0])
    for text in strings:
        # a singular form may leave out %(count)s (e.g. "one file"), but may not bring in others
        got = placeholders(text)
        if entry.pluralizable:
            if not got <= expected | placeholders(sources[0]):
                return f"placeholders {sorted(got)} differ from {sorted(expected)}"
        elif got != expected:
            return f"placeholders {sorted(got)} differ from {sorted(expected)}"
    return None


def fragment(wanted: Iterable[Message], catalog: Catalog) -> Catalog:
    """A catalogue of the wanted messages the language lacks, for a translator to fill."""
    out = Catalog(locale=catalog.locale, project="grants-portal", charset="utf-8")
    out.plural_forms  # noqa: B018 - the header follows the locale
    for wanted_message in wanted:
        if not wanted_message.id:
            continue
        entry = catalog.get(wanted_message.id, context=wanted_message.context)
        if _problem(entry, catalog.num_plurals) is None:
            continue
        comments = list(wanted_message.auto_comments)
        if entry is not None and any(s.strip() for s in _texts(entry.string)):
            comments.append("Earlier guess, check it: " + " | ".join(_texts(entry.string)))
        empty = ("",) * catalog.num_plurals if isinstance(wanted_message.id, tuple) else ""
        out.add(
            wanted_message.id,
            empty,
            auto_comments=comments,
            flags=[f for f in wanted_message.flags if f != "fuzzy"],
            context=wanted_message.context,
        )
    return out


def load_translations(path: Path) -> dict[str, str | list[str]]:
    """A translator's work: a .po fragment, or JSON mapping each msgid to its translation (a list for plurals)."""
    if path.suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected a JSON object mapping msgid to translation")
        return data
    done: dict[str, str | list[str]] = {}
    for message in read_catalogue(path):
        if not message.id or message.fuzzy:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        done[key] = list(message.string) if isinstance(message.string, tuple) else message.string
    return done


@dataclass
class MergeResult:
    merged: int = 0
    unknown: list[str] | None = None
    rejected: list[Problem] | None = None


def merge(catalog: Catalog, translations: dict[str, str | list[str]]) -> MergeResult:
    """Put the translations into the catalogue; refuse any whose placeholders or plural forms are wrong."""
    result = MergeResult(unknown=[], rejected=[])
    by_key = {(m.id[0] if isinstance(m.id, tuple) else m.id): m for m in catalog if m.id}
    for key, value in translations.items():
        entry = by_key.get(key)
        if entry is None:
            result.unknown.append(key)
            continue
        strings = _texts(value)
        if not strings or not all(isinstance(s, str) and s.strip() for s in strings):
            continue
        trial = Message(entry.id, tuple(strings) if entry.pluralizable else strings[0], flags=entry.flags - {"fuzzy"})
        reason = _problem(trial, catalog.num_plurals)
        if reason:
            result.rejected.append(Problem(key, reason))
            continue
        entry.string = trial.string
        entry.flags.discard("fuzzy")
        entry.previous_id = []
        result.merged += 1
    return result
