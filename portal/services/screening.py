"""What officers do with an application once it has come in: screen it (eligible, or not eligible
with a reason the group is told), withdraw it at the group's request, message the group, and give
one group more time to send.

Every move is checked against ``APPLICATION_TRANSITIONS``, recorded in the audit trail, and told to
the group: a message on its status page and an e-mail to each member (queued in this transaction,
sent after the route commits).
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from portal.db import utcnow
from portal.domain.roles import Role
from portal.domain.workflow import APPLICATION_TRANSITIONS, ApplicationStatus, RoundStatus, check_transition
from portal.extensions import db
from portal.models import Application, ApplicationMessage, DeadlineExtension, Organisation, Round, User
from portal.services import ServiceError, audit, notifications

MESSAGE_LIMIT = 5000


def _roles_of(user: User, application: Application) -> set[str]:
    """The roles that count for this move: a member of the group acts as its applicant."""
    roles = set(user.roles)
    if any(m.user_id == user.id for m in application.organisation.members):
        roles.add(Role.APPLICANT)
    return roles


def _move(application: Application, target: ApplicationStatus, by: User) -> ApplicationStatus:
    decision = check_transition(APPLICATION_TRANSITIONS, application.status, target, _roles_of(by, application))
    if not decision:
        raise ServiceError(decision.reason)
    before = application.status
    application.status = target
    return before


def _required(text: str | None, message: str) -> str:
    cleaned = (text or "").strip()
    if not cleaned:
        raise ServiceError(message)
    if len(cleaned) > MESSAGE_LIMIT:
        raise ServiceError(_l("Keep it to %(limit)d characters or fewer", limit=MESSAGE_LIMIT))
    return cleaned


def _tell_group(
    application: Application,
    template: str,
    *,
    subject: str,
    by: User,
    now: datetime,
    message: str | None = None,
    **context: object,
) -> None:
    """A message on the group's status page (when there is one to show) and an e-mail to each member."""
    if message is not None:
        db.session.add(
            ApplicationMessage(
                application=application,
                author_id=by.id,
                body=message,
                is_from_officer=by.has_role(Role.OFFICER),
                created_at=now,
            )
        )
    for member in application.organisation.members:
        notifications.queue_email(member.user, template, subject=subject, application=application, now=now, **context)


# --- screening --------------------------------------------------------------------------------


def mark_eligible(application: Application, *, by: User, now: datetime | None = None) -> None:
    """The group can apply: the application goes on to the panel. Also corrects an earlier
    'not eligible'."""
    now = now or utcnow()
    before = _move(application, ApplicationStatus.ELIGIBLE, by)
    application.screened_at, application.screened_by = now, by
    previous_reason, application.ineligible_reason = application.ineligible_reason, None
    audit.record(
        "application.screened_eligible",
        application,
        by=by,
        before={"status": before, "ineligible_reason": previous_reason},
        after={"status": application.status},
        now=now,
    )
    _tell_screened(application, by=by, now=now, reason=None)


def _tell_screened(application: Application, *, by: User, now: datetime, reason: str | None) -> None:
    """The group hears it was checked: eligible (no ``reason``), or not and why."""
    _tell_group(
        application,
        "application_screened",
        subject=_l("Your application %(reference)s has been checked", reference=application.reference or ""),
        by=by,
        now=now,
        eligible=reason is None,
        reason=reason,
        **({"message": reason} if reason is not None else {}),
    )


def mark_ineligible(application: Application, reason: str, *, by: User, now: datetime | None = None) -> None:
    """The group cannot be funded in this round, for ``reason``, which the group is told."""
    now = now or utcnow()
    reason = _required(reason, _l("Give the reason the group will be told"))
    before = _move(application, ApplicationStatus.INELIGIBLE, by)
    application.screened_at, application.screened_by = now, by
    application.ineligible_reason = reason
    audit.record(
        "application.screened_ineligible",
        application,
        by=by,
        before={"status": before},
        after={"status": application.status, "ineligible_reason": reason},
        note=reason,
        now=now,
    )
    _tell_screened(application, by=by, now=now, reason=reason)


