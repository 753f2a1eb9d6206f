"""The demo data: a round that is open and ready, the programme's real targets, and accounts
that work."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from portal import demo, demo_panel
from portal.domain.measures import MeasureKind
from portal.domain.organisations import (
    LegalForm,
    MembershipRole,
    is_valid_charity_number,
    is_valid_company_number,
)
from portal.domain.passwords import password_problem
from portal.domain.roles import Role
from portal.domain.rounds import is_accepting, opening_problems
from portal.domain.workflow import RoundStatus
from portal.models import Locality, Organisation, Round, User
from portal.services import accounts
from portal.services.funding import round_facts

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
FAKE_DOMAINS = (".example", ".test", "example.org")


@pytest.fixture
def seeded(db):
    returned = demo.seed(now=NOW)
    db.session.commit()
    return returned


@pytest.fixture
def round_(db, seeded) -> Round:
    return db.session.scalars(select(Round).where(Round.reference_prefix == "CIF-2026-")).one()


def streams_by_short_name(round_: Round) -> dict:
    return {ws.short_name: ws for ws in round_.work_streams}


def numeric_targets(work_stream) -> set[tuple[int, str]]:
    return {(m.target, m.unit) for m in work_stream.measures if m.kind == MeasureKind.NUMERIC}


def test_the_round_is_open_and_accepting_now(round_):
    assert round_.status == RoundStatus.OPEN
    assert round_.fund.name == "Commonwealth Games Stronger Communities Fund"
    assert round_.reference_prefix == "CIF-2026-"
    assert is_accepting(round_.opens_at, round_.closes_at, NOW)
    assert opening_problems(round_facts(round_), NOW) == []
    assert (round_.min_amount, round_.max_amount) == (Decimal("500"), Decimal("5000"))
    assert round_.income_ceiling == Decimal("250000")
    assert set(round_.allowed_legal_forms) == {form.value for form in LegalForm}


def test_the_round_closes_at_noon_london_time_about_six_weeks_away(round_):
    closes_in_london = round_.closes_at.astimezone(ZoneInfo("Europe/London"))
    assert (closes_in_london.hour, closes_in_london.minute) == (12, 0)
    assert timedelta(days=41) < round_.closes_at - NOW < timedelta(days=43)
    assert round_.closes_at.utcoffset() == timedelta(0)
    assert round_.opens_at == NOW - timedelta(days=14)


def test_seeding_uses_the_current_time_by_default(db):
    demo.seed()
    round_ = db.session.scalars(select(Round).where(Round.reference_prefix == "CIF-2026-")).one()
    assert is_accepting(round_.opens_at, round_.closes_at, datetime.now(UTC))


def test_five_work_streams_with_budgets_within_the_fund(round_):
    assert [ws.name for ws in round_.work_streams] == [
        "We Made Birmingham",
        "A City Connected by Inclusive Heritage Trails",
        "Birmingham Peace Garden",
        "Inspiring Future Leaders",
        "Get Communities Talking",
    ]
    assert streams_by_short_name(round_)["WMB"].budget == Decimal("100000")
    assert sum(ws.budget for ws in round_.work_streams) <= round_.fund.total_budget
    for ws in round_.work_streams:
        assert ws.description and ws.who_it_is_for and ws.measures
        assert all(m.help_text for m in ws.measures)


def test_get_communities_talking_targets(round_):
    gct = streams_by_short_name(round_)["GCT"]
    assert [(m.target, m.unit) for m in gct.measures] == [
        (250, "women"),
        (100, "women"),
        (50, "women"),
        (250, "women"),
    ]
    assert "digitally excluded" in gct.measures[1].name
    assert "English" in gct.measures[3].name


@pytest.mark.parametrize(
    ("short_name", "expected"),
    [
        ("WMB", {(10, "organisations"), (100, "narratives"), (10, "young people")}),
        ("HT", {(20, "miles"), (10, "localities"), (50, "trained volunteers")}),
        ("Peace Garden", {(1, "garden"), (500, "residents or visitors"), (10, "events"), (10, "activities")}),
        ("IFL", {(15, "young people"), (50, "young people"), (10, "young people"), (30, "young people")}),
    ],
)
def test_every_numeric_target_of_the_programme_appears(round_, short_name, expected):
    assert numeric_targets(streams_by_short_name(round_)[short_name]) == expected


def test_measure_counts_follow_the_master_table(round_):
    counts = {ws.short_name: len(ws.measures) for ws in round_.work_streams}
    assert counts == {"WMB": 7, "HT": 5, "Peace Garden": 4, "IFL": 4, "GCT": 4}
    wmb = streams_by_short_name(round_)["WMB"]
    assert sorted(m.target for m in wmb.measures if m.target is not None) == [10, 10, 10, 100]


def test_qualitative_measures_have_no_target_and_dates_are_named(round_):
    qualitative = [m for ws in round_.work_streams for m in ws.measures if m.kind == MeasureKind.QUALITATIVE]
    assert len(qualitative) == 5
    assert all(m.target is None for m in qualitative)
    names = " ".join(m.name for m in qualitative)
    assert "December 2023" in names
    assert "spring 2022" in names


def test_ten_demo_localities_each_with_wards(db, seeded):
    localities = db.session.scalars(select(Locality).order_by(Locality.position)).all()
    assert [loc.name for loc in localities] == [
        "Edgbaston",
        "Erdington",
        "Hall Green",
        "Hodge Hill",
        "Ladywood",
        "Northfield",
        "Perry Barr",
        "Selly Oak",
        "Sutton Coldfield",
        "Yardley",
    ]
    assert [loc.position for loc in localities] == list(range(10))
    for locality in localities:
        assert locality.is_demo
        assert 1 <= len(locality.wards) <= 4
    wards = {loc.name: {w.name for w in loc.wards} for loc in localities}
    assert "Sparkbrook and Balsall Heath" in wards["Hall Green"]
    assert "Castle Vale" in wards["Erdington"]
    assert "Nechells" in wards["Ladywood"]


def test_seven_criteria_weighted_and_described(round_):
    criteria = round_.criteria
    assert len(criteria) == 7
    assert [c.weight for c in criteria] == [Decimal(w) for w in (2, 2, 2, 1, 1, 1, 1)]
    assert [c.position for c in criteria] == list(range(7))
    assert "understanding" in criteria[0].title.lower()
    assert "do-able" in criteria[6].title.lower()
    for criterion in criteria:
        assert "?" in criterion.question
        assert 150 <= criterion.word_limit <= 250
        assert "not how polished its English is" in criterion.guidance
        descriptors = criterion.descriptors
        assert all(d.strip() for d in descriptors)
        assert len(set(descriptors)) == 5
    all_descriptors = [d for c in criteria for d in c.descriptors]
    assert len(set(all_descriptors)) == len(all_descriptors), "descriptors are specific to each"


def test_organisations_cover_every_legal_form_with_valid_numbers(db, seeded):
    organisations = db.session.scalars(select(Organisation)).all()
    assert 10 <= len(organisations) <= 12
    assert {org.legal_form for org in organisations} == set(LegalForm)
    for org in organisations:
        assert org.is_demo
        assert org.localities and org.wards and org.income_band and org.description
        assert re.fullmatch(r"B\d{1,2} \d[A-Z]{2}", org.postcode), org.postcode
        assert {w.locality for w in org.wards} <= set(org.localities), org.name
        if org.legal_form == LegalForm.UNCONSTITUTED:
            assert org.accountable_body_name
        if org.legal_form == LegalForm.CHARITY:
            assert is_valid_charity_number(org.charity_number)
        if org.legal_form == LegalForm.CIC_OR_COMPANY:
            assert is_valid_company_number(org.company_number)
        if org.company_number:
            assert is_valid_company_number(org.company_number)


def test_no_real_email_domains(db, seeded):
    emails = [user.email for user in db.session.scalars(select(User))]
    for org in db.session.scalars(select(Organisation)):
        text = " ".join(filter(None, (org.description, org.address_line_1, org.address_line_2)))
        emails += re.findall(r"\S+@\S+", text)
    assert emails
    for email in emails:
        assert email.endswith(FAKE_DOMAINS), email


@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("applicant", Role.APPLICANT),
        ("panel member", Role.PANEL_MEMBER),
        ("officer", Role.OFFICER),
        ("admin", Role.ADMIN),
    ],
)
def test_each_account_signs_in_with_its_role(seeded, label, role):
    by_label = {row[0]: row for row in seeded}
    _, email, password = by_label[label]
    assert password_problem(password) is None
    user = accounts.authenticate(email, password)
    assert user is not None
    assert role in user.roles


def test_the_applicant_owns_an_organisation(db, seeded):
    email = dict((label, email) for label, email, _ in seeded)["applicant"]
    user = accounts.find_user_by_email(email)
    assert [(m.organisation.name, m.role) for m in user.memberships] == [
        (demo.APPLICANT_ORGANISATION, MembershipRole.OWNER)
    ]


def test_seeding_refuses_in_production(app, db):
    app.config["ENV"] = "production"
    with pytest.raises(RuntimeError, match="production"):
        demo.seed(now=NOW)
    assert db.session.scalars(select(Round)).first() is None


def test_the_panel_round_is_in_assessment_with_scores_in_and_the_demo_member_still_to_score(db, seeded):
    from portal.domain.workflow import ApplicationStatus, ReviewStatus
    from portal.models import Application, ConflictDeclaration, Panel, Review
    from portal.services import reviews

    spring = db.session.scalars(select(Round).where(Round.reference_prefix == demo_panel.PREFIX)).one()
    assert spring.status == RoundStatus.IN_ASSESSMENT
    eois = db.session.scalars(select(Application).where(Application.round_id == spring.id)).all()
    assert len(eois) == len(demo_panel.EOIS)
    assert {e.reference for e in eois} == {f"CIF-2026S-{n:04d}" for n in range(1, len(eois) + 1)}
    panel = db.session.scalars(select(Panel).where(Panel.round_id == spring.id)).one()
    assert len(panel.members) == 1 + len(demo_panel.MEMBERS)

    joseph = accounts.find_user_by_email("panel@demo.example")
    queue = reviews.queue_for(joseph)
    assert queue and {r.status for r in queue} == {ReviewStatus.NOT_STARTED}
    others = db.session.scalars(select(Review).where(Review.member_id.not_in([r.member_id for r in queue]))).all()
    assert others and {r.status for r in others} == {ReviewStatus.SUBMITTED}
    # Three submitted reviews (the panel's minimum) or more make an EOI scored.
    for eoi in eois:
        submitted = sum(1 for r in others if r.application_id == eoi.id)
        assert eoi.status == (ApplicationStatus.SCORED if submitted >= 3 else ApplicationStatus.WITH_PANEL)
    # Imran volunteers with Nechells Learning Together, so he is never given its EOI.
    imran = accounts.find_user_by_email("imran.panel@demo.example")
    nechells = next(e for e in eois if e.organisation.name == "Nechells Learning Together")
    assert all(r.member.user_id != imran.id for r in nechells_reviews(db, nechells))
    assert db.session.scalars(select(ConflictDeclaration)).all() == []


def nechells_reviews(db, application):  # noqa: ANN001, ANN201
    from portal.models import Review

    return db.session.scalars(select(Review).where(Review.application_id == application.id)).all()
