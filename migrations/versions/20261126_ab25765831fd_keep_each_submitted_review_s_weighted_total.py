"""keep each submitted review's weighted total

The moderation page ranks a round's EOIs by their reviews' weighted totals. It used to add up every
score of the round on each request; each submitted review now keeps its total (out of 100), set
when it is submitted and worked out again when the round's criteria change
(portal/services/review_totals.py). Reviews already submitted get theirs here, by the same
arithmetic: with the weights in hundredths, the total in hundredths is
floor((20000 * sum(w * s) + 4 * sum(w)) / (8 * sum(w))) over the active criteria scored, in
whole numbers (the sums cast to BIGINT, so that the division is a whole-number one in both
PostgreSQL and SQLite).

Revision ID: ab25765831fd
Revises: 11fc582d58a4
Create Date: 2026-11-26 12:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ab25765831fd'
down_revision = '11fc582d58a4'
branch_labels = None
depends_on = None

BACKFILL = """
UPDATE reviews SET weighted_total = (
    SELECT CASE WHEN CAST(SUM(ROUND(criteria.weight * 100)) AS BIGINT) > 0 THEN
        ((20000 * CAST(SUM(ROUND(criteria.weight * 100) * scores.score) AS BIGINT)
          + 4 * CAST(SUM(ROUND(criteria.weight * 100)) AS BIGINT))
         / (8 * CAST(SUM(ROUND(criteria.weight * 100)) AS BIGINT))) / 100.0
    END
    FROM scores JOIN criteria ON criteria.id = scores.criterion_id
    WHERE scores.review_id = reviews.id AND scores.score IS NOT NULL AND NOT criteria.is_archived
)
WHERE status = 'submitted'
"""


def upgrade():
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('weighted_total', sa.Numeric(precision=5, scale=2), nullable=True))
    op.execute(BACKFILL)


def downgrade():
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_column('weighted_total')
