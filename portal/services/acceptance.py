"""A group answers its offer: it reads it once the round's decisions are released, accepts it
(a name, a role in the group, a date and every condition ticked) or declines it, and only then
gives the bank account the grant is paid into. Officers follow every award's answer and remind
groups that have not answered.

Bank details are seen whole by officers only: the audit trail and the group's pages hold them
masked. Services never build URLs: the route passes the link to the group's pages (``link``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import policies
from portal.db import utcnow
from portal.domain import awards as rules
from portal.domain.roles import Role
from portal.domain.workflow import AWARD_TRANSITIONS, AwardStatus, check_transition
from portal.extensions import db
from portal.models import Application, Award, BankDetails, Organisation, Panel, User
from portal.services import ServiceError, audit, notifications
from portal.services.decisions import released_decision

NAME_LIMIT = 200
REASON_LIMIT = 5000
ANSWERED = (AwardStatus.ACCEPTED, AwardStatus.ACTIVE, AwardStatus.COMPLETED)


class OfferProblems(ServiceError):
    """A refused answer, with a message for each form field it is about (``problems``: field →
    message), so a form can show each one on its field. ``message`` is the first of them."""

    def __init__(self, problems: dict[str, object]) -> None:
        super().__init__(next(iter(problems.values())))
        self.problems = problems


# --- helpers ---------------------------------------------------------------------------------------


def _when(moment: datetime) -> str:
    """'12 May 2027 at 5:00pm', in the portal's time zone (for messages)."""
    return format_datetime(moment, "d MMMM y 'at' h:mma").replace("AM", "am").replace("PM", "pm")


def _day(moment: datetime) -> str:
    return format_datetime(moment, "d MMMM y")


def _local_date(moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(current_app.config.get("TIMEZONE", "Europe/London"))).date()


def _released_at(application: Application) -> datetime | None:
    return db.session.scalar(select(Panel.decisions_released_at).where(Panel.round_id == application.round_id))


def offered_at(award: Award) -> datetime | None:
    """When the group could first see the offer: the release of the round's decisions (or the
    award's making, if it was made after)."""
    released = _released_at(award.application)
    if released is None:
        return None
    return max(released, award.created_at) if award.created_at else released


def _is_member(user: User, organisation: Organisation) -> bool:
    return bool(policies.can_edit_organisation(user, organisation))


def _check_member(award: Award, by: User, refusal: object) -> None:
    if not _is_member(by, award.application.organisation):
        raise ServiceError(refusal)


def _check_open(award: Award) -> None:
    """The offer can still be answered: released to the group, and neither answered nor withdrawn."""
    if offer_for(award.application) is None:
        if award.status == AwardStatus.WITHDRAWN:
            raise ServiceError(_l("This offer has been withdrawn, so it can no longer be answered."))
        raise ServiceError(_l("You cannot answer this offer until the decision has been released to your group."))
    if award.status in ANSWERED:
        raise ServiceError(_l("You have already accepted this offer."))
    if award.status == AwardStatus.DECLINED:
        raise ServiceError(_l("You have already declined this offer."))


def _move(award: Award, target: AwardStatus, by: User) -> AwardStatus:
    roles = set(by.roles) | ({Role.APPLICANT} if _is_member(by, award.application.organisation) else set())
    allowed = check_transition(AWARD_TRANSITIONS, award.status, target, roles)
    if not allowed:
        raise ServiceError(allowed.reason)
    before = award.status
    award.status = target
    return before


def _text(value: str | None) -> str:
    return " ".join((value or "").split())


def _tell_group(award: Award, template: str, *, subject: object, now: datetime, **context: object) -> None:
    for member in award.application.organisation.members:
        notifications.queue_email(
            member.user,
            template,
            subject=subject,
            award=award,
            application=award.application,
            now=now,
            **context,
        )


# --- what the group sees ---------------------------------------------------------------------------


def offer_for(application: Application) -> Award | None:
    """The award the group may see: only once its round's decisions are released, and never a
    withdrawn one."""
    if released_decision(application) is None:
        return None
    award = db.session.scalar(
        select(Award)
        .where(Award.application_id == application.id)
        .options(
            selectinload(Award.conditions),
            selectinload(Award.instalments),
            selectinload(Award.targets),
            selectinload(Award.return_dates),
            selectinload(Award.bank_details),
        )
    )
    if award is None or award.status == AwardStatus.WITHDRAWN:
        return None
    return award


