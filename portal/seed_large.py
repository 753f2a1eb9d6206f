"""`flask seed-large`: a large, realistically shaped data set for the benchmarks (issue #9).

On top of the demo data (loaded first when it is missing, for its programme, places and accounts),
it adds thousands of groups with an owner each, several rounds of the demo's programme (its five
work streams and criteria): older rounds decided, with released decisions, awards and returns; one
round in assessment whose panel has scored it (the moderation page's round); one round open, with
drafts and sent EOIs. The demo accounts take part, so the benchmarks sign in as them and see
large pages: the applicant's group has an EOI in every round, the demo panel member sits on every
panel and has reviews to score in the round in assessment.

Rows go in with SQLAlchemy Core ``insert()`` and lists of dicts, in chunks (not one ORM object at a
time). The same seed gives the same data (dates are relative to ``now``). Invented data only: it
refuses to run in production.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import click
from flask import Flask, current_app
from sqlalchemy import Table, insert, select

from portal.db import utcnow
from portal.domain.applications import Section, format_reference
from portal.domain.awards import PaymentTrigger, ReturnKind
from portal.domain.contact import Community
from portal.domain.organisations import IncomeBand, LegalForm, MembershipRole
from portal.domain.panel import CommentAudience, MemberKind, Recommendation
from portal.domain.returns import Consent
from portal.domain.roles import Role
from portal.domain.workflow import (
    ApplicationStatus,
    AwardStatus,
    DecisionOutcome,
    ReturnStatus,
    ReviewStatus,
    RoundStatus,
)
from portal.extensions import db
from portal.models import (
    AgreedScore,
    Application,
    ApplicationAnswer,
    ApplicationVersion,
    Award,
    AwardCondition,
    AwardInstalment,
    AwardReturnDate,
    AwardTarget,
    BankDetails,
    BudgetLine,
    Criterion,
    Fund,
    FundingDecision,
    Locality,
    Organisation,
    OrganisationMember,
    OutputMeasure,
    OutputReturn,
    Panel,
    PanelMember,
    PlannedOutput,
    ReturnFigure,
    Review,
    Round,
    Score,
    Story,
    User,
    UserRole,
    WorkStream,
)
from portal.models.applications import application_localities
from portal.models.people import organisation_localities

CHUNK = 2000
RETURNS_PER_AWARD = 4


@dataclass(frozen=True)
class Sizes:
    organisations: int = 10_000
    eois: int = 20_000
    rounds: int = 6  # at least 3: decided rounds, one in assessment, one open
    panel_members: int = 50
    reviews_per_eoi: int = 5
    returns: int = 20_000  # four per award: returns / 4 awards
    moderation_eois: int = 2_000  # EOIs in the round in assessment
    seed: int = 1


PRESETS = {
    "tiny": Sizes(
        organisations=30, eois=60, rounds=3, panel_members=6, reviews_per_eoi=3, returns=40, moderation_eois=16
    ),
    "small": Sizes(organisations=300, eois=600, rounds=4, panel_members=12, returns=400, moderation_eois=100),
    "large": Sizes(),
}

PLACES = ("Aston", "Handsworth", "Sparkhill", "Moseley", "Erdington", "Acocks Green", "Nechells", "Ladywood")
KINDS = ("Women's", "Youth", "Elders'", "Refugee", "Neighbours'", "Arts", "Faith", "Families'", "Allotment", "Sports")
NOUNS = ("Circle", "Club", "Network", "Forum", "Collective", "Project", "Association", "Hub", "Trust", "Group")
FIRST = ("Amina", "Bilal", "Chloe", "Dev", "Ewa", "Farah", "Grace", "Hassan", "Ines", "Jamal", "Kasia", "Leroy")
LAST = ("Ahmed", "Brown", "Campbell", "Das", "Evans", "Francis", "Gill", "Hussain", "Iqbal", "Jones", "Kowalski")
TEXT = (
    "We meet every week in the community centre and know the people who come by name. "
    "Last year we ran twelve sessions with neighbours from five countries and learned what helps them come back."
)


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


def _demo_base(now: datetime) -> _Base:
    from portal import demo

    if db.session.scalar(select(Fund.id).where(Fund.name == demo.FUND["name"])) is None:
        demo.seed(now)
    template = db.session.scalar(select(Round).where(Round.title == demo.ROUND["title"]))
    by_email = {u.email: u for u in db.session.scalars(select(User).where(User.email.like("%@demo.example")))}
    applicant = by_email[demo.ACCOUNTS[0][1]]
    org_id = db.session.scalar(
        select(Organisation.id).where(Organisation.name == demo.APPLICANT_ORGANISATION).order_by(Organisation.id)
    )
    return _Base(
        fund_id=template.fund_id,
        template=template,
        officer_id=by_email[demo.ACCOUNTS[2][1]].id,
        panel_user_id=by_email[demo.ACCOUNTS[1][1]].id,
        applicant_id=applicant.id,
        applicant_org_id=org_id,
        locality_ids=list(db.session.scalars(select(Locality.id).order_by(Locality.id))),
    )


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


def _organisations(rng: random.Random, sizes: Sizes, base: _Base, now: datetime) -> list[tuple[int, int]]:
    """(organisation id, owner's user id) for each new group, then the demo applicant's group."""
    owners = _people(rng, sizes.organisations, "applicant", Role.APPLICANT, now)
    rows = []
    for i in range(sizes.organisations):
        form = rng.choice(list(LegalForm))
        rows.append(
            {
                "name": f"{rng.choice(PLACES)} {rng.choice(KINDS)} {rng.choice(NOUNS)} {i + 1}",
                "legal_form": form,
                "charity_number": f"{1100000 + i}" if form == LegalForm.CHARITY else None,
                "company_number": f"{10000000 + i}" if form == LegalForm.CIC_OR_COMPANY else None,
                "accountable_body_name": "Birmingham Voluntary Service" if form == LegalForm.UNCONSTITUTED else None,
                "income_band": rng.choice(list(IncomeBand)),
                "address_line_1": f"{rng.randrange(1, 300)} {rng.choice(PLACES)} Road",
                "address_line_2": None,
                "town": "Birmingham",
                "postcode": f"B{rng.randrange(1, 45)} {rng.randrange(1, 9)}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}",
                "description": TEXT,
                "contact_phone": f"0121 496 {rng.randrange(10000):04d}",
                "accountable_body_contact": None,
                "led_by": rng.sample([c.value for c in Community], 2),
                "works_with": rng.sample([c.value for c in Community], 3),
                "is_demo": True,
                "created_by_id": owners[i],
                "created_at": now - timedelta(days=rng.randrange(1, 1500)),
            }
        )
    org_ids = _insert(Organisation, rows)
    members, places = _Rows(OrganisationMember), _Rows(organisation_localities)
    for org_id, owner_id in zip(org_ids, owners, strict=True):
        members.add(organisation_id=org_id, user_id=owner_id, role=MembershipRole.OWNER, created_at=now)
        places.add(organisation_id=org_id, locality_id=rng.choice(base.locality_ids))
    members.flush(), places.flush()
    return [*zip(org_ids, owners, strict=True), (base.applicant_org_id, base.applicant_id)]


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


def _rounds(sizes: Sizes, base: _Base, now: datetime) -> list[_Round]:
    """Copies of the demo round: decided ones a year apart, then one in assessment, then one open."""
    t = base.template
    kinds = ["decided"] * (sizes.rounds - 2) + ["assessment", "open"]
    made = []
    for k, kind in enumerate(kinds):
        years_ago = len(kinds) - 2 - k  # the round in assessment closed three weeks ago
        closes = now - timedelta(days=21 + 365 * years_ago) if kind != "open" else now + timedelta(weeks=6)
        title = f"Stronger communities round {k + 1} (large data)"
        prefix = f"SCL-{k + 1:02d}-"
        status = {"decided": RoundStatus.DECIDED, "assessment": RoundStatus.IN_ASSESSMENT, "open": RoundStatus.OPEN}
        (round_id,) = _insert(
            Round,
            [
                {
                    "fund_id": base.fund_id,
                    "title": title,
                    "reference_prefix": prefix,
                    "status": status[kind],
                    "opens_at": closes - timedelta(weeks=8),
                    "closes_at": closes,
                    "min_amount": t.min_amount,
                    "max_amount": t.max_amount,
                    "guidance": t.guidance,
                    "allowed_legal_forms": list(t.allowed_legal_forms),
                    "income_ceiling": t.income_ceiling,
                    "excluded_purposes": list(t.excluded_purposes),
                    "created_at": closes - timedelta(weeks=12),
                }
            ],
        )
        streams, names = [], {}
        for s in t.work_streams:
            (stream_id,) = _insert(
                WorkStream,
                [
                    {
                        "round_id": round_id,
                        "name": s.name,
                        "short_name": s.short_name,
                        "description": s.description,
                        "who_it_is_for": s.who_it_is_for,
                        "budget": s.budget * 3,
                        "position": s.position,
                    }
                ],
            )
            measures = [
                {
                    "work_stream_id": stream_id,
                    "name": m.name,
                    "unit": m.unit,
                    "kind": m.kind,
                    "target": m.target,
                    "help_text": m.help_text,
                    "position": m.position,
                }
                for m in s.measures
            ]
            ids = _insert(OutputMeasure, measures)
            names[stream_id] = s.name
            streams.append(
                (
                    stream_id,
                    [
                        (i, m["name"], m["unit"], m["target"] is not None, m["position"])
                        for i, m in zip(ids, measures, strict=True)
                    ],
                )
            )
        criteria = [
            {
                "round_id": round_id,
                "title": c.title,
                "question": c.question,
                "word_limit": c.word_limit,
                "guidance": c.guidance,
                "weight": c.weight,
                "position": c.position,
                **{f"descriptor_{n}": text for n, text in enumerate(c.descriptors)},
            }
            for c in t.criteria
        ]
        ids = _insert(Criterion, criteria)
        made.append(
            _Round(
                round_id,
                kind,
                prefix,
                closes,
                streams,
                [(i, c["question"], c["position"]) for i, c in zip(ids, criteria, strict=True)],
                title,
                names,
            )
        )
    return made


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


def _share(sizes: Sizes) -> dict[str, int]:
    """How many EOIs each kind of round gets."""
    moderation = min(sizes.moderation_eois, sizes.eois // 2)
    open_ = max(1, sizes.eois // 10)
    return {"assessment": moderation, "open": open_, "decided": max(1, sizes.eois - moderation - open_)}


def _status(rng: random.Random, kind: str) -> ApplicationStatus:
    roll = rng.random()
    if kind == "open":
        return ApplicationStatus.DRAFT if roll < 0.7 else ApplicationStatus.SUBMITTED
    if kind == "assessment":
        return ApplicationStatus.SCORED if roll < 0.9 else ApplicationStatus.WITH_PANEL
    if roll < 0.07:
        return ApplicationStatus.INELIGIBLE
    return ApplicationStatus.WITHDRAWN if roll < 0.1 else ApplicationStatus.DECIDED


def _applications(rng: random.Random, sizes: Sizes, rounds: list[_Round], groups, now: datetime) -> list[_Eoi]:  # noqa: ANN001
    share = _share(sizes)
    decided = [r for r in rounds if r.kind == "decided"]
    eois: list[_Eoi] = []
    for round_ in rounds:
        count = share[round_.kind] // (len(decided) if round_.kind == "decided" else 1)
        chosen = [groups[-1]] + rng.sample(groups[:-1], min(count - 1, len(groups) - 1))
        chosen += [rng.choice(groups[:-1]) for _ in range(count - len(chosen))]
        number = 0
        rows, made = [], []
        for position, (org_id, owner_id) in enumerate(chosen):
            demo_group = position == 0
            status = _status(rng, round_.kind)
            if demo_group:
                status = {"open": ApplicationStatus.DRAFT, "assessment": ApplicationStatus.SCORED}.get(
                    round_.kind, ApplicationStatus.DECIDED
                )
            sent = status != ApplicationStatus.DRAFT
            number += sent
            stream = rng.randrange(len(round_.streams))
            amount = Decimal(rng.randrange(5, 51) * 100)
            sent_at = round_.closes_at - timedelta(hours=rng.randrange(1, 24 * 40))
            complete = [s.value for s in Section] if sent else [Section.PROJECT.value, Section.WORK_STREAM.value]
            title = f"{rng.choice(KINDS)} {rng.choice(('cafe', 'walks', 'stories', 'garden', 'workshops'))}"
            reference = format_reference(round_.prefix, number) if sent else None
            rows.append(
                {
                    "round_id": round_.id,
                    "organisation_id": org_id,
                    "work_stream_id": round_.streams[stream][0],
                    "reference": reference,
                    "status": status,
                    "title": title,
                    "summary": TEXT,
                    "who_benefits": "Women and families new to the area, and their neighbours.",
                    "activities": "Weekly sessions in our hall, a trip, and a showcase at the end.",
                    "timescale": "April to September",
                    "amount_requested": amount,
                    "partners": "The library lends us a room." if sent else None,
                    "has_partners": True if sent else None,
                    "declared_by_name": "A. Member" if sent else None,
                    "declared_at": sent_at if sent else None,
                    "completed_sections": complete,
                    "created_by_id": owner_id,
                    "created_at": sent_at - timedelta(days=7),
                    "updated_at": sent_at,
                    "submitted_at": sent_at if sent else None,
                    "submitted_by_id": owner_id if sent else None,
                    "screened_at": sent_at + timedelta(days=25) if status not in _UNSCREENED else None,
                    "ineligible_reason": "Not a group the round is open to." if status == _INELIGIBLE else None,
                    "withdrawn_at": sent_at + timedelta(days=3) if status == ApplicationStatus.WITHDRAWN else None,
                }
            )
            strength = 4 if demo_group else rng.choice((0, 1, 2, 2, 3, 3, 3, 4))
            made.append((org_id, owner_id, stream, status, strength, amount, title, reference))
        db.session.execute(
            Round.__table__.update().where(Round.__table__.c.id == round_.id).values(last_reference_number=number)
        )
        ids = _insert(Application, rows)
        eois.extend(_Eoi(i, round_, *fields_) for i, fields_ in zip(ids, made, strict=True))
    return eois


_UNSCREENED = (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN)
_INELIGIBLE = ApplicationStatus.INELIGIBLE
_PANEL = (ApplicationStatus.WITH_PANEL, ApplicationStatus.SCORED, ApplicationStatus.DECIDED)


def _contents(rng: random.Random, eois: list[_Eoi], names: dict[int, str], localities: dict[int, str]) -> None:
    """Answers, planned outputs, budget lines, places and (when sent) the frozen version."""
    answers, outputs, lines = _Rows(ApplicationAnswer), _Rows(PlannedOutput), _Rows(BudgetLine)
    places, versions = _Rows(application_localities), _Rows(ApplicationVersion)
    for eoi in eois:
        sent = eoi.status != ApplicationStatus.DRAFT
        stream_id, measures = eoi.round.streams[eoi.stream]
        locality = rng.choice(list(localities))
        places.add(application_id=eoi.id, locality_id=locality)
        planned = [(m, 10 + rng.randrange(90) if numeric else None) for m, _, _, numeric, _ in measures]
        for measure_id, quantity in planned:
            outputs.add(
                application_id=eoi.id,
                measure_id=measure_id,
                is_part_of_project=True,
                quantity=quantity,
                description=None if quantity is not None else "Stories in people's own words",
            )
        half = eoi.amount / 2
        for position, what in enumerate(("Room hire", "Materials and travel")):
            lines.add(application_id=eoi.id, description=what, amount=half, position=position)
        if not sent:
            continue
        for criterion_id, _, _ in eoi.round.criteria:
            answers.add(
                application_id=eoi.id,
                criterion_id=criterion_id,
                text=TEXT,
                recording_file_id=None,
                recording_summary=None,
            )
        versions.add(
            application_id=eoi.id,
            number=1,
            submitted_at=eoi.round.closes_at - timedelta(days=1),
            submitted_by_id=eoi.owner_id,
            content=_snapshot(eoi, names, localities[locality], planned),
            sha256="0" * 64,
        )
    for rows in (answers, outputs, lines, places, versions):
        rows.flush()


def _snapshot(eoi: _Eoi, names: dict[int, str], locality: str, planned: list) -> dict[str, Any]:  # noqa: ANN001
    """The shape of ``services.submissions.snapshot``."""
    stream_id, measures = eoi.round.streams[eoi.stream]
    by_id = {m[0]: m for m in measures}
    return {
        "reference": eoi.reference,
        "round": {"id": eoi.round.id, "title": eoi.round.title},
        "organisation": {"id": eoi.org_id, "name": names.get(eoi.org_id, "")},
        "work_stream": {"id": stream_id, "name": eoi.round.stream_names[stream_id]},
        "title": eoi.title,
        "summary": TEXT,
        "who_benefits": "Women and families new to the area, and their neighbours.",
        "localities": [locality],
        "wards": [],
        "activities": "Weekly sessions in our hall, a trip, and a showcase at the end.",
        "timescale": "April to September",
        "planned_outputs": [
            {
                "measure_id": m,
                "measure": by_id[m][1],
                "unit": by_id[m][2],
                "is_part_of_project": True,
                "quantity": q,
                "description": None if q is not None else "Stories in people's own words",
            }
            for m, q in planned
        ],
        "answers": [
            {"criterion_id": c, "question": q, "text": TEXT, "recording_file_id": None, "recording_summary": None}
            for c, q, _ in eoi.round.criteria
        ],
        "amount_requested": f"{eoi.amount:.2f}",
        "budget_lines": [
            {"description": "Room hire", "amount": f"{eoi.amount / 2:.2f}"},
            {"description": "Materials and travel", "amount": f"{eoi.amount / 2:.2f}"},
        ],
        "has_partners": True,
        "partners": "The library lends us a room.",
        "declared_by_name": "A. Member",
        "channel": "online",
        "entered_by": None,
    }


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


def seed_large(sizes: Sizes, *, now: datetime | None = None) -> dict[str, int]:
    """Add the large data set to the session (the caller commits); returns counts of what was added."""
    if current_app.config.get("ENV") == "production":
        raise RuntimeError("seed-large adds invented data and must not be run in production.")
    if sizes.rounds < 3:
        raise ValueError("seed-large needs at least 3 rounds (decided, in assessment, open).")
    if db.session.scalar(select(User.id).where(User.email.like("%@large.example")).limit(1)) is not None:
        raise RuntimeError("The large data set is already loaded: seed-large runs once, on a fresh database.")
    now = now or utcnow()
    rng = random.Random(sizes.seed)  # noqa: S311 - invented data, not secrets
    base = _demo_base(now)
    db.session.flush()
    groups = _organisations(rng, sizes, base, now)
    names = {row.id: row.name for row in db.session.execute(select(Organisation.id, Organisation.name))}
    localities = {row.id: row.name for row in db.session.execute(select(Locality.id, Locality.name))}
    rounds = _rounds(sizes, base, now)
    eois = _applications(rng, sizes, rounds, groups, now)
    _contents(rng, eois, names, localities)
    panel_counts = _panels(rng, sizes, base, rounds, eois, now)
    funded = _decisions(rng, sizes, base, eois)
    return_counts = _awards(rng, base, funded, now)
    return {
        "organisations": len(groups) - 1,
        "rounds": len(rounds),
        "eois": len(eois),
        **panel_counts,
        "awards": len(funded),
        **return_counts,
    }


def init_app(app: Flask) -> None:
    """Register ``flask seed-large``."""
    defaults = Sizes()

    @app.cli.command("seed-large")
    @click.option("--size", type=click.Choice(sorted(PRESETS)), default="large", show_default=True)
    @click.option("--organisations", type=int, help=f"Groups (large: {defaults.organisations:,}).")
    @click.option("--eois", type=int, help=f"EOIs over all rounds (large: {defaults.eois:,}).")
    @click.option("--rounds", type=int, help=f"Rounds, at least 3 (large: {defaults.rounds}).")
    @click.option("--panel-members", type=int, help=f"Panel members (large: {defaults.panel_members}).")
    @click.option("--reviews-per-eoi", type=int, help=f"Reviews of each EOI (large: {defaults.reviews_per_eoi}).")
    @click.option("--returns", type=int, help=f"Output returns, four per award (large: {defaults.returns:,}).")
    @click.option(
        "--moderation-eois", type=int, help=f"EOIs in the round in assessment (large: {defaults.moderation_eois:,})."
    )
    @click.option("--seed", type=int, help="Random seed: the same seed gives the same data.")
    def seed_large_command(size: str, **options: int | None) -> None:
        """Load a large, realistically shaped data set (invented) for the benchmarks."""
        chosen = {f.name: options[f.name] for f in fields(Sizes) if options.get(f.name) is not None}
        sizes = replace(PRESETS[size], **chosen)
        started = time.perf_counter()
        try:
            counts = seed_large(sizes)
        except (RuntimeError, ValueError) as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from error
        db.session.commit()
        elapsed = time.perf_counter() - started
        click.echo(f"Large data loaded in {elapsed:.1f} s: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
