"""A scenario version's tables as rows: written once when it is stored, read by pages and edits.

The archive stays the plan's exact input; these rows are what everything else reads,
without unpacking the archive or running the validation again (the version passed it
when it was stored). Reading trusts the rows: they were written from a validated
scenario by `write_version_tables`, in file order. An edit's version copies the rows of
the tables it left alone from the version it was made on, inside the database, in the
same order, and rewrites only the screening and priorities its policy or waves changed.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, cast

from sqlalchemy import Integer, Table, bindparam, insert, literal, select, update
from sqlalchemy.orm import Session

from pionir.db.engine import refresh_statistics
from pionir.db.tables import (
    AgencyRow,
    BuildingRow,
    FacilityRow,
    HouseholdRow,
    PersonRow,
    PositionRow,
    TowerRow,
    UnitRow,
    WaveRow,
)
from pionir.priority.score import rank_units
from pionir.scenario.model import (
    Agency,
    Building,
    Employee,
    Facility,
    Household,
    Month,
    Policy,
    Position,
    Scenario,
    Tower,
    Unit,
    Wave,
)
from pionir.scenario.policy_io import policy_from_mapping
from pionir.screening.screen import Screening

BATCH: Final = 5_000


@dataclass(frozen=True, slots=True)
class VersionCapacity:
    """A version's capacity calendars: towers, buildings, facilities and waves, in file order."""

    towers: tuple[Tower, ...]
    buildings: tuple[Building, ...]
    facilities: tuple[Facility, ...]
    waves: tuple[Wave, ...]


def stored_policy(policy_toml: str) -> Policy:
    """The policy a version stored: its TOML read back as written, with no checks run."""
    return policy_from_mapping(tomllib.loads(policy_toml))


# --- writing ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BaseRows:
    """The stored version an edit was made on, and its scenario as the edit read it."""

    version_id: int
    scenario: Scenario


# The tables that hold people and units, and what an edit never changes: the screening
# and priorities in them are the only columns that can differ from the base version's.
_PEOPLE_TABLES: Final = ("agencies", "units", "positions", "employees", "households")
_CAPACITY_ROWS: Final[tuple[tuple[str, type[Any]], ...]] = (
    ("towers", TowerRow),
    ("buildings", BuildingRow),
    ("facilities", FacilityRow),
    ("waves", WaveRow),
)


def write_version_tables(
    db: Session,
    version_id: int,
    scenario: Scenario,
    screening: Mapping[str, Screening],
    *,
    base: BaseRows | None = None,
) -> None:
    """Every table of a validated scenario as the version's rows, with screening and ranks.

    With `base` (an edit), a table the same as the base version's is copied inside the
    database rather than sent again from here, which is most of an edit's writing;
    then only the screening and priorities that the new policy or waves changed are
    updated. The rows come out exactly as if written from `scenario`.
    """
    if base is not None and all(
        getattr(scenario, name) == getattr(base.scenario, name) for name in _PEOPLE_TABLES
    ):
        for people_table in (AgencyRow, UnitRow, PositionRow, HouseholdRow, PersonRow):
            _copy(db, people_table, base.version_id, version_id)
        _update_priorities(db, version_id, scenario)
        _update_screening(db, version_id, screening)
    else:
        _insert(db, AgencyRow, _agencies(version_id, scenario))
        _insert(db, UnitRow, _units(version_id, scenario))
        _insert(db, PositionRow, [_row(version_id, p) for p in scenario.positions])
        _insert(db, HouseholdRow, [_row(version_id, h) for h in scenario.households])
        _insert(db, PersonRow, _people(version_id, scenario, screening))
    for name, table in _CAPACITY_ROWS:
        records = getattr(scenario, name)
        if base is not None and records == getattr(base.scenario, name):
            _copy(db, table, base.version_id, version_id)
        else:
            _insert(db, table, [_row(version_id, record) for record in records])
    refresh_statistics(db, "people", "units", "agencies")


