"""encrypt two-factor secrets at rest

``users.two_factor_secret`` held each enrolled person's TOTP secret as plain text: anyone with a
copy of the database (or a backup) could make their codes. It now holds a Fernet token, made with
the first of the app's ``TWO_FACTOR_KEYS`` (portal.db.Sealed), so the column grows to 255
characters and every secret already there is encrypted here; downgrading decrypts them with any of
the keys and shrinks the column back. The keys are read from the app running the migration
(``flask db upgrade``), the same settings the portal starts with. The encryption is written out
here (Fernet, as cryptography makes it), not imported from the portal, so that this migration does
what it did whatever the portal's code becomes.

Revision ID: 5d2a8c4e9b17
Revises: 3c9e1f0a7b42
Create Date: 2026-11-27 13:00:00

"""
from alembic import op
import sqlalchemy as sa
from cryptography.fernet import Fernet, MultiFernet
from flask import current_app


# revision identifiers, used by Alembic.
revision = '5d2a8c4e9b17'
down_revision = '3c9e1f0a7b42'
branch_labels = None
depends_on = None

users = sa.table('users', sa.column('id', sa.Integer), sa.column('two_factor_secret', sa.String))


def _keys():
    return MultiFernet([Fernet(key) for key in current_app.config['TWO_FACTOR_KEYS']])


def _rewrite(change):
    connection = op.get_bind()
    rows = connection.execute(sa.select(users.c.id, users.c.two_factor_secret).where(users.c.two_factor_secret.is_not(None)))
    for user_id, secret in rows.all():
        connection.execute(
            users.update().where(users.c.id == user_id).values(two_factor_secret=change(secret.encode()).decode())
        )


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('two_factor_secret', existing_type=sa.String(length=64), type_=sa.String(length=255),
                              existing_nullable=True)
    _rewrite(_keys().encrypt)


def downgrade():
    _rewrite(_keys().decrypt)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('two_factor_secret', existing_type=sa.String(length=255), type_=sa.String(length=64),
                              existing_nullable=True)
