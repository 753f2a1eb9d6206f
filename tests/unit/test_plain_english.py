"""Applicant- and grantee-facing words follow GOV.UK's plain English guidance (issue #7, item 6).

GOV.UK's style guide lists words to avoid because they are vague or jargon
(https://www.gov.uk/guidance/style-guide/a-to-z-of-gov-uk-style#words-to-avoid). This test extracts
every translatable string (the same extraction Babel does) from the pages, e-mails, letters and
Python messages that groups see, and fails on any of those words.

The list of words and the exceptions are kept here, in one place, each with its reason. Add an
exception only when the word is used in the sense GOV.UK allows (a key that unlocks something,
something delivered like post) or is part of a name we cannot change; never to silence a finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file

ROOT = Path(__file__).resolve().parents[2]

# What groups (applicants and grantees) read: the same sources whose strings must be translated.
# Officer and panel pages are left out: officers and panel members are not the audience of this rule.
SOURCES: dict[str, tuple[str, ...]] = {
    "jinja2": (
        "templates/base.html",
        "templates/_macros/**/*.html",
        "templates/_partials/**/*.html",
        "templates/applicants/**/*.html",
        "templates/auth/**/*.html",
        "templates/public/**/*.html",
        "templates/errors/**/*.html",
        "templates/email/**/*.txt",
        "templates/pdf/_base.html",
        "templates/pdf/_letterhead.html",
        "templates/pdf/award_letter.html",
        "templates/pdf/decline_letter.html",
        "templates/pdf/application_answers.html",
    ),
    "python": (
        "portal/applicants/**/*.py",
        "portal/auth/**/*.py",
        "portal/public/**/*.py",
        "portal/forms.py",
        "portal/fields.py",
        "portal/web_sessions.py",
        "portal/errors.py",
        "portal/policies.py",
        "portal/templating.py",
        "portal/domain/**/*.py",
        "portal/services/accounts.py",
        "portal/services/acceptance.py",
        "portal/services/applications.py",
        "portal/services/award_terms.py",
        "portal/services/files.py",
        "portal/services/held_forms.py",
        "portal/services/letters.py",
        "portal/services/notifications.py",
        "portal/services/organisations.py",
        "portal/services/return_content.py",
        "portal/services/returns.py",
        "portal/services/submissions.py",
        "portal/services/support.py",
        "portal/pdf/letters.py",
        "portal/pdf/contexts.py",
    ),
}
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2), "N_": None}


@dataclass(frozen=True)
class Avoid:
    pattern: str  # a regular expression, matched case-insensitively on word boundaries
    instead: str  # what GOV.UK suggests, shown when the test fails


# GOV.UK's words to avoid. Where GOV.UK allows a sense (deliver post, a key that unlocks, progress
# as a noun, impact as a noun), the pattern catches only the sense it warns against, or an
# exception below names the allowed use.
AVOID: tuple[Avoid, ...] = (
    Avoid(r"agendas?", "say what you mean: plan, list of things to do"),
    Avoid(r"advanc(?:e|es|ed|ing)(?! payments?)", "say what you are doing: improving, helping"),
    Avoid(r"collaborat\w*", "working with"),
    Avoid(r"combat(?:s|ed|ing|ting)?", "stop, reduce (unless military)"),
    Avoid(r"commit(?:s|ted|ting|ments?)?|pledg(?:e|es|ed|ing)", "say what you will do: we will, we plan to"),
    Avoid(r"counter(?:s|ed|ing)", "stop, prevent"),
    Avoid(r"deliver(?:s|ed|ing|y)?", "do, run, make, achieve (deliver is for post and services)"),
    Avoid(r"deploy(?:s|ed|ing|ment)?", "use, put in place (unless software or the military)"),
    Avoid(r"dialogue", "talk, discussion"),
    Avoid(r"disincentivi[sz]e[sd]?|incentivi[sz]e[sd]?", "discourage, encourage"),
    Avoid(r"drive out|driv(?:e|es|ing)(?! (?:a|the|your|their) (?:car|van|bus|vehicle))", "say what you mean"),
    Avoid(r"empower\w*", "allow, give permission, help"),
    Avoid(r"facilitat\w*", "say what you are doing: run, help, lead"),
    Avoid(r"focus(?:es|ed|ing|sed|sing)?", "work on, be about, concentrate on"),
    Avoid(r"foster(?:s|ed|ing)?", "encourage (unless it is about children in care)"),
    Avoid(r"impact(?:s|ed|ing)|(?:will|to|may|could|can|might|would) impact", "affect, change (impact as a verb)"),
    Avoid(r"initiat(?:e|es|ed|ing|ive|ives)", "start, begin; a project, a plan"),
    Avoid(r"key", "important, main (a key is something that unlocks)"),
    Avoid(r"land(?:s|ed|ing)?(?= (?:a|an|the|this|that|your|our|their) )", "get, win (land is for aircraft)"),
    Avoid(r"leverag\w*", "use, get (unless it is about money)"),
    Avoid(r"liais\w*", "work with, talk to"),
    Avoid(r"overarching", "say what you mean: main, whole"),
    Avoid(r"progress(?:es|ed|ing)|(?:will|to|may|could|can) progress", "move forward, go on (progress as a verb)"),
    Avoid(r"promot(?:e|es|ed|ing|ion)(?! (?:to|from) )", "recommend, support, tell people about"),
    Avoid(r"robust", "strong, thorough"),
    Avoid(r"slimming down", "cutting, making smaller (unless it is about losing weight)"),
    Avoid(r"streamlin\w*", "simplify, make quicker"),
    Avoid(r"strengthen(?:s|ed|ing)?", "improve, make stronger (unless it is a bridge)"),
    Avoid(r"tackl(?:e|es|ed|ing)", "stop, deal with, solve (unless it is rugby)"),
    Avoid(r"transform(?:s|ed|ing|ation|ational)?", "change; say how"),
    Avoid(r"utili[sz](?:e|es|ed|ing|ation)", "use"),
    Avoid(r"going forward|moving forward", "from now on, in future"),
    Avoid(r"in order to", "to"),
    Avoid(r"ring[- ]?fenc\w*", "keep for, set aside for"),
    Avoid(r"one[- ]stop shop", "say what it is: one place"),
    Avoid(r"synerg\w*", "working together"),
)

# Phrases removed before the words above are looked for, each with why it is allowed.
ALLOWED: dict[str, str] = {
    "setup key": "a key that unlocks the authenticator app: GOV.UK allows key for this",
    "type a key in the app": "the same setup key",
    "is committed to making its website accessible": (
        "the sentence the accessibility regulations' model statement requires, word for word"
    ),
    "Inform Women, Transform Lives": "the council's campaign name (DOMAIN.md §1.1): a name we cannot change",
    "Inspiring Future Leaders": "a work stream's name (DOMAIN.md §1.2)",
    "Get Communities Talking": "a work stream's name (DOMAIN.md §1.2)",
    "Community Investment Framework for Inclusive Commissioning": "the Framework's name (DOMAIN.md §2)",
    "Commonwealth Stronger Communities fund": "the fund's name (DOMAIN.md §1.1)",
}

_AVOID = re.compile("|".join(rf"\b(?:{a.pattern})\b" for a in AVOID), re.IGNORECASE)
_ALLOWED = re.compile("|".join(re.escape(p) for p in ALLOWED), re.IGNORECASE)


def _instead(word: str) -> str:
    for avoid in AVOID:
        if re.fullmatch(avoid.pattern, word, re.IGNORECASE):
            return avoid.instead
    return ""


def source_files() -> list[tuple[str, Path]]:
    files: dict[Path, str] = {}
    for method, patterns in SOURCES.items():
        for pattern in patterns:
            for path in ROOT.glob(pattern):
                files.setdefault(path, method)
    return sorted(((method, path) for path, method in files.items()), key=lambda pair: pair[1])


def messages(method: str, path: Path) -> list[tuple[int, str]]:
    found = []
    options = {"trimmed": "false"} if method == "jinja2" else {}
    for lineno, message, _comments, _context in extract_from_file(
        method, str(path), keywords=KEYWORDS, options=options
    ):
        for text in message if isinstance(message, tuple) else (message,):
            if text:
                found.append((lineno, text))
    return found


def findings(text: str) -> list[str]:
    """The words to avoid in ``text``, after taking out the allowed phrases."""
    return [match.group(0) for match in _AVOID.finditer(_ALLOWED.sub(" ", text))]


def test_applicant_facing_strings_use_plain_english():
    problems = []
    for method, path in source_files():
        for lineno, text in messages(method, path):
            for word in findings(text):
                problems.append(
                    f"{path.relative_to(ROOT)}:{lineno}: '{word}' – use {_instead(word)!r} instead\n    {text[:160]}"
                )
    assert not problems, "Words GOV.UK style tells us to avoid:\n" + "\n".join(problems)


def test_the_check_reads_every_kind_of_source():
    # Guard against a glob or an extractor that silently finds nothing.
    files = source_files()
    kinds = {path.suffix for _method, path in files}
    assert {".html", ".txt", ".py"} <= kinds
    assert any(path.name == "round_detail.html" for _m, path in files)
    assert any(path.name == "return_due.txt" for _m, path in files)
    round_page = ROOT / "templates/public/round_detail.html"
    assert any("Themes you can apply for" in text for _l, text in messages("jinja2", round_page))
    forms = ROOT / "portal/applicants/application_forms.py"
    assert any(text == "Your answer" for _l, text in messages("python", forms))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We will deliver workshops in order to empower women.", ["deliver", "in order to", "empower"]),
        ("Our key partners will utilise the grant going forward.", ["key", "utilise", "going forward"]),
        ("This will impact families.", ["will impact"]),
        ("Tell us how your project will progress.", ["will progress"]),
        ("We collaborate to tackle isolation and foster trust.", ["collaborate", "tackle", "foster"]),
        ("Facilitating a robust, streamlined dialogue.", ["Facilitating", "robust", "streamlined", "dialogue"]),
    ],
)
def test_the_check_finds_the_words_to_avoid(text, expected):
    assert findings(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "In progress",
        "Progress so far against the programme's targets.",
        "The impact of your project.",
        "Type this setup key into the app.",
        "Testshire Council is committed to making its website accessible.",
        "Inform Women, Transform Lives",
        "Your group has written rules (a constitution) and a committee.",
        "Land in Ladywood and Handsworth.",
    ],
)
def test_the_allowed_uses_are_not_findings(text):
    assert findings(text) == []
