"""add held forms

Revision ID: 9bc0a937355d
Revises: 976ab29f59b3
Create Date: 2026-11-25 22:41:29.709296

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9bc0a937355d'
down_revision = '976ab29f59b3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('held_forms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_held_forms_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_held_forms')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_held_forms_token_hash'))
    )
    with op.batch_alter_table('held_forms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_held_forms_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('held_forms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_held_forms_user_id'))

    op.drop_table('held_forms')
