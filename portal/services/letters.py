"""Issued letters are records: an award letter (an offer) or a decline letter (with the panel's
feedback), rendered to a tagged PDF from a plain context, stored through storage.py with the
template name, the context, a sha256 and a version. Issuing again adds a version and keeps the old
ones; a download returns the stored bytes, never a fresh render; ``reproduce`` renders a letter
again from its record, and gives the same bytes.

Services never build URLs: the caller passes ``LetterLinks`` (the group's offer page, and the
download link of a letter once it has an id).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.db import utcnow
from portal.domain.awards import LetterKind
from portal.domain.organisations import MembershipRole
from portal.domain.roles import Role
from portal.domain.workflow import AwardStatus, DecisionOutcome
from portal.extensions import db
from portal.i18n import SOURCE_LANGUAGE, catalogued_languages
from portal.models import Application, Award, FundingDecision, Letter, Organisation, User
from portal.pdf import html_to_pdf
from portal.pdf.letters import BUILDERS, letter_context
from portal.services import ServiceError, audit, notifications
from portal.services.decisions import decision_on, released_decision
from portal.storage import get_storage, sha256_of

LETTER_PREFIX = "letters"


@dataclass(frozen=True)
class LetterLinks:
    """Absolute links a letter and its e-mail give, made by the caller (services build no URLs)."""

    offer: Callable[[Application], str]  # the page where the group reads and accepts its offer
    download: Callable[[Letter], str]  # where a member of the group downloads an issued letter


@dataclass(frozen=True)
class PreparedLetter:
    """Everything needed to render one letter and record it; ``template_name`` and ``context`` are
    plain values that can be sent to another process."""

    application_id: int
    award_id: int | None
    kind: LetterKind
    language: str
    template_name: str
    context: dict[str, Any]


# --- reading ---------------------------------------------------------------------------------------


def award_of(application: Application) -> Award | None:
    return db.session.scalar(select(Award).where(Award.application_id == application.id))


def letters_for(application: Application) -> list[Letter]:
    """Every letter issued for the application, newest first (each kind's versions together)."""
    return list(
        db.session.scalars(
            select(Letter)
            .where(Letter.application_id == application.id)
            .options(joinedload(Letter.issued_by))
            .order_by(Letter.issued_at.desc(), Letter.id.desc())
        )
    )


def latest(application: Application, kind: LetterKind | str) -> Letter | None:
    return db.session.scalar(
        select(Letter)
        .where(Letter.application_id == application.id, Letter.kind == LetterKind(kind))
        .order_by(Letter.version.desc())
        .limit(1)
    )


def letter_bytes(letter: Letter) -> bytes:
    """The PDF exactly as it was issued (the stored bytes, never a fresh render)."""
    return get_storage(current_app.config).read(letter.storage_key)


def render_letter(template_name: str, context: dict[str, Any], *, static_root: str | Path) -> bytes:
    """A letter's PDF from its template and its plain context alone (no request, no globals), so
    the same record always gives the same bytes."""
    html = current_app.jinja_env.get_template(f"pdf/{template_name}").render(**context)
    return html_to_pdf(html, static_root=static_root)


def reproduce(letter: Letter, *, static_root: str | Path | None = None) -> bytes:
    """Render the letter again from its stored template name and context (to check a record: the
    result is byte for byte the stored PDF)."""
    return render_letter(letter.template_name, letter.context, static_root=static_root or current_app.static_folder)


# --- facts: the ORM read once, handed on as plain values -----------------------------------------


def _local_date(moment: datetime) -> str:
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(current_app.config.get("TIMEZONE", "Europe/London"))).date().isoformat()


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _logo_data_uri(round_) -> str | None:  # noqa: ANN001
    import base64

    if not round_.letter_logo_key:
        return None
    data = get_storage(current_app.config).read(round_.letter_logo_key)
    kind = round_.letter_logo_type or "image/png"
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def _organisation(organisation: Organisation) -> dict[str, Any]:
    address = [organisation.address_line_1, organisation.address_line_2, organisation.town, organisation.postcode]
    return {
        "name": organisation.name,
        "legal_form": str(organisation.legal_form),
        "accountable_body": organisation.accountable_body_name or None,
        "address_lines": [line for line in address if line],
    }


