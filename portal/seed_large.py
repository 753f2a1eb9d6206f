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
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import click
from flask import Flask, current_app
from sqlalchemy import select

from portal.db import refresh_statistics, utcnow
from portal.domain.applications import Section, format_reference
from portal.domain.contact import Community
from portal.domain.organisations import IncomeBand, LegalForm, MembershipRole
from portal.domain.roles import Role
from portal.domain.workflow import (
    ApplicationStatus,
    RoundStatus,
)
from portal.extensions import db
from portal.models import (
    Application,
    ApplicationAnswer,
    ApplicationVersion,
    BudgetLine,
    Criterion,
    Fund,
    Locality,
    Organisation,
    OrganisationMember,
    OutputMeasure,
    PlannedOutput,
    Round,
    User,
    WorkStream,
)
from portal.models.applications import application_localities
from portal.models.people import organisation_localities
from portal.seed_large_rows import (
    _INELIGIBLE,
    _UNSCREENED,
    TEXT,
    _awards,
    _Base,
    _decisions,
    _Eoi,
    _insert,
    _panels,
    _people,
    _Round,
    _Rows,
)


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
        refresh_statistics(db.engine)
        elapsed = time.perf_counter() - started
        click.echo(f"Large data loaded in {elapsed:.1f} s: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
