"""Events for the editors' reports: searches, clicks, wizards, chat, feedback; failed admin logins.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _common():
    return [sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("day", sa.Date, nullable=False),
            sa.Column("visitor", sa.String(64), nullable=False)]


def upgrade():
    op.create_table(
        "search_event", *_common(),
        sa.Column("query", sa.String(200), nullable=False),
        sa.Column("normalized", sa.String(200), nullable=False),
        sa.Column("results", sa.Integer, nullable=False),
        sa.Column("category", sa.String(200), nullable=False),
        sa.Column("page", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("day", "visitor", "normalized", "category", "page", name="uq_search_event_visitor_day"),
    )
    op.create_index("ix_search_event_day_normalized", "search_event", ["day", "normalized"])

    op.create_table(
        "search_click", *_common(),
        sa.Column("normalized", sa.String(200), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("rank", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("day", "visitor", "normalized", "number", name="uq_search_click_visitor_day"),
    )
    op.create_index("ix_search_click_day_normalized", "search_click", ["day", "normalized"])

    op.create_table(
        "wizard_event", *_common(),
        sa.Column("wizard", sa.String(100), nullable=False),
        sa.Column("event", sa.String(10), nullable=False),
        sa.Column("node", sa.String(100), nullable=False),
        sa.Column("path", sa.String(500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("day", "visitor", "wizard", "event", "node", "path", name="uq_wizard_event_visitor_day"),
    )
    op.create_index("ix_wizard_event_day_wizard", "wizard_event", ["day", "wizard"])

    op.create_table(
        "chat_event", *_common(),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("reply_type", sa.String(40), nullable=False),
        sa.Column("message", sa.String(500)),
        sa.Column("faqs", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_chat_event_day_kind", "chat_event", ["day", "kind"])

    op.create_table(
        "feedback", *_common(),
        sa.Column("target_type", sa.String(10), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("helpful", sa.Boolean, nullable=False),
        sa.Column("reason", sa.String(40)),
        sa.Column("comment", sa.String(500)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("day", "visitor", "target_type", "target", name="uq_feedback_visitor_day"),
    )
    op.create_index("ix_feedback_day_target", "feedback", ["day", "target_type", "target"])

    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_login_failure_client_created", "login_failure", ["client", "created_at"])


def downgrade():
    for table, index in (("login_failure", "ix_login_failure_client_created"),
                         ("feedback", "ix_feedback_day_target"),
                         ("chat_event", "ix_chat_event_day_kind"),
                         ("wizard_event", "ix_wizard_event_day_wizard"),
                         ("search_click", "ix_search_click_day_normalized"),
                         ("search_event", "ix_search_event_day_normalized")):
        op.drop_index(index, table)
        op.drop_table(table)
