"""Backup and restore that work the same on SQLite and PostgreSQL: every table as JSON lines, the files
the database refers to, and a manifest with row counts and sha256 checksums.

A backup folder::

    manifest.json              format, when, the schema revision, tables (rows, sha256), files (sha256, size)
    tables/<table>.jsonl       one JSON object per row, in primary-key order
    files/<storage key>        every stored file a row points to (uploads, letters, logos, letter ZIPs)

``restore`` checks every checksum first, then loads the rows in dependency order into an empty
database migrated to the same revision, and puts the files back under the same keys. Neither
function commits: the command that calls them does.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Date, DateTime, LargeBinary, Numeric, Table, bindparam, func, select, text
from sqlalchemy.engine import Connection

from portal.db import Base, Sealed
from portal.storage import KEY_PATTERN, LocalStorage, S3Storage, Storage, StorageError

log = logging.getLogger(__name__)

FORMAT = "grants-portal-backup/1"
BATCH = 1000

# The columns that hold a storage key: the files a backup carries with the rows.
FILE_KEY_COLUMNS: dict[str, str] = {
    "stored_files": "key",
    "letters": "storage_key",
    "letter_batches": "zip_key",
    "rounds": "letter_logo_key",
}
_SAFE_KEY = re.compile(r"[A-Za-z0-9_-]+(?:/[A-Za-z0-9_.-]+)*")


class BackupError(Exception):
    """The backup cannot be made or restored; the message says why."""


def tables() -> list[Table]:
    """Every table of the schema, parents before children."""
    import portal.models  # noqa: F401 - every model registered on the metadata

    return list(Base.metadata.sorted_tables)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"cannot back up a {type(value).__name__}")


def _decoder(column) -> Any:  # noqa: ANN001
    """How to turn a column's JSON value back into what the column takes."""
    kind = column.type
    if isinstance(kind, JSON):
        return None
    impl = getattr(kind, "impl", kind)
    if isinstance(impl, DateTime):
        return datetime.fromisoformat
    if isinstance(impl, Date):
        return date.fromisoformat
    if isinstance(impl, Numeric):
        return Decimal
    if isinstance(impl, LargeBinary):
        return base64.b64decode
    return None


def _sealed(table: Table) -> list[str]:
    """The sealed columns (``portal.db.Sealed``), read and written as the database holds them: a
    backup keeps a two-factor secret encrypted, and restoring it writes the same token back (the
    restored portal needs a key that opens it, as the original did)."""
    return [c.name for c in table.columns if isinstance(c.type, Sealed)]


def _rows(conn: Connection, table: Table) -> Iterator[dict[str, Any]]:
    order = list(table.primary_key.columns) or list(table.columns)
    sealed = _sealed(table)
    columns = [Sealed.as_stored(c).label(c.name) if c.name in sealed else c for c in table.columns]
    for row in conn.execute(select(*columns).order_by(*order)).mappings():
        yield dict(row)


def schema_revision(conn: Connection) -> str | None:
    try:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # noqa: BLE001 - no alembic_version table: not a migrated database
        return None


def file_keys(conn: Connection) -> list[str]:
    keys: set[str] = set()
    for table in tables():
        column = FILE_KEY_COLUMNS.get(table.name)
        if column is not None:
            keys.update(k for k in conn.execute(select(table.c[column]).where(table.c[column].is_not(None))).scalars())
    return sorted(keys)


