"""The declarative base, constraint naming convention, time helpers, the Money type and the Sealed
type (text encrypted at rest)."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import (
    DateTime,
    MetaData,
    Numeric,
    Select,
    String,
    TypeDecorator,
    bindparam,
    event,
    func,
    select,
    text,
    type_coerce,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC; always gives back aware UTC datetimes (SQLite drops tzinfo)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:  # noqa: ANN001
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column: pass an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:  # noqa: ANN001
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Money(TypeDecorator[Decimal]):
    """Pounds and pence: Numeric(12, 2), always a Decimal."""

    impl = Numeric(12, 2, asdecimal=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):  # noqa: ANN001, ANN201
        if value is None:
            return None
        return Decimal(value).quantize(Decimal("0.01"))


class Sealed(TypeDecorator[str]):
    """Text kept encrypted in the database, for a secret the portal must read back (a two-factor
    secret; passwords and codes are hashed instead). Python sees the plain text; the column holds a
    Fernet token made with the app's first ``TWO_FACTOR_KEYS`` key, and any of its keys opens one.
    A token no key opens raises ``cryptography.fernet.InvalidToken``: it fails closed, never as if
    there were no secret."""

    impl = String(255)  # a 32-character secret makes a 140-character token
    cache_ok = True

    def process_bind_param(self, value, dialect):  # noqa: ANN001, ANN201
        return None if value is None else _sealer().encrypt(value.encode()).decode()

    def process_result_value(self, value, dialect):  # noqa: ANN001, ANN201
        return None if value is None else _sealer().decrypt(value.encode()).decode()

    @staticmethod
    def as_stored(column):  # noqa: ANN001, ANN205 - a column expression
        """``column`` read or written as the database holds it: the token, not the secret."""
        return type_coerce(column, Sealed.impl)

    @staticmethod
    def opens(token: str) -> bool:
        """Whether one of the app's keys opens ``token`` (a value as the database holds it)."""
        from cryptography.fernet import InvalidToken

        try:
            _sealer().decrypt(token.encode())
        except InvalidToken:
            return False
        return True


def sealer_for(keys: tuple[str, ...]):  # noqa: ANN201 - a MultiFernet
    """The Fernet keys as one: the first encrypts, any decrypts."""
    from cryptography.fernet import Fernet, MultiFernet

    return MultiFernet([Fernet(key) for key in keys])


def _sealer():  # noqa: ANN202
    from flask import current_app

    return current_app.extensions["sealer"]


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime(), Decimal: Money()},
    )


def enum_column(enum_cls):  # noqa: ANN001, ANN201
    """A StrEnum stored as its string value (not the member name), checked in Python."""
    from sqlalchemy import Enum

    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=40,
        values_callable=lambda members: [m.value for m in members],
    )


def render_migration_item(type_, obj, autogen_context):  # noqa: ANN001, ANN201
    """Autogenerate writes our column types as plain SQLAlchemy types, so migrations never import
    application code that may change later."""
    if type_ == "type":
        if isinstance(obj, UTCDateTime):
            return "sa.DateTime(timezone=True)"
        if isinstance(obj, Money):
            return "sa.Numeric(precision=12, scale=2)"
        if isinstance(obj, Sealed):
            return "sa.String(length=255)"
    return False


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:  # noqa: ANN001
    """SQLite: enforce foreign keys (off by default) and let readers and a writer work together."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def refresh_statistics(engine: Engine) -> None:
    """Tell the database's query planner what the tables now hold (ANALYZE). After a bulk load
    (``flask restore``, ``flask seed-large``) its estimates are still those of empty tables, and on
    PostgreSQL the moderation page took 1.8 s instead of 0.13 s until autovacuum caught up.

    On PostgreSQL it is VACUUM ANALYZE: the vacuum marks the new rows' pages as visible to every
    transaction, so that a count can be answered from an index alone (a panel member's queue counts
    their reviews so) instead of reading a table page for each row. VACUUM cannot run inside a
    transaction, hence the connection in autocommit."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        return
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))


@functools.cache
def _plan_mode_statement() -> Select:
    # set_config(..., true) is SET LOCAL written as a SELECT: the request still counts as one that
    # wrote nothing (portal/read_only_requests.py), and it is prepared like any other statement. It
    # gives the mode it was, read first (PostgreSQL works out a SELECT's columns in order).
    return select(
        func.current_setting("plan_cache_mode"),
        func.set_config("plan_cache_mode", bindparam("mode"), True),
    )


@contextmanager
def planned_once_for_any_values(session: Session) -> Iterator[None]:
    """Inside the block, PostgreSQL plans a prepared statement once for any values of its
    parameters instead of again on every run (``plan_cache_mode``), then goes back to choosing for
    itself; nothing to do on SQLite. PostgreSQL chooses by estimated cost, and for a statement with
    a ``LIMIT`` and ``OFFSET`` whose values it cannot see it kept re-planning one whose plan never
    changes: the panel queue's page of reviews took 0.8 ms a run so, 0.4 ms planned once. Run only
    such statements inside: one whose best plan depends on its values (a ``LIMIT 1`` it must see)
    would get a worse one."""
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    before = session.execute(_plan_mode_statement(), {"mode": "force_generic_plan"}).one()[0]
    try:
        yield
    except BaseException:
        # A statement that failed in the block has aborted the transaction: putting the mode back
        # fails too (its rollback does it), and the first error is the one to see.
        with suppress(DBAPIError):
            session.execute(_plan_mode_statement(), {"mode": before})
        raise
    session.execute(_plan_mode_statement(), {"mode": before})
