"""The rows of a panel member's queue, each row's HTML kept in this process under everything it
shows: the review, its state, whether the member has confirmed they have no conflict, the EOI's
reference and title, the group, the work stream; and where it sits on the page, the language and
the portal's address prefix. A member returns to their queue after each EOI they score, which
changes one row: the other rows are not written again. (Writing fifty rows took a fifth of the
page's time.) Rows are the member's own, but a row is only ever shown for a key that holds all it
shows, so it cannot show anyone anything they would not have been shown anyway."""

from __future__ import annotations

from flask import get_template_attribute, request
from flask_babel import get_locale
from markupsafe import Markup

from portal.kept_html import KeptHtml, kept_for_app
from portal.services.panel_queue import QueueRow

SIZE = 4096  # rows kept per process (under 1 KB each): the first pages of many members' queues


def kept_queue_rows(id_prefix: str, rows: list[QueueRow]) -> Markup:
    """The rows of the task list ``id_prefix``, in this order, each kept under its place on the page."""
    kept = kept_for_app("kept_queue_rows", lambda: KeptHtml(SIZE))
    page = (str(get_locale()), request.script_root, id_prefix)
    render = get_template_attribute("panel/queue_list.html", "queue_row")
    html = [
        kept.get((page, index, row), lambda index=index, row=row: str(render(id_prefix, index, row)))
        for index, row in enumerate(rows, start=1)
    ]
    # Our own template's output, escaped as it rendered it.
    return Markup("".join(html))  # noqa: S704  # nosec B704
