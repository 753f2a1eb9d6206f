"""Scoring an EOI: one score per criterion (upserted), "not scored" kept as NULL, submitting once
with a recommendation, the optimistic lock, weighted totals with weights, the EOI moving to
"scored" once enough reviews are in, the panel's scores, and officers reopening a review."""

from __future__ import annotations

from contextlib import contextmanager
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from portal.domain.panel import CommentAudience, Recommendation
from portal.domain.roles import Role
from portal.domain.workflow import ApplicationStatus, ReviewStatus
from portal.models import AuditEvent, Panel, Score, User
from portal.services import ServiceError, reviews
from portal.services.reviews import ScoreInput


@pytest.fixture
def setup(db, make_round, make_panel, make_eligible_application, make_review):  # noqa: ANN001, ANN201
    round_ = make_round(title="Community grants 2027")
    panel = make_panel(round_=round_, members=3, minimum_reviewers=2)
    application = make_eligible_application(round_=round_)
    review = make_review(application, panel.members[0])
    criteria = reviews.active_criteria(review)
    return round_, panel, application, review, criteria


def _events(db, action: str) -> list[AuditEvent]:  # noqa: ANN001
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def _save(review, criteria, values, *, submit=False, recommendation=None, version=None, by=None, **kwargs):  # noqa: ANN001, ANN003, ANN202
    scores = {
        c.id: v if isinstance(v, ScoreInput) else ScoreInput(v, f"About {c.title}", CommentAudience.PANEL_ONLY)
        for c, v in zip(criteria, values, strict=True)
    }
    return reviews.save_review(
        review,
        scores=scores,
        recommendation=recommendation,
        recommendation_note=kwargs.pop("note", ""),
        expected_version=version,
        submit=submit,
        by=by or review.member.user,
        **kwargs,
    )


def test_a_draft_keeps_one_score_per_criterion_and_not_scored_is_null(db, setup):
    _, _, _, review, criteria = setup
    _save(review, criteria, [4, None, 2], version=review.lock_version)
    db.session.commit()
    first = {s.criterion_id: (s.id, s.score) for s in db.session.scalars(select(Score))}
    assert {cid: score for cid, (_, score) in first.items()} == {
        criteria[0].id: 4,
        criteria[1].id: None,
        criteria[2].id: 2,
    }
    assert review.status == ReviewStatus.DRAFT and review.submitted_at is None

    _save(review, criteria, [3, 1, None], version=review.lock_version)
    db.session.commit()
    rows = {s.criterion_id: (s.id, s.score) for s in db.session.scalars(select(Score))}
    assert len(rows) == 3  # updated in place, never a second row per criterion
    assert {cid: row_id for cid, (row_id, _) in rows.items()} == {cid: row_id for cid, (row_id, _) in first.items()}
    assert {cid: score for cid, (_, score) in rows.items()} == {
        criteria[0].id: 3,
        criteria[1].id: 1,
        criteria[2].id: None,
    }

    [first_event, second_event] = _events(db, "review.saved")
    assert second_event.actor == review.member.user
    assert second_event.after["scores"][str(criteria[2].id)] == {
        "score": None,
        "comment": f"About {criteria[2].title}",
        "audience": "panel_only",
    }
    assert second_event.before["scores"][str(criteria[0].id)]["score"] == 4
    assert second_event.after["weighted_total"] == "50.00"  # (3 + 1) of 8: the unscored one is left out


def test_a_comment_left_empty_is_stored_as_nothing_and_missing_criteria_are_not_scored(db, setup):
    _, _, _, review, criteria = setup
    reviews.save_review(
        review,
        scores={criteria[0].id: ScoreInput(2, "   ", CommentAudience.FEEDBACK)},
        recommendation=None,
        recommendation_note="  ",
        expected_version=None,
        submit=False,
        by=review.member.user,
    )
    db.session.commit()
    saved = reviews.scores_by_criterion(review)
    assert (saved[criteria[0].id].score, saved[criteria[0].id].comment) == (2, None)
    assert [saved[c.id].score for c in criteria[1:]] == [None, None]
    assert saved[criteria[1].id].audience == CommentAudience.PANEL_ONLY
    assert review.recommendation_note is None


def test_a_score_outside_0_to_4_is_refused(db, setup):
    _, _, _, review, criteria = setup
    with pytest.raises(ServiceError, match="Choose a score from 0 to 4, or Not scored"):
        _save(review, criteria, [5, None, None])


def test_weighted_totals_use_each_criterions_weight_and_leave_out_the_unscored(db, setup):
    _, _, _, review, criteria = setup
    criteria[0].weight = Decimal("2")
    _save(review, criteria, [4, 0, None])
    # (2×4 + 1×0) of (2×4 + 1×4) possible = 8 / 12
    assert reviews.weighted_total_of(review) == Decimal("66.67")
    _save(review, criteria, [None, None, None])
    assert reviews.weighted_total_of(review) is None


