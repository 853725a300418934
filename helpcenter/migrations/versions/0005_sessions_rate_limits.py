"""Revocable editors' sessions and rate limit counters shared by all workers.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "admin_session",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("editor", sa.String(64), nullable=False),
        sa.Column("credential", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_admin_session_editor", "admin_session", ["editor"])
    op.create_index("ix_admin_session_expires", "admin_session", ["expires_at"])
    op.create_table(
        "rate_counter",
        sa.Column("bucket", sa.String(64), primary_key=True),
        sa.Column("slot", sa.BigInteger, primary_key=True),
        sa.Column("hits", sa.Integer, nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_rate_counter_expires", "rate_counter", ["expires_at"])


def downgrade():
    op.drop_index("ix_rate_counter_expires", "rate_counter")
    op.drop_table("rate_counter")
    op.drop_index("ix_admin_session_expires", "admin_session")
    op.drop_index("ix_admin_session_editor", "admin_session")
    op.drop_table("admin_session")
