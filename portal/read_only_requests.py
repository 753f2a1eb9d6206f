"""A request that wrote nothing ends its transaction with COMMIT, so that PostgreSQL keeps its plans.

psycopg prepares a statement once it has run five times on a connection, and PostgreSQL then plans
it once instead of on every run. Planning is most of a short statement's time (the review page's
look-up: 1.5 ms planning, 0.2 ms running). But psycopg forgets every prepared statement when a
transaction is rolled back, and a request's transaction ended in a rollback (the session is closed
at the end of the request): no statement ever stayed prepared, and every request planned all of
its statements again.

For a transaction that wrote nothing, COMMIT and ROLLBACK are the same. So after a GET or HEAD on
PostgreSQL whose transaction ran only SELECTs and whose session has nothing waiting to be written,
the transaction is committed. What counts as a SELECT is strict: a statement SQLAlchemy compiled
from a ``select()`` (or a union of them); anything else (an ORM flush, an ``update()``, a
``text()`` statement, a savepoint) marks the transaction as having written, and it ends as before,
with the rollback at the end of the request. So do failed requests, streamed responses and SQLite.
Marking happens on each connection as statements run (no statement of its own: the key pages'
statement budgets are unchanged) and starts again with each transaction.
"""

from __future__ import annotations

from flask import Flask, Response, request
from sqlalchemy import CompoundSelect, Connection, Engine, Select, event

from portal.extensions import db

READ_ONLY_METHODS = frozenset({"GET", "HEAD"})
_WROTE = "portal_transaction_wrote"  # in a connection's ``info``: this transaction ran a non-SELECT


def _is_select(context) -> bool:  # noqa: ANN001 - SQLAlchemy's execution context
    compiled = getattr(context, "compiled", None)
    return (
        compiled is not None
        and isinstance(compiled.statement, Select | CompoundSelect)
        and not (context.isinsert or context.isupdate or context.isdelete or context.isddl)
    )


@event.listens_for(Engine, "begin")
def _new_transaction(conn: Connection) -> None:
    conn.info.pop(_WROTE, None)


@event.listens_for(Engine, "before_cursor_execute")
def _notice_writes(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
    if executemany or not _is_select(context):
        conn.info[_WROTE] = True


def wrote_nothing() -> bool:
    """Whether the session's open transaction has run only SELECTs and has nothing waiting to be
    written (``False`` when it has no transaction)."""
    session = db.session()
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return False
    return not session.connection().info.get(_WROTE, False)


def init_app(app: Flask) -> None:
    @app.after_request
    def _commit_when_nothing_was_written(response: Response) -> Response:
        if (
            request.method in READ_ONLY_METHODS
            and response.status_code < 500
            and not response.is_streamed
            and db.session().get_bind().dialect.name == "postgresql"
            and wrote_nothing()
        ):
            db.session.commit()
        return response
