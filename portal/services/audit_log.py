"""Reading the audit log for officers: events newest first, filtered by object, person and dates.

Queries only (nothing here records or changes anything). A page reads a constant number of
statements whatever its size: one count and one page of events with their actors joined.
Values that must never be shown again (bank details, secrets, tokens, password hashes) are
replaced by "hidden" before they reach a template, whatever a service once stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from portal.domain.dates import local_to_utc
from portal.extensions import db
from portal.models import AuditEvent, User
from portal.services import paging
from portal.services.paging import Page

PER_PAGE = paging.PER_PAGE

# Keys whose values are never shown, even masked: bank details and every kind of secret.
SECRET_PARTS = (
    "account",
    "sort_code",
    "bank",
    "secret",
    "password",
    "token",
    "recovery",
    "totp",
    "otp",
    "hash",
)
HIDDEN = "hidden"


@dataclass(frozen=True)
class AuditFilters:
    """What an officer narrowed the log to; every field empty means every event."""

    object_type: str = ""
    object_id: int | None = None
    actor_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


# A page of audit events (the shared paging of every list).
AuditPage = Page


def is_secret(key: str) -> bool:
    name = key.lower()
    return any(part in name for part in SECRET_PARTS)


def readable(values: dict[str, Any] | None) -> list[tuple[str, str]]:
    """Before/after values as (name, value) pairs in words, secrets hidden."""
    pairs: list[tuple[str, str]] = []
    for key, value in (values or {}).items():
        name = str(key).replace("_", " ")
        if is_secret(str(key)):
            pairs.append((name, HIDDEN))
        elif isinstance(value, dict):
            inner = ", ".join(f"{k.replace('_', ' ')}: {HIDDEN if is_secret(k) else v}" for k, v in value.items())
            pairs.append((name, inner))
        elif isinstance(value, list):
            pairs.append((name, ", ".join(str(v) for v in value)))
        elif value is None or value == "":
            pairs.append((name, "—"))
        else:
            pairs.append((name, str(value)))
    return pairs


def object_types() -> list[str]:
    """The kinds of record the log holds events about."""
    return list(db.session.scalars(select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)))


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def _start_of(day: date, zone: str) -> datetime:
    """The UTC moment a local day starts (midnight always exists in the UK)."""
    return local_to_utc(day, time(0, 0), zone, later_if_repeated=False)


def _filtered(filters: AuditFilters, zone: str) -> Select:
    query = select(AuditEvent)
    if filters.object_type:
        query = query.where(AuditEvent.object_type == filters.object_type)
    if filters.object_id is not None:
        query = query.where(AuditEvent.object_id == filters.object_id)
    if filters.actor_id is not None:
        query = query.where(AuditEvent.actor_id == filters.actor_id)
    if filters.date_from is not None:
        query = query.where(AuditEvent.created_at >= _start_of(filters.date_from, zone))
    if filters.date_to is not None:
        query = query.where(AuditEvent.created_at < _start_of(filters.date_to + timedelta(days=1), zone))
    return query


def list_events(filters: AuditFilters, *, zone: str, page: int = 1, per_page: int = PER_PAGE) -> AuditPage:
    """One page of events, newest first, with their actors (two statements)."""
    query = _filtered(filters, zone)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    page = paging.clamp(page, total, per_page)
    items = list(
        db.session.scalars(
            query.options(joinedload(AuditEvent.actor), joinedload(AuditEvent.on_behalf_of))
            .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    return Page(items=items, total=total, page=page, per_page=per_page)