def test_submitting_needs_a_recommendation_and_at_least_one_score(db, setup):
    _, _, _, review, criteria = setup
    with pytest.raises(reviews.IncompleteReview) as refused:
        _save(review, criteria, [None, None, None], submit=True)
    assert {key: str(message) for key, message in refused.value.problems.items()} == {
        "recommendation": "Choose a recommendation",
        "scores": "Score at least one question",
    }
    with pytest.raises(reviews.IncompleteReview, match="Choose a recommendation"):
        _save(review, criteria, [3, None, None], submit=True)
    with pytest.raises(reviews.IncompleteReview, match="Score at least one question"):
        _save(review, criteria, [None, None, None], submit=True, recommendation=Recommendation.FUND)
    db.session.rollback()
    assert review.status == ReviewStatus.NOT_STARTED


def test_submitting_needs_to_know_who_may_read_each_comment(db, setup):
    _, _, _, review, criteria = setup
    unsaid = ScoreInput(3, "Strong local links", None)
    with pytest.raises(reviews.IncompleteReview) as refused:
        _save(review, criteria, [unsaid, 2, 1], submit=True, recommendation=Recommendation.FUND)
    assert str(refused.value.problems[f"audience-{criteria[0].id}"]) == (
        f"Say who can read your comment on {criteria[0].title}"
    )


def test_a_submitted_review_cannot_be_changed(db, setup):
    _, _, _, review, criteria = setup
    _save(review, criteria, [3, None, 1], submit=True, recommendation=Recommendation.FUND_WITH_CONDITIONS)
    db.session.commit()
    assert review.status == ReviewStatus.SUBMITTED and review.submitted_at is not None
    [submitted] = _events(db, "review.submitted")
    assert submitted.after["recommendation"] == "fund_with_conditions"
    assert submitted.after["scores"][str(criteria[1].id)]["score"] is None
    with pytest.raises(
        reviews.NotEditable, match="You have already submitted this review. Ask an officer to reopen it."
    ):
        _save(review, criteria, [4, 4, 4])


def test_a_save_based_on_an_older_version_is_refused(db, setup):
    _, _, _, review, criteria = setup
    opened = review.lock_version
    _save(review, criteria, [1, 1, 1], version=opened)  # the other tab
    db.session.commit()
    with pytest.raises(reviews.EditConflict, match="since you opened this page"):
        _save(review, criteria, [4, 4, 4], version=opened)
    db.session.rollback()
    assert [s.score for s in review.scores] == [1, 1, 1]


def test_only_the_reviews_own_member_who_confirmed_no_conflict_can_score(db, setup, make_review, make_user):
    _, panel, application, review, criteria = setup
    other = panel.members[1].user
    with pytest.raises(reviews.NotEditable, match="not assigned to you"):
        _save(review, criteria, [1, 1, 1], by=other)
    officer = make_user(roles={Role.OFFICER})
    with pytest.raises(reviews.NotEditable, match="not assigned to you"):
        _save(review, criteria, [1, 1, 1], by=officer)
    unconfirmed = make_review(application, panel.members[1], confirmed=False)
    with pytest.raises(reviews.NotEditable, match="Confirm that you have no conflict"):
        _save(unconfirmed, criteria, [1, 1, 1])


def test_the_eoi_is_scored_once_the_panels_minimum_of_reviews_is_submitted(db, setup, make_review):
    _, panel, application, review, criteria = setup
    second = make_review(application, panel.members[1])
    assert application.status == ApplicationStatus.WITH_PANEL
    _save(review, criteria, [3, 3, 3], submit=True, recommendation=Recommendation.FUND)
    db.session.commit()
    assert application.status == ApplicationStatus.WITH_PANEL  # 1 of the 2 needed
    assert _events(db, "application.scored") == []

    _save(second, criteria, [2, None, 2], submit=True, recommendation=Recommendation.DO_NOT_FUND)
    db.session.commit()
    assert application.status == ApplicationStatus.SCORED
    [moved] = _events(db, "application.scored")
    assert moved.actor is None  # the system moved it, not the member
    assert (moved.after["status"], moved.after["submitted_reviews"], moved.after["minimum_reviewers"]) == (
        "scored",
        2,
        2,
    )


