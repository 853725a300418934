"""The contact page: its views and problems typed, and the 受付番号 issued with their trails.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "contact_event",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("visitor", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("day", "visitor", "kind", name="uq_contact_event_visitor_day"),
    )
    op.create_index("ix_contact_event_day_kind", "contact_event", ["day", "kind"])
    op.create_table(
        "contact_code",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("visitor", sa.String(64), nullable=False),
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("trail", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("code", name="uq_contact_code_code"),
    )
    op.create_index("ix_contact_code_day_visitor", "contact_code", ["day", "visitor"])


def downgrade():
    op.drop_index("ix_contact_code_day_visitor", "contact_code")
    op.drop_table("contact_code")
    op.drop_index("ix_contact_event_day_kind", "contact_event")
    op.drop_table("contact_event")
