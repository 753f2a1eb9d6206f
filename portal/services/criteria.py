"""Scoring criteria: add, edit, reorder, archive and restore, each audited with before and after.

Once scoring has started, changes that would alter scores already given are refused (the rule is in
``portal.domain.criteria``); the title and panel guidance may still be corrected."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from portal.domain import criteria as rules
from portal.domain.ordering import Direction, moved
from portal.domain.text import N_, Message
from portal.domain.workflow import RoundStatus
from portal.extensions import db
from portal.models import Criterion, Round, User
from portal.services import ServiceError, audit, review_totals

CRITERION_FIELDS = (*rules.EDITABLE_FIELDS, "position", "is_archived")
SCORING_STATUSES = frozenset({RoundStatus.IN_ASSESSMENT, RoundStatus.DECIDED, RoundStatus.ARCHIVED})


class CriterionRefused(ServiceError):
    """A refused change to a criterion, naming the fields it is about (for the form to point at)."""

    def __init__(self, message: Message, fields: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.fields = tuple(fields)


def scoring_started(round_: Round) -> bool:
    """Whether scores may already have been given in this round, so that a change to what a
    criterion asks or weighs would change what those scores mean.

    There is no panel or review model yet, so for now scoring counts as started once the round is in
    assessment, decided or archived. The panel issue will extend this to "any review of this round
    has a score"."""
    return round_.status in SCORING_STATUSES


def _refuse_problems(details: rules.CriterionDetails) -> None:
    problems = rules.details_problems(details)
    if problems:
        name, message = next(iter(problems.items()))
        raise CriterionRefused(message, [name])


def add_criterion(
    round_: Round, details: rules.CriterionDetails, *, by: User, now: datetime | None = None
) -> Criterion:
    """A new criterion at the end of the round's list. Adding is allowed even after scoring has
    started (it is how an officer replaces a criterion that can no longer change)."""
    _refuse_problems(details)
    position = max((c.position for c in round_.criteria), default=-1) + 1
    fields = details.fields()
    criterion = Criterion(**fields, position=position, is_archived=False)
    round_.criteria.append(criterion)
    db.session.flush()
    audit.record("criterion.added", criterion, by=by, after=audit.snapshot(criterion, CRITERION_FIELDS), now=now)
    return criterion


def edit_criterion(
    criterion: Criterion, details: rules.CriterionDetails, *, by: User, now: datetime | None = None
) -> list[str]:
    """Change a criterion; returns the names of the fields that changed (none: nothing recorded).

    Refused, with the criterion left as it was, when scoring has started and the change would alter
    scores already given."""
    _refuse_problems(details)
    proposed = details.fields()
    current = {name: getattr(criterion, name) for name in rules.EDITABLE_FIELDS}
    changed = rules.changed_fields(current, proposed)
    started = scoring_started(criterion.round)
    decision = rules.check_change(changed, scoring_started=started)
    if not decision:
        raise CriterionRefused(decision.reason, rules.locked_fields(changed, scoring_started=started))
    if not changed:
        return []
    before = audit.snapshot(criterion, changed)
    for name in changed:
        setattr(criterion, name, proposed[name])
    if "weight" in changed:
        db.session.flush()
        review_totals.refresh_round(criterion.round_id)
    audit.record(
        "criterion.changed", criterion, by=by, before=before, after=audit.snapshot(criterion, changed), now=now
    )
    return changed


def move_criterion(criterion: Criterion, direction: Direction, *, by: User, now: datetime | None = None) -> bool:
    """Swap a criterion with its neighbour in the round's order; False when it is already at that end.
    Positions are renumbered 0, 1, 2 … so that gaps and ties left by copying disappear."""
    order = sorted(criterion.round.criteria, key=lambda c: (c.position, c.id))
    new_order = moved(order, criterion, direction)
    if new_order == order:
        return False
    before = criterion.position
    for position, item in enumerate(new_order):
        item.position = position
    audit.record(
        "criterion.moved",
        criterion,
        by=by,
        before={"position": before},
        after={"position": criterion.position},
        now=now,
    )
    return True


def archive_criterion(criterion: Criterion, *, by: User, now: datetime | None = None) -> None:
    """Take a criterion out of the round: applicants no longer see it and it no longer counts. Nothing
    is deleted, so scores already given against it stay. Allowed after scoring has started."""
    if criterion.is_archived:
        raise ServiceError(Message(N_("This criterion is already archived.")))
    _set_archived(criterion, True, "criterion.archived", by=by, now=now)


def restore_criterion(criterion: Criterion, *, by: User, now: datetime | None = None) -> None:
    """Bring an archived criterion back into the round."""
    if not criterion.is_archived:
        raise ServiceError(Message(N_("This criterion is not archived.")))
    _set_archived(criterion, False, "criterion.restored", by=by, now=now)


def _set_archived(criterion: Criterion, archived: bool, action: str, *, by: User, now: datetime | None) -> None:
    before = audit.snapshot(criterion, ("is_archived",))
    criterion.is_archived = archived
    db.session.flush()
    review_totals.refresh_round(criterion.round_id)  # it counts, or no longer counts, in every total
    audit.record(action, criterion, by=by, before=before, after=audit.snapshot(criterion, ("is_archived",)), now=now)
