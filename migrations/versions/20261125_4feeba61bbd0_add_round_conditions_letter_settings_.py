"""add round conditions, letter settings, excluded purposes, settings and audit round

Revision ID: 4feeba61bbd0
Revises: 97b226c6ca0a
Create Date: 2026-11-25 22:01:03.919094

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4feeba61bbd0'
down_revision = '97b226c6ca0a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('settings',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_settings_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )
    op.create_table('round_conditions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_archived', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_round_conditions_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_conditions'))
    )
    with op.batch_alter_table('round_conditions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_conditions_round_id'), ['round_id'], unique=False)

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('round_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_events_round_id'), ['round_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_audit_events_round_id_rounds'), 'rounds', ['round_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('rounds', schema=None) as batch_op:
        # Existing rounds get an empty list: nothing excluded until an officer says so.
        batch_op.add_column(sa.Column('excluded_purposes', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('letter_council_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('letter_address', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('letter_logo_key', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('letter_logo_type', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('letter_signatory_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('letter_signatory_title', sa.String(length=200), nullable=True))



def downgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_column('letter_signatory_title')
        batch_op.drop_column('letter_signatory_name')
        batch_op.drop_column('letter_logo_type')
        batch_op.drop_column('letter_logo_key')
        batch_op.drop_column('letter_address')
        batch_op.drop_column('letter_council_name')
        batch_op.drop_column('excluded_purposes')

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_audit_events_round_id_rounds'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_audit_events_round_id'))
        batch_op.drop_column('round_id')

    with op.batch_alter_table('round_conditions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_conditions_round_id'))

    op.drop_table('round_conditions')
    op.drop_table('settings')
