"""The schema only changes through migrations: they build exactly what the models describe."""

from __future__ import annotations

import os

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, select, text
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


def test_reviews_already_submitted_get_their_weighted_total_when_the_column_is_added(tmp_path):  # noqa: ANN001
    """Migration ab25765831fd: taken back and forward again over a round with uneven weights, an
    archived criterion, unscored criteria and a draft, every submitted review gets the total the
    panel's arithmetic gives, and the draft none."""
    from decimal import Decimal

    from portal.models import Review
    from portal.services import reviews
    from tests import factories

    scratch = create_app(make_test_config(_scratch_url(tmp_path), tmp_path))
    with scratch.app_context():
        upgrade()
        round_ = factories.make_round(title="Before the column", criteria=4)
        for criterion, weight in zip(round_.criteria, ("1.5", "2", "0.25", "3"), strict=True):
            criterion.weight = Decimal(weight)
        round_.criteria[3].is_archived = True
        panel = factories.make_panel(round_=round_, members=3)
        application = factories.make_eligible_application(round_=round_)
        made = [
            factories.make_review(application, panel.members[0], scores=[4, 1, None], submit=True),
            factories.make_review(application, panel.members[1], scores=[None, None, 3], submit=True),
            factories.make_review(application, panel.members[2], scores=[2, 2, 2], submit=False),
        ]
        expected = {r.id: reviews.weighted_total_of(r) if r.status.value == "submitted" else None for r in made}
        ids = [r.id for r in made]
        db.session.commit()
        db.session.remove()
        downgrade(revision="11fc582d58a4")
        upgrade()
        stored = {r.id: r.weighted_total for r in db.session.scalars(select(Review))}
        assert stored == expected
        assert expected == {ids[0]: Decimal("57.14"), ids[1]: Decimal("75"), ids[2]: None}
        if db.engine.dialect.name == "sqlite":  # the migrations turned foreign keys off, and on again
            assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.session.remove()
        db.engine.dispose()


def test_two_factor_secrets_already_there_are_encrypted_and_decrypted_again_going_back(tmp_path):  # noqa: ANN001
    """Migration 5d2a8c4e9b17: a secret kept as plain text before it is encrypted with the app's
    key by the upgrade (and reads back through the model), and plain text again after a downgrade;
    accounts without one keep none."""
    from cryptography.fernet import Fernet

    from portal.models import User
    from tests import factories
    from tests.conftest import TEST_TWO_FACTOR_KEY

    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    scratch = create_app(make_test_config(_scratch_url(tmp_path), tmp_path))
    with scratch.app_context():
        upgrade()
        enrolled, without = factories.make_user(email="enrolled@example.org"), factories.make_user()
        ids = (enrolled.id, without.id)
        db.session.commit()
        db.session.remove()
        downgrade(revision="3c9e1f0a7b42")
        raw = text("SELECT two_factor_secret FROM users WHERE id = :id")
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE users SET two_factor_secret = :s WHERE id = :id"), {"s": secret, "id": ids[0]})
        upgrade()
        with db.engine.connect() as conn:
            token = conn.execute(raw, {"id": ids[0]}).scalar()
            assert conn.execute(raw, {"id": ids[1]}).scalar() is None
            # The table was rebuilt on SQLite: the rows that hang from the accounts are all still there.
            assert conn.execute(text("SELECT count(*) FROM user_roles")).scalar() == 2
        assert secret not in token and Fernet(TEST_TWO_FACTOR_KEY).decrypt(token.encode()).decode() == secret
        assert db.session.get(User, ids[0]).two_factor_secret == secret
        db.session.remove()
        downgrade(revision="3c9e1f0a7b42")
        with db.engine.connect() as conn:
            assert conn.execute(raw, {"id": ids[0]}).scalar() == secret
        db.session.remove()
        db.engine.dispose()
