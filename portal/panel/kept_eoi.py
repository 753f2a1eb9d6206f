"""What a group sent, as the panel reads it on the review pages: the project's summary, and for
each criterion its question, the group's answer and what to look for. Rendered once and kept.

Five panel members read each EOI, and every time the review form is loaded or a draft saved, the
page is rendered again with what the group sent, which does not change: a submitted version is
frozen (retention may scrub it years later). Writing it out took an eighth of the review form's
time. So it is kept in this process under everything it is drawn from, in full: a digest of the
version's content itself (a scrubbed version has another), each criterion as the page shows it,
the recordings' names and types, the language and the portal's address prefix. Two readers share
it only if they would have been shown the same HTML anyway. Nothing about the reader, their review
or the session is part of it: the form, their scores and the CSRF token stay in the page around it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from flask import get_template_attribute, request
from flask_babel import get_locale
from markupsafe import Markup

from portal.kept_html import KeptHtml, kept_for_app
from portal.models import Criterion, StoredFile

SIZE = 256  # EOIs kept per process (some 20 KB each): a panel's round, being scored


@dataclass(frozen=True)
class EoiParts:
    summary: Markup  # the project: group, description, work stream, planned outputs, money
    criteria: dict[int, Markup]  # by criterion id: its heading and question, the answer, guidance


def _digest(content: dict) -> bytes:
    return hashlib.blake2b(json.dumps(content, sort_keys=True, default=str).encode(), digest_size=16).digest()


def eoi_parts(content: dict, recordings: dict[int, StoredFile], criteria: list[Criterion]) -> EoiParts:
    """The EOI ``content`` (a version's content, or a draft's snapshot) for the panel, with its
    ``recordings`` by id, asked about by ``criteria`` in this order."""
    show_weight = len({criterion.weight for criterion in criteria}) > 1
    key = (
        str(get_locale()),
        request.script_root,
        _digest(content),
        show_weight,
        tuple((c.id, c.title, c.question, str(c.weight), c.guidance) for c in criteria),
        tuple(sorted((f.id, f.content_type, f.original_name) for f in recordings.values())),
    )

    def render() -> tuple[str, ...]:
        summary = get_template_attribute("panel/review_eoi.html", "eoi_summary")
        criterion_part = get_template_attribute("panel/review_eoi.html", "criterion_part")
        answers = {answer["criterion_id"]: answer for answer in content.get("answers", [])}
        return (str(summary(content)),) + tuple(
            str(criterion_part(criterion, number, show_weight, answers.get(criterion.id), recordings))
            for number, criterion in enumerate(criteria, start=1)
        )

    kept = kept_for_app("kept_eoi", lambda: KeptHtml(SIZE)).get(key, render)
    # Our own templates' output, escaped as they rendered it.
    parts = [Markup(html) for html in kept]  # noqa: S704  # nosec B704
    return EoiParts(parts[0], {criterion.id: part for criterion, part in zip(criteria, parts[1:], strict=True)})
