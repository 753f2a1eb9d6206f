"""The rows behind `flask seed-large` (portal/seed_large.py): the bulk inserter, the shapes the
stages pass along, people, and the later stages of a round: panels and their reviews, decisions,
awards and returns. Each stage adds rows to the session; nothing commits."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, insert

from portal.domain.awards import PaymentTrigger, ReturnKind
from portal.domain.contact import Community
from portal.domain.panel import CommentAudience, MemberKind, Recommendation
from portal.domain.returns import Consent
from portal.domain.roles import Role
from portal.domain.workflow import (
    ApplicationStatus,
    AwardStatus,
    DecisionOutcome,
    ReturnStatus,
    ReviewStatus,
)
from portal.extensions import db
from portal.models import (
    AgreedScore,
    Award,
    AwardCondition,
    AwardInstalment,
    AwardReturnDate,
    AwardTarget,
    BankDetails,
    FundingDecision,
    OutputReturn,
    Panel,
    PanelMember,
    ReturnFigure,
    Review,
    Round,
    Score,
    Story,
    User,
    UserRole,
)
from portal.services import review_totals

if TYPE_CHECKING:
    from portal.seed_large import Sizes

CHUNK = 2000
RETURNS_PER_AWARD = 4
FIRST = ("Amina", "Bilal", "Chloe", "Dev", "Ewa", "Farah", "Grace", "Hassan", "Ines", "Jamal", "Kasia", "Leroy")
LAST = ("Ahmed", "Brown", "Campbell", "Das", "Evans", "Francis", "Gill", "Hussain", "Iqbal", "Jones", "Kowalski")
TEXT = (
    "We meet every week in the community centre and know the people who come by name. "
    "Last year we ran twelve sessions with neighbours from five countries and learned what helps them come back."
)
_UNSCREENED = (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN)
_INELIGIBLE = ApplicationStatus.INELIGIBLE
_PANEL = (ApplicationStatus.WITH_PANEL, ApplicationStatus.SCORED, ApplicationStatus.DECIDED)


class _Rows:
    """Rows for one table, inserted CHUNK at a time; ``ids=True`` keeps the new ids, in order."""

    def __init__(self, model: Any, *, ids: bool = False) -> None:
        self.table: Table = model if isinstance(model, Table) else model.__table__
        self.ids = ids
        self.rows: list[dict[str, Any]] = []
        self.new_ids: list[int] = []
        self.count = 0

    def add(self, **row: Any) -> None:
        self.rows.append(row)
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush(self) -> list[int]:
        if self.rows:
            if self.ids:
                stmt = insert(self.table).returning(self.table.c.id, sort_by_parameter_order=True)
                self.new_ids.extend(db.session.execute(stmt, self.rows).scalars())
            else:
                db.session.execute(insert(self.table), self.rows)
            self.count += len(self.rows)
            self.rows = []
        return self.new_ids


def _insert(model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` and return their new ids, in order."""
    bulk = _Rows(model, ids=True)
    for row in rows:
        bulk.add(**row)
    return bulk.flush()


@dataclass
class _Base:
    """What the demo data gives: the programme to copy, the accounts, the places."""

    fund_id: int
    template: Round
    officer_id: int
    panel_user_id: int
    applicant_id: int
    applicant_org_id: int
    locality_ids: list[int]


def _people(rng: random.Random, count: int, kind: str, role: Role, now: datetime) -> list[int]:
    ids = _insert(
        User,
        [
            {
                "email": f"{kind}{i}@large.example",
                "full_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "password_hash": None,
                "is_enabled": True,
                "created_at": now - timedelta(days=rng.randrange(1, 1500)),
            }
            for i in range(count)
        ],
    )
    roles = _Rows(UserRole)
    for user_id in ids:
        roles.add(user_id=user_id, role=role)
    roles.flush()
    return ids


@dataclass
class _Round:
    id: int
    kind: str  # decided, assessment, open
    prefix: str
    closes_at: datetime
    streams: list[tuple[int, list[tuple[int, str, str, bool, int]]]]  # (id, [(measure id, name, unit, numeric, pos)])
    criteria: list[tuple[int, str, int]]  # (id, question, position)
    title: str
    stream_names: dict[int, str] = field(default_factory=dict)


