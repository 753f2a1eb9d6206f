"""Each submitted review keeps its weighted total (portal/services/review_totals.py): set when it is
submitted, cleared when it is reopened, and worked out again by the database when the round's
criteria change; always what the panel's arithmetic (``domain/scoring.weighted_total``) gives over
the round's active criteria."""

from __future__ import annotations

import random
from decimal import Decimal

from sqlalchemy import select

from portal.domain.panel import CommentAudience, Recommendation
from portal.domain.roles import Role
from portal.domain.scoring import weighted_total
from portal.domain.workflow import ReviewStatus, RoundStatus
from portal.models import Review
from portal.services import criteria as criteria_service
from portal.services import moderation_page, review_totals, reviews
from portal.services.reviews import ScoreInput
from tests.services.test_criteria import same_as


def _expected(review: Review) -> Decimal | None:
    """The panel's arithmetic, from the review's scores and the criteria as they are now."""
    if review.status != ReviewStatus.SUBMITTED:
        return None
    weights = {c.id: c.weight for c in review.application.round.criteria if not c.is_archived}
    return weighted_total((weights[s.criterion_id], s.score) for s in review.scores if s.criterion_id in weights)


def _scored_round(db, make_round, make_panel, make_eligible_application, make_review, seed: int):  # noqa: ANN001, ANN202, PLR0913
    rng = random.Random(seed)
    round_ = make_round(title=f"Totals {seed}", criteria=4)
    for criterion in round_.criteria:
        criterion.weight = Decimal(rng.choice(["0", "0.25", "1", "1.5", "2", "3.33", "7"]))
    db.session.commit()
    panel = make_panel(round_=round_, members=4)
    for _ in range(6):
        application = make_eligible_application(round_=round_)
        for member in panel.members:
            scores = [rng.choice([0, 1, 2, 3, 4, None, None]) for _ in range(4)]
            make_review(application, member, scores=scores, submit=rng.random() < 0.8)
    return round_


def _stored(db, round_) -> dict[int, Decimal | None]:  # noqa: ANN001
    db.session.expire_all()
    found = db.session.scalars(select(Review).where(Review.application.has(round_id=round_.id))).all()
    return {review.id: review.weighted_total for review in found}


def _all_expected(db, round_) -> dict[int, Decimal | None]:  # noqa: ANN001
    found = db.session.scalars(select(Review).where(Review.application.has(round_id=round_.id))).all()
    return {review.id: _expected(review) for review in found}


def test_the_database_works_out_the_same_totals_as_the_panels_arithmetic(
    db, make_round, make_panel, make_eligible_application, make_review
):  # noqa: ANN001
    for seed in (1, 2, 3):
        round_ = _scored_round(db, make_round, make_panel, make_eligible_application, make_review, seed)
        round_.criteria[seed].is_archived = True
        db.session.commit()
        db.session.execute(Review.__table__.update().values(weighted_total=Decimal("99.99")))  # wrong on purpose
        review_totals.refresh_round(round_.id)
        db.session.commit()
        stored, expected = _stored(db, round_), _all_expected(db, round_)
        assert stored == expected
        assert any(total is not None for total in stored.values())  # not all trivially empty
        assert None in stored.values()  # drafts have none


def test_archiving_restoring_or_reweighting_a_criterion_works_the_totals_out_again(
    db, make_round, make_panel, make_eligible_application, make_review, make_user
):  # noqa: ANN001
    officer = make_user(roles={Role.OFFICER})
    round_ = _scored_round(db, make_round, make_panel, make_eligible_application, make_review, 7)
    before = _stored(db, round_)
    criterion = round_.criteria[0]

    criteria_service.archive_criterion(criterion, by=officer)
    db.session.commit()
    archived = _stored(db, round_)
    assert archived == _all_expected(db, round_)
    assert archived != before

    criteria_service.restore_criterion(criterion, by=officer)
    db.session.commit()
    assert _stored(db, round_) == before

    new_weight = Decimal("5") if criterion.weight != Decimal("5") else Decimal("0.5")
    criteria_service.edit_criterion(criterion, same_as(criterion, weight=new_weight), by=officer)
    db.session.commit()
    reweighted = _stored(db, round_)
    assert reweighted == _all_expected(db, round_)
    assert reweighted != before


def test_the_moderation_page_ranks_by_the_totals_after_a_criterion_is_archived(
    db, make_round, make_panel, make_eligible_application, make_review, make_user
):  # noqa: ANN001
    officer = make_user(roles={Role.OFFICER})
    round_ = make_round(title="Archive", criteria=2)
    panel = make_panel(round_=round_, members=1)
    first, second = (make_eligible_application(round_=round_) for _ in range(2))
    for application in (first, second):
        application.work_stream_id = round_.work_streams[0].id
    make_review(first, panel.members[0], scores=[4, 0], submit=True)  # 50: best on both
    make_review(second, panel.members[0], scores=[1, 2], submit=True)  # 37.5: best without the first criterion
    round_.status = RoundStatus.IN_ASSESSMENT
    db.session.commit()

    def ranking() -> list[tuple[int, Decimal]]:
        db.session.expire_all()
        page = moderation_page.moderation_page(round_, round_.work_streams[0])
        return [(row.eoi.application_id, row.eoi.score) for row in page.ranking]

    assert ranking() == [(first.id, Decimal("50")), (second.id, Decimal("37.5"))]
    criteria_service.archive_criterion(round_.criteria[0], by=officer)
    db.session.commit()
    assert ranking() == [(second.id, Decimal("50")), (first.id, Decimal("0"))]


def test_submitting_keeps_the_total_and_reopening_clears_it(
    db, make_round, make_panel, make_eligible_application, make_review, make_user
):  # noqa: ANN001
    round_ = make_round(title="Submit", criteria=2)
    round_.criteria[1].weight = Decimal("3")
    panel = make_panel(round_=round_, members=1)
    review = make_review(make_eligible_application(round_=round_), panel.members[0])
    criteria = reviews.active_criteria(review)
    scores = {c.id: ScoreInput(s, "Seen.", CommentAudience.PANEL_ONLY) for c, s in zip(criteria, [2, 3], strict=True)}

    def save(submit: bool) -> None:
        reviews.save_review(
            review, scores=scores, recommendation=Recommendation.FUND, recommendation_note="",
            expected_version=review.lock_version, submit=submit, by=review.member.user,
        )  # fmt: skip
        db.session.commit()

    save(False)
    assert review.weighted_total is None  # a draft is not counted
    save(True)
    assert review.weighted_total == Decimal("68.75")  # (1×2 + 3×3) / (4×4) of 100
    reviews.reopen_review(review, reason="Scored the wrong EOI", by=make_user(roles={Role.OFFICER}))
    db.session.commit()
    assert review.weighted_total is None
    save(True)
    assert review.weighted_total == Decimal("68.75")
