"""Query budgets: how many SQL statements one request runs, with lazy loading refused meanwhile.

    with count_queries() as log:
        response = client.get("/panel/")
    assert log.count <= 10, log.report()

While counting, every statement the engine sends is recorded (``before_cursor_execute``), and
any lazy load of a relationship that would run SQL raises ``LazyLoadRefused`` naming the
relationship (``Review.application``): a page that loads rows one at a time (an N+1) fails loudly
instead of quietly growing with the data. Relationships a page needs must be loaded eagerly
(``selectinload``, ``joinedload``, ``contains_eager``) by the query that loads their parents. A
many-to-one already in the session's identity map costs no SQL and is allowed, as is a
relationship the model loads eagerly itself (``lazy="selectin"``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import ORMExecuteState, Session


class LazyLoadRefused(AssertionError):
    """A relationship was lazy loaded while queries were being counted."""


@dataclass
class QueryLog:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)

    def report(self) -> str:
        """Every statement, numbered and shortened, for a failing assertion's message."""
        lines = [f"{self.count} statements:"]
        lines += [f"{n:3}. {' '.join(sql.split())[:300]}" for n, sql in enumerate(self.statements, 1)]
        return "\n".join(lines)


def _relationship_name(state: ORMExecuteState) -> str:
    path = state.loader_strategy_path
    prop = getattr(path, "prop", None) if path is not None else None
    if prop is not None:
        return f"{prop.parent.class_.__name__}.{prop.key}"
    loaded_from = state.lazy_loaded_from
    return f"a relationship of {loaded_from.class_.__name__}" if loaded_from is not None else "a relationship"


def _lazy_load_refuser(allowed: frozenset[str]):  # noqa: ANN202
    def refuse(state: ORMExecuteState) -> None:
        if not state.is_select or state.lazy_loaded_from is None:
            return
        name = _relationship_name(state)
        if name not in allowed:
            raise LazyLoadRefused(
                f"lazy load of {name} while counting queries: load it eagerly "
                "(selectinload / joinedload / contains_eager) with its parent"
            )

    return refuse


@contextmanager
def count_queries(engine: Engine | None = None, *, allow_lazy: Iterable[str] = ()) -> Iterator[QueryLog]:
    """Count the SQL statements run inside the block and refuse lazy loads (see the module), but
    those named in ``allow_lazy`` ("Model.relationship"): they are still counted."""
    if engine is None:
        from portal.extensions import db

        engine = db.engine
    log = QueryLog()
    refuse = _lazy_load_refuser(frozenset(allow_lazy))

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        log.statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    event.listen(Session, "do_orm_execute", refuse)
    try:
        yield log
    finally:
        event.remove(Session, "do_orm_execute", refuse)
        event.remove(engine, "before_cursor_execute", record)
