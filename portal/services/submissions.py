"""Sending an expression of interest: exactly once, before the deadline, frozen as a version
with a reference number and a receipt."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from portal.db import utcnow
from portal.domain.applications import Channel, format_reference, missing_sections
from portal.domain.workflow import APPLICATION_TRANSITIONS, ApplicationStatus, check_transition
from portal.extensions import db
from portal.models import Application, ApplicationVersion, Round, User
from portal.services import applications as drafts
from portal.services import audit, notifications

# --- submitting -------------------------------------------------------------------------------


def snapshot(application: Application) -> dict:
    """Everything the group sent, as plain data: what a submitted version freezes."""

    def money(value: Decimal | None) -> str | None:
        return None if value is None else f"{value:.2f}"

    return {
        "reference": application.reference,
        "round": {"id": application.round_id, "title": application.round.title},
        "organisation": {"id": application.organisation_id, "name": application.organisation.name},
        "work_stream": None
        if application.work_stream is None
        else {"id": application.work_stream_id, "name": application.work_stream.name},
        "title": application.title,
        "summary": application.summary,
        "who_benefits": application.who_benefits,
        "localities": sorted(loc.name for loc in application.localities),
        "wards": sorted(ward.name for ward in application.wards),
        "activities": application.activities,
        "timescale": application.timescale,
        "planned_outputs": [
            {
                "measure_id": p.measure_id,
                "measure": p.measure.name,
                "unit": p.measure.unit,
                "is_part_of_project": p.is_part_of_project,
                "quantity": p.quantity,
                "description": p.description,
            }
            for p in sorted(application.planned_outputs, key=lambda p: (p.measure.position, p.measure_id))
        ],
        "answers": [
            {
                "criterion_id": a.criterion_id,
                "question": a.criterion.question,
                "text": a.text,
                "recording_file_id": a.recording_file_id,
                "recording_summary": a.recording_summary,
            }
            for a in sorted(application.answers, key=lambda a: (a.criterion.position, a.criterion_id))
        ],
        "amount_requested": money(application.amount_requested),
        "budget_lines": [{"description": b.description, "amount": money(b.amount)} for b in application.budget_lines],
        "has_partners": application.has_partners,
        "partners": application.partners,
        "declared_by_name": application.declared_by_name,
        "channel": application.channel.value,
        "entered_by": application.entered_by.full_name if application.entered_by else None,
    }


def _next_reference(round_: Round) -> str:
    """Atomically take the round's next number: two submissions at once never share a reference."""
    db.session.execute(
        update(Round).where(Round.id == round_.id).values(last_reference_number=Round.last_reference_number + 1)
    )
    number = db.session.scalar(select(Round.last_reference_number).where(Round.id == round_.id))
    db.session.expire(round_, ["last_reference_number"])
    return format_reference(round_.reference_prefix, number)


def submit_application(application: Application, *, by: User, now: datetime | None = None) -> Application:
    """Send the application. Submitting again (double click, two tabs, a retry) changes nothing
    and returns the same application, so there is exactly one submission."""
    now = now or utcnow()
    if application.status == ApplicationStatus.SUBMITTED and application.versions:
        return application
    decision = check_transition(
        APPLICATION_TRANSITIONS,
        application.status,
        ApplicationStatus.SUBMITTED,
        set(by.roles) | ({"applicant"} if _is_member(by, application) else set()),
    )
    if not decision:
        raise drafts.NotEditable(decision.reason)
    drafts._editable(application, None, now)
    missing = missing_sections(drafts.states_of(application))
    if missing:
        raise drafts.IncompleteApplication(missing)
    application.reference = _next_reference(application.round)
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at, application.submitted_by_id = now, by.id
    content = snapshot(application)
    encoded = json.dumps(content, sort_keys=True, ensure_ascii=False).encode()
    db.session.add(
        ApplicationVersion(
            application=application,
            number=len(application.versions) + 1,
            submitted_at=now,
            submitted_by_id=by.id,
            content=content,
            sha256=hashlib.sha256(encoded).hexdigest(),
        )
    )
    assisted = application.channel != Channel.ONLINE
    audit.record(
        "application.submitted",
        application,
        by=by,
        on_behalf_of=application.organisation if assisted else None,
        channel=application.channel.value,
        before={"status": "draft"},
        after={"status": "submitted", "reference": application.reference},
        now=now,
    )
    for member in application.organisation.members:
        notifications.queue_email(
            member.user,
            "application_received",
            subject=_l("We have your application"),
            application=application,
            now=now,
        )
    return application


def _is_member(user: User, application: Application) -> bool:
    return any(m.user_id == user.id for m in application.organisation.members)
