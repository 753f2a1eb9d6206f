"""'Ask us to call you back': support requests from anyone, and officers marking them handled."""

from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from portal.db import utcnow
from portal.extensions import db
from portal.models import Round, SupportRequest, User
from portal.services import ServiceError, audit, notifications


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
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
    request = SupportRequest(
        name=name.strip(),
        phone=" ".join(phone.split()),
        email=by.email if by is not None else None,
        best_time=_clean(best_time),
        language=_clean(language),
        message=_clean(message),
        round_id=round_.id if round_ is not None else None,
        user_id=by.id if by is not None else None,
        created_at=now,
    )
    db.session.add(request)
    db.session.flush()
    # No personal details in the audit trail: the request itself holds them.
    audit.record("support_request.created", request, by=by, after={"round_id": request.round_id}, now=now)
    if notify:
        with force_locale(notify_language):
            notifications.queue_email(
                notify,
                "call_back_requested",
                subject=str(_l("Call back requested by %(name)s", name=request.name)),
                request=request,
                round=round_,
                link=link,
                now=now,
            )
    return request


def mark_support_request_handled(
    request: SupportRequest, *, note: str, by: User, now: datetime | None = None
) -> SupportRequest:
    if request.handled_at is not None:
        raise ServiceError(_l("Someone has already marked this request as handled."))
    now = now or utcnow()
    request.handled_at = now
    request.handled_by_id = by.id
    request.handled_note = note.strip()
    audit.record(
        "support_request.handled",
        request,
        by=by,
        before={"handled": False},
        after={"handled": True},
        note=request.handled_note,
        now=now,
    )
    return request
