"""The assisted route for an offer: an officer records a group's answer for it (the acceptance its
signatory gave us, or its refusal) and takes the bank account the grant is paid into, for a group
that cannot do it online.

Each is recorded as such: the audit event's actor is the officer, ``on_behalf_of`` is the group,
``channel`` says how the group reached us and ``note`` who in it told the officer, and when. The
rules are the group's own (acceptance.py: what an acceptance needs, how bank details are checked
and kept, who is told); only who may act, the words officers read and the record differ. The
group's members are e-mailed as when they act themselves, so a change nobody in the group asked
for is noticed. Services never build URLs: routes pass the links for the e-mails.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from portal.db import utcnow
from portal.domain import awards as rules
from portal.domain.applications import Channel
from portal.domain.roles import Role
from portal.domain.workflow import AwardStatus
from portal.models import Award, BankDetails, User
from portal.services import ServiceError, audit
from portal.services.acceptance import (
    ANSWERED,
    NAME_LIMIT,
    REASON_LIMIT,
    _acceptance_problems,
    _masked,
    _record_acceptance,
    _record_decline,
    _store_bank_details,
    _tell_group,
    _text,
    masked_details,
    offer_for,
)

NOTE_LIMIT = 2000


class AssistedProblems(ServiceError):
    """A refused change, with a message for each form field it is about (``problems``: field →
    message); ``message`` is the first of them."""

    def __init__(self, problems: dict[str, object]) -> None:
        super().__init__(next(iter(problems.values())))
        self.problems = problems


@dataclass(frozen=True)
class How:
    """How the group reached the officer acting for it, and the officer's note of who in the group
    told them what, and when (kept in the audit event)."""

    channel: Channel
    note: str | None

    @property
    def record(self) -> dict[str, str | None]:
        return {"channel": self.channel.value, "note": self.note}


@dataclass(frozen=True)
class GroupPerson:
    """Someone in the group who is not on the portal, as the e-mails to the group name them."""

    full_name: str


def check_officer(by: User) -> None:
    if not by.has_role(Role.OFFICER):
        raise ServiceError(_l("Only council officers can act on a group's behalf."))


def how_problems(
    channel: Channel | str | None, note: str | None, *, note_required: bool = True, missing: object = None
) -> tuple[How | None, dict[str, object]]:
    """The channel (any but online) and the note, checked: ``(how, {})``, or ``(None, problems)``.
    ``missing``: what to say when a required note is empty."""
    try:
        chosen = Channel(channel) if channel else None
    except ValueError:
        chosen = None
    problems: dict[str, object] = {}
    if chosen is None or chosen == Channel.ONLINE:
        problems["channel"] = _l("Choose how the group reached us")
    text = (note or "").replace("\r\n", "\n").strip()
    if note_required and not text:
        problems["note"] = missing or _l("Record who in the group told you, and when")
    elif len(text) > NOTE_LIMIT:
        problems["note"] = _l("Keep this to %(limit)d characters or fewer", limit=NOTE_LIMIT)
    return (None if problems else How(chosen, text or None)), problems


def check_how(channel: Channel | str | None, note: str | None, *, note_required: bool = True) -> How:
    how, problems = how_problems(channel, note, note_required=note_required)
    if problems:
        raise AssistedProblems(problems)
    return how


# --- the answer to the offer -------------------------------------------------------------------------


def why_not_answerable(award: Award) -> object | None:
    """Why an officer cannot record an answer to this offer for the group now (None: they can)."""
    if award.status == AwardStatus.WITHDRAWN:
        return _l("This offer has been withdrawn, so it can no longer be answered.")
    if award.status in ANSWERED:
        return _l("The group has already accepted this offer.")
    if award.status == AwardStatus.DECLINED:
        return _l("The group has already declined this offer.")
    if offer_for(award.application) is None:
        return _l("The group cannot answer this offer until the round's decisions are released to it.")
    return None


def _check_answerable(award: Award, by: User) -> None:
    check_officer(by)
    reason = why_not_answerable(award)
    if reason is not None:
        raise ServiceError(reason)


def accept_for_group(
    award: Award,
    *,
    name: str,
    role: str,
    accepted_on: date | None,
    agreed_condition_ids: set[int],
    channel: Channel | str | None,
    note: str | None = None,
    by: User,
    link: str | None = None,
    now: datetime | None = None,
) -> Award:
    """Record the group's acceptance as its signatory gave it to us (their name, their role in the
    group, the date, every condition agreed), by phone, on paper, in person or by video call. The
    group's own rules apply; its returns become due and its members are told, as online."""
    now = now or utcnow()
    _check_answerable(award, by)
    name, role = _text(name), _text(role)
    how, problems = how_problems(channel, note, note_required=False)
    problems = {**_acceptance_problems(award, name, role, accepted_on, agreed_condition_ids, now), **problems}
    if problems:
        raise AssistedProblems(problems)

    return _record_acceptance(award, name, role, accepted_on, by=by, link=link, now=now, how=how.record)


