"""FAQ views, deduplicated per visitor and day.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "faq_view",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("visitor", sa.String(64), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("day", "visitor", "number", name="uq_faq_view_visitor_day"),
    )
    op.create_index("ix_faq_view_day_number", "faq_view", ["day", "number"])


def downgrade():
    op.drop_index("ix_faq_view_day_number", "faq_view")
    op.drop_table("faq_view")
