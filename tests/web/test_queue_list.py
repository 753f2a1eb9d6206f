"""The panel queue's task list (templates/panel/queue_list.html) writes GOV.UK's task list markup
itself, for speed: it must give what govukTaskList gives for the same rows, escaping included."""

from __future__ import annotations

import re
from dataclasses import replace

from flask_babel import force_locale

from portal.domain.workflow import ReviewStatus
from portal.services.panel_queue import QueueRow

# The queue as it was written with GOV.UK's own macro: the reference the test compares against.
WITH_GOVUK_MACRO = """
{%- from "govuk_frontend_jinja/components/task-list/macro.html" import govukTaskList -%}
{%- from "panel/review_status_tag.html" import review_status_tag with context -%}
{%- set items = [] -%}
{%- for row in rows -%}
  {%- set href = url_for("panel.review", review_id=row.id) if row.confirmed
                 else url_for("panel.confirm_conflict", review_id=row.id) -%}
  {%- set hint = row.organisation ~ " – " ~ (row.work_stream or _("No work stream")) -%}
  {%- if not row.confirmed %}{% set hint = hint ~ ". " ~ _("Confirm you have no conflict of interest first.") %}{% endif -%}
  {%- set ignored = items.append({
    "title": {"text": (row.reference or "") ~ ": " ~ (row.title or _("Untitled project"))},
    "href": href,
    "hint": {"text": hint},
    "status": {"html": review_status_tag(row.status)},
  }) -%}
{%- endfor -%}
{{ govukTaskList({"idPrefix": prefix, "items": items}) }}
"""
OURS = """{% from "panel/queue_list.html" import queue_list with context %}{{ queue_list(prefix, rows) }}"""

ROWS = [
    QueueRow(11, ReviewStatus.DRAFT, True, 3, "BCC-0001", "Stories of the Soho Road", "Soho Road Elders", "Heritage"),
    QueueRow(12, ReviewStatus.NOT_STARTED, False, 3, "BCC-0002", None, '<b>Tom & Jerry\'s</b> "club"', None),
    QueueRow(13, ReviewStatus.SUBMITTED, True, 3, None, "Women's <script>alert(1)</script> walk", "Group", "Health"),
    QueueRow(14, ReviewStatus.REOPENED, True, 3, "BCC-0004", "Reopened", "Group", "Arts"),
    QueueRow(15, ReviewStatus.DRAFT, False, 3, "BCC-0005", "Second draft", "Another group", "Arts"),
]


def _normalised(html: str) -> str:
    """Whitespace between tags and runs of it inside text do not show: compare without them."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def _render(app, source: str, rows: list[QueueRow]) -> str:  # noqa: ANN001
    with app.test_request_context("/panel/"):
        return app.jinja_env.from_string(source).render(prefix="round-3-1", rows=rows)


def test_the_queue_list_is_govuk_task_list_markup(app, db) -> None:  # noqa: ANN001
    ours = _render(app, OURS, ROWS)
    assert _normalised(ours) == _normalised(_render(app, WITH_GOVUK_MACRO, ROWS))
    # What the comparison rests on is really there: links, hints, tags and escaping.
    assert 'href="/panel/reviews/11"' in ours and 'href="/panel/reviews/12/conflict"' in ours
    assert "&lt;script&gt;" in ours and "<script>" not in ours
    assert "&lt;b&gt;Tom &amp; Jerry&#39;s&lt;/b&gt; &#34;club&#34; – No work stream. Confirm you" in ours
    assert ": Untitled project" in ours
    assert ours.count("govuk-tag--light-blue") == 2 and "govuk-tag--orange" in ours and "govuk-tag--grey" in ours
    assert 'aria-describedby="round-3-1-5-hint round-3-1-5-status"' in ours


def test_an_empty_run_is_an_empty_list_as_govuk_gives_it(app, db) -> None:  # noqa: ANN001
    assert _normalised(_render(app, OURS, [])) == _normalised(_render(app, WITH_GOVUK_MACRO, []))


# --- each row kept under everything it shows (portal/panel/queue_rows.py) ------------------------


def _kept_rows(app) -> int:  # noqa: ANN001
    return len(app.extensions.get("kept_queue_rows", ()))


def test_a_row_is_written_again_only_when_something_it_shows_changes(app, db) -> None:  # noqa: ANN001
    first = _render(app, OURS, ROWS)
    kept = _kept_rows(app)
    assert kept == len(ROWS)
    assert _render(app, OURS, ROWS) == first and _kept_rows(app) == kept  # nothing changed: nothing written
    scored = [replace(ROWS[0], status=ReviewStatus.SUBMITTED), *ROWS[1:]]
    renamed = [*ROWS[:1], replace(ROWS[1], organisation="Tom and Jerry's club", confirmed=True), *ROWS[2:]]
    for rows in (scored, renamed):
        ours = _render(app, OURS, rows)
        assert _normalised(ours) == _normalised(_render(app, WITH_GOVUK_MACRO, rows))
    assert _kept_rows(app) == kept + 2  # one row each time
    assert 'href="/panel/reviews/12"' in ours and "Tom and Jerry&#39;s club – No work stream" in ours


def test_a_row_moved_on_the_page_gets_the_ids_of_its_new_place(app, db) -> None:  # noqa: ANN001
    _render(app, OURS, ROWS)
    moved = _render(app, OURS, ROWS[1:])
    assert _normalised(moved) == _normalised(_render(app, WITH_GOVUK_MACRO, ROWS[1:]))
    assert 'id="round-3-1-1-hint"' in moved and "Tom &amp; Jerry" in moved.split('id="round-3-1-1-hint"')[1][:80]


def test_each_language_gets_its_own_rows(app, db) -> None:  # noqa: ANN001
    _render(app, OURS, ROWS)
    kept = _kept_rows(app)
    with force_locale("pl"):
        polish = _render(app, OURS, ROWS)
    assert _kept_rows(app) == kept + len(ROWS)
    assert "Nie rozpoczęto" in polish and "Brak obszaru działań" in polish and "Not started" not in polish
