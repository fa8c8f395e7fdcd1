"""Search terms named by opaque tokens, so that NIPs typed into a search stay out of URLs

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_terms",
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token"),
    )
    op.create_index("ix_search_terms_user_id", "search_terms", ["user_id"])
    op.create_index("ix_search_terms_created_at", "search_terms", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_search_terms_created_at", table_name="search_terms")
    op.drop_index("ix_search_terms_user_id", table_name="search_terms")
    op.drop_table("search_terms")
