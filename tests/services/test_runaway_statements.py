"""A statement that runs away (a bad plan, a lock never let go) fails its test with PostgreSQL's own
message instead of holding the whole CI run until its time limit: the test databases are opened
with a statement timeout (tests/conftest.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from tests.conftest import TEST_STATEMENT_TIMEOUT_MS

pytestmark = pytest.mark.postgres


def test_every_test_connection_gives_up_on_a_statement_that_runs_too_long(db):
    if db.engine.dialect.name != "postgresql":
        pytest.fail(
            "this test needs PostgreSQL: set TEST_DATABASE_URL (scripts/test does), or deselect with -m 'not postgres'"
        )
    with db.engine.connect() as conn:
        assert conn.execute(text("SHOW statement_timeout")).scalar() == f"{TEST_STATEMENT_TIMEOUT_MS // 60_000}min"
        # The same setting, made short for this connection, really stops a long statement.
        conn.execute(text("SET LOCAL statement_timeout = 50"))  # until the rollback below
        with pytest.raises(OperationalError, match="statement timeout"):
            conn.execute(text("SELECT pg_sleep(5)"))
        conn.rollback()