def _award(award: Award) -> dict[str, Any]:
    return {
        "amount": f"{award.amount:.2f}",
        "starts_on": award.starts_on.isoformat() if award.starts_on else None,
        "ends_on": award.ends_on.isoformat() if award.ends_on else None,
        "work_stream": award.application.work_stream.name if award.application.work_stream else None,
        "conditions": [{"title": c.title, "body": c.body} for c in award.conditions],
        "instalments": [
            {
                "amount": f"{i.amount:.2f}",
                "percentage": f"{i.percentage:.2f}" if i.percentage is not None else None,
                "trigger": str(i.trigger),
                "due_on": i.due_on.isoformat() if i.due_on else None,
            }
            for i in award.instalments
        ],
        "targets": [
            {"measure": t.measure.name, "unit": t.measure.unit, "quantity": t.quantity, "description": t.description}
            for t in sorted(award.targets, key=lambda t: (t.measure.position, t.measure.id))
        ],
        "return_dates": [{"kind": str(r.kind), "due_on": r.due_on.isoformat()} for r in award.return_dates],
    }


def letter_facts(
    application: Application,
    kind: LetterKind,
    *,
    award: Award | None,
    decision: FundingDecision | None,
    language: str,
    links: LetterLinks,
    now: datetime,
) -> dict[str, Any]:
    """What a letter says, as plain values (strings, ISO dates, amounts as strings, lists of dicts)."""
    config = current_app.config
    round_ = application.round
    facts: dict[str, Any] = {
        "kind": str(kind),
        "language": language,
        "issued_on": _local_date(now),
        "reference": application.reference or "",
        "project_title": application.title or "",
        "round_title": round_.title,
        "organisation": _organisation(application.organisation),
        "letterhead": {
            "council_name": round_.letter_council_name or config["COUNCIL_NAME"],
            "address_lines": _lines(round_.letter_address),
            "logo_data_uri": _logo_data_uri(round_),
            "signatory_name": round_.letter_signatory_name or None,
            "signatory_title": round_.letter_signatory_title or None,
        },
        "contact": {
            "council_name": round_.letter_council_name or config["COUNCIL_NAME"],
            "email": config.get("CONTACT_EMAIL") or None,
            "phone": config.get("CONTACT_PHONE") or None,
        },
        "links": {"offer": links.offer(application) if kind == LetterKind.AWARD else None},
    }
    if award is not None:
        facts["award"] = _award(award)
    if decision is not None and kind == LetterKind.DECLINE:
        facts["decision"] = {"outcome": str(decision.outcome), "feedback": decision.feedback or ""}
    return facts


# --- issuing ---------------------------------------------------------------------------------------


def _check_can_issue(
    application: Application, kind: LetterKind, by: User | None
) -> tuple[Award | None, FundingDecision]:
    if by is None or not by.has_role(Role.OFFICER):
        raise ServiceError(_l("Only officers can issue letters."))
    released = released_decision(application)
    if kind == LetterKind.AWARD:
        award = award_of(application)
        if award is None:
            raise ServiceError(_l("This application has no award, so there is no award letter to issue."))
        if award.status == AwardStatus.WITHDRAWN:
            raise ServiceError(_l("This award has been withdrawn, so its letter cannot be issued."))
        if released is None:
            raise ServiceError(_l("Release the round's decisions first: the group cannot see its decision yet."))
        return award, released
    decision = released or decision_on(application)
    if decision is None or decision.outcome != DecisionOutcome.DO_NOT_FUND:
        raise ServiceError(_l("Only an application that was not funded gets a decline letter."))
    if released is None:
        raise ServiceError(_l("Release the round's decisions first: the group cannot see its decision yet."))
    return None, decision


