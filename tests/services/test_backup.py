"""Backup and restore: a seeded portal is backed up with `flask backup`, restored with `flask restore`
into another database and storage folder, and every row of every table and every file is equal."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import String, create_engine, func, select, text
from sqlalchemy.engine import make_url

from portal import create_app, demo
from portal.db import Base
from portal.extensions import db as _db
from portal.models import FilePurpose, Organisation, Round
from portal.services import backup, files
from portal.storage import get_storage
from tests.conftest import make_test_config
from tests.services.test_storage_s3 import BUCKET, aws  # noqa: F401 - the moto fixture
from tests.unit import test_filetypes as samples


def _rows(conn, table):  # noqa: ANN001, ANN202
    order = list(table.primary_key.columns) or list(table.columns)
    return [dict(r) for r in conn.execute(select(table).order_by(*order)).mappings()]


def _files_and_logo(app, db, group) -> None:  # noqa: ANN001
    for data, name, purpose in [
        (samples.PDF, "rules.pdf", FilePurpose.CONSTITUTION),
        (samples.docx(), "policy.docx", FilePurpose.SAFEGUARDING_POLICY),
    ]:
        files.store_upload(data, name, purpose=purpose, organisation=group, by=None, max_bytes=10**6)
    round_ = db.session.scalars(select(Round)).first()
    round_.letter_logo_key = get_storage(app.config).save(samples.PNG, prefix="logos")
    db.session.commit()


@pytest.fixture
def seeded(app, db):  # noqa: ANN001, ANN201
    """The demo data, two uploaded files and a letter logo."""
    demo.seed()
    db.session.flush()
    _files_and_logo(app, db, db.session.scalars(select(Organisation).order_by(Organisation.id)).first())
    return app


@pytest.fixture
def small(app, db, make_round, make_organisation):  # noqa: ANN001, ANN201
    """A round, a group, two uploaded files and a letter logo: enough for the refusals."""
    make_round()
    _files_and_logo(app, db, make_organisation())
    return app


@pytest.fixture
def elsewhere(tmp_path: Path, worker_id: str):  # noqa: ANN201
    """Another portal: a new database of the same kind, migrated to head, and its own storage folder."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        parsed = make_url(url)
        name = f"{parsed.database}_restore_{worker_id}"
        admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        target_url = parsed.set(database=name).render_as_string(hide_password=False)
    else:
        target_url = f"sqlite:///{tmp_path / 'restored.db'}"
    other = create_app(make_test_config(target_url, tmp_path / "elsewhere"))
    with other.app_context():
        upgrade()
        _db.engine.dispose()
    yield other
    with other.app_context():
        _db.session.remove()
        _db.engine.dispose()
    if url:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def restore_into(other, folder: Path):  # noqa: ANN001, ANN201
    """`flask restore` in the other portal (commands run in the app context they find: push its own)."""
    with other.app_context():
        return other.test_cli_runner().invoke(args=["restore", "--input", str(folder)])