@dataclass(frozen=True)
class Payment:
    """One instalment as the group reads it: the pounds, the percentage if one was given, and
    when it is paid (``label``: words from ``rules.LABELS``, to translate; ``due_on`` for a date)."""

    amount: Decimal
    percentage: Decimal | None
    label: str
    due_on: date | None

    @property
    def percent(self) -> str | None:
        """The percentage as people write it: '100', '33.5'."""
        return f"{self.percentage.normalize():f}" if self.percentage is not None else None


def payments_of(award: Award) -> list[Payment]:
    return [
        Payment(
            amount=instalment.amount,
            percentage=instalment.percentage,
            label=rules.LABELS[instalment.trigger],
            due_on=instalment.due_on if instalment.trigger == rules.PaymentTrigger.ON_DATE else None,
        )
        for instalment in award.instalments
    ]


# --- the group's answer ----------------------------------------------------------------------------


def accept(
    award: Award,
    *,
    name: str,
    role: str,
    accepted_on: date | None,
    agreed_condition_ids: set[int],
    by: User,
    link: str | None = None,
    now: datetime | None = None,
) -> Award:
    """Accept the offer for the group: who accepts (name and role in the group), on what date
    (not in the future, not before the offer) and every condition agreed. ``link``: the page
    where the group gives its bank details, for the confirmation e-mail."""
    now = now or utcnow()
    _check_member(award, by, _l("Only members of the group can accept this offer."))
    _check_open(award)
    name, role = _text(name), _text(role)
    problems = _acceptance_problems(award, name, role, accepted_on, agreed_condition_ids, now)
    if problems:
        raise OfferProblems(problems)

    return _record_acceptance(award, name, role, accepted_on, by=by, link=link, now=now)


def _record_acceptance(
    award: Award,
    name: str,
    role: str,
    accepted_on: date,
    *,
    by: User,
    link: str | None,
    now: datetime,
    how: dict[str, str | None] | None = None,
) -> Award:
    """Accept, once the answer is checked: the award, the audit event (``how``: the channel and note
    of an officer acting for the group, assisted_award.py), the returns now due, the group told."""
    before = _move(award, AwardStatus.ACCEPTED, by)
    award.accepted_at, award.accepted_by_id = now, by.id
    award.accepted_name, award.accepted_role, award.accepted_on = name, role, accepted_on
    award.updated_at = now
    for condition in award.conditions:
        condition.agreed_at = now
    db.session.flush()
    audit.record(
        "award.accepted",
        award,
        by=by,
        before={"status": before},
        after={
            "status": award.status,
            "name": name,
            "role": role,
            "accepted_on": accepted_on.isoformat(),
            "conditions_agreed": [c.title for c in award.conditions],
        },
        on_behalf_of=award.application.organisation,
        round_id=award.application.round_id,
        **(how or {}),
        now=now,
    )
    from portal.services import returns  # the award's returns become due once it is accepted

    returns.create_for_award(award, by=by, now=now)
    _tell_group(
        award,
        "award_accepted",
        subject=_l("You accepted your grant offer %(reference)s", reference=award.application.reference or ""),
        link=link,
        now=now,
    )
    return award


def _acceptance_problems(
    award: Award, name: str, role: str, accepted_on: date | None, agreed_condition_ids: set[int], now: datetime
) -> dict[str, object]:
    """What is wrong with an acceptance, by field (assisted_award.py shares the rules)."""
    problems: dict[str, object] = {}
    if not name:
        problems["name"] = _l("Enter your full name")
    elif len(name) > NAME_LIMIT:
        problems["name"] = _l("Your name must be %(limit)d characters or fewer", limit=NAME_LIMIT)
    if not role:
        problems["role"] = _l("Enter your role in the group, for example treasurer")
    elif len(role) > NAME_LIMIT:
        problems["role"] = _l("Your role must be %(limit)d characters or fewer", limit=NAME_LIMIT)
    offered = offered_at(award)
    if accepted_on is None:
        problems["accepted_on"] = _l("Enter the date you accept the offer")
    elif accepted_on > _local_date(now):
        problems["accepted_on"] = _l("The date cannot be in the future")
    elif offered is not None and accepted_on < _local_date(offered):
        problems["accepted_on"] = _l("The date cannot be before the offer was made on %(day)s", day=_day(offered))
    missing = [c for c in award.conditions if c.id not in agreed_condition_ids]
    if missing:
        problems["conditions"] = _l(
            "Confirm you agree to every condition. Not ticked: %(titles)s",
            titles=", ".join(c.title for c in missing),
        )
    return problems


