"""Holding what someone typed when their session had ended, so that signing in again gives it back."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from portal.db import utcnow
from portal.extensions import db
from portal.models import HeldForm, User
from portal.services.accounts import hash_token

KEEP_FOR = timedelta(hours=24)
NEVER_HELD = {"csrf_token", "password", "confirm"}


def hold_form(user_id: int, path: str, data: dict[str, list[str]], *, now: datetime | None = None) -> str:
    """Keep ``data`` (a form's fields, each a list of values) for ``user_id`` at ``path``; returns
    the token to give back to the browser. Passwords and tokens are never kept."""
    now = now or utcnow()
    db.session.execute(delete(HeldForm).where(HeldForm.expires_at < now))
    token = secrets.token_urlsafe(24)
    kept = {key: values for key, values in data.items() if key not in NEVER_HELD}
    db.session.add(
        HeldForm(
            token_hash=hash_token(token),
            user_id=user_id,
            path=path[:500],
            data=kept,
            created_at=now,
            expires_at=now + KEEP_FOR,
        )
    )
    return token


def take_held_form(token: str | None, *, user: User, path: str, now: datetime | None = None) -> dict | None:
    """The held form for this person and page, removed as it is given back; None if there is none."""
    if not token:
        return None
    row = db.session.scalar(select(HeldForm).where(HeldForm.token_hash == hash_token(token)))
    if row is None or row.user_id != user.id or row.path != path or row.expires_at <= (now or utcnow()):
        return None
    data = dict(row.data)
    db.session.delete(row)
    return data
