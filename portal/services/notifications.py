"""Queue e-mails in the outbox. They are written in the caller's transaction and sent only after
it commits (see portal/mail.py), so a rolled-back change never sends a message."""

from __future__ import annotations

from datetime import datetime

from flask import render_template

from portal.db import utcnow
from portal.extensions import db
from portal.models import Notification, User


def queue_email(
    to: User | str,
    template: str,
    *,
    subject: str,
    now: datetime | None = None,
    **context: object,
) -> Notification:
    """Render ``templates/email/<template>.txt`` with ``context`` and put it in the outbox."""
    user = to if isinstance(to, User) else None
    address = user.email if user else str(to)
    body = render_template(f"email/{template}.txt", user=user, **context)
    message = Notification(
        created_at=now or utcnow(),
        user_id=user.id if user else None,
        to_address=address,
        template=template,
        subject=str(subject),
        body_text=body,
    )
    db.session.add(message)
    return message
