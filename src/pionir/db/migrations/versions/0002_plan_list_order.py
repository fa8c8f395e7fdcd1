"""Placements indexes for the plan views: the plan list's order, movers per agency

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

INDEXES = {
    # A page of the plan list reads fifty index entries instead of sorting the run.
    "ix_placements_run_order": ["run_id", "month", "wave_id", "agency_id", "unit_id", "nip"],
    # The dashboard counts movers per agency from the index alone.
    "ix_placements_run_agency_wave": ["run_id", "agency_id", "wave_id"],
}


def upgrade() -> None:
    with op.batch_alter_table("placements", schema=None) as batch_op:
        for name, columns in INDEXES.items():
            batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("placements", schema=None) as batch_op:
        for name in INDEXES:
            batch_op.drop_index(name)
