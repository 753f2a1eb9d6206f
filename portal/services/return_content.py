"""What a return holds besides its figures: stories with their consent (added, changed and removed
while the return can be edited; consent withdrawn at any time, ever after), the frozen content of a
submitted version and its hash, and the rows of the return form (each agreed measure with its
target, what the group reported before, and the period this return covers).

Shared by returns.py (the return's lifecycle) and the pages; services never build URLs."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, BinaryIO

from flask_babel import lazy_gettext as _l

from portal import policies
from portal.db import utcnow
from portal.domain import filetypes
from portal.domain import returns as rules
from portal.domain.applications import Channel
from portal.domain.filetypes import FileGroup
from portal.domain.measures import MeasureKind
from portal.domain.returns import Consent
from portal.domain.roles import Role
from portal.domain.text import N_
from portal.domain.workflow import ReturnStatus
from portal.extensions import db
from portal.models import AwardTarget, FilePurpose, OutputReturn, Story, User
from portal.services import ServiceError, audit
from portal.services.files import store_upload

EDITABLE = (ReturnStatus.DUE, ReturnStatus.DRAFT, ReturnStatus.QUERIED)
SENT = (ReturnStatus.SUBMITTED, ReturnStatus.QUERIED, ReturnStatus.ACCEPTED)
TITLE_LIMIT = 200
TEXT_LIMIT = 20000

# A story's audio or photo: any recording we accept, or a JPEG or PNG photo.
STORY_FILES = FileGroup(
    filetypes.RECORDINGS.types | {filetypes.JPEG, filetypes.PNG},
    N_("The file must be a photo (JPG or PNG) or an audio or video recording: MP3, M4A, OGG, WAV, MP4 or WebM"),
)


class ReturnProblems(ServiceError):
    """A refused change, with a message per form field (``problems``: field → message)."""

    def __init__(self, problems: dict[str, object]) -> None:
        super().__init__(next(iter(problems.values())))
        self.problems = problems


# --- who may change a return --------------------------------------------------------------------


def is_member(user: User, output_return: OutputReturn) -> bool:
    return bool(policies.can_edit_organisation(user, output_return.award.application.organisation))


def roles_for(user: User, output_return: OutputReturn) -> set[str]:
    """The roles ``user`` acts in on this return: a member of the group is the applicant; an
    officer is an officer only once the assisted route has been started for the return."""
    roles: set[str] = set()
    if is_member(user, output_return):
        roles.add(Role.APPLICANT)
    if user.has_role(Role.OFFICER) and output_return.entered_by_id is not None:
        roles.add(Role.OFFICER)
    return roles


def check_can_edit(output_return: OutputReturn, by: User) -> None:
    if not roles_for(by, output_return):
        raise ServiceError(_l("Only members of the group can change this return."))
    if output_return.status not in EDITABLE:
        raise ServiceError(_l("This return has been sent, so it can no longer be changed."))


def _text(value: str | None) -> str:
    return (value or "").replace("\r\n", "\n").strip()


# --- stories --------------------------------------------------------------------------------------


def _story_fields(title: str, body: str, teller_name: str | None, consent: Consent | str | None) -> dict[str, Any]:
    problems: dict[str, object] = {}
    title, body, teller = _text(title), _text(body), " ".join((teller_name or "").split())
    if not title:
        problems["title"] = _l("Give the story a title")
    elif len(title) > TITLE_LIMIT:
        problems["title"] = _l("Keep the title to %(limit)d characters or fewer", limit=TITLE_LIMIT)
    if not body:
        problems["body"] = _l("Write the story")
    elif len(body) > TEXT_LIMIT:
        problems["body"] = _l("Keep the story to %(limit)d characters or fewer", limit=TEXT_LIMIT)
    try:
        chosen = Consent(consent) if consent else None
    except ValueError:
        chosen = None
    if chosen is None:
        problems["consent"] = _l("Choose what the person whose story it is agreed to")
    elif chosen == Consent.PUBLIC_NAMED and not teller:
        problems["teller_name"] = _l("Enter the name they agreed we can publish, or choose publishing without names")
    if len(teller) > TITLE_LIMIT:
        problems["teller_name"] = _l("Keep the name to %(limit)d characters or fewer", limit=TITLE_LIMIT)
    if problems:
        raise ReturnProblems(problems)
    # A name is kept only when the person agreed to be named: otherwise it is never stored.
    return {
        "title": title,
        "body": body,
        "consent": chosen,
        "teller_name": teller if chosen == Consent.PUBLIC_NAMED else None,
    }


def add_story(
    output_return: OutputReturn,
    *,
    title: str,
    body: str,
    teller_name: str | None,
    consent: Consent | str | None,
    upload: BinaryIO | bytes | None = None,
    upload_name: str | None = None,
    max_bytes: int = 20 * 1024 * 1024,
    by: User,
    now: datetime | None = None,
) -> Story:
    """A story for the return, with an optional audio or photo (kept as a file of the group)."""
    now = now or utcnow()
    check_can_edit(output_return, by)
    fields = _story_fields(title, body, teller_name, consent)
    stored = None
    if upload is not None and upload_name:
        stored = store_upload(
            upload,
            upload_name,
            purpose=FilePurpose.STORY_MEDIA,
            organisation=output_return.award.application.organisation,
            by=by,
            max_bytes=max_bytes,
            allowed=STORY_FILES,
            now=now,
        )
    story = Story(output_return=output_return, created_at=now, file=stored, **fields)
    db.session.add(story)
    if output_return.status == ReturnStatus.DUE:
        from portal.services.returns import move  # the lifecycle lives there

        move(output_return, ReturnStatus.DRAFT, by)
    output_return.updated_at = now
    db.session.flush()
    audit.record("story.added", story, by=by, after=_story_audit(story), **_context(output_return, by), now=now)
    return story


def update_story(
    story: Story,
    *,
    title: str,
    body: str,
    teller_name: str | None,
    consent: Consent | str | None,
    by: User,
    now: datetime | None = None,
) -> Story:
    now = now or utcnow()
    check_can_edit(story.output_return, by)
    before = _story_audit(story)
    for name, value in _story_fields(title, body, teller_name, consent).items():
        setattr(story, name, value)
    db.session.flush()
    audit.record(
        "story.changed",
        story,
        by=by,
        before=before,
        after=_story_audit(story),
        **_context(story.output_return, by),
        now=now,
    )
    return story


def remove_story(story: Story, *, by: User, now: datetime | None = None) -> None:
    now = now or utcnow()
    output_return = story.output_return
    check_can_edit(output_return, by)
    audit.record("story.removed", story, by=by, before=_story_audit(story), **_context(output_return, by), now=now)
    output_return.stories.remove(story)
    db.session.flush()


def withdraw_consent(story: Story, *, by: User, now: datetime | None = None) -> Story:
    """The teller no longer agrees: the story is never shown publicly again. Allowed at any time,
    even after the return is accepted, to a member of the group or an officer."""
    now = now or utcnow()
    output_return = story.output_return
    if not (is_member(by, output_return) or by.has_role(Role.OFFICER)):
        raise ServiceError(_l("Only members of the group or council officers can withdraw consent."))
    if story.consent_withdrawn_at is not None:
        raise ServiceError(_l("Consent for this story has already been withdrawn."))
    story.consent_withdrawn_at = now
    db.session.flush()
    audit.record(
        "story.consent_withdrawn",
        story,
        by=by,
        before={"consent": story.consent, "withdrawn": False},
        after={"consent": story.consent, "withdrawn": True},
        **_context(output_return, by),
        now=now,
    )
    return story


def _story_audit(story: Story) -> dict[str, Any]:
    # The story's words are not copied into the audit trail: only what identifies the change.
    return {
        "title": story.title,
        "consent": story.consent,
        "named": story.teller_name is not None,
        "file_id": story.file_id,
    }


def _context(output_return: OutputReturn, by: User) -> dict[str, Any]:
    organisation = output_return.award.application.organisation
    assisted = not is_member(by, output_return)
    return {
        "on_behalf_of": organisation if assisted else None,
        # An officer entering the return for the group: how the group reached us (returns.start_assisted).
        "channel": Channel(output_return.channel).value if assisted and output_return.entered_by_id else None,
        "round_id": output_return.award.application.round_id,
    }


# --- the form's rows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureRow:
    """One agreed measure on the return form."""

    measure_id: int
    name: str
    unit: str
    is_numeric: bool
    is_cumulative: bool
    target: int | None
    target_description: str | None
    reported_so_far: int  # from the group's earlier returns that were sent
    period_start: date | None  # the previous return's due date, or the award's start
    period_end: date


def previous_due_on(output_return: OutputReturn) -> date | None:
    earlier = [r for r in _returns_of_award(output_return) if r.period < output_return.period]
    return max(r.due_on for r in earlier) if earlier else output_return.award.starts_on


def _returns_of_award(output_return: OutputReturn) -> list[OutputReturn]:
    return list(db.session.scalars(db.select(OutputReturn).where(OutputReturn.award_id == output_return.award_id)))


def agreed_targets(output_return: OutputReturn) -> list[AwardTarget]:
    return sorted(output_return.award.targets, key=lambda t: (t.measure.position, t.measure_id))


def measure_rows(output_return: OutputReturn) -> list[MeasureRow]:
    earlier = [r for r in _returns_of_award(output_return) if r.period < output_return.period and r.status in SENT]
    start = previous_due_on(output_return)
    rows = []
    for target in agreed_targets(output_return):
        measure = target.measure
        figures = [
            rules.Figure(r.period, f.quantity)
            for r in earlier
            for f in r.figures
            if f.measure_id == measure.id and f.quantity is not None
        ]
        rows.append(
            MeasureRow(
                measure_id=measure.id,
                name=measure.name,
                unit=measure.unit,
                is_numeric=measure.kind == MeasureKind.NUMERIC,
                is_cumulative=measure.is_cumulative,
                target=target.quantity,
                target_description=target.description,
                reported_so_far=rules.actual_to_date(figures, cumulative=measure.is_cumulative),
                period_start=start,
                period_end=output_return.due_on,
            )
        )
    return rows


# --- frozen versions -------------------------------------------------------------------------------


def content_of(output_return: OutputReturn) -> dict[str, Any]:
    """Everything the return says, as plain JSON values (figures with their measures' names)."""
    targets = {t.measure_id: t for t in output_return.award.targets}
    figures = {}
    for figure in sorted(output_return.figures, key=lambda f: f.measure_id):
        measure = figure.measure
        target = targets.get(figure.measure_id)
        figures[str(figure.measure_id)] = {
            "measure": measure.name,
            "unit": measure.unit,
            "kind": measure.kind.value,
            "is_cumulative": measure.is_cumulative,
            "target": target.quantity if target else None,
            "quantity": figure.quantity,
            "description": figure.description,
        }
    spend = output_return.spend_to_date
    return {
        "period": output_return.period,
        "due_on": output_return.due_on.isoformat(),
        "is_final": output_return.is_final,
        "organisation": output_return.award.application.organisation.name,
        "figures": figures,
        "stories": [
            {
                "id": story.id,
                "title": story.title,
                "body": story.body,
                "teller_name": story.teller_name,
                "consent": Consent(story.consent).value,
                "file_id": story.file_id,
                "file_name": story.file.original_name if story.file else None,
            }
            for story in output_return.stories
        ],
        "spend_to_date": f"{spend:.2f}" if spend is not None else None,
        "went_well": output_return.went_well,
        "was_hard": output_return.was_hard,
        "support_needed": output_return.support_needed,
        "took_part": list(output_return.took_part) if output_return.took_part is not None else None,
        "channel": Channel(output_return.channel).value,
        "entered_by": output_return.entered_by.full_name if output_return.entered_by else None,
    }


def sha256_of(content: dict[str, Any]) -> str:
    """The hash of a version's canonical JSON (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def figures_of_version(content: dict[str, Any]) -> list[dict[str, Any]]:
    """A version's figures to show, whatever shape it was written in (an older or a test version
    may hold only measure id → number or words)."""
    shown = []
    for measure_id, value in (content.get("figures") or {}).items():
        if isinstance(value, dict):
            shown.append({"measure_id": measure_id, **value})
        else:
            numeric = isinstance(value, int)
            shown.append(
                {
                    "measure_id": measure_id,
                    "measure": None,
                    "quantity": value if numeric else None,
                    "description": None if numeric else value,
                }
            )
    return shown
