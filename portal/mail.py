"""Sending the outbox after commit.

A ``before_flush`` listener notices new Notification rows; ``after_commit`` marks the request (or
command) as having mail to send; the app's ``after_request`` hook, or ``deliver_outbox`` called by
a command, then sends every unsent row and records the result. A failed send stays in the outbox
for ``flask send-outbox`` to retry.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import Flask, current_app, g, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.extensions import db
from portal.models import Notification

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


class ConsoleBackend:
    def send(self, message: Notification, config: dict) -> None:
        print(  # noqa: T201 - the console backend's whole job
            f"\n--- e-mail to {message.to_address} ---\nSubject: {message.subject}\n\n{message.body_text}\n---",
            flush=True,
        )


class MemoryBackend:
    """Keeps sent messages in ``app.extensions['mail_outbox']`` for tests."""

    def send(self, message: Notification, config: dict) -> None:
        current_app.extensions.setdefault("mail_outbox", []).append(
            {
                "to": message.to_address,
                "subject": message.subject,
                "body": message.body_text,
                "template": message.template,
            }
        )


class SMTPBackend:
    def send(self, message: Notification, config: dict) -> None:
        email = EmailMessage()
        email["From"] = config["MAIL_FROM"]
        email["To"] = message.to_address
        email["Subject"] = message.subject
        email.set_content(message.body_text)
        with smtplib.SMTP(config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=20) as smtp:
            if config.get("SMTP_USE_TLS"):
                smtp.starttls()
            if config.get("SMTP_USERNAME"):
                smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
            smtp.send_message(email)


BACKENDS = {"console": ConsoleBackend, "memory": MemoryBackend, "smtp": SMTPBackend}


def deliver_outbox(limit: int = 100) -> int:
    """Send unsent messages; returns how many were sent. Commits its own progress."""
    config = current_app.config
    backend = BACKENDS[config["MAIL_BACKEND"]]()
    pending = db.session.scalars(
        select(Notification)
        .where(Notification.sent_at.is_(None), Notification.attempts < MAX_ATTEMPTS)
        .order_by(Notification.id)
        .limit(limit)
    ).all()
    sent = 0
    for message in pending:
        message.attempts += 1
        try:
            backend.send(message, config)
        except Exception as exc:  # noqa: BLE001 - any failure is recorded and retried later
            log.warning("sending notification %s failed: %s", message.id, exc)
            message.last_error = str(exc)[:2000]
        else:
            message.sent_at = utcnow()
            sent += 1
        db.session.commit()
    return sent


@event.listens_for(Session, "before_flush")
def _notice_new_mail(session: Session, flush_context, instances) -> None:  # noqa: ANN001
    if any(isinstance(obj, Notification) for obj in session.new):
        session.info["outbox_pending"] = True


@event.listens_for(Session, "after_commit")
def _mark_mail_to_send(session: Session) -> None:
    if session.info.pop("outbox_pending", False) and has_app_context():
        g.outbox_pending = True


@event.listens_for(Session, "after_rollback")
def _forget_mail(session: Session) -> None:
    session.info.pop("outbox_pending", None)


def init_app(app: Flask) -> None:
    if app.config["MAIL_BACKEND"] not in BACKENDS:
        from portal.config import ConfigError

        raise ConfigError(f"PORTAL_MAIL_BACKEND must be one of {', '.join(BACKENDS)}.")

    @app.after_request
    def _send_after_commit(response):  # noqa: ANN001, ANN202
        if g.pop("outbox_pending", False):
            try:
                deliver_outbox()
            except Exception:  # noqa: BLE001 - mail must never break the page the user asked for
                log.exception("delivering the outbox failed")
                db.session.rollback()
        return response
