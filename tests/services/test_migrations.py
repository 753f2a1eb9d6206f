"""The schema only changes through migrations: they build exactly what the models describe."""

from __future__ import annotations

import os

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from portal import create_app
from portal.db import render_migration_item
from portal.extensions import db
from tests.conftest import make_test_config


def _differences(engine) -> list:  # noqa: ANN001
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "render_item": render_migration_item})
        return compare_metadata(context, db.metadata)


def test_migrations_build_exactly_the_models(app):
    """The test database was built by running the migrations; autogenerate finds nothing to add."""
    assert _differences(db.engine) == []


def _scratch_url(tmp_path) -> str:  # noqa: ANN001
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_path / 'scratch.db'}"
    url = make_url(base)
    name = f"{url.database}_migrations_{os.getpid()}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def test_an_empty_database_upgrades_downgrades_and_upgrades_again(tmp_path):
    scratch = create_app(make_test_config(_scratch_url(tmp_path), tmp_path))
    with scratch.app_context():
        upgrade()
        assert "rounds" in inspect(db.engine).get_table_names()
        assert _differences(db.engine) == []
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert _differences(db.engine) == []
        db.session.remove()
        db.engine.dispose()
