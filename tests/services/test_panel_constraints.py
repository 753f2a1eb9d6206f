"""What the database itself refuses in the panel's tables, whatever the code above it does: one
score per review and criterion, scores 0–4 or not scored, one review and one conflict per member
and EOI, agreed scores out of 100, a decision to fund with an amount, one decision per EOI."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from portal.domain.panel import CommentAudience, ConflictKind
from portal.domain.workflow import DecisionOutcome
from portal.models import AgreedScore, ConflictDeclaration, FundingDecision, Review, Score


@pytest.fixture
def setting(make_round, make_eligible_application, make_panel):
    """An eligible EOI and a panel of two for its round."""
    round_ = make_round()
    application = make_eligible_application(round_=round_)
    panel = make_panel(round_=round_, members=2)
    return application, panel.members


def refused(db, *rows: object) -> None:
    """Adding these rows breaks a constraint; the session is rolled back afterwards."""
    db.session.add_all(rows)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def count(db, model: type, **where: object) -> int:
    query = select(func.count()).select_from(model).filter_by(**where)
    return db.session.scalar(query)


# --- scores -------------------------------------------------------------------------------------


def test_one_score_per_review_and_criterion(db, setting, make_review):
    application, members = setting
    review = make_review(application, members[0], scores=[4, 3, None])
    criterion_id = application.round.criteria[0].id
    refused(db, Score(review_id=review.id, criterion_id=criterion_id, score=2))
    assert count(db, Score, review_id=review.id, criterion_id=criterion_id) == 1
    assert db.session.scalar(select(Score.score).filter_by(review_id=review.id, criterion_id=criterion_id)) == 4


@pytest.mark.parametrize("bad", [5, -1, 100])
def test_a_score_outside_0_to_4_is_refused(db, setting, make_review, bad):
    application, members = setting
    review = make_review(application, members[0])
    refused(db, Score(review_id=review.id, criterion_id=application.round.criteria[0].id, score=bad))
    assert count(db, Score, review_id=review.id) == 0


def test_not_scored_is_stored_as_null_and_0_and_4_are_allowed(db, setting, make_review):
    application, members = setting
    review = make_review(application, members[0])
    for criterion, score in zip(application.round.criteria, [None, 0, 4], strict=True):
        db.session.add(
            Score(review_id=review.id, criterion_id=criterion.id, score=score, audience=CommentAudience.PANEL_ONLY)
        )
    db.session.commit()
    stored = db.session.scalars(select(Score.score).filter_by(review_id=review.id).order_by(Score.criterion_id))
    assert list(stored) == [None, 0, 4]


def test_deleting_a_review_deletes_its_scores(db, setting, make_review):
    application, members = setting
    review = make_review(application, members[0], scores=[4, 3, None])
    other = make_review(application, members[1], scores=[1, 2, 3])
    db.session.delete(review)
    db.session.commit()
    assert count(db, Score, review_id=review.id) == 0
    assert count(db, Score, review_id=other.id) == 3


def test_the_database_cascades_scores_when_a_review_row_goes(db, setting, make_review):
    # Without the ORM: the foreign key itself removes the scores (foreign keys are on in SQLite too).
    application, members = setting
    review = make_review(application, members[0], scores=[4, 3, None])
    review_id = review.id
    db.session.execute(delete(Review).where(Review.id == review_id))
    db.session.commit()
    assert count(db, Score, review_id=review_id) == 0


# --- reviews and conflicts ----------------------------------------------------------------------


def test_one_review_per_eoi_and_member(db, setting, make_review):
    application, members = setting
    make_review(application, members[0])
    refused(db, Review(application_id=application.id, member_id=members[0].id))
    make_review(application, members[1])  # another member may review the same EOI
    assert count(db, Review, application_id=application.id) == 2


def test_one_conflict_per_eoi_and_member(db, setting):
    application, members = setting
    db.session.add(
        ConflictDeclaration(application_id=application.id, member_id=members[0].id, kind=ConflictKind.PERSONAL)
    )
    db.session.commit()
    refused(
        db,
        ConflictDeclaration(
            application_id=application.id, member_id=members[0].id, kind=ConflictKind.FINANCIAL, note="Again"
        ),
    )
    assert count(db, ConflictDeclaration, application_id=application.id) == 1


# --- agreed scores and decisions ----------------------------------------------------------------


@pytest.mark.parametrize("bad", [Decimal("-0.01"), Decimal("100.01"), Decimal(101)])
def test_an_agreed_score_outside_0_to_100_is_refused(db, setting, bad):
    application, _ = setting
    refused(db, AgreedScore(application_id=application.id, score=bad, rationale="Agreed at the meeting."))
    assert count(db, AgreedScore) == 0


@pytest.mark.parametrize("score", [Decimal(0), Decimal("62.50"), Decimal(100)])
def test_an_agreed_score_from_0_to_100_is_kept(db, setting, score):
    application, _ = setting
    db.session.add(AgreedScore(application_id=application.id, score=score, rationale="Agreed at the meeting."))
    db.session.commit()
    assert db.session.scalar(select(AgreedScore.score)) == score


def test_one_agreed_score_per_eoi(db, setting):
    application, _ = setting
    db.session.add(AgreedScore(application_id=application.id, score=Decimal(70), rationale="First."))
    db.session.commit()
    refused(db, AgreedScore(application_id=application.id, score=Decimal(80), rationale="Second."))
    assert db.session.scalar(select(AgreedScore.score)) == Decimal(70)


def decision(application, outcome: DecisionOutcome, amount: Decimal | None = None) -> FundingDecision:
    return FundingDecision(application_id=application.id, outcome=outcome, amount=amount, reason="Ranked highly.")


def test_a_decision_to_fund_needs_an_amount(db, setting):
    application, _ = setting
    refused(db, decision(application, DecisionOutcome.FUND))
    refused(db, decision(application, DecisionOutcome.FUND, Decimal(0)))
    assert count(db, FundingDecision) == 0
    db.session.add(decision(application, DecisionOutcome.FUND, Decimal("2500.00")))
    db.session.commit()
    assert db.session.scalar(select(FundingDecision.amount)) == Decimal("2500.00")


@pytest.mark.parametrize("outcome", [DecisionOutcome.DO_NOT_FUND, DecisionOutcome.RESERVE])
def test_other_decisions_need_no_amount(db, setting, outcome):
    application, _ = setting
    db.session.add(decision(application, outcome))
    db.session.commit()
    assert db.session.scalar(select(FundingDecision.outcome)) == outcome


def test_one_decision_per_eoi(db, setting):
    application, _ = setting
    db.session.add(decision(application, DecisionOutcome.RESERVE))
    db.session.commit()
    refused(db, decision(application, DecisionOutcome.FUND, Decimal(1000)))
    assert db.session.scalar(select(FundingDecision.outcome)) == DecisionOutcome.RESERVE
    assert count(db, FundingDecision) == 1