def test_an_officer_reopens_a_review_with_a_reason_and_the_member_can_change_it(db, setup, make_review, make_user):
    _, panel, application, review, criteria = setup
    officer = make_user(roles={Role.OFFICER}, full_name="Olu Officer")
    make_review(application, panel.members[1], scores=[2, 2, 2], submit=True)
    _save(review, criteria, [3, 3, 3], submit=True, recommendation=Recommendation.FUND)
    db.session.commit()
    assert application.status == ApplicationStatus.SCORED

    with pytest.raises(ServiceError, match="Give the reason for reopening this review"):
        reviews.reopen_review(review, reason="  ", by=officer)
    with pytest.raises(ServiceError, match="You do not have permission"):
        reviews.reopen_review(review, reason="I pressed submit too soon", by=review.member.user)
    assert review.status == ReviewStatus.SUBMITTED

    reviews.reopen_review(review, reason="Scored the wrong EOI's answers by mistake", by=officer)
    db.session.commit()
    assert review.status == ReviewStatus.REOPENED
    [reopened] = _events(db, "review.reopened")
    assert (reopened.actor, reopened.note, reopened.before, reopened.after) == (
        officer,
        "Scored the wrong EOI's answers by mistake",
        {"status": "submitted"},
        {"status": "reopened", "reason": "Scored the wrong EOI's answers by mistake"},
    )
    assert reviews.reopen_reason(review) == "Scored the wrong EOI's answers by mistake"
    # Fewer submitted than the minimum now, but a scored EOI stays scored (moderation warns).
    assert application.status == ApplicationStatus.SCORED

    with pytest.raises(ServiceError, match="It cannot go from reopened to reopened|already reopened"):
        reviews.reopen_review(review, reason="Again", by=officer)

    _save(review, criteria, [4, 3, 3])  # a draft: it stays reopened until submitted again
    assert review.status == ReviewStatus.REOPENED
    _save(review, criteria, [4, 4, 3], submit=True, recommendation=Recommendation.FUND)
    db.session.commit()
    assert review.status == ReviewStatus.SUBMITTED
    assert reviews.reopen_reason(review) is None


def test_only_a_submitted_review_can_be_reopened(db, setup, make_user):
    _, _, _, review, _ = setup
    officer = make_user(roles={Role.OFFICER})
    with pytest.raises(ServiceError, match="It cannot go from not started to reopened"):
        reviews.reopen_review(review, reason="Why not", by=officer)


def test_the_panel_summary_has_every_submitted_review_and_each_criterions_spread(db, setup, make_review, make_user):
    _, panel, application, review, criteria = setup
    panel.members[1].user.full_name = "Bea Member"
    panel.members[2].user.full_name = "Cal Member"
    make_review(application, panel.members[1], scores=[4, 2, None], submit=True, recommendation="do_not_fund")
    make_review(application, panel.members[2], scores=[1, 3, None])  # a draft: not shown
    _save(review, criteria, [2, 2, 2], submit=True, recommendation=Recommendation.FUND)
    db.session.commit()

    summary = reviews.panel_summary(review)
    assert [(line.member_name, line.is_yours, line.total, line.recommendation) for line in summary.reviewers] == [
        ("Bea Member", False, Decimal("75.00"), Recommendation.DO_NOT_FUND),
        (review.member.user.full_name, True, Decimal("50.00"), Recommendation.FUND),
    ]
    assert (summary.assigned, summary.minimum_reviewers) == (3, 2)
    assert (summary.totals.mean, summary.totals.spread) == (Decimal("62.50"), Decimal("25.00"))
    first, second, third = summary.criteria
    assert [row.score if row else None for _, row in first.scores] == [4, 2]
    assert (first.summary.mean, first.summary.minimum, first.summary.maximum, first.summary.spread) == (
        Decimal("3.00"),
        2,
        4,
        2,
    )
    assert second.summary.spread == 0
    assert third.summary.count == 1  # Bea left it unscored: it counts for nobody, not as 0
    assert summary.spread_is_wide is False  # 25 is the threshold: only above it is flagged


@contextmanager
def counting_statements(engine):  # noqa: ANN001, ANN201
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ANN202
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _statements_for_queue(db, user_id: int) -> tuple[int, int]:  # noqa: ANN001
    db.session.expunge_all()  # nothing already loaded: every row comes from the database
    user = db.session.get(User, user_id)
    with counting_statements(db.engine) as statements:
        queue = reviews.queue_for(user)
        for review in queue:  # everything the home page shows
            _ = (
                review.application.reference,
                review.application.title,
                review.application.organisation.name,
                review.application.work_stream.name,
                review.application.round.title,
                review.member.panel.scoring_deadline,
                review.status,
            )
    return len(statements), len(queue)


def test_the_queue_takes_the_same_number_of_queries_however_long_it_is(
    db, make_round, make_panel, make_eligible_application, make_review, make_user
):
    member = make_user(roles={Role.PANEL_MEMBER})
    rounds = [make_round(), make_round()]
    panel_ids = [make_panel(round_=round_, members=[member]).id for round_ in rounds]
    panels = [db.session.get(Panel, panel_id) for panel_id in panel_ids]
    make_review(make_eligible_application(round_=rounds[0]), panels[0].members[0])
    few, count = _statements_for_queue(db, member.id)
    assert count == 1

    for _ in range(3):
        panel, other = (db.session.get(Panel, panel_id) for panel_id in panel_ids)
        make_review(make_eligible_application(round_=panel.round), panel.members[0])
        make_review(make_eligible_application(round_=other.round), other.members[0], scores=[1, 2, 3], submit=True)
    many, count = _statements_for_queue(db, member.id)
    assert count == 7
    assert many == few

    queue = reviews.queue_for(db.session.get(User, member.id))
    assert reviews.progress(queue) == (3, 7)
    assert [r.application.round_id for r in queue] == sorted(r.application.round_id for r in queue)