def make_backup(conn: Connection, storage: Storage, output: Path, *, now: datetime) -> dict[str, Any]:
    """Write a backup of the database ``conn`` reads and of the files in ``storage`` into ``output``
    (which must be empty or new); returns the manifest."""
    output = Path(output)
    if output.exists() and any(output.iterdir()):
        raise BackupError(f"{output} is not empty: choose a new folder for the backup")
    (output / "tables").mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "created_at": now.isoformat(),
        "dialect": conn.dialect.name,
        "schema_revision": schema_revision(conn),
        "tables": {},
        "files": {},
        "missing_files": [],
    }
    for table in tables():
        path = output / "tables" / f"{table.name}.jsonl"
        count = 0
        with path.open("w", encoding="utf-8") as out:
            for row in _rows(conn, table):
                out.write(json.dumps(row, default=_encode, ensure_ascii=False, sort_keys=True) + "\n")
                count += 1
        manifest["tables"][table.name] = {"rows": count, "sha256": _sha256(path)}
    for key in file_keys(conn):
        if not _SAFE_KEY.fullmatch(key) or ".." in key.split("/"):
            raise BackupError(f"unexpected storage key {key!r}")
        try:
            data = storage.read(key)
        except StorageError:
            manifest["missing_files"].append(key)
            log.warning("backup: file %s is referred to but missing from storage", key)
            continue
        target = output / "files" / key
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        manifest["files"][key] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    (output / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    return manifest


def read_manifest(folder: Path) -> dict[str, Any]:
    """The backup's manifest, once every table and file in it matches its checksum."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"no readable manifest.json in {folder}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder} is not a backup this portal can read (format {manifest.get('format')!r})")
    for name, entry in manifest["tables"].items():
        path = folder / "tables" / f"{name}.jsonl"
        if not path.is_file() or _sha256(path) != entry["sha256"]:
            raise BackupError(f"tables/{name}.jsonl is missing or does not match its checksum")
    for key, entry in manifest["files"].items():
        if not _SAFE_KEY.fullmatch(key) or ".." in key.split("/"):
            raise BackupError(f"unexpected storage key {key!r} in the manifest")
        path = folder / "files" / key
        if not path.is_file() or _sha256(path) != entry["sha256"]:
            raise BackupError(f"files/{key} is missing or does not match its checksum")
    return manifest


def _put(storage: Storage, key: str, data: bytes) -> None:
    """Store ``data`` under the key it had (``Storage.save`` always makes a new key)."""
    put = getattr(storage, "put", None)
    if callable(put):
        put(key, data)
        return
    if isinstance(storage, S3Storage):
        if not KEY_PATTERN.fullmatch(key):
            raise BackupError(f"unexpected storage key {key!r}")
        storage.client.put_object(Bucket=storage.bucket, Key=key, Body=data, ContentType="application/octet-stream")
        return
    if not isinstance(storage, LocalStorage):
        raise BackupError(f"cannot restore files into {type(storage).__name__}: it has no put(key, data)")
    root = storage.root
    path = (root / key).resolve()
    if root not in path.parents:
        raise BackupError(f"unexpected storage key {key!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def restore_backup(conn: Connection, storage: Storage, folder: Path) -> dict[str, Any]:
    """Load a backup into the empty, migrated database ``conn`` writes to, and its files into
    ``storage``; returns the manifest. Refuses a database that already holds rows or is at
    another schema revision."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    revision = schema_revision(conn)
    if revision != manifest["schema_revision"]:
        raise BackupError(
            f"the database is at schema revision {revision!r} but the backup is at "
            f"{manifest['schema_revision']!r}: run 'flask db upgrade {manifest['schema_revision']}' on an empty "
            "database first"
        )
    known = tables()
    if set(manifest["tables"]) != {t.name for t in known}:
        raise BackupError("the backup's tables are not this portal's tables")
    busy = [t.name for t in known if conn.execute(select(func.count()).select_from(t)).scalar()]
    if busy:
        raise BackupError(f"the database is not empty ({', '.join(busy[:5])} hold rows): restore into a new one")
    for table in known:
        decoders = {c.name: d for c in table.columns if (d := _decoder(c)) is not None}
        sealed = {name: Sealed.as_stored(bindparam(name)) for name in _sealed(table)}
        insert = table.insert().values(sealed) if sealed else table.insert()
        batch: list[dict[str, Any]] = []
        with (folder / "tables" / f"{table.name}.jsonl").open(encoding="utf-8") as rows:
            for line in rows:
                row = json.loads(line)
                for name, decode in decoders.items():
                    if row.get(name) is not None:
                        row[name] = decode(row[name])
                batch.append(row)
                if len(batch) >= BATCH:
                    conn.execute(insert, batch)
                    batch = []
        if batch:
            conn.execute(insert, batch)
    if conn.dialect.name == "postgresql":
        _reset_sequences(conn, known)
    for key in manifest["files"]:
        _put(storage, key, (folder / "files" / key).read_bytes())
    return manifest


def _reset_sequences(conn: Connection, known: list[Table]) -> None:
    """After rows arrive with their ids, PostgreSQL's sequences must continue after the largest."""
    for table in known:
        if "id" not in table.c or not table.c.id.primary_key:
            continue
        largest = conn.execute(select(func.max(table.c.id))).scalar() or 0
        conn.execute(
            text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :next, false)"),
            {"table": table.name, "next": largest + 1},
        )