@dataclass
class _Eoi:
    id: int
    round: _Round
    org_id: int
    owner_id: int
    stream: int  # index into round.streams
    status: ApplicationStatus
    strength: int  # 0–4: how good it is
    amount: Decimal
    title: str
    reference: str | None


def _panels(rng: random.Random, sizes: Sizes, base: _Base, rounds: list[_Round], eois: list[_Eoi], now) -> dict:  # noqa: ANN001
    """A panel per round that has closed: every panel member and the demo panel member sit on it;
    each eligible EOI gets ``reviews_per_eoi`` reviews, with scores."""
    people = _people(rng, sizes.panel_members, "panel", Role.PANEL_MEMBER, now)
    members: dict[int, list[int]] = {}
    for round_ in rounds:
        if round_.kind == "open":
            continue
        released = round_.closes_at + timedelta(days=42) if round_.kind == "decided" else None
        (panel_id,) = _insert(
            Panel,
            [
                {
                    "round_id": round_.id,
                    "scoring_deadline": round_.closes_at + timedelta(days=28),
                    "decisions_released_at": released,
                    "decisions_released_by_id": base.officer_id if released else None,
                    "created_at": round_.closes_at,
                }
            ],
        )
        members[round_.id] = _insert(
            PanelMember,
            [
                {
                    "panel_id": panel_id,
                    "user_id": user_id,
                    "kind": MemberKind.RESIDENT if n % 2 else MemberKind.VOLUNTARY_SECTOR_PARTNER,
                    "profile": "Lives and volunteers locally.",
                    "added_by_id": base.officer_id,
                    "created_at": round_.closes_at,
                }
                for n, user_id in enumerate([base.panel_user_id, *people])
            ],
        )
    reviews, scores = _Rows(Review, ids=True), _Rows(Score)
    planned: list[tuple[_Eoi, ReviewStatus]] = []
    for n, eoi in enumerate(e for e in eois if e.status in _PANEL):
        panel = members[eoi.round.id]
        per = min(sizes.reviews_per_eoi, len(panel))
        for k in range(per):
            member_id = panel[(n * per + k) % len(panel)]
            status = ReviewStatus.SUBMITTED
            if eoi.status == ApplicationStatus.WITH_PANEL and k == per - 1:
                status = ReviewStatus.NOT_STARTED
            if eoi.round.kind == "assessment" and member_id == panel[0] and n % 2:
                status = ReviewStatus.DRAFT  # the demo panel member still has some to score
            done = status == ReviewStatus.SUBMITTED
            scored_at = eoi.round.closes_at + timedelta(days=rng.randrange(2, 20))
            reviews.add(
                application_id=eoi.id,
                member_id=member_id,
                status=status,
                no_conflict_confirmed_at=scored_at if status != ReviewStatus.NOT_STARTED else None,
                recommendation=_recommend(eoi.strength) if done else None,
                recommendation_note="",
                assigned_by_id=base.officer_id,
                assigned_at=eoi.round.closes_at + timedelta(days=1),
                submitted_at=scored_at if done else None,
                updated_at=scored_at,
            )
            planned.append((eoi, status))
    ids = reviews.flush()
    for review_id, (eoi, status) in zip(ids, planned, strict=True):
        if status == ReviewStatus.NOT_STARTED:
            continue
        for criterion_id, _, position in eoi.round.criteria:
            if status == ReviewStatus.DRAFT and position > 2:
                break
            scores.add(
                review_id=review_id,
                criterion_id=criterion_id,
                score=max(0, min(4, eoi.strength + rng.choice((-1, 0, 0, 1)))),
                comment="Clear about who comes and why; say more about reaching people who do not come yet.",
                audience=CommentAudience.FEEDBACK if position % 2 else CommentAudience.PANEL_ONLY,
            )
    scores.flush()
    for round_ in rounds:  # the submitted reviews' weighted totals, as submitting them keeps them
        review_totals.refresh_round(round_.id)
    return {"reviews": len(ids), "scores": scores.count}


