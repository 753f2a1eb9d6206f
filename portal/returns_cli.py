"""``flask send-reminders``: e-mail groups about output returns due soon or overdue.

Meant for cron, once a day, for example::

    15 7 * * *  cd /srv/portal && .venv/bin/flask send-reminders --base-url https://grants.example.gov.uk

A return due within 14 days is reminded once; an overdue one (not sent) once, then again every
7 days until it is sent. The e-mails wait in the outbox (``flask send-outbox`` sends them).
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import click
from flask import Flask, current_app, url_for


def init_app(app: Flask) -> None:
    @app.cli.command("send-reminders")
    @click.option("--base-url", required=True, help="The portal's address, for the links in the e-mails.")
    @click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Act as if today were this date.")
    def send_reminders_command(base_url: str, today: object) -> None:
        """Remind groups about returns due in the next 14 days and returns overdue (run daily from cron)."""
        from portal.db import utcnow
        from portal.extensions import db
        from portal.services import returns

        zone = ZoneInfo(current_app.config.get("TIMEZONE", "Europe/London"))
        day: date = today.date() if today is not None else utcnow().astimezone(zone).date()  # type: ignore[attr-defined]
        with current_app.test_request_context(base_url=base_url):
            count = returns.send_reminders(
                today=day,
                link_for=lambda r: url_for("applicants.edit_return", return_id=r.id, _external=True),
            )
            db.session.commit()
        click.echo(f"Reminded groups about {count} return(s).")
