"""Migrations go up to the tables the code expects and all the way down, on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect

from pionir.db.engine import make_engine
from pionir.db.migrate import downgrade, upgrade
from pionir.db.tables import Base
from tests.web.conftest import scratch_postgres


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    with scratch_postgres("pionir_migrate") as url:
        yield url


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