def _recommend(strength: int) -> Recommendation:
    if strength >= 3:
        return Recommendation.FUND
    return Recommendation.FUND_WITH_CONDITIONS if strength == 2 else Recommendation.DO_NOT_FUND


def _decisions(rng: random.Random, sizes: Sizes, base: _Base, eois: list[_Eoi]) -> list[tuple[_Eoi, int]]:
    """Agreed scores and decisions for the decided rounds; the strongest EOIs are funded, as many
    as there are awards to make. Returns (EOI, decision id) of the funded ones."""
    decided = [e for e in eois if e.status == ApplicationStatus.DECIDED]
    awards = min(sizes.returns // RETURNS_PER_AWARD, len(decided))
    ranked = sorted(decided, key=lambda e: (-e.strength, e.id))
    funded = {e.id for e in ranked[:awards]}
    agreed, rows = _Rows(AgreedScore), []
    for eoi in decided:
        when = eoi.round.closes_at + timedelta(days=30)
        score = Decimal(min(100, eoi.strength * 20 + rng.randrange(0, 20)))
        agreed.add(
            application_id=eoi.id,
            score=score,
            rationale="Agreed at the panel meeting.",
            recorded_by_id=base.officer_id,
            recorded_at=when,
        )
        fund = eoi.id in funded
        rows.append(
            {
                "application_id": eoi.id,
                "outcome": DecisionOutcome.FUND if fund else DecisionOutcome.DO_NOT_FUND,
                "amount": eoi.amount if fund else None,
                "conditions": None,
                "feedback": None if fund else "The panel liked the idea; say more about who will take part.",
                "reason": "Ranked by the panel's agreed score within the work stream's budget.",
                "override_reason": None,
                "rank_at_decision": None,
                "within_budget_at_decision": fund,
                "decided_by_id": base.officer_id,
                "decided_at": when + timedelta(days=5),
                "updated_at": when + timedelta(days=5),
            }
        )
    agreed.flush()
    ids = _insert(FundingDecision, rows)
    return [(eoi, i) for eoi, i in zip(decided, ids, strict=True) if eoi.id in funded]


def _awards(rng: random.Random, base: _Base, funded: list[tuple[_Eoi, int]], now: datetime) -> dict[str, int]:
    """Each funded EOI's award (accepted, with terms and bank details) and its four returns."""
    rows = []
    for eoi, decision_id in funded:
        starts = (eoi.round.closes_at + timedelta(days=60)).date()
        ends = starts + timedelta(days=365)
        status = AwardStatus.COMPLETED if ends < now.date() else AwardStatus.ACTIVE
        accepted = eoi.round.closes_at + timedelta(days=50)
        rows.append(
            {
                "application_id": eoi.id,
                "decision_id": decision_id,
                "status": status,
                "amount": eoi.amount,
                "starts_on": starts,
                "ends_on": ends,
                "created_by_id": base.officer_id,
                "created_at": accepted - timedelta(days=3),
                "updated_at": accepted,
                "accepted_at": accepted,
                "accepted_by_id": eoi.owner_id,
                "accepted_name": "A. Member",
                "accepted_role": "Chair",
                "accepted_on": accepted.date(),
            }
        )
    award_ids = _insert(Award, rows)
    conditions, instalments, targets, banks = (
        _Rows(AwardCondition),
        _Rows(AwardInstalment),
        _Rows(AwardTarget),
        _Rows(BankDetails),
    )
    dates: list[dict[str, Any]] = []
    for award_id, (eoi, _), row in zip(award_ids, funded, rows, strict=True):
        for position, title in enumerate(("Safeguarding", "Publicity")):
            conditions.add(
                award_id=award_id, title=title, body="You must keep to this.", position=position, agreed_at=None
            )
        for position, trigger in enumerate((PaymentTrigger.ON_ACCEPTANCE, PaymentTrigger.ON_FINAL_RETURN)):
            instalments.add(
                award_id=award_id,
                position=position,
                amount=row["amount"] / 2,
                percentage=Decimal(50),
                trigger=trigger,
                due_on=None,
                paid_at=None,
            )
        for measure_id, _, _, numeric, _ in eoi.round.streams[eoi.stream][1]:
            targets.add(
                award_id=award_id,
                measure_id=measure_id,
                quantity=20 + rng.randrange(80) if numeric else None,
                description=None if numeric else "Stories in people's own words",
            )
        banks.add(
            award_id=award_id,
            account_name="Group account",
            sort_code=f"{rng.randrange(10**6):06d}",
            account_number=f"{rng.randrange(10**8):08d}",
            given_by_id=eoi.owner_id,
            given_at=row["accepted_at"],
        )
        for period in range(RETURNS_PER_AWARD):
            kind = ReturnKind.FINAL if period == RETURNS_PER_AWARD - 1 else ReturnKind.OTHER
            if period == 1:
                kind = ReturnKind.MIDPOINT
            dates.append(
                {"award_id": award_id, "kind": kind, "due_on": row["starts_on"] + timedelta(days=91 * (period + 1))}
            )
    for rows_ in (conditions, instalments, targets, banks):
        rows_.flush()
    date_ids = _insert(AwardReturnDate, dates)
    return _returns(rng, funded, award_ids, dates, date_ids, now)


def _returns(rng, funded, award_ids, dates, date_ids, now) -> dict[str, int]:  # noqa: ANN001
    today = now.date()
    measures = {
        award_id: eoi.round.streams[eoi.stream][1] for award_id, (eoi, _) in zip(award_ids, funded, strict=True)
    }
    owners = {award_id: eoi.owner_id for award_id, (eoi, _) in zip(award_ids, funded, strict=True)}
    rows, statuses = [], []
    for n, (due, date_id) in enumerate(zip(dates, date_ids, strict=True)):
        past = due["due_on"] < today
        roll = rng.random()
        status = ReturnStatus.DUE
        if past:
            status = (
                ReturnStatus.ACCEPTED if roll < 0.85 else ReturnStatus.SUBMITTED if roll < 0.95 else ReturnStatus.DUE
            )
        sent = status in (ReturnStatus.ACCEPTED, ReturnStatus.SUBMITTED)
        sent_at = datetime.combine(due["due_on"], datetime.min.time(), tzinfo=now.tzinfo) if sent else None
        rows.append(
            {
                "award_id": due["award_id"],
                "return_date_id": date_id,
                "period": n % RETURNS_PER_AWARD + 1,
                "due_on": due["due_on"],
                "is_final": due["kind"] == ReturnKind.FINAL,
                "status": status,
                "spend_to_date": Decimal(rng.randrange(100, 2500)) if sent else None,
                "went_well": "More people came than we hoped." if sent else None,
                "was_hard": "Finding a free room on Saturdays." if sent else None,
                "support_needed": None,
                "took_part": rng.sample([c.value for c in Community], 2) if sent else None,
                "submitted_at": sent_at,
                "submitted_by_id": owners[due["award_id"]] if sent else None,
                "accepted_at": sent_at + timedelta(days=10) if status == ReturnStatus.ACCEPTED else None,
                "created_at": sent_at or now,
                "updated_at": sent_at or now,
            }
        )
        statuses.append(status)
    return_ids = _insert(OutputReturn, rows)
    figures, stories = _Rows(ReturnFigure), _Rows(Story)
    for return_id, row, status in zip(return_ids, rows, statuses, strict=True):
        if status == ReturnStatus.DUE:
            continue
        for measure_id, _, _, numeric, _ in measures[row["award_id"]]:
            figures.add(
                return_id=return_id,
                measure_id=measure_id,
                quantity=rng.randrange(0, 30) if numeric else None,
                description=None if numeric else "We collected eight stories.",
            )
        if status == ReturnStatus.ACCEPTED and rng.random() < 0.2:
            stories.add(
                return_id=return_id,
                title="Meeting my neighbours",
                body="I had lived here five years and never spoken to the people next door.",
                teller_name="Joy",
                consent=rng.choice(list(Consent)),
                consent_withdrawn_at=None,
                file_id=None,
                created_at=row["submitted_at"],
            )
    figures.flush(), stories.flush()
    return {"returns": len(return_ids), "return_figures": figures.count, "stories": stories.count}