def _copy(db: Session, table: type[Any], from_version: int, to_version: int) -> None:
    """The version's rows of `table` copied to another version, in the same order.

    Ordered by the primary key, so the copies' keys keep the file's order, which reading
    relies on (SQLite and PostgreSQL both number the rows in the order selected).
    """
    columns = table.__table__.c
    copied = [c for c in columns if c.name not in ("id", "version_id")]
    db.execute(
        insert(table.__table__).from_select(
            [columns.version_id, *copied],
            select(literal(to_version, Integer), *copied)
            .where(columns.version_id == from_version)
            .order_by(columns.id),
        )
    )


def _plain(table: type[Any]) -> Table:
    """The mapped class's plain table: an ORM update given many rows would match them by
    primary key, and these are matched by version and id."""
    return cast(Table, table.__table__)


def _update_priorities(db: Session, version_id: int, scenario: Scenario) -> None:
    """Set the priority and rank of each copied unit whose policy-made values differ."""
    units = UnitRow.__table__.c
    stored = {
        unit_id: (priority, rank)
        for unit_id, priority, rank in db.execute(
            select(units.unit_id, units.priority, units.rank).where(units.version_id == version_id)
        )
    }
    changed = [
        {"v": version_id, "u": p.unit_id, "p": p.priority, "r": p.rank}
        for p in rank_units(scenario)
        if stored[p.unit_id] != (p.priority, p.rank)
    ]
    if changed:
        db.execute(
            update(_plain(UnitRow))
            .where(units.version_id == bindparam("v"), units.unit_id == bindparam("u"))
            .values(priority=bindparam("p"), rank=bindparam("r")),
            changed,
        )


def _update_screening(db: Session, version_id: int, screening: Mapping[str, Screening]) -> None:
    """Set the screening of each copied employee whose result under the new policy differs."""
    people = PersonRow.__table__.c
    stored = {
        nip: (eligible, movable, merit, reasons)
        for nip, eligible, movable, merit, reasons in db.execute(
            select(people.nip, people.eligible, people.movable, people.merit, people.reasons).where(
                people.version_id == version_id
            )
        ).all()
    }
    changed = []
    for nip, s in screening.items():
        eligible, movable, merit, reasons = now = _screening_cells(s)
        if stored[nip] != now:
            changed.append(
                {"v": version_id, "n": nip, "e": eligible, "m": movable, "s": merit, "r": reasons}
            )
    if changed:
        db.execute(
            update(_plain(PersonRow))
            .where(people.version_id == bindparam("v"), people.nip == bindparam("n"))
            .values(
                eligible=bindparam("e"),
                movable=bindparam("m"),
                merit=bindparam("s"),
                reasons=bindparam("r"),
            ),
            changed,
        )


def _insert(db: Session, table: type[Any], rows: list[dict[str, Any]]) -> None:
    # Into the plain table, not the mapped class: the ORM's bulk path costs more than
    # the database does here. In batches, so no statement outgrows a driver's limits.
    for start in range(0, len(rows), BATCH):
        db.execute(insert(table.__table__), rows[start : start + BATCH])


def _row(version_id: int, record: object) -> dict[str, Any]:
    """A record's fields as a row; months as their `YYYY-MM` text."""
    fields: dict[str, Any] = {"version_id": version_id}
    for name in record.__slots__:  # type: ignore[attr-defined]
        value = getattr(record, name)
        fields[name] = str(value) if isinstance(value, Month) else value
    return fields


def _agencies(version_id: int, scenario: Scenario) -> list[dict[str, Any]]:
    quota_of: Counter[str] = Counter()
    for unit in scenario.units:
        quota_of[unit.agency_id] += unit.quota
    return [_row(version_id, a) | {"quota": quota_of[a.agency_id]} for a in scenario.agencies]


def _units(version_id: int, scenario: Scenario) -> list[dict[str, Any]]:
    priority = {p.unit_id: p for p in rank_units(scenario)}
    return [
        _row(version_id, u)
        | {"priority": priority[u.unit_id].priority, "rank": priority[u.unit_id].rank}
        for u in scenario.units
    ]


