"""Every table of a scenario version as rows, so pages and edits need not unpack the archive

Revision ID: 0006
Revises: 0005

Positions, households and the four capacity calendars get tables of their own, and
`people` the rest of employees.csv. Versions already stored are filled in from their
archives, which passed validation when they were stored.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# The employee columns `people` gains, in employees.csv order.
PEOPLE_COLUMNS: list[tuple[str, Any]] = [
    ("position_id", sa.String(length=64)),
    ("birth_date", sa.Date()),
    ("gender", sa.String(length=1)),
    ("education", sa.String(length=4)),
    ("general", sa.Integer()),
    ("technical", sa.Integer()),
    ("digital_literacy", sa.Float()),
    ("multitasking", sa.Float()),
    ("ikn_principles", sa.Float()),
    ("berakhlak", sa.Float()),
    ("performance", sa.String(length=32)),
    ("status", sa.String(length=16)),
]

# name -> the columns after id and version_id, as the scenario's records name them.
NEW_TABLES: dict[str, list[tuple[str, Any]]] = {
    "positions": [
        ("position_id", sa.String(length=64)),
        ("unit_id", sa.String(length=64)),
        ("title", sa.String(length=300)),
        ("position_type", sa.String(length=32)),
        ("required_general", sa.Integer()),
        ("required_technical", sa.Integer()),
    ],
    "households": [
        ("household_id", sa.String(length=64)),
        ("members", sa.Integer()),
        ("school_age_children", sa.Integer()),
        ("needs_health", sa.Boolean()),
    ],
    "towers": [
        ("tower_id", sa.String(length=64)),
        ("ready_month", sa.String(length=7)),
        ("units", sa.Integer()),
        ("bedrooms", sa.Integer()),
    ],
    "buildings": [
        ("building_id", sa.String(length=64)),
        ("ready_month", sa.String(length=7)),
        ("desks", sa.Integer()),
    ],
    "facilities": [
        ("facility_id", sa.String(length=64)),
        ("kind", sa.String(length=16)),
        ("ready_month", sa.String(length=7)),
        ("capacity", sa.Integer()),
    ],
    "waves": [
        ("wave_id", sa.String(length=64)),
        ("month", sa.String(length=7)),
        ("seats", sa.Integer()),
    ],
}


def upgrade() -> None:
    for name, columns in NEW_TABLES.items():
        op.create_table(
            name,
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("version_id", sa.Integer(), nullable=False),
            *(sa.Column(column, kind, nullable=False) for column, kind in columns),
            sa.ForeignKeyConstraint(["version_id"], ["scenario_versions.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index(f"ix_{name}_version_id", name, ["version_id"])
    # Nullable first: the rows already there are filled in before the columns are closed.
    with op.batch_alter_table("people") as batch:
        for column, kind in PEOPLE_COLUMNS:
            batch.add_column(sa.Column(column, kind, nullable=True))
    _fill_stored_versions()
    with op.batch_alter_table("people") as batch:
        for column, kind in PEOPLE_COLUMNS:
            batch.alter_column(column, existing_type=kind, nullable=False)


def _fill_stored_versions() -> None:
    """Rows for the versions stored before this revision, read from their archives.

    The tables are written through definitions local to this revision, so a later
    change to `pionir.db.tables` does not change what this step writes.
    """
    connection = op.get_bind()
    versions = connection.execute(sa.text("SELECT id, archive FROM scenario_versions")).all()
    if not versions:
        return
    # Imported only when there is something to fill: the reader of this release.
    from pionir.scenario.tables import format_cell
    from pionir.services.archive import scenario_from_archive

    def plain(value: object) -> object:
        # Months are stored as their `YYYY-MM` text; every other value as it is.
        return value if isinstance(value, bool | int | float | str) else format_cell(value)

    tables = {
        name: sa.table(name, sa.column("version_id"), *(sa.column(c) for c, _ in columns))
        for name, columns in NEW_TABLES.items()
    }
    people = sa.table(
        "people",
        sa.column("version_id"),
        sa.column("nip"),
        *(sa.column(c) for c, _ in PEOPLE_COLUMNS),
    )
    for version_id, archive in versions:
        scenario = scenario_from_archive(bytes(archive))
        for name, columns in NEW_TABLES.items():
            records = getattr(scenario, name)
            if records:
                connection.execute(
                    tables[name].insert(),
                    [
                        {"version_id": version_id}
                        | {c: plain(getattr(record, c)) for c, _ in columns}
                        for record in records
                    ],
                )
        connection.execute(
            people.update()
            .where(
                people.c.version_id == sa.bindparam("v_id"), people.c.nip == sa.bindparam("v_nip")
            )
            .values({c: sa.bindparam(c) for c, _ in PEOPLE_COLUMNS}),
            [
                {"v_id": version_id, "v_nip": e.nip} | {c: getattr(e, c) for c, _ in PEOPLE_COLUMNS}
                for e in scenario.employees
            ],
        )


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        for column, _ in reversed(PEOPLE_COLUMNS):
            batch.drop_column(column)
    for name in reversed(NEW_TABLES):
        op.drop_index(f"ix_{name}_version_id", table_name=name)
        op.drop_table(name)