def withdraw(application: Application, reason: str, *, by: User, now: datetime | None = None) -> None:
    """Withdraw the application at the group's request (allowed until it is decided)."""
    now = now or utcnow()
    reason = _required(reason, _l("Say why the group asked to withdraw"))
    before = _move(application, ApplicationStatus.WITHDRAWN, by)
    application.withdrawn_at, application.withdrawn_reason = now, reason
    acting_for_group = not any(m.user_id == by.id for m in application.organisation.members)
    audit.record(
        "application.withdrawn",
        application,
        by=by,
        on_behalf_of=application.organisation if acting_for_group else None,
        before={"status": before},
        after={"status": application.status, "withdrawn_reason": reason},
        note=reason,
        now=now,
    )
    _tell_group(
        application,
        "application_withdrawn",
        subject=_l("Your application %(reference)s has been withdrawn", reference=application.reference or ""),
        by=by,
        now=now,
        message=str(_l("Withdrawn at your request: %(reason)s", reason=reason)),
        reason=reason,
    )


def send_message(application: Application, body: str, *, by: User, now: datetime | None = None) -> ApplicationMessage:
    """A message from an officer to the group: shown on its status page and e-mailed."""
    now = now or utcnow()
    body = _required(body, _l("Write your message"))
    if application.status == ApplicationStatus.WITHDRAWN:
        raise ServiceError(_l("This application has been withdrawn, so you cannot send a message about it."))
    message = ApplicationMessage(
        application=application, author_id=by.id, body=body, is_from_officer=by.has_role(Role.OFFICER), created_at=now
    )
    db.session.add(message)
    db.session.flush()
    audit.record("application.message_sent", application, by=by, after={"message_id": message.id}, now=now)
    _tell_group(
        application,
        "application_message",
        subject=_l("A message about your application %(reference)s", reference=application.reference or ""),
        by=by,
        now=now,
        body=body,
    )
    return message


# --- one group's deadline ---------------------------------------------------------------------


def grant_extension(
    round_: Round,
    organisation: Organisation,
    *,
    closes_at: datetime,
    reason: str,
    by: User,
    now: datetime | None = None,
) -> DeadlineExtension:
    """More time for one group in one round (a second extension replaces the first).
    ``services.applications.deadline_for`` then gives this group the later closing time."""
    now = now or utcnow()
    reason = _required(reason, _l("Say why this group is getting more time"))
    if round_.status not in {RoundStatus.OPEN, RoundStatus.CLOSED}:
        raise ServiceError(_l("You can only give more time while the round is open or just closed."))
    if round_.closes_at is not None and closes_at <= round_.closes_at:
        raise ServiceError(_l("The new closing time must be after the round's closing time."))
    if closes_at <= now:
        raise ServiceError(_l("The new closing time must be in the future."))
    extension = db.session.scalar(
        db.select(DeadlineExtension).where(
            DeadlineExtension.round_id == round_.id, DeadlineExtension.organisation_id == organisation.id
        )
    )
    before = None
    if extension is None:
        extension = DeadlineExtension(round_id=round_.id, organisation_id=organisation.id, created_at=now)
    else:
        before = audit.snapshot(extension, ("closes_at", "reason"))
    extension.closes_at, extension.reason, extension.granted_by_id = closes_at, reason, by.id
    db.session.add(extension)
    db.session.flush()
    audit.record(
        "deadline.extended",
        extension,
        by=by,
        on_behalf_of=organisation,
        round_id=round_.id,
        before=before,
        after=audit.snapshot(extension, ("organisation_id", "closes_at", "reason")),
        note=reason,
        now=now,
    )
    for member in organisation.members:
        notifications.queue_email(
            member.user,
            "deadline_extended",
            subject=_l("You have more time to send your application"),
            organisation=organisation,
            round=round_,
            closes_at=closes_at,
            reason=reason,
            now=now,
        )
    return extension
