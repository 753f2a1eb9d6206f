"""Each submitted review keeps its weighted total (``Review.weighted_total``), so that what covers
a whole round (the moderation page's ranking, flags and leniency) reads one number per review.

The total is the panel's arithmetic (``portal/domain/scoring.weighted_total``) over the round's
active criteria. It is set when a review is submitted (``reviews.save_review``), cleared when it
is reopened, and worked out again for the whole round here, by the database, when the criteria
that count change (a weight, a criterion archived or restored) and after a bulk load.

In SQL, on whole hundredths: with the weights in hundredths, a review's total in hundredths is
⌊(20000·Σwᵢsᵢ + 4·Σwᵢ) / (8·Σwᵢ)⌋ over the criteria it scored (half-up rounding of
100·Σwᵢsᵢ / 4Σwᵢ), NULL when it scored nothing with a weight.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, case, cast, func, literal_column, select, update

from portal.domain.workflow import ReviewStatus
from portal.extensions import db
from portal.models import Application, Criterion, Review, Score

_HUNDRED = literal_column("100.0")  # not 100: SQLite would divide whole numbers to a whole number


def total_in_hundredths():  # noqa: ANN201 - a scalar subquery, correlated to Review
    """A review's weighted total in hundredths of a point, over the active criteria of its round."""
    weight = cast(func.round(Criterion.weight * 100), BigInteger)
    weighted = cast(func.sum(weight * Score.score), BigInteger)
    possible = cast(func.sum(weight), BigInteger)
    return (
        select(case((possible > 0, (20000 * weighted + 4 * possible) // (8 * possible))))
        .select_from(Score)
        .join(Criterion, Criterion.id == Score.criterion_id)
        .where(Score.review_id == Review.id, Score.score.is_not(None), Criterion.is_archived.is_(False))
        .correlate(Review)
        .scalar_subquery()
    )


def refresh_round(round_id: int) -> None:
    """Work out again the weighted total of every review of the round: submitted ones from their
    scores, the others cleared. One statement; the session's reviews are read again afterwards."""
    in_round = select(Application.id).where(Application.round_id == round_id)
    db.session.execute(
        update(Review)
        .where(Review.application_id.in_(in_round))
        .values(
            weighted_total=case(
                (Review.status == ReviewStatus.SUBMITTED, total_in_hundredths() / _HUNDRED),
                else_=None,
            )
        )
        .execution_options(synchronize_session=False)
    )
    for review in [obj for obj in db.session.identity_map.values() if isinstance(obj, Review)]:
        db.session.expire(review, ["weighted_total"])