def _people(
    version_id: int, scenario: Scenario, screening: Mapping[str, Screening]
) -> list[dict[str, Any]]:
    unit_agency = {u.unit_id: u.agency_id for u in scenario.units}
    position = {p.position_id: p for p in scenario.positions}
    rows = []
    for e in scenario.employees:
        p = position[e.position_id]
        eligible, movable, merit, reasons = _screening_cells(screening[e.nip])
        rows.append(
            _row(version_id, e)
            | {
                "agency_id": unit_agency[p.unit_id],
                "unit_id": p.unit_id,
                "position_title": p.title,
                "eligible": eligible,
                "movable": movable,
                "merit": merit,
                "reasons": reasons,
            }
        )
    return rows


def _screening_cells(s: Screening) -> tuple[bool, bool, float, str]:
    """A screening as its four columns of `people`: merit to four places, reasons joined."""
    return s.eligible, s.movable, round(s.merit, 4), ";".join(s.reasons)


# --- reading ----------------------------------------------------------------------------


def read_capacity(db: Session, version_id: int) -> VersionCapacity:
    """The version's four capacity calendars, from their rows."""
    return VersionCapacity(
        towers=tuple(
            Tower(r.tower_id, Month.parse(r.ready_month), r.units, r.bedrooms)
            for r in _rows(db, TowerRow, version_id)
        ),
        buildings=tuple(
            Building(r.building_id, Month.parse(r.ready_month), r.desks)
            for r in _rows(db, BuildingRow, version_id)
        ),
        facilities=tuple(
            Facility(r.facility_id, r.kind, Month.parse(r.ready_month), r.capacity)
            for r in _rows(db, FacilityRow, version_id)
        ),
        waves=tuple(
            Wave(r.wave_id, Month.parse(r.month), r.seats) for r in _rows(db, WaveRow, version_id)
        ),
    )


def read_scenario(db: Session, version_id: int, policy: Policy) -> Scenario:
    """The version's whole scenario, from its rows, with `policy` in place of its own."""
    capacity = read_capacity(db, version_id)
    return Scenario(
        agencies=tuple(
            Agency(r.agency_id, r.name, r.spbe_index) for r in _rows(db, AgencyRow, version_id)
        ),
        units=tuple(
            Unit(
                r.unit_id,
                r.agency_id,
                r.name,
                r.function,
                r.miniature,
                r.digital_readiness,
                r.quota,
            )
            for r in _rows(db, UnitRow, version_id)
        ),
        positions=tuple(
            Position(
                r.position_id,
                r.unit_id,
                r.title,
                r.position_type,
                r.required_general,
                r.required_technical,
            )
            for r in _rows(db, PositionRow, version_id)
        ),
        employees=_employees(db, version_id),
        households=tuple(
            Household(r.household_id, r.members, r.school_age_children, r.needs_health)
            for r in _rows(db, HouseholdRow, version_id)
        ),
        towers=capacity.towers,
        buildings=capacity.buildings,
        facilities=capacity.facilities,
        waves=capacity.waves,
        policy=policy,
    )


EMPLOYEE_FIELDS: Final = Employee.__slots__


def _employees(db: Session, version_id: int) -> tuple[Employee, ...]:
    people = PersonRow.__table__.c
    rows = db.execute(
        select(*(people[name] for name in EMPLOYEE_FIELDS))
        .where(people.version_id == version_id)
        .order_by(people.id)
    ).all()
    return tuple(Employee(*row) for row in rows)


def _rows(db: Session, table: type[Any], version_id: int) -> list[Any]:
    """The version's rows of `table` as plain tuples by column name, in file order.

    A select of the plain table's columns: rows come back as tuples, with none of the
    ORM's per-row work.
    """
    columns = table.__table__.c
    wanted = [c for c in columns if c.name not in ("id", "version_id")]
    return list(
        db.execute(
            select(*wanted).where(columns.version_id == version_id).order_by(columns.id)
        ).all()
    )
