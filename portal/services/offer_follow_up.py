"""Officers follow every offer's answer: the round's acceptances at a glance (who has answered,
who has given bank details, who was reminded), a reminder to the groups that have not answered
(at most one a day), and an award as officers see it. The group's side is acceptance.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.db import utcnow
from portal.domain.roles import Role
from portal.domain.workflow import AwardStatus
from portal.extensions import db
from portal.models import Application, Award, BankDetails, Panel, Round, User
from portal.services import ServiceError, audit
from portal.services.acceptance import _tell_group, _when, offer_for, offered_at

REMIND_EVERY = timedelta(hours=24)


def remind(award: Award, *, by: User, link: str, now: datetime | None = None) -> Award:
    """E-mail the group's members that their offer is waiting for an answer (``link``: the offer
    page), at most once every 24 hours."""
    now = now or utcnow()
    if not by.has_role(Role.OFFICER):
        raise ServiceError(_l("Only officers can remind groups."))
    if offer_for(award.application) is None and award.status == AwardStatus.OFFERED:
        raise ServiceError(_l("The group cannot see this offer until the round's decisions are released."))
    if award.status != AwardStatus.OFFERED:
        raise ServiceError(_l("Only an offer still waiting for an answer can be reminded."))
    if award.last_reminded_at is not None and now - award.last_reminded_at < REMIND_EVERY:
        raise ServiceError(
            _l(
                "You reminded them on %(when)s. You can remind them again 24 hours after that.",
                when=_when(award.last_reminded_at),
            )
        )
    before = award.last_reminded_at
    award.last_reminded_at = now
    db.session.flush()
    audit.record(
        "award.reminded",
        award,
        by=by,
        before={"last_reminded_at": before},
        after={"last_reminded_at": now, "recipients": len(award.application.organisation.members)},
        round_id=award.application.round_id,
        now=now,
    )
    _tell_group(
        award,
        "award_reminder",
        subject=_l("Your grant offer %(reference)s is waiting for you", reference=award.application.reference or ""),
        link=link,
        offered=offered_at(award),
        now=now,
    )
    return award


@dataclass(frozen=True)
class AcceptanceRow:
    award: Award
    reference: str
    group: str
    amount: Decimal
    status: AwardStatus
    offered_at: datetime | None
    accepted_on: date | None
    accepted_by: str | None  # "name, role"
    has_bank_details: bool
    bank_details_given_at: datetime | None
    last_reminded_at: datetime | None

    @property
    def can_remind(self) -> bool:
        return self.status == AwardStatus.OFFERED and self.offered_at is not None


def acceptance_overview(round_: Round) -> list[AcceptanceRow]:
    """Every award of the round with where its answer is: status, when offered, who accepted and
    when, whether bank details are in, and the last reminder. Two queries, whatever the number."""
    released = db.session.scalar(select(Panel.decisions_released_at).where(Panel.round_id == round_.id))
    awards = db.session.scalars(
        select(Award)
        .join(Award.application)
        .where(Application.round_id == round_.id)
        .options(
            joinedload(Award.application).joinedload(Application.organisation),
            joinedload(Award.bank_details),
        )
        .order_by(Application.reference, Award.id)
    ).unique()
    rows = []
    for award in awards:
        details = award.bank_details
        accepted_by = ", ".join(p for p in (award.accepted_name, award.accepted_role) if p) or None
        rows.append(
            AcceptanceRow(
                award=award,
                reference=award.application.reference or "",
                group=award.application.organisation.name,
                amount=award.amount,
                status=award.status,
                offered_at=max(released, award.created_at) if released and award.created_at else released,
                accepted_on=award.accepted_on,
                accepted_by=accepted_by,
                has_bank_details=details is not None,
                bank_details_given_at=details.given_at if details else None,
                last_reminded_at=award.last_reminded_at,
            )
        )
    return rows


def award_for_officer(award_id: int) -> Award | None:
    """An award with what the officers' pages show of it: its group and its bank details."""
    return db.session.get(
        Award,
        award_id,
        options=[
            joinedload(Award.application).joinedload(Application.organisation),
            joinedload(Award.bank_details),
        ],
    )


def bank_details_giver(details: BankDetails) -> User | None:
    return db.session.get(User, details.given_by_id) if details.given_by_id else None