def group_language(application: Application) -> str:
    """The language a group's letters are written in: the language chosen in the portal by the person
    who sent the application (or started it), else by the group's account managers, then its other
    members, else the portal's default language. Only a language with a translation counts (English
    otherwise).
    A letter in another language carries the English text after it (portal/pdf/letters.py)."""
    catalogued = set(catalogued_languages())
    members = sorted(application.organisation.members, key=lambda m: (m.role != MembershipRole.OWNER, m.id or 0))
    member_ids = {m.user_id for m in members}  # an officer who entered the application for them does not count
    people = [p for p in (application.submitted_by, application.created_by) if p and p.id in member_ids]
    for person in [*people, *(m.user for m in members)]:
        language = person.preferred_language if person else None
        if language and language in catalogued:
            return language
    default = current_app.config["DEFAULT_LANGUAGE"]
    return default if default in catalogued else SOURCE_LANGUAGE


def next_version(application: Application, kind: LetterKind) -> int:
    current = db.session.scalar(
        select(func.max(Letter.version)).where(Letter.application_id == application.id, Letter.kind == kind)
    )
    return (current or 0) + 1


def prepare_letter(
    application: Application,
    kind: LetterKind | str,
    *,
    by: User | None,
    links: LetterLinks,
    language: str | None = None,
    now: datetime | None = None,
) -> PreparedLetter:
    """Check the letter may be issued and build its context (no rendering yet)."""
    kind = LetterKind(kind)
    now = now or utcnow()
    award, decision = _check_can_issue(application, kind, by)
    language = language or group_language(application)
    template_name, _build = BUILDERS[kind.value]
    facts = letter_facts(
        application,
        kind,
        award=award,
        decision=decision,
        language=language,
        links=links,
        now=now,
    )
    context = letter_context(kind.value, facts)
    # Exactly what is stored (JSON) is what is rendered, so the record reproduces the PDF.
    context = json.loads(json.dumps(context))
    return PreparedLetter(application.id, award.id if award else None, kind, language, template_name, context)


def record_letter(
    prepared: PreparedLetter,
    pdf: bytes,
    *,
    by: User | None,
    links: LetterLinks,
    batch_id: int | None = None,
    now: datetime | None = None,
) -> Letter:
    """Store a rendered letter and its record (the next version), and e-mail the group."""
    now = now or utcnow()
    application = db.session.get(Application, prepared.application_id)
    key = get_storage(current_app.config).save(pdf, prefix=LETTER_PREFIX)
    letter = Letter(
        application_id=application.id,
        award_id=prepared.award_id,
        kind=prepared.kind,
        version=next_version(application, prepared.kind),
        template_name=prepared.template_name,
        context=prepared.context,
        language=prepared.language,
        storage_key=key,
        sha256=sha256_of(pdf),
        size=len(pdf),
        issued_by_id=by.id if by else None,
        issued_at=now,
        batch_id=batch_id,
    )
    db.session.add(letter)
    db.session.flush()
    audit.record(
        "letter.issued",
        application,
        by=by,
        after={"letter_id": letter.id, "kind": letter.kind, "version": letter.version, "sha256": letter.sha256},
        now=now,
    )
    _tell_group(application, letter, link=links.download(letter), now=now)
    return letter


def issue_letter(
    application: Application,
    kind: LetterKind | str,
    *,
    by: User,
    static_root: str | Path,
    links: LetterLinks,
    language: str | None = None,
    now: datetime | None = None,
) -> Letter:
    """Issue (or issue again) one letter: check, build its context, render it, store it as the
    next version with its hash, record it in the audit trail and e-mail the group's members."""
    now = now or utcnow()
    prepared = prepare_letter(application, kind, by=by, links=links, language=language, now=now)
    pdf = render_letter(prepared.template_name, prepared.context, static_root=static_root)
    return record_letter(prepared, pdf, by=by, links=links, now=now)


def _tell_group(application: Application, letter: Letter, *, link: str, now: datetime) -> None:
    subject = (
        _l("Your award letter for %(reference)s", reference=application.reference or "")
        if letter.kind == LetterKind.AWARD
        else _l("A letter about your application %(reference)s", reference=application.reference or "")
    )
    for member in application.organisation.members:
        notifications.queue_email(
            member.user,
            "letter_issued",
            subject=subject,
            application=application,
            letter=letter,
            link=link,
            now=now,
        )