def decline(
    award: Award, *, reason: str | None, by: User, link: str | None = None, now: datetime | None = None
) -> Award:
    """Turn the offer down for the group; the reason is optional but kept. ``link``: the group's
    status page, for the acknowledgement e-mail."""
    now = now or utcnow()
    _check_member(award, by, _l("Only members of the group can decline this offer."))
    _check_open(award)
    reason = (reason or "").replace("\r\n", "\n").strip() or None
    if reason and len(reason) > REASON_LIMIT:
        raise OfferProblems({"reason": _l("Keep the reason to %(limit)d characters or fewer", limit=REASON_LIMIT)})
    return _record_decline(award, reason, by=by, link=link, now=now)


def _record_decline(
    award: Award,
    reason: str | None,
    *,
    by: User,
    link: str | None,
    now: datetime,
    how: dict[str, str | None] | None = None,
) -> Award:
    """Decline, once the reason is checked: the award, the audit event, the group told."""
    before = _move(award, AwardStatus.DECLINED, by)
    award.declined_at, award.declined_reason, award.updated_at = now, reason, now
    db.session.flush()
    audit.record(
        "award.declined",
        award,
        by=by,
        before={"status": before},
        after={"status": award.status, "reason": reason},
        on_behalf_of=award.application.organisation,
        round_id=award.application.round_id,
        **(how or {}),
        now=now,
    )
    _tell_group(
        award,
        "award_declined",
        subject=_l("You declined your grant offer %(reference)s", reference=award.application.reference or ""),
        link=link,
        now=now,
    )
    return award


def give_bank_details(
    award: Award,
    *,
    account_name: str,
    sort_code: str,
    account_number: str,
    by: User,
    now: datetime | None = None,
) -> BankDetails:
    """The account the grant is paid into, given (or replaced) by a member of the group once it has
    accepted, until payments start. Stored as digits; audited masked, never whole. Every member
    of the group is told, so a change nobody in the group made is noticed."""
    now = now or utcnow()
    _check_member(award, by, _l("Only members of the group can give its bank details."))
    if award.status == AwardStatus.OFFERED:
        raise ServiceError(_l("Accept the offer before you give bank details"))
    if award.status == AwardStatus.DECLINED:
        raise ServiceError(_l("You declined this offer, so we do not need your bank details."))
    if award.status == AwardStatus.WITHDRAWN:
        raise ServiceError(_l("This offer has been withdrawn, so we do not need your bank details."))
    if award.status != AwardStatus.ACCEPTED:
        raise ServiceError(
            _l("Payments have started, so the bank details cannot be changed here. Contact us to change them.")
        )
    problems = rules.bank_details_problems(account_name, sort_code, account_number)
    if problems:
        raise OfferProblems(dict(problems))

    before = masked_details(award)
    replaced = before is not None
    details = _store_bank_details(award, account_name, sort_code, account_number, by=by, now=now)
    audit.record(
        "award.bank_details_given",
        award,
        by=by,
        before=before,
        after={**_masked(details), "replaced": replaced},
        on_behalf_of=award.application.organisation,
        round_id=award.application.round_id,
        now=now,
    )
    _tell_group(
        award,
        "award_bank_details",
        subject=_l("Bank details for your grant %(reference)s", reference=award.application.reference or ""),
        details=_masked(details),
        replaced=replaced,
        given_by=by,
        now=now,
    )
    return details


def _store_bank_details(
    award: Award, account_name: str, sort_code: str, account_number: str, *, by: User, now: datetime
) -> BankDetails:
    """Keep (or replace) the award's account, as digits, given by ``by`` (assisted_award.py shares it)."""
    details = award.bank_details
    if details is None:
        details = BankDetails(award=award)
        db.session.add(details)
    details.account_name = _text(account_name)
    details.sort_code = rules.clean_sort_code(sort_code)
    details.account_number = rules.clean_account_number(account_number)
    details.given_by_id, details.given_at = by.id, now
    award.updated_at = now
    db.session.flush()
    return details


def _masked(details: BankDetails) -> dict[str, str]:
    return {
        "account_name": details.account_name,
        "sort_code": rules.masked_sort_code(details.sort_code),
        "account_number": rules.masked_account_number(details.account_number),
    }


def masked_details(award: Award) -> dict[str, str] | None:
    """What the group sees of its bank details once given: the name, and the last two digits."""
    return _masked(award.bank_details) if award.bank_details else None


# --- officers ----------------------------------------------------------------------------------------
