"""`flask seed-large` at the tiny size: the counts asked for, and the shape the benchmarks rely on."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from portal import demo
from portal.domain.workflow import ApplicationStatus, ReturnStatus, ReviewStatus, RoundStatus
from portal.models import (
    Application,
    ApplicationVersion,
    Award,
    Criterion,
    FundingDecision,
    Organisation,
    OrganisationMember,
    OutputReturn,
    Panel,
    PanelMember,
    Review,
    Round,
    Score,
    User,
    WorkStream,
)
from portal.seed_large import PRESETS, seed_large

NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
TINY = PRESETS["tiny"]


@pytest.fixture
def seeded(db):
    counts = seed_large(TINY, now=NOW)
    db.session.commit()
    return counts


def large_rounds(db) -> list[Round]:
    return list(db.session.scalars(select(Round).where(Round.title.like("%(large data)")).order_by(Round.id)))


def count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_counts_asked_for_are_made(db, seeded):
    assert seeded == {
        "organisations": 30,
        "rounds": 3,
        "eois": 60,
        "reviews": seeded["reviews"],
        "scores": seeded["scores"],
        "awards": 10,
        "returns": 40,
        "return_figures": seeded["return_figures"],
        "stories": seeded["stories"],
    }
    assert count(db, Organisation, Organisation.name.like("% %")) == 30 + len(demo.ORGANISATIONS)
    assert count(db, User, User.email.like("applicant%@large.example")) == 30
    assert count(db, User, User.email.like("panel%@large.example")) == TINY.panel_members
    assert count(db, Award) == 10 and count(db, OutputReturn) == 40
    in_large = select(Application.id).join(Round).where(Round.title.like("%(large data)"))
    reviews = select(Review.id).where(Review.application_id.in_(in_large))
    assert count(db, Review, Review.id.in_(reviews)) == seeded["reviews"] > 0
    assert count(db, Score, Score.review_id.in_(reviews)) == seeded["scores"] > 0


def test_rounds_are_decided_in_assessment_and_open_each_with_the_programme(db, seeded):
    rounds = large_rounds(db)
    assert [r.status for r in rounds] == [RoundStatus.DECIDED, RoundStatus.IN_ASSESSMENT, RoundStatus.OPEN]
    for round_ in rounds:
        assert count(db, WorkStream, WorkStream.round_id == round_.id) == len(demo.WORK_STREAMS) == 5
        assert count(db, Criterion, Criterion.round_id == round_.id) == len(demo.CRITERIA)
    assert sum(count(db, Application, Application.round_id == r.id) for r in rounds) == 60
    assessed, open_ = rounds[1], rounds[2]
    assert count(db, Application, Application.round_id == assessed.id) == TINY.moderation_eois
    streams = db.session.scalars(select(Application.work_stream_id).where(Application.round_id == rounds[0].id))
    assert len(set(streams)) > 1  # EOIs spread over the work streams
    drafts = count(db, Application, Application.round_id == open_.id, Application.status == ApplicationStatus.DRAFT)
    assert drafts >= 1
    # Every EOI sent has one frozen version and a reference; references never repeat.
    sent = count(db, Application, Application.status != ApplicationStatus.DRAFT)
    assert count(db, ApplicationVersion) == sent
    references = list(db.session.scalars(select(Application.reference).where(Application.reference.is_not(None))))
    assert len(references) == len(set(references)) == sent
    assert db.session.get(Round, assessed.id).last_reference_number == TINY.moderation_eois


def test_each_eoi_with_the_panel_has_its_reviews_and_submitted_ones_are_scored(db, seeded):
    with_panel = list(
        db.session.scalars(
            select(Application).where(
                Application.round_id.in_([r.id for r in large_rounds(db)]),
                Application.status.in_(
                    [ApplicationStatus.WITH_PANEL, ApplicationStatus.SCORED, ApplicationStatus.DECIDED]
                ),
            )
        )
    )
    assert with_panel
    for application in with_panel:
        reviews = list(db.session.scalars(select(Review).where(Review.application_id == application.id)))
        assert len(reviews) == TINY.reviews_per_eoi
        assert len({r.member_id for r in reviews}) == TINY.reviews_per_eoi  # three different people
        for review in reviews:
            if review.status == ReviewStatus.SUBMITTED:
                assert len(review.scores) == len(demo.CRITERIA)
                assert all(0 <= s.score <= 4 for s in review.scores)
    # Decided rounds have released decisions; funded EOIs have an award each, the others not.
    decided = large_rounds(db)[0]
    assert db.session.scalar(select(Panel.decisions_released_at).where(Panel.round_id == decided.id)) is not None
    funded = count(db, FundingDecision, FundingDecision.outcome == "fund")
    assert funded == count(db, Award) == 10


def test_awards_have_four_returns_and_only_sent_ones_have_figures(db, seeded):
    award = db.session.scalar(select(Award).order_by(Award.id))
    returns = list(db.session.scalars(select(OutputReturn).where(OutputReturn.award_id == award.id)))
    assert [r.period for r in returns] == [1, 2, 3, 4]
    assert [r.is_final for r in returns] == [False, False, False, True]
    assert len(award.return_dates) == 4 and award.conditions and award.instalments and award.bank_details
    for output_return in db.session.scalars(select(OutputReturn)):
        sent = output_return.status in (ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED)
        assert bool(output_return.figures) == sent
        assert (output_return.submitted_at is not None) == sent


def test_the_demo_accounts_see_large_pages(db, seeded):
    applicant = db.session.scalar(select(User).where(User.email == demo.ACCOUNTS[0][1]))
    panel_user = db.session.scalar(select(User).where(User.email == demo.ACCOUNTS[1][1]))
    group_ids = select(OrganisationMember.organisation_id).where(OrganisationMember.user_id == applicant.id)
    rounds = large_rounds(db)
    statuses = [
        db.session.scalar(
            select(Application.status).where(Application.round_id == r.id, Application.organisation_id.in_(group_ids))
        )
        for r in rounds
    ]
    assert statuses == [ApplicationStatus.DECIDED, ApplicationStatus.SCORED, ApplicationStatus.DRAFT]
    to_score = count(
        db,
        Review,
        Review.member_id.in_(select(PanelMember.id).where(PanelMember.user_id == panel_user.id)),
        Review.status == ReviewStatus.DRAFT,
        Review.no_conflict_confirmed_at.is_not(None),
    )
    assert to_score >= 1


def signature(db) -> list:
    """The data without its ids, each row named by what it is rather than by the order it was
    written in (the order a flush writes a review's scores is not part of the data)."""
    scores = (
        select(Application.reference, User.email, Criterion.title, Score.score)
        .join(Review, Review.id == Score.review_id)
        .join(Application, Application.id == Review.application_id)
        .join(PanelMember, PanelMember.id == Review.member_id)
        .join(User, User.id == PanelMember.user_id)
        .join(Criterion, Criterion.id == Score.criterion_id)
        .order_by(Application.reference, User.email, Criterion.title, Score.score)
    )
    return [
        list(db.session.execute(select(Organisation.name, Organisation.legal_form).order_by(Organisation.id))),
        list(
            db.session.execute(
                select(Application.reference, Application.status, Application.amount_requested).order_by(
                    Application.reference
                )
            )
        ),
        list(db.session.execute(scores)),
    ]


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(app, db):
    from tests.conftest import _empty_tables

    seed_large(TINY, now=NOW)
    db.session.commit()
    first = signature(db)
    db.session.remove()
    _empty_tables()
    seed_large(TINY, now=NOW)
    db.session.commit()
    assert signature(db) == first
    db.session.remove()
    _empty_tables()
    seed_large(replace(TINY, seed=2), now=NOW)
    db.session.commit()
    assert signature(db) != first


def test_the_command_takes_sizes_and_refuses_to_load_twice(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-large", "--size", "tiny", "--organisations", "12", "--returns", "8"])
    assert result.exit_code == 0, result.output
    assert "12 organisations" in result.output and "2 awards, 8 returns" in result.output
    again = runner.invoke(args=["seed-large", "--size", "tiny"])
    assert again.exit_code == 1
    assert "already loaded" in again.output
    assert count(db, User, User.email.like("applicant%@large.example")) == 12


def test_it_refuses_too_few_rounds_and_production(app, db):
    with pytest.raises(ValueError, match="at least 3 rounds"):
        seed_large(replace(TINY, rounds=2))
    app.config["ENV"] = "production"
    with pytest.raises(RuntimeError, match="must not be run in production"):
        seed_large(TINY)


def test_a_frozen_version_has_the_shape_of_a_real_submission(db, seeded):
    from portal.services.submissions import snapshot

    version = db.session.scalar(select(ApplicationVersion).order_by(ApplicationVersion.id.desc()))
    application = version.application
    real = snapshot(application)
    assert set(version.content) == set(real)
    for key in ("reference", "round", "organisation", "work_stream", "title", "localities", "amount_requested"):
        assert version.content[key] == real[key], key
    assert [a["criterion_id"] for a in version.content["answers"]] == [a["criterion_id"] for a in real["answers"]]
    assert [p["measure_id"] for p in version.content["planned_outputs"]] == [
        p["measure_id"] for p in real["planned_outputs"]
    ]
