"""create foundation tables

Revision ID: 97b226c6ca0a
Revises: 
Create Date: 2026-11-25 21:51:44.045134

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '97b226c6ca0a'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('funds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('total_budget', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('total_budget >= 0', name=op.f('ck_funds_budget_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funds')),
    sa.UniqueConstraint('name', name=op.f('uq_funds_name'))
    )
    op.create_table('localities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('is_archived', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_localities')),
    sa.UniqueConstraint('name', name=op.f('uq_localities_name'))
    )
    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('legal_form', sa.Enum('unconstituted', 'community_group', 'charity', 'cic_or_company', 'faith', 'social_enterprise', name='legalform', native_enum=False, length=40), nullable=False),
    sa.Column('charity_number', sa.String(length=20), nullable=True),
    sa.Column('company_number', sa.String(length=20), nullable=True),
    sa.Column('accountable_body_name', sa.String(length=200), nullable=True),
    sa.Column('income_band', sa.Enum('under_10k', '10k_to_50k', '50k_to_100k', '100k_to_250k', 'over_250k', name='incomeband', native_enum=False, length=40), nullable=True),
    sa.Column('address_line_1', sa.String(length=200), nullable=True),
    sa.Column('address_line_2', sa.String(length=200), nullable=True),
    sa.Column('town', sa.String(length=100), nullable=True),
    sa.Column('postcode', sa.String(length=10), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("legal_form != 'unconstituted' OR accountable_body_name IS NOT NULL", name=op.f('ck_organisations_unconstituted_has_accountable_body')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('is_enabled', sa.Boolean(), nullable=False),
    sa.Column('preferred_language', sa.String(length=10), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_signed_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=80), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('on_behalf_of_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['on_behalf_of_id'], ['organisations.id'], name=op.f('fk_audit_events_on_behalf_of_id_organisations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_audit_events_object', ['object_type', 'object_id'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('template', sa.String(length=80), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_sent_at'), ['sent_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_user_id'), ['user_id'], unique=False)

    op.create_table('organisation_localities',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('locality_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['locality_id'], ['localities.id'], name=op.f('fk_organisation_localities_locality_id_localities'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_localities_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', 'locality_id', name=op.f('pk_organisation_localities'))
    )
    op.create_table('organisation_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('owner', 'member', name='membershiprole', native_enum=False, length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_members_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_organisation_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_members')),
    sa.UniqueConstraint('organisation_id', 'user_id', name=op.f('uq_organisation_members_organisation_id_user_id'))
    )
    with op.batch_alter_table('organisation_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_members_user_id'), ['user_id'], unique=False)

    op.create_table('password_reset_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_password_reset_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_reset_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_password_reset_tokens_token_hash'))
    )
    with op.batch_alter_table('password_reset_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_reset_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('reference_prefix', sa.String(length=20), nullable=False),
    sa.Column('status', sa.Enum('draft', 'open', 'closed', 'in_assessment', 'decided', 'archived', name='roundstatus', native_enum=False, length=40), nullable=False),
    sa.Column('opens_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('min_amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('max_amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('guidance', sa.Text(), nullable=True),
    sa.Column('allowed_legal_forms', sa.JSON(), nullable=False),
    sa.Column('income_ceiling', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('copied_from_round_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('closes_at IS NULL OR opens_at IS NULL OR closes_at > opens_at', name=op.f('ck_rounds_closes_after_opens')),
    sa.CheckConstraint('max_amount >= min_amount', name=op.f('ck_rounds_max_at_least_min')),
    sa.CheckConstraint('min_amount >= 0', name=op.f('ck_rounds_min_amount_not_negative')),
    sa.ForeignKeyConstraint(['copied_from_round_id'], ['rounds.id'], name=op.f('fk_rounds_copied_from_round_id_rounds'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_rounds_fund_id_funds'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rounds'))
    )
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rounds_fund_id'), ['fund_id'], unique=False)

    op.create_table('user_roles',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('applicant', 'panel_member', 'officer', 'admin', name='role', native_enum=False, length=40), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_roles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'role', name=op.f('pk_user_roles'))
    )
    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sa.String(length=40), nullable=True),
    sa.Column('ip_address', sa.String(length=45), nullable=True),
    sa.Column('user_agent', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_sessions_token_hash'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('wards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('locality_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=True),
    sa.Column('is_archived', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['locality_id'], ['localities.id'], name=op.f('fk_wards_locality_id_localities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wards')),
    sa.UniqueConstraint('locality_id', 'name', name=op.f('uq_wards_locality_id_name'))
    )
    with op.batch_alter_table('wards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wards_locality_id'), ['locality_id'], unique=False)

    op.create_table('criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('word_limit', sa.Integer(), nullable=True),
    sa.Column('guidance', sa.Text(), nullable=True),
    sa.Column('descriptor_0', sa.Text(), nullable=False),
    sa.Column('descriptor_1', sa.Text(), nullable=False),
    sa.Column('descriptor_2', sa.Text(), nullable=False),
    sa.Column('descriptor_3', sa.Text(), nullable=False),
    sa.Column('descriptor_4', sa.Text(), nullable=False),
    sa.Column('weight', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_archived', sa.Boolean(), nullable=False),
    sa.CheckConstraint('weight >= 0', name=op.f('ck_criteria_weight_not_negative')),
    sa.CheckConstraint('word_limit IS NULL OR word_limit > 0', name=op.f('ck_criteria_word_limit_positive')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_criteria_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_criteria'))
    )
    with op.batch_alter_table('criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_criteria_round_id'), ['round_id'], unique=False)

    op.create_table('organisation_wards',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('ward_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_wards_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], name=op.f('fk_organisation_wards_ward_id_wards'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('organisation_id', 'ward_id', name=op.f('pk_organisation_wards'))
    )
    op.create_table('work_streams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('short_name', sa.String(length=20), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('who_it_is_for', sa.Text(), nullable=True),
    sa.Column('budget', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_retired', sa.Boolean(), nullable=False),
    sa.CheckConstraint('budget >= 0', name=op.f('ck_work_streams_budget_not_negative')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_work_streams_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_streams'))
    )
    with op.batch_alter_table('work_streams', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_streams_round_id'), ['round_id'], unique=False)

    op.create_table('output_measures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('work_stream_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('unit', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.Enum('numeric', 'qualitative', name='measurekind', native_enum=False, length=40), nullable=False),
    sa.Column('target', sa.Integer(), nullable=True),
    sa.Column('help_text', sa.Text(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_retired', sa.Boolean(), nullable=False),
    sa.CheckConstraint("kind = 'numeric' OR target IS NULL", name=op.f('ck_output_measures_qualitative_has_no_target')),
    sa.CheckConstraint('target IS NULL OR target >= 0', name=op.f('ck_output_measures_target_not_negative')),
    sa.ForeignKeyConstraint(['work_stream_id'], ['work_streams.id'], name=op.f('fk_output_measures_work_stream_id_work_streams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_output_measures'))
    )
    with op.batch_alter_table('output_measures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_output_measures_work_stream_id'), ['work_stream_id'], unique=False)



def downgrade():
    with op.batch_alter_table('output_measures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_output_measures_work_stream_id'))

    op.drop_table('output_measures')
    with op.batch_alter_table('work_streams', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_streams_round_id'))

    op.drop_table('work_streams')
    op.drop_table('organisation_wards')
    with op.batch_alter_table('criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_criteria_round_id'))

    op.drop_table('criteria')
    with op.batch_alter_table('wards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wards_locality_id'))

    op.drop_table('wards')
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))

    op.drop_table('user_sessions')
    op.drop_table('user_roles')
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rounds_fund_id'))

    op.drop_table('rounds')
    with op.batch_alter_table('password_reset_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_reset_tokens_user_id'))

    op.drop_table('password_reset_tokens')
    with op.batch_alter_table('organisation_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_members_user_id'))

    op.drop_table('organisation_members')
    op.drop_table('organisation_localities')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_user_id'))
        batch_op.drop_index(batch_op.f('ix_notifications_sent_at'))

    op.drop_table('notifications')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_object')
        batch_op.drop_index(batch_op.f('ix_audit_events_created_at'))
        batch_op.drop_index(batch_op.f('ix_audit_events_actor_id'))

    op.drop_table('audit_events')
    op.drop_table('users')
    op.drop_table('organisations')
    op.drop_table('localities')
    op.drop_table('funds')
