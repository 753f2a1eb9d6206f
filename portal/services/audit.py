"""Write audit events."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from portal.db import utcnow
from portal.extensions import db
from portal.models import AuditEvent, Organisation, User
from portal.services import figures_cache


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        # Money and weights have two places; the same amount always reads the same ("5000.00").
        return str(value.quantize(Decimal("0.01"))) if value == value.quantize(Decimal("0.01")) else str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: Any, fields: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """The named attributes of ``obj``, ready to store as before/after."""
    return {name: _jsonable(getattr(obj, name)) for name in fields}


def round_id_of(obj: Any) -> int | None:
    """The round a record belongs to, if any (a round, or one of its parts)."""
    from portal.models import Round

    if isinstance(obj, Round):
        return obj.id
    if getattr(obj, "round_id", None) is not None:
        return obj.round_id
    for parent in ("round", "work_stream"):
        owner = getattr(obj, parent, None)
        if owner is not None:
            return round_id_of(owner)
    return None


def record(
    action: str,
    obj: Any | None = None,
    *,
    by: User | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    on_behalf_of: Organisation | None = None,
    channel: str | None = None,
    note: str | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    round_id: int | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    if obj is not None:
        if getattr(obj, "id", None) is None:
            db.session.flush()
        object_type = object_type or type(obj).__tablename__
        object_id = object_id if object_id is not None else obj.id
        round_id = round_id if round_id is not None else round_id_of(obj)
    event = AuditEvent(
        created_at=now or utcnow(),
        actor=by,
        action=action,
        object_type=object_type or "system",
        object_id=object_id,
        on_behalf_of=on_behalf_of,
        round_id=round_id,
        channel=channel,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        note=note,
    )
    db.session.add(event)
    figures_cache.forget_last_change()  # figures kept for the whole round may be out of date now
    return event
