"""Queue e-mails in the outbox. They are written in the caller's transaction and sent only after
it commits (see portal/mail.py), so a rolled-back change never sends a message.

An e-mail to a person is written in their language: the language they last chose in the portal
(``User.preferred_language``) if it is still offered; otherwise the language of the moment (the
request's, or the default language in background work)."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import datetime

from flask import render_template
from flask_babel import force_locale

from portal import i18n
from portal.db import utcnow
from portal.extensions import db
from portal.models import Notification, User


def recipient_language(user: User | None) -> str | None:
    """The language to write to ``user`` in, or None to keep the current one."""
    preferred = user.preferred_language if user else None
    if preferred and preferred in i18n.available_languages():
        return preferred
    return None


def queue_email(
    to: User | str,
    template: str,
    *,
    subject: str,
    now: datetime | None = None,
    **context: object,
) -> Notification:
    """Render ``templates/email/<template>.txt`` with ``context`` (in the recipient's language) and put
    it in the outbox. ``subject`` may be a lazy string: it is translated with the body."""
    user = to if isinstance(to, User) else None
    address = user.email if user else str(to)
    language = recipient_language(user)
    with force_locale(language) if language else nullcontext():
        body = render_template(f"email/{template}.txt", user=user, **context)
        subject_text = str(subject)
    message = Notification(
        created_at=now or utcnow(),
        user_id=user.id if user else None,
        to_address=address,
        template=template,
        subject=subject_text,
        body_text=body,
    )
    db.session.add(message)
    return message
