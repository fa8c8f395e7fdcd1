"""Migrations go up to the tables the code expects and all the way down, on both databases."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from pionir.db.engine import make_engine
from pionir.db.migrate import downgrade, upgrade
from pionir.db.tables import Base
from tests.web.conftest import POSTGRES_ADMIN_URL


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    name = f"pionir_migrate_{uuid.uuid4().hex[:10]}"
    admin = create_engine(
        POSTGRES_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://", 1),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _columns(url: str) -> dict[str, set[str]]:
    engine = make_engine(url)
    try:
        found = inspect(engine)
        return {
            table: {column["name"] for column in found.get_columns(table)}
            for table in found.get_table_names()
            if table != "alembic_version"
        }
    finally:
        engine.dispose()


def test_upgrade_builds_every_table_and_downgrade_removes_them(empty_database: str) -> None:
    engine = make_engine(empty_database)
    upgrade(engine)
    expected = {t.name: {c.name for c in t.columns} for t in Base.metadata.sorted_tables}
    assert _columns(empty_database) == expected
    downgrade(engine)
    assert _columns(empty_database) == {}
    # And up again: a downgrade leaves nothing behind that blocks the next upgrade.
    upgrade(engine)
    assert _columns(empty_database) == expected
    engine.dispose()
