"""'Ask us to call you back': support requests from anyone, and officers marking them handled."""

from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from portal.db import utcnow
from portal.extensions import db
from portal.models import Round, SupportRequest, User
from portal.services import ServiceError, audit, notifications


def _one_line(value: str | None) -> str | None:
    """Spaces and line breaks collapsed (a name goes into an e-mail subject)."""
    value = " ".join((value or "").split())
    return value or None


def create_support_request(
    *,
    name: str,
    phone: str,
    best_time: str | None = None,
    language: str | None = None,
    message: str | None = None,
    round_: Round | None = None,
    by: User | None,
    notify: str | None = None,
    notify_language: str = "en",
    link: str | None = None,
    now: datetime | None = None,
) -> SupportRequest:
    """Record a request for a call back and queue an e-mail about it to ``notify`` (the council's
    contact address), written in ``notify_language`` whatever language the person used.
    ``by`` is the signed-in user, or None for a member of the public."""
    now = now or utcnow()
    support_request = SupportRequest(
        name=_one_line(name) or "",
        phone=_one_line(phone),
        email=by.email if by is not None else None,
        best_time=_one_line(best_time),
        language=_one_line(language),
        message=(message or "").strip() or None,
        round_id=round_.id if round_ is not None else None,
        user_id=by.id if by is not None else None,
        created_at=now,
    )
    db.session.add(support_request)
    db.session.flush()
    # No personal details in the audit trail (the request holds them), and not in a round's history
    # of changes: the round it is about is noted instead.
    audit.record(
        "support_request.created",
        by=by,
        object_type=SupportRequest.__tablename__,
        object_id=support_request.id,
        after={"round_id": support_request.round_id},
        now=now,
    )
    if notify:
        with force_locale(notify_language):
            notifications.queue_email(
                notify,
                "call_back_requested",
                subject=str(_l("Call back requested by %(name)s", name=support_request.name)),
                support_request=support_request,
                round=round_,
                link=link,
                now=now,
            )
    return support_request


def mark_support_request_handled(
    support_request: SupportRequest, *, note: str, by: User, now: datetime | None = None
) -> SupportRequest:
    """Record that an officer has called back (or otherwise dealt with the request), and how."""
    if support_request.handled_at is not None:
        raise ServiceError(_l("Someone has already marked this request as handled."))
    now = now or utcnow()
    support_request.handled_at = now
    support_request.handled_by_id = by.id
    support_request.handled_note = note.strip()
    audit.record(
        "support_request.handled",
        by=by,
        object_type=SupportRequest.__tablename__,
        object_id=support_request.id,
        before={"handled": False},
        after={"handled": True},
        note=support_request.handled_note,
        now=now,
    )
    return support_request
