"""An edit copies the base version's rows in the database: they must be what an import writes.

An edit writes only the tables it changed and the screening and priorities that the new
policy or waves changed; every other row is copied from the version it was made on. Each
test compares the edited version's rows, table by table and in order, with the rows that
importing the edited scenario afresh writes, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pionir.db.tables import (
    AgencyRow,
    BuildingRow,
    FacilityRow,
    HouseholdRow,
    PersonRow,
    PositionRow,
    ScenarioRecord,
    ScenarioVersion,
    TowerRow,
    UnitRow,
    WaveRow,
)
from pionir.services.archive import scenario_from_archive
from pionir.services.clock import now
from pionir.services.editing import Edited, edit_capacity, edit_policy
from pionir.services.scenarios import store_version
from tests.web.conftest import World, copy_of_demo

ROW_TABLES = (
    AgencyRow,
    UnitRow,
    PositionRow,
    HouseholdRow,
    PersonRow,
    TowerRow,
    BuildingRow,
    FacilityRow,
    WaveRow,
)


def _new_record(db: Session, name: str) -> int:
    record = ScenarioRecord(name=name, created_at=now(), created_by="perencana")
    db.add(record)
    db.flush()
    return record.id


def _rows(db: Session, version_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the version, all columns but the keys, table by table in key order."""
    contents = {}
    for table in ROW_TABLES:
        columns = table.__table__.c
        wanted = [c for c in columns if c.name not in ("id", "version_id")]
        contents[table.__tablename__] = [
            tuple(row)
            for row in db.execute(
                select(*wanted).where(columns.version_id == version_id).order_by(columns.id)
            )
        ]
    return contents


def _rows_of_a_fresh_import(world: World, edited_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """The rows an import of the edited version's archive writes, in a scenario of its own."""
    with world.session() as db:
        edited = db.get(ScenarioVersion, edited_id)
        assert edited is not None
        scenario = scenario_from_archive(edited.archive)
        record_id = _new_record(db, "Uji impor ulang")
        fresh = store_version(db, world.actors["planner"], record_id, scenario, source_name="x")
        rows = _rows(db, fresh.id)
        db.rollback()
    return rows


def _rows_of(world: World, version_id: int) -> dict[str, list[tuple[Any, ...]]]:
    with world.session() as db:
        return _rows(db, version_id)


def _screening(rows: dict[str, list[tuple[Any, ...]]]) -> list[tuple[Any, ...]]:
    names = [c.name for c in PersonRow.__table__.c if c.name not in ("id", "version_id")]
    wanted = [names.index(n) for n in ("nip", "eligible", "movable", "merit", "reasons")]
    return [tuple(row[i] for i in wanted) for row in rows["people"]]


def _edit_policy(world: World, version_id: int, raw: dict[str, Any]) -> Edited:
    with world.session() as db:
        edited = edit_policy(db, world.actors["planner"], version_id, raw)
        db.commit()
        return edited


def test_a_policy_edit_that_changes_screening_and_priorities_writes_what_an_import_writes(
    world: World,
) -> None:
    version_id = copy_of_demo(world, "Uji salin baris")
    edited = _edit_policy(
        world,
        version_id,
        {
            "screening": {
                "min_education": "S1",
                "retirement_age": {"jpt": 58, "fungsional": 56, "default": 55},
            },
            "merit": {"weights": {"general": 0.6}},
            "priority": {"weights": {"function": 0.1, "miniature": 0.1, "spbe": 0.7}},
        },
    )

    base, after = _rows_of(world, version_id), _rows_of(world, edited.version.id)
    # The edit did change the screening, the merit and the priorities: there was work to do.
    assert [s[1:3] for s in _screening(after)] != [s[1:3] for s in _screening(base)]
    assert [s[3] for s in _screening(after)] != [s[3] for s in _screening(base)]
    assert [u[-2] for u in after["units"]] != [u[-2] for u in base["units"]]
    assert after == _rows_of_a_fresh_import(world, edited.version.id)
    # The base version's rows are as they were.
    assert _rows_of(world, version_id) == base


def test_a_policy_edit_of_an_edited_version_still_writes_what_an_import_writes(
    world: World,
) -> None:
    version_id = copy_of_demo(world, "Uji salin baris")
    first = _edit_policy(world, version_id, {"screening": {"min_berakhlak": 90}})
    second = _edit_policy(world, first.version.id, {"screening": {"min_berakhlak": 60}})

    after = _rows_of(world, second.version.id)
    assert _screening(after) != _screening(_rows_of(world, first.version.id))
    assert after == _rows_of_a_fresh_import(world, second.version.id)


def test_a_later_last_wave_rescreens_and_the_edited_calendar_is_written(world: World) -> None:
    # The last wave's month sets the retirement cutoff: moving it years on retires more people.
    version_id = copy_of_demo(world, "Uji salin baris")
    waves = [
        (
            n,
            {
                "wave_id": w.wave_id,
                "month": str(w.month),
                "seats": str(w.seats),
            },
        )
        for n, w in enumerate(world.scenario.waves, 1)
    ]
    last = world.scenario.waves[-1]
    waves.append(
        (len(waves) + 1, {"wave_id": "K-AKHIR", "month": str(last.month.plus(96)), "seats": "10"})
    )
    with world.session() as db:
        edited = edit_capacity(db, world.actors["planner"], version_id, {"waves": waves})
        db.commit()

    base, after = _rows_of(world, version_id), _rows_of(world, edited.version.id)
    assert [s[1:3] for s in _screening(after)] != [s[1:3] for s in _screening(base)]
    assert after["waves"][-1] == ("K-AKHIR", str(last.month.plus(96)), 10)
    assert after["towers"] == base["towers"]
    assert after == _rows_of_a_fresh_import(world, edited.version.id)