def test_a_backup_restored_elsewhere_has_every_row_and_file_equal(seeded, elsewhere, tmp_path):
    folder = tmp_path / "backup"
    result = seeded.test_cli_runner().invoke(args=["backup", "--output", str(folder)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["tables"]["users"]["rows"] >= 5
    assert len(manifest["files"]) == 3 and manifest["missing_files"] == []
    assert "and 3 files." in result.output

    result = restore_into(elsewhere, folder)
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output and "and 3 files." in result.output

    with seeded.app_context(), _db.engine.connect() as source:
        expected = {t.name: _rows(source, t) for t in backup.tables()}
        keys = backup.file_keys(source)
    with elsewhere.app_context(), _db.engine.connect() as target:
        for table in backup.tables():
            assert _rows(target, table) == expected[table.name], table.name
        assert backup.file_keys(target) == keys
    assert sum(len(rows) for rows in expected.values()) > 50
    source_storage, target_storage = get_storage(seeded.config), get_storage(elsewhere.config)
    assert Path(seeded.config["STORAGE_PATH"]) != Path(elsewhere.config["STORAGE_PATH"])
    for key in keys:
        assert target_storage.read(key) == source_storage.read(key)


def test_the_restored_portal_carries_on_adding_rows(small, elsewhere, tmp_path):
    folder = tmp_path / "backup"
    small.test_cli_runner().invoke(args=["backup", "--output", str(folder)])
    restore_into(elsewhere, folder)
    with elsewhere.app_context():
        largest = _db.session.scalar(select(func.max(Organisation.id)))
        group = Organisation(name="New after restore", legal_form="charity")
        _db.session.add(group)
        _db.session.commit()
        assert group.id == largest + 1


def test_restore_refuses_a_database_that_holds_rows(small, tmp_path):
    folder = tmp_path / "backup"
    small.test_cli_runner().invoke(args=["backup", "--output", str(folder)])
    result = small.test_cli_runner().invoke(args=["restore", "--input", str(folder)])
    assert result.exit_code == 1
    assert "the database is not empty" in result.output and "restore into a new one" in result.output


def test_restore_refuses_a_tampered_backup_and_changes_nothing(small, elsewhere, tmp_path):
    folder = tmp_path / "backup"
    small.test_cli_runner().invoke(args=["backup", "--output", str(folder)])
    with (folder / "tables" / "users.jsonl").open("a") as rows:
        rows.write('{"id": 999, "email": "intruder@example.org"}\n')
    result = restore_into(elsewhere, folder)
    assert result.exit_code == 1
    assert "tables/users.jsonl is missing or does not match its checksum" in result.output
    with elsewhere.app_context():
        assert _db.session.scalar(select(func.count()).select_from(Base.metadata.tables["users"])) == 0


def test_restore_refuses_another_schema_revision(small, elsewhere, tmp_path):
    folder = tmp_path / "backup"
    small.test_cli_runner().invoke(args=["backup", "--output", str(folder)])
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["schema_revision"] = "0000older"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    result = restore_into(elsewhere, folder)
    assert result.exit_code == 1
    assert "but the backup is at '0000older'" in result.output


def test_a_backup_goes_into_a_new_folder_and_reports_missing_files(small, tmp_path):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "x").write_text("x")
    result = small.test_cli_runner().invoke(args=["backup", "--output", str(tmp_path / "used")])
    assert result.exit_code == 1 and "is not empty" in result.output
    shutil.rmtree(small.config["STORAGE_PATH"] + "/logos")
    result = small.test_cli_runner().invoke(args=["backup", "--output", str(tmp_path / "new")])
    assert result.exit_code == 0
    assert "Warning: 1 files the database refers to were not in storage: logos/" in result.output


def test_every_column_that_names_a_stored_file_is_backed_up():
    """A new column holding a storage key must be added to FILE_KEY_COLUMNS, or its files are lost."""
    named_like_a_key = {
        (table.name, column.name)
        for table in backup.tables()
        for column in table.columns
        if isinstance(column.type, String) and (column.name == "key" or column.name.endswith("_key"))
    }
    assert named_like_a_key - {("settings", "key")} == set(backup.FILE_KEY_COLUMNS.items())


@pytest.mark.usefixtures("aws")
def test_files_go_back_under_their_own_keys_in_a_bucket_too():
    storage = get_storage({"STORAGE_BACKEND": "s3", "S3_BUCKET": BUCKET, "S3_REGION": "eu-west-2"})
    key = "letters/ab12/" + "0" * 32
    backup._put(storage, key, samples.PDF)
    assert storage.read(key) == samples.PDF
    with pytest.raises(backup.BackupError, match="unexpected storage key"):
        backup._put(storage, "../outside", b"x")


def test_a_two_factor_secret_stays_encrypted_in_the_backup_and_works_after_restoring(small, elsewhere, make_user, tmp_path):
    from portal.models import User

    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    user = make_user(email="two.factor@example.org")
    user.two_factor_secret = secret
    _db.session.commit()
    with _db.engine.connect() as source:
        stored = source.execute(text("SELECT two_factor_secret FROM users WHERE id = :id"), {"id": user.id}).scalar()
    folder = tmp_path / "backup"
    assert small.test_cli_runner().invoke(args=["backup", "--output", str(folder)]).exit_code == 0
    users = (folder / "tables" / "users.jsonl").read_text()
    assert secret not in users and stored in users  # the token as the database held it
    assert restore_into(elsewhere, folder).exit_code == 0
    with elsewhere.app_context():
        with _db.engine.connect() as target:
            query = text("SELECT two_factor_secret FROM users WHERE id = :id")
            assert target.execute(query, {"id": user.id}).scalar() == stored  # not encrypted twice
        assert _db.session.get(User, user.id).two_factor_secret == secret
