"""Flask commands: create-user, seed-demo, send-outbox, open-and-close-rounds."""

from __future__ import annotations

import getpass

import click
from cryptography.fernet import InvalidToken
from flask import Flask
from sqlalchemy import func, select

from portal.domain.roles import Role
from portal.extensions import db


def init_app(app: Flask) -> None:
    @app.cli.command("create-user")
    @click.option("--email", required=True)
    @click.option("--name", "full_name", required=True)
    @click.option("--role", "roles", multiple=True, required=True, type=click.Choice([r.value for r in Role]))
    @click.option("--password", help="Asked for if not given (safer: not kept in shell history).")
    def create_user_command(email: str, full_name: str, roles: tuple[str, ...], password: str | None) -> None:
        """Create a user with one or more roles, e.g. --role officer --role admin."""
        from portal.services import ServiceError, accounts
        from portal.templating import translate_message

        if password is None:
            password = getpass.getpass("Password: ")
        try:
            user = accounts.create_user(email, full_name, roles={Role(r) for r in roles}, password=password, by=None)
        except ServiceError as error:
            db.session.rollback()
            raise click.ClickException(translate_message(error.message)) from error
        db.session.commit()
        click.echo(f"Created {user.email} with roles: {', '.join(sorted(roles))}")

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing if the database already has funds or users.")
    def seed_demo_command(if_empty: bool) -> None:
        """Load the demo programme, organisations and one account per role."""
        from portal import demo
        from portal.models import Fund, User

        if if_empty and (
            db.session.scalar(select(func.count(Fund.id))) or db.session.scalar(select(func.count(User.id)))
        ):
            click.echo("The database already has data: demo data not loaded.")
            return
        accounts = demo.seed()
        db.session.commit()
        click.echo("Demo data loaded. Demo accounts (for this machine only):")
        for role, email, password in accounts:
            click.echo(f"  {role:<13} {email:<32} password: {password}")

    @app.cli.command("send-outbox")
    def send_outbox_command() -> None:
        """Send (or retry) e-mails waiting in the outbox."""
        from portal.mail import deliver_outbox

        click.echo(f"Sent {deliver_outbox(limit=1000)} e-mail(s).")

    @app.cli.command("reseal-two-factor")
    @click.option(
        "--reset-unreadable",
        is_flag=True,
        help="After a lost key: reset two-factor sign-in for every account whose secret no key opens.",
    )
    def reseal_two_factor_command(reset_unreadable: bool) -> None:
        """Encrypt every two-factor secret again with the first of PORTAL_TWO_FACTOR_KEYS (after a new
        key was put first), so that the older keys can then be taken out."""
        from portal.services.two_factor import reseal_all
        from portal.services.two_factor import reset_unreadable as reset_accounts

        if reset_unreadable:
            for email in reset_accounts():
                click.echo(f"Reset two-factor sign-in for {email}: they set it up again at their next sign-in.")
        try:
            count = reseal_all()
        except InvalidToken:
            raise click.ClickException(
                "Some two-factor secrets cannot be opened with any of PORTAL_TWO_FACTOR_KEYS. Put back the key "
                "they were encrypted with, or, if it is lost, run again with --reset-unreadable."
            ) from None
        db.session.commit()
        click.echo(f"Encrypted {count} two-factor secret(s) again with the first key.")

    from portal import letters_cli  # rq-worker, run-letter-batch

    letters_cli.init_app(app)
    from portal import returns_cli  # send-reminders

    returns_cli.init_app(app)
    from portal import seed_large  # seed-large (benchmarks)

    seed_large.init_app(app)
    from portal import privacy_cli  # retention, export-person, backup, restore

    privacy_cli.init_app(app)
