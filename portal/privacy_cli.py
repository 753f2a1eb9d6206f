"""Data-protection and recovery commands (issue #8): apply-retention, export-person, backup, restore."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask, current_app

from portal.db import refresh_statistics
from portal.extensions import db


def init_app(app: Flask) -> None:
    @app.cli.command("backup")
    @click.option("--output", required=True, type=click.Path(file_okay=False, path_type=Path), help="A new folder.")
    def backup_command(output: Path) -> None:
        """Back up every table and every stored file into a new folder (works on SQLite and PostgreSQL)."""
        from portal.db import utcnow
        from portal.services.backup import BackupError, make_backup
        from portal.storage import get_storage

        try:
            with db.engine.connect() as conn:
                if conn.dialect.name == "postgresql":  # one snapshot for every table, as pg_dump takes
                    conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
                with conn.begin():
                    manifest = make_backup(conn, get_storage(current_app.config), output, now=utcnow())
        except BackupError as error:
            raise click.ClickException(str(error)) from error
        rows = sum(entry["rows"] for entry in manifest["tables"].values())
        click.echo(f"Backed up {rows} rows in {len(manifest['tables'])} tables and {len(manifest['files'])} files.")
        if manifest["missing_files"]:
            click.echo(
                f"Warning: {len(manifest['missing_files'])} files the database refers to were not in storage: "
                + ", ".join(manifest["missing_files"][:10]),
                err=True,
            )

    @app.cli.command("restore")
    @click.option("--input", "folder", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
    def restore_command(folder: Path) -> None:
        """Restore a backup into an empty database migrated to the backup's revision (flask db upgrade)."""
        from portal.services.backup import BackupError, restore_backup
        from portal.storage import get_storage

        try:
            with db.engine.begin() as conn:  # all rows or none
                manifest = restore_backup(conn, get_storage(current_app.config), folder)
        except BackupError as error:
            raise click.ClickException(str(error)) from error
        refresh_statistics(db.engine)
        rows = sum(entry["rows"] for entry in manifest["tables"].values())
        click.echo(f"Restored {rows} rows in {len(manifest['tables'])} tables and {len(manifest['files'])} files.")

    _privacy_commands(app)


def _privacy_commands(app: Flask) -> None:
    @app.cli.command("apply-retention")
    @click.option("--years", type=int, default=None, help="Default: the RETENTION_YEARS setting.")
    @click.option("--dry-run", is_flag=True, help="Say what would be anonymised; change nothing.")
    def apply_retention_command(years: int | None, dry_run: bool) -> None:
        """Anonymise personal data of rounds closed longer ago than the retention period; awards are kept."""
        from portal.services import retention
        from portal.storage import get_storage

        years = years if years is not None else int(current_app.config["RETENTION_YEARS"])
        if years < 1:
            raise click.ClickException("--years must be 1 or more")
        report = retention.apply_retention(years=years)
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
            retention.delete_files(report, get_storage(current_app.config))  # after the commit: never lose a row's file
        click.echo(("Would anonymise: " if dry_run else "Anonymised: ") + report.summary())

    @app.cli.command("export-person")
    @click.argument("email")
    @click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
    def export_person_command(email: str, output: Path) -> None:
        """Export everything held about one person (a subject access request) as JSON."""
        from portal.services.subject_access import PersonNotFound, export_person

        try:
            data = export_person(email)
        except PersonNotFound as error:
            raise click.ClickException(str(error)) from error
        db.session.commit()  # the audit event that the export was made
        output.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True, default=str), "utf-8")
        click.echo(f"Exported {sum(len(v) for v in data.values() if isinstance(v, list))} records to {output}.")
