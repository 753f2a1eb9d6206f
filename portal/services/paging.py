"""One page of a long list, the same way on every paginated page: the items, where they sit in the
whole list and which page numbers to link to. Templates show it with
``templates/_macros/pagination.html``.

A page number past the end is read as the last page (and one below 1 as the first), so a link
kept from before the list shrank still shows something; the page says which page it is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from sqlalchemy import Select, func, select

from portal.extensions import db

T = TypeVar("T")

PER_PAGE = 50
MAX_PAGE = 100_000


def page_count(total: int, per_page: int = PER_PAGE) -> int:
    """How many pages ``total`` items fill (at least 1, so an empty list is "page 1 of 1")."""
    return max(1, math.ceil(total / per_page))


def clamp(page: int | None, total: int, per_page: int = PER_PAGE) -> int:
    """The page asked for, kept between the first and the last page."""
    return min(max(page or 1, 1), page_count(total, per_page), MAX_PAGE)


@dataclass
class Page(Generic[T]):
    items: Sequence[T]
    total: int
    page: int
    per_page: int = PER_PAGE
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        self.pages = page_count(self.total, self.per_page)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def first(self) -> int:
        """The position in the whole list of this page's first item (0 when there is none)."""
        return 0 if not self.total else self.offset + 1

    @property
    def last(self) -> int:
        return min(self.total, self.page * self.per_page)

    def numbers(self, around: int = 2) -> list[int | None]:
        """Page numbers to link to: the first, the last and those near this one; None marks a gap."""
        shown = sorted({1, self.pages, *range(max(1, self.page - around), min(self.pages, self.page + around) + 1)})
        numbers: list[int | None] = []
        for number in shown:
            if numbers and number - (numbers[-1] or 0) > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers


def paginate(query: Select, page: int | None, *, per_page: int = PER_PAGE, scalars: bool = True) -> Page:
    """One page of ``query`` (ordered by the caller) in two statements: a count, then the page.
    ``scalars=False`` keeps whole rows (for queries of several columns)."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    number = clamp(page, total, per_page)
    limited = query.limit(per_page).offset((number - 1) * per_page)
    items = list(db.session.scalars(limited).unique()) if scalars else list(db.session.execute(limited).all())
    return Page(items=items, total=total, page=number, per_page=per_page)


def window(sizes: Sequence[int], offset: int, limit: int) -> list[tuple[int, int, int]]:
    """The part of a list made of runs of ``sizes`` items, one after another, that ``limit`` items
    from ``offset`` cover: per run reached, (its index, the offset within it, how many)."""
    parts = []
    start = 0
    for index, size in enumerate(sizes):
        first, last = max(offset, start), min(offset + limit, start + size)
        if first < last:
            parts.append((index, first - start, last - first))
        start += size
    return parts


def chosen_once(query: Select, name: str):  # noqa: ANN201 - a CTE
    """The ids of a page, worked out once before the rows are joined to them (a materialised CTE
    on PostgreSQL). As a plain subquery, PostgreSQL could put it on the inner side of a nested
    loop and run it again for every outer row: with statistics of empty tables (just after a
    bulk load, or in the tests) a page of 1,000 awards ran for more than 20 minutes."""
    return query.cte(name).prefix_with("MATERIALIZED", dialect="postgresql")
