"""A round's parts: work streams and their output measures, and the standard conditions of grant.

Nothing is deleted once it exists: work streams and measures are retired, conditions archived,
so whatever groups applied or reported against stays readable.
"""

from __future__ import annotations

from datetime import datetime

from portal.domain.measures import MeasureKind, measure_problem
from portal.domain.ordering import Direction, moved
from portal.extensions import db
from portal.models import OutputMeasure, Round, RoundCondition, User, WorkStream
from portal.services import ServiceError, audit

STREAM_FIELDS = ("name", "short_name", "description", "who_it_is_for", "budget")
MEASURE_FIELDS = ("name", "unit", "kind", "target", "help_text")
CONDITION_FIELDS = ("title", "body")


def _set(obj, fields: dict, allowed: tuple[str, ...]) -> None:  # noqa: ANN001
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(f"{name} cannot be set here")
        setattr(obj, name, (value.strip() or None) if isinstance(value, str) and name != "name" else value)


def _changed(action: str, obj, before: dict, fields: tuple[str, ...], *, by: User, now: datetime | None) -> None:  # noqa: ANN001
    after = audit.snapshot(obj, fields)
    diff = {k: v for k, v in after.items() if before.get(k) != v}
    if diff:
        audit.record(action, obj, by=by, before={k: before[k] for k in diff}, after=diff, now=now)


def _move(item, siblings: list, direction: Direction, action: str, *, by: User, now: datetime | None) -> None:  # noqa: ANN001
    """Swap ``item`` with its neighbour among ``siblings``; audited only when the order changed."""
    before = [each.id for each in siblings]
    for position, each in enumerate(moved(siblings, item, direction)):
        each.position = position
    after = [each.id for each in sorted(siblings, key=lambda each: each.position)]
    if after != before:
        audit.record(action, item, by=by, before={"order": before}, after={"order": after}, now=now)


def _flag(item, attribute: str, value: bool, actions: tuple[str, str], *, by: User, now: datetime | None) -> None:  # noqa: ANN001
    """Set a retired/archived flag; ``actions`` are the audit actions for (on, off). Nothing is deleted."""
    if getattr(item, attribute) == value:
        return
    setattr(item, attribute, value)
    audit.record(
        actions[0] if value else actions[1],
        item,
        by=by,
        before={attribute: not value},
        after={attribute: value},
        now=now,
    )


# --- work streams -----------------------------------------------------------------------------


def add_work_stream(round_: Round, *, by: User, now: datetime | None = None, **fields) -> WorkStream:  # noqa: ANN003
    stream = WorkStream(position=len(round_.work_streams))
    _set(stream, fields, STREAM_FIELDS)
    round_.work_streams.append(stream)
    db.session.flush()
    audit.record("work_stream.added", stream, by=by, after=audit.snapshot(stream, STREAM_FIELDS), now=now)
    return stream


def update_work_stream(stream: WorkStream, *, by: User, now: datetime | None = None, **fields) -> None:  # noqa: ANN003
    before = audit.snapshot(stream, STREAM_FIELDS)
    _set(stream, fields, STREAM_FIELDS)
    _changed("work_stream.updated", stream, before, STREAM_FIELDS, by=by, now=now)


def move_work_stream(stream: WorkStream, direction: Direction, *, by: User, now: datetime | None = None) -> None:
    _move(stream, stream.round.work_streams, direction, "work_stream.moved", by=by, now=now)


def set_work_stream_retired(stream: WorkStream, retired: bool, *, by: User, now: datetime | None = None) -> None:
    _flag(stream, "is_retired", retired, ("work_stream.retired", "work_stream.reinstated"), by=by, now=now)


# --- output measures --------------------------------------------------------------------------


def _check_measure(kind: MeasureKind, target: int | None) -> None:
    problem = measure_problem(kind, target)
    if problem is not None:
        raise ServiceError(problem)


def add_measure(stream: WorkStream, *, by: User, now: datetime | None = None, **fields) -> OutputMeasure:  # noqa: ANN003
    _check_measure(MeasureKind(fields.get("kind", MeasureKind.NUMERIC)), fields.get("target"))
    measure = OutputMeasure(position=len(stream.measures))
    _set(measure, fields, MEASURE_FIELDS)
    stream.measures.append(measure)
    db.session.flush()
    audit.record("measure.added", measure, by=by, after=audit.snapshot(measure, MEASURE_FIELDS), now=now)
    return measure


def update_measure(measure: OutputMeasure, *, by: User, now: datetime | None = None, **fields) -> None:  # noqa: ANN003
    kind = MeasureKind(fields.get("kind", measure.kind))
    _check_measure(kind, fields.get("target", measure.target))
    before = audit.snapshot(measure, MEASURE_FIELDS)
    _set(measure, fields, MEASURE_FIELDS)
    _changed("measure.updated", measure, before, MEASURE_FIELDS, by=by, now=now)


def move_measure(measure: OutputMeasure, direction: Direction, *, by: User, now: datetime | None = None) -> None:
    _move(measure, measure.work_stream.measures, direction, "measure.moved", by=by, now=now)


def set_measure_retired(measure: OutputMeasure, retired: bool, *, by: User, now: datetime | None = None) -> None:
    _flag(measure, "is_retired", retired, ("measure.retired", "measure.reinstated"), by=by, now=now)


# --- standard conditions ----------------------------------------------------------------------


def add_condition(round_: Round, *, title: str, body: str, by: User, now: datetime | None = None) -> RoundCondition:
    condition = RoundCondition(title=title.strip(), body=body.strip(), position=len(round_.conditions))
    round_.conditions.append(condition)
    db.session.flush()
    audit.record("condition.added", condition, by=by, after=audit.snapshot(condition, CONDITION_FIELDS), now=now)
    return condition


def update_condition(
    condition: RoundCondition, *, title: str, body: str, by: User, now: datetime | None = None
) -> None:
    before = audit.snapshot(condition, CONDITION_FIELDS)
    condition.title, condition.body = title.strip(), body.strip()
    _changed("condition.updated", condition, before, CONDITION_FIELDS, by=by, now=now)


def move_condition(condition: RoundCondition, direction: Direction, *, by: User, now: datetime | None = None) -> None:
    _move(condition, condition.round.conditions, direction, "condition.moved", by=by, now=now)


def set_condition_archived(condition: RoundCondition, archived: bool, *, by: User, now: datetime | None = None) -> None:
    _flag(condition, "is_archived", archived, ("condition.archived", "condition.restored"), by=by, now=now)
