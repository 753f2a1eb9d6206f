"""On PostgreSQL a GET that only read ends its transaction with COMMIT (portal/read_only_requests.py),
so that psycopg keeps its prepared statements (a rollback makes it forget them all) and PostgreSQL
stops planning every statement of every request; a GET that wrote anything is never committed."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import DataError

from portal.db import planned_once_for_any_values
from portal.extensions import db as _db
from portal.models import Setting
from portal.services import panel_queue
from tests import factories

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _needs_postgresql(db) -> None:  # noqa: ANN001
    if db.engine.dialect.name != "postgresql":
        pytest.fail("this test needs PostgreSQL: set TEST_DATABASE_URL (scripts/test does)")


@contextmanager
def _ends(engine):  # noqa: ANN001, ANN202
    """How the transactions on ``engine`` ended while inside: commits and rollbacks counted."""
    ended = {"commit": 0, "rollback": 0}

    def on_commit(conn) -> None:  # noqa: ANN001
        ended["commit"] += 1

    def on_rollback(conn) -> None:  # noqa: ANN001
        ended["rollback"] += 1

    event.listen(engine, "commit", on_commit)
    event.listen(engine, "rollback", on_rollback)
    try:
        yield ended
    finally:
        event.remove(engine, "commit", on_commit)
        event.remove(engine, "rollback", on_rollback)


def _write_routes(app) -> None:  # noqa: ANN001
    """Two GETs that write without committing (which no page of the portal does): one through the
    ORM, one with a statement written out."""

    @app.get("/_test/orm-write")
    def orm_write() -> str:
        _db.session.scalar(select(Setting.key).limit(1))
        _db.session.add(Setting(key="written-by-a-get", value=1))
        _db.session.flush()
        return "wrote"

    @app.get("/_test/text-write")
    def text_write() -> str:
        _db.session.execute(
            text("INSERT INTO settings (key, value, updated_at) VALUES ('written-by-a-get', '1', now())")
        )
        return "wrote"


def test_a_page_that_only_reads_ends_with_commit_and_its_statements_stay_prepared(app, db, client):
    db.session.commit()
    with _ends(db.engine) as ended:
        page = client.get("/awards")
    assert page.status_code == 200
    assert ended["commit"] == 1 and ended["rollback"] == 0

    for _ in range(6):  # psycopg prepares a statement on its sixth run on a connection
        client.get("/awards")
    # What every look at the register runs (the rest of it is kept as HTML): the language setting
    # and the newest change, each planned once and kept.
    prepared = db.session.scalars(text("SELECT statement FROM pg_prepared_statements")).all()
    assert any("FROM settings" in statement for statement in prepared)
    assert any("FROM audit_events" in statement for statement in prepared)


@pytest.mark.parametrize("path", ["/_test/orm-write", "/_test/text-write"])
def test_a_get_that_wrote_is_never_committed(app, db, client, path):
    _write_routes(app)
    db.session.commit()
    with _ends(db.engine) as ended:
        assert client.get(path).data == b"wrote"
    assert ended["commit"] == 0
    db.session.rollback()  # what the end of a real request does with it
    assert db.session.get(Setting, "written-by-a-get") is None


def _plan_mode() -> str:
    return _db.session.scalar(text("SHOW plan_cache_mode"))


@pytest.mark.parametrize("before", ["auto", "force_custom_plan"])
def test_plans_for_any_values_last_only_for_the_block_and_the_mode_before_comes_back(app, db, before):
    db.session.commit()
    db.session.execute(text(f"SET LOCAL plan_cache_mode = {before}"))
    with planned_once_for_any_values(db.session()):
        assert _plan_mode() == "force_generic_plan"
    assert _plan_mode() == before
    with pytest.raises(RuntimeError), planned_once_for_any_values(db.session()):
        raise RuntimeError("a statement failed")
    assert _plan_mode() == before
    db.session.rollback()


def test_a_statement_that_fails_in_the_block_is_the_error_seen(app, db):
    db.session.commit()
    with pytest.raises(DataError, match="division by zero"), planned_once_for_any_values(db.session()):
        db.session.execute(text("SELECT 1 / 0"))
    db.session.rollback()
    assert _plan_mode() != "force_generic_plan"  # the rollback put it back


def test_the_statements_after_the_queues_page_plan_as_postgresql_chooses(app, db, login_as, make_round, make_panel):
    member = login_as("panel_member")
    round_ = make_round()
    panel = make_panel(round_=round_, members=[member])
    factories.make_review(factories.make_application(round_=round_, complete=True), panel.members[0])
    db.session.commit()
    with app.test_request_context("/panel/"):
        before = _plan_mode()
        assert panel_queue.queue(member).page.items
        assert _plan_mode() == before == "auto"
        _db.session.rollback()


def test_the_panel_queue_plans_its_page_of_reviews_once_and_still_ends_with_commit(
    app, db, client, login_as, make_round, make_panel, make_eligible_application
):
    member = login_as("panel_member")
    round_ = make_round()
    panel = make_panel(round_=round_, members=[member])
    for _ in range(3):
        factories.make_review(make_eligible_application(round_=round_), panel.members[0])
    db.session.commit()
    db.session.close()
    db.engine.dispose()  # one connection from here: the pages' statements are prepared on it, and seen below
    with _ends(db.engine) as ended:
        assert client.get("/panel/").status_code == 200
    assert ended["commit"] == 1 and ended["rollback"] == 0
    for _ in range(8):
        client.get("/panel/")
    plans = db.session.execute(
        text("SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE '%page_rows%'")
    ).all()
    assert plans, "the page of reviews was not kept prepared"
    assert all(generic >= 1 and custom == 0 for generic, custom in plans)
