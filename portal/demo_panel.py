"""The demo's panel round: an earlier round of the same fund, closed and with its panel at work, so
that the panel member and officer demo accounts have something to score and moderate. Everything
goes through the same services as the pages (the people and groups are invented). Loaded by
portal/demo.py."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from portal.domain.organisations import MembershipRole
from portal.domain.panel import CommentAudience, InterestKind, MemberKind, Recommendation
from portal.domain.roles import Role
from portal.domain.workflow import RoundStatus
from portal.extensions import db
from portal.models import Locality, Organisation, OrganisationMember, Review, Round, User
from portal.services import accounts, applications, assignments, funding, panels, reviews, screening, submissions

TITLE = "Community Investment Framework: spring round 2026"
PREFIX = "CIF-2026S-"
# A smaller budget than the open round's, so the moderation page shows where the money runs out.
STREAM_BUDGETS = {"GCT": Decimal("15000"), "WMB": Decimal("10000")}

# The other panel members: (name, e-mail, kind, profile). The demo panel member account joins them.
MEMBERS = (
    ("Grace Okafor", "grace.panel@demo.example", MemberKind.RESIDENT, "Lives in Erdington; school governor."),
    ("Imran Shah", "imran.panel@demo.example", MemberKind.VOLUNTARY_SECTOR_PARTNER, "Runs an advice centre."),
    ("Helen Ward", "helen.panel@demo.example", MemberKind.RESIDENT, "Retired nurse from Northfield."),
    ("Marta Nowak", "marta.panel@demo.example", MemberKind.VOLUNTARY_SECTOR_PARTNER, "Works for a refugee charity."),
)
# Imran volunteers with one of the groups: he is never given its EOI.
INTEREST = ("imran.panel@demo.example", "Nechells Learning Together", InterestKind.VOLUNTEER)
# How generously each member scores, in points on the 0–4 scale (Helen is the harshest).
BIAS = {"grace.panel@demo.example": 0, "imran.panel@demo.example": 1, "helen.panel@demo.example": -1}

# (group, work stream, project, amount, how strong the EOI is on the 0–4 scale)
EOIS = (
    ("Ward End Women's Workshop", "GCT", "Stitch and chat: English over sewing", "5000", 4),
    ("Nechells Learning Together", "GCT", "Family story sacks in three languages", "4800", 3),
    ("Stirchley Welcome Table", "GCT", "A shared supper for new and settled neighbours", "4500", 3),
    ("Frankley Neighbours Forum", "GCT", "Walk and talk: women's walking group", "3000", 2),
    ("Spectrum Voices Collective", "GCT", "Our stories, our city: a podcast", "5000", 2),
    ("Bromford Generations Together", "WMB", "Bromford then and now: an oral history", "5000", 3),
    ("Drina Valley Community Association", "WMB", "Painting our street's story", "4000", 1),
)


def seed_panel_round(
    open_round: Round,
    *,
    organisations: dict[str, Organisation],
    localities: dict[str, Locality],
    officer: User,
    panel_user: User,
    now: datetime,
) -> Round:
    """A closed round, copied from the open one, with seven EOIs found eligible, a panel of five,
    and every member's scores in except the demo panel member's."""
    sent_at = now - timedelta(days=30)
    round_ = funding.copy_round(open_round, title=TITLE, reference_prefix=PREFIX, by=officer, now=sent_at)
    round_.opens_at, round_.closes_at = now - timedelta(days=60), now - timedelta(days=21)
    for stream in round_.work_streams:
        stream.budget = STREAM_BUDGETS.get(stream.short_name, stream.budget)
    db.session.flush()
    funding.change_round_status(round_, RoundStatus.OPEN, by=officer, now=sent_at)

    eois = []
    for group, stream_code, title, amount, strength in EOIS:
        organisation = organisations[group]
        applicant = _group_member(organisation, now)
        eois.append((_send(round_, organisation, applicant, stream_code, title, amount, localities, sent_at), strength))

    funding.change_round_status(round_, RoundStatus.CLOSED, by=officer, now=now - timedelta(days=21))
    funding.change_round_status(round_, RoundStatus.IN_ASSESSMENT, by=officer, now=now - timedelta(days=20))
    for application, _ in eois:
        screening.mark_eligible(application, by=officer, now=now - timedelta(days=19))

    panel = panels.ensure_panel(round_, by=officer, now=now - timedelta(days=19))
    panel.scoring_deadline = now + timedelta(days=7)
    people = [panel_user]
    panels.add_member(panel, panel_user, kind=MemberKind.RESIDENT, profile="Lives in Hall Green.", by=officer, now=now)
    for name, email, kind, profile in MEMBERS:
        user = accounts.create_user(email, name, roles={Role.PANEL_MEMBER}, password=None, by=officer, now=now)
        panels.add_member(panel, user, kind=kind, profile=profile, by=officer, now=now)
        people.append(user)
    email, group, kind = INTEREST
    imran = next(user for user in people if user.email == email)
    panels.add_interest(imran, organisations[group], kind=kind, note="I help at their Saturday club.", by=imran)
    db.session.flush()
    assignments.assign_in_bulk(round_, per_eoi=4, by=officer, now=now - timedelta(days=18))
    db.session.flush()

    strengths = {application.id: strength for application, strength in eois}
    for review in db.session.scalars(
        db.select(Review).join(Review.application).where(Review.application.has(round_id=round_.id))
    ):
        member = review.member.user
        if member.id == panel_user.id:
            continue  # left for the demo panel member to score
        panels.confirm_no_conflict(review, by=member, now=now - timedelta(days=10))
        _score(review, strengths[review.application_id] + BIAS.get(member.email, 0), member, now - timedelta(days=5))
    return round_


def _group_member(organisation: Organisation, now: datetime) -> User:
    """Someone in the group to send its EOI (a demo account nobody signs in to)."""
    owner = next((m.user for m in organisation.members if m.role == MembershipRole.OWNER), None)
    if owner is not None:
        return owner
    slug = "".join(ch for ch in organisation.name.lower() if ch.isalnum())[:24]
    user = accounts.create_user(
        f"{slug}@demo.example", f"{organisation.name} (member)", roles={Role.APPLICANT}, password=None, by=None, now=now
    )
    db.session.add(OrganisationMember(organisation=organisation, user=user, role=MembershipRole.OWNER, created_at=now))
    db.session.flush()
    return user


def _send(round_, organisation, applicant, stream_code, title, amount, localities, now):  # noqa: ANN001, ANN202
    """Write and send one EOI through the applicant's services."""
    stream = next(s for s in round_.work_streams if s.short_name == stream_code)
    draft = applications.start_application(round_, organisation, by=applicant, now=now)
    common = {"expected_version": None, "by": applicant, "now": now}
    applications.save_project(
        draft, title=title, summary=f"{title}, run by {organisation.name}.", complete=True, **common
    )
    applications.choose_work_stream(draft, stream, **common)
    places = [localities[name] for name in (loc.name for loc in organisation.localities)] or list(localities.values())[
        :1
    ]
    applications.save_beneficiaries(
        draft, who_benefits="Women and families in our area.", localities=places, wards=[], complete=True, **common
    )
    applications.save_activities(
        draft, activities="Weekly sessions in our hall.", timescale="April to September", complete=True, **common
    )
    plans = {
        m.id: applications.OutputPlan(
            True, quantity=30 if m.target is not None else None, description=None if m.target else "Stories"
        )
        for m in stream.measures
        if not m.is_retired
    }
    applications.save_outputs(draft, plans, complete=True, **common)
    for criterion in round_.criteria:
        applications.save_answer(
            draft,
            criterion,
            text="We have met every week for three years and know the women who come by name.",
            recording=None,
            keep_recording=False,
            recording_summary="",
            **common,
        )
    money = Decimal(amount)
    applications.save_budget(
        draft,
        amount=money,
        lines=[("Room hire", money / 2), ("Materials and travel", money / 2)],
        complete=True,
        **common,
    )
    applications.save_partners(draft, has_partners=False, partners="", complete=True, **common)
    applications.declare(draft, name=applicant.full_name, **common)
    return submissions.submit_application(draft, by=applicant, now=now)


def _score(review: Review, level: int, member: User, now: datetime) -> None:
    """Scores near ``level`` (0–4) on each criterion, one left unscored by a harsh scorer."""
    criteria = reviews.active_criteria(review)
    given = {}
    for position, criterion in enumerate(criteria):
        score = max(0, min(4, level + (position % 3) - 1))
        if level <= 0 and position == len(criteria) - 1:
            score = None  # "I could not judge this": left out, never counted as 0
        given[criterion.id] = reviews.ScoreInput(
            score,
            "Clear about who comes and why; say more about how you will reach women who do not come yet.",
            CommentAudience.FEEDBACK if position % 2 == 0 else CommentAudience.PANEL_ONLY,
        )
    recommendation = (
        Recommendation.FUND
        if level >= 3
        else Recommendation.FUND_WITH_CONDITIONS
        if level == 2
        else Recommendation.DO_NOT_FUND
    )
    reviews.save_review(
        review,
        scores=given,
        recommendation=recommendation,
        recommendation_note="",
        expected_version=None,
        submit=True,
        by=member,
        now=now,
    )
