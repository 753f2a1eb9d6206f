"""The pagination macro (templates/_macros/pagination.html) writes GOV.UK's pagination markup itself,
for speed: it must give what govukPagination gives for the same page, links and labels."""

from __future__ import annotations

import re

import pytest

from portal.services.paging import Page

# Pagination as it was written with GOV.UK's own macro: the reference the test compares against.
WITH_GOVUK_MACRO = """
{%- from "govuk_frontend_jinja/components/pagination/macro.html" import govukPagination -%}
{%- macro reference(page, endpoint, label, param="page", fragment=none) -%}
{%- if page.pages > 1 -%}
  {%- set items = [] -%}
  {%- for number in page.numbers() -%}
    {%- if number is none -%}
      {%- set _ignored = items.append({"ellipsis": true}) -%}
    {%- else -%}
      {%- set _ignored = items.append({
        "number": number,
        "href": url_for(endpoint, _anchor=fragment, **dict(kwargs, **{param: number})),
        "current": number == page.page,
        "visuallyHiddenText": _("Page %(number)d", number=number),
      }) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ govukPagination({
    "items": items,
    "previous": {"href": url_for(endpoint, _anchor=fragment, **dict(kwargs, **{param: page.page - 1})),
                 "text": _("Previous")} if page.page > 1 else none,
    "next": {"href": url_for(endpoint, _anchor=fragment, **dict(kwargs, **{param: page.page + 1})),
             "text": _("Next")} if page.page < page.pages else none,
    "landmarkLabel": label,
  }) }}
{%- endif -%}
{%- endmacro -%}
{{ reference(page, endpoint, label, **args) }}
"""
OURS = """{%- from "_macros/pagination.html" import pagination -%}{{ pagination(page, endpoint, label, **args) }}"""


def _normalised(html: str) -> str:
    """Whitespace between tags and runs of it inside text do not show: compare without them."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def _render(app, source: str, page: Page, endpoint: str, label: str, args: dict) -> str:  # noqa: ANN001
    with app.test_request_context("/"):
        return app.jinja_env.from_string(source).render(page=page, endpoint=endpoint, label=label, args=args)


def _page(number: int, pages: int) -> Page:
    return Page(items=[], total=pages * 50, page=number)


@pytest.mark.parametrize(
    ("number", "pages"),
    [(1, 2), (2, 2), (1, 9), (5, 9), (9, 9), (3, 4), (40, 40)],
)
def test_pagination_is_govuk_pagination_markup(app, db, number: int, pages: int) -> None:  # noqa: ANN001
    args = {"fragment": "queue", "round": 7}
    ours = _render(app, OURS, _page(number, pages), "panel.home", "Pages of your queue", args)
    assert _normalised(ours) == _normalised(
        _render(app, WITH_GOVUK_MACRO, _page(number, pages), "panel.home", "Pages of your queue", args)
    )
    # What the comparison rests on is really there: this page marked, its neighbours linked.
    assert f'aria-current="page"> {number} </a>' in _normalised(ours)
    assert ('rel="prev"' in ours) == (number > 1) and ('rel="next"' in ours) == (number < pages)
    assert f'href="/panel/?round=7&amp;page={pages}#queue"' in ours
    assert ("&ctdot;" in ours) == (pages > 5 + (number not in (1, pages)))


def test_pagination_keeps_filters_escapes_the_label_and_uses_its_own_parameter(app, db) -> None:  # noqa: ANN001
    args = {"param": "rank_page", "round_id": 3, "stream": "a&b"}
    label = 'Pages of "the" <ranking>'
    ours = _render(app, OURS, _page(2, 3), "officers.moderation", label, args)
    assert _normalised(ours) == _normalised(
        _render(app, WITH_GOVUK_MACRO, _page(2, 3), "officers.moderation", label, args)
    )
    assert 'aria-label="Pages of &#34;the&#34; &lt;ranking&gt;"' in ours
    assert "stream=a%26b&amp;rank_page=3" in ours and "page=" not in ours.replace("rank_page=", "")


def test_one_page_shows_no_pagination(app, db) -> None:  # noqa: ANN001
    assert _render(app, OURS, _page(1, 1), "panel.home", "Pages", {}).strip() == ""
