"""The rendered parts of pages drawn from a whole round or work stream (the programme dashboard,
moderation, the public register), kept as HTML until anything changes.

Those pages are read far more often than their data changes: an officer returns to the dashboard,
a panel meeting reloads moderation, the public pages through the register. Their figures are
already kept (``figures_cache``), but writing them out (tables of hundreds of rows, charts) costs
more than working them out. So the part of the page that depends only on the data is rendered once
and kept under:

- the newest change's id (``figures_cache.last_change``): a recorded change is seen on the next
  request, exactly as for the figures; and ``FIGURES_CACHE_SECONDS`` bounds any other;
- the language of the page, and
- a key the caller gives, naming everything else the part depends on: the round, work stream,
  filters and page number asked for, the day (for "late" and "due soon"), and whether the reader
  may follow links to officers' pages.

A kept part must not hold anything personal to the reader or to the session: no form with a CSRF
token, no name of who is signed in. Those stay in the page around it, rendered each time.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass

from flask import get_template_attribute, render_template
from flask_babel import get_locale
from markupsafe import Markup

from portal.domain.returns import LABELS as RETURN_LABELS
from portal.forms import COMMUNITY_LABELS
from portal.models import Round, WorkStream
from portal.services import dashboard_page, figures_cache, moderation_page, monitoring, public_register
from portal.services.paging import Page


@dataclass(frozen=True)
class KeptPart:
    html: Markup  # the part itself
    title: Markup  # what it adds to the page's title, such as " (page 2 of 9)"; may be empty


def kept_part(key: Hashable, render: Callable[[], tuple[str, str]]) -> KeptPart:
    """The part ``render()`` gives as ``(html, title)`` for ``key`` in this language, rendered
    again only when something has changed since."""
    html, title = figures_cache.remembered(
        ("part", str(get_locale()), key), lambda: tuple(str(text) for text in render()), kind="parts"
    )
    # Our own templates' output, escaped as they rendered it; kept by this process only.
    return KeptPart(Markup(html), Markup(title))  # noqa: S704  # nosec B704


# --- the parts kept ----------------------------------------------------------------------------


def dashboard(round_: Round, page: int, *, endpoint: str, links: bool) -> KeptPart:
    """The programme dashboard of ``round_`` below the round picker, with page ``page`` of its
    awards. ``links``: to each award's page (officers), or names only (panel members)."""
    today = monitoring.local_today()  # returns late or due soon change with the day

    def render() -> tuple[str, str]:
        view = dashboard_page.dashboard_page(round_, today=today, page=page)
        html = render_template(
            "officers/dashboard_part.html", view=view, endpoint=endpoint, links=links,
            community_labels=COMMUNITY_LABELS, labels=RETURN_LABELS,
        )  # fmt: skip
        return html, _page_of(view.award_page)

    return kept_part(("dashboard", round_.id, page, today, endpoint, links), render)


def _page_of(page: Page) -> str:
    return get_template_attribute("_macros/pagination.html", "page_of")(page)


def moderation(round_: Round, stream: WorkStream, page: int, ranking_page: int) -> KeptPart:
    """The officers' moderation page of ``stream`` below its heading: page ``page`` of its EOIs and
    ``ranking_page`` of its ranking. (The panel's read-only page is not kept: what it hides depends
    on the member reading it.)"""

    def render() -> tuple[str, str]:
        view = moderation_page.moderation_page(round_, stream, page=page, ranking_page=ranking_page)
        return render_template("officers/moderation_part.html", round=round_, view=view), _page_of(view.eoi_page)

    return kept_part(("moderation", round_.id, stream.id, page, ranking_page), render)


def register(stream_id: int | None, round_id: int | None, locality_id: int | None, page: int) -> KeptPart:
    """The public register of awards, filtered so (``None``: all), page ``page``: the same for
    every visitor."""
    chosen = {"stream": stream_id, "round": round_id, "locality": locality_id}

    def render() -> tuple[str, str]:
        found = public_register.public_register(
            work_stream_id=stream_id, round_id=round_id, locality_id=locality_id, page=page
        )
        html = render_template(
            "public/register_part.html", register=found, stream_id=stream_id, round_id=round_id,
            locality_id=locality_id, args={name: value for name, value in chosen.items() if value is not None},
        )  # fmt: skip
        return html, _page_of(found.page)

    return kept_part(("register", stream_id, round_id, locality_id, page), render)