def decline_for_group(
    award: Award,
    *,
    reason: str | None,
    channel: Channel | str | None,
    note: str | None,
    by: User,
    link: str | None = None,
    now: datetime | None = None,
) -> Award:
    """Record that the group turns the offer down, with its reason if it gave one (``note``: who in
    the group told us, and when)."""
    now = now or utcnow()
    _check_answerable(award, by)
    reason = (reason or "").replace("\r\n", "\n").strip() or None
    how, problems = how_problems(channel, note)
    if reason and len(reason) > REASON_LIMIT:
        problems["reason"] = _l("Keep the reason to %(limit)d characters or fewer", limit=REASON_LIMIT)
    if problems:
        raise AssistedProblems(problems)

    return _record_decline(award, reason, by=by, link=link, now=now, how=how.record)


# --- the bank account ------------------------------------------------------------------------------


def why_no_bank_details(award: Award) -> object | None:
    """Why an officer cannot take the group's bank details now (None: they can)."""
    if award.status == AwardStatus.OFFERED:
        return _l("The group must accept the offer before we take its bank details.")
    if award.status == AwardStatus.DECLINED:
        return _l("The group declined this offer, so we do not need its bank details.")
    if award.status == AwardStatus.WITHDRAWN:
        return _l("This offer has been withdrawn, so we do not need the group's bank details.")
    if award.status != AwardStatus.ACCEPTED:
        return _l("Payments have started, so the bank details cannot be changed here.")
    return None


def give_bank_details_for_group(
    award: Award,
    *,
    account_name: str,
    sort_code: str,
    account_number: str,
    given_by: str,
    channel: Channel | str | None,
    note: str | None,
    by: User,
    now: datetime | None = None,
) -> BankDetails:
    """Keep (or replace) the account the grant is paid into, as someone in the group gave it to the
    officer (``given_by``: their name; ``note``: how the officer checked the details). Audited
    masked, never whole; every member of the group is told who gave them."""
    now = now or utcnow()
    check_officer(by)
    refusal = why_no_bank_details(award)
    if refusal is not None:
        raise ServiceError(refusal)
    giver = _text(given_by)
    how, problems = how_problems(channel, note, missing=_l("Record how and when they gave you the details"))
    problems = {**rules.bank_details_problems(account_name, sort_code, account_number), **problems}
    if not giver:
        problems["given_by"] = _l("Enter the name of the person in the group who gave you the details")
    elif len(giver) > NAME_LIMIT:
        problems["given_by"] = _l("Keep the name to %(limit)d characters or fewer", limit=NAME_LIMIT)
    if problems:
        raise AssistedProblems(problems)

    before = masked_details(award)
    details = _store_bank_details(award, account_name, sort_code, account_number, by=by, now=now)
    audit.record(
        "award.bank_details_given",
        award,
        by=by,
        before=before,
        after={**_masked(details), "replaced": before is not None, "given_by": giver},
        on_behalf_of=award.application.organisation,
        round_id=award.application.round_id,
        **how.record,
        now=now,
    )
    _tell_group(
        award,
        "award_bank_details",
        subject=_l("Bank details for your grant %(reference)s", reference=award.application.reference or ""),
        details=_masked(details),
        replaced=before is not None,
        given_by=GroupPerson(giver),
        now=now,
    )
    return details
