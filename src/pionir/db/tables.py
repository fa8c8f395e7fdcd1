"""The application's tables: accounts, sessions, audit, scenario versions, people, plan runs.

The scenario itself is kept whole, as the canonical CSV folder zipped, in each version:
that archive is the plan's input, byte for byte. Every one of its nine tables is also
copied out into rows, with the screening and priorities, so that pages filter, page and
scope them in the database, and pages and edits read a version without unpacking and
re-validating its archive. Rows are written in file order in one transaction, so a
table's primary key keeps the file's order.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base: `dict[str, Any]` columns are stored as JSON."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    # Agency operators are bound to one K/L, employees to one NIP.
    agency_id: Mapped[str | None] = mapped_column(String(64))
    nip: Mapped[str | None] = mapped_column(String(32))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LoginSession(Base):
    __tablename__ = "login_sessions"

    # Only the SHA-256 of the cookie's token is stored: a leaked table opens no session.
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The last request seen, for the idle timeout; written at most once a minute.
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SearchTerm(Base):
    """A search a user typed (a name or a NIP), named in URLs by an opaque token.

    Searches go in by POST and come back as `?s=<token>`: the NIP never travels in a URL,
    where proxies and access logs would keep it. A token is its user's alone and lapses.
    """

    __tablename__ = "search_terms"

    token: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class LoginFailure(Base):
    """One failed log-in; the throttle counts these per account and per client address."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_username_at", "username", "at"),
        Index("ix_login_failures_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The username as typed, normalised and cut to 64: unknown names are throttled too.
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))


class LoginLockout(Base):
    """A period in which log-ins to an account (`kind` "account") or from an address are refused.

    Rows are only ever inserted, never updated, so server processes racing on the same
    account cannot lose each other's writes.
    """

    __tablename__ = "login_lockouts"
    __table_args__ = (Index("ix_login_lockouts_kind_key", "kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    until: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PasswordReset(Base):
    """A one-time code an administrator asked for; only its SHA-256 is kept."""

    __tablename__ = "password_resets"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    requested_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class ScenarioRecord(Base):
    __tablename__ = "scenarios"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(64))


class ScenarioVersion(Base):
    __tablename__ = "scenario_versions"
    __table_args__ = (UniqueConstraint("scenario_id", "number", name="uq_version_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = mapped_column(
        ForeignKey("scenarios.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    source_name: Mapped[str] = mapped_column(String(300))
    # The scenario as its canonical CSV folder, zipped: the solver's input, byte for byte.
    archive: Mapped[bytes] = mapped_column(LargeBinary)
    policy_toml: Mapped[str] = mapped_column(Text)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)


class AgencyRow(Base):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("scenario_versions.id", ondelete="CASCADE"), index=True
    )
    agency_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))
    spbe_index: Mapped[float] = mapped_column(Float)
    quota: Mapped[int] = mapped_column(Integer)


class UnitRow(Base):
    __tablename__ = "units"
    __table_args__ = (Index("ix_units_version_agency", "version_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("scenario_versions.id", ondelete="CASCADE"))
    unit_id: Mapped[str] = mapped_column(String(64))
    agency_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))
    function: Mapped[str] = mapped_column(String(32))
    miniature: Mapped[bool] = mapped_column(Boolean)
    digital_readiness: Mapped[float] = mapped_column(Float)
    quota: Mapped[int] = mapped_column(Integer)
    priority: Mapped[float] = mapped_column(Float)
    rank: Mapped[int] = mapped_column(Integer)


class PersonRow(Base):
    """One employee of a scenario version, with the version's screening result."""

    __tablename__ = "people"
    __table_args__ = (
        Index("ix_people_version_nip", "version_id", "nip", unique=True),
        Index("ix_people_version_agency", "version_id", "agency_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("scenario_versions.id", ondelete="CASCADE"))
    nip: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    agency_id: Mapped[str] = mapped_column(String(64))
    unit_id: Mapped[str] = mapped_column(String(64))
    position_title: Mapped[str] = mapped_column(String(300))
    grade: Mapped[str] = mapped_column(String(8))
    household_id: Mapped[str] = mapped_column(String(64))
    eligible: Mapped[bool] = mapped_column(Boolean)
    movable: Mapped[bool] = mapped_column(Boolean)
    merit: Mapped[float] = mapped_column(Float)
    reasons: Mapped[str] = mapped_column(String(300))
    # The rest of employees.csv, so that an edit rebuilds the scenario from rows.
    position_id: Mapped[str] = mapped_column(String(64))
    birth_date: Mapped[date] = mapped_column(Date)
    gender: Mapped[str] = mapped_column(String(1))
    education: Mapped[str] = mapped_column(String(4))
    general: Mapped[int] = mapped_column(Integer)
    technical: Mapped[int] = mapped_column(Integer)
    digital_literacy: Mapped[float] = mapped_column(Float)
    multitasking: Mapped[float] = mapped_column(Float)
    ikn_principles: Mapped[float] = mapped_column(Float)
    berakhlak: Mapped[float] = mapped_column(Float)
    performance: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))


class PositionRow(Base):
    """A position of a scenario version (positions.csv)."""

    __tablename__ = "positions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("scenario_versions.id", ondelete="CASCADE"), index=True
    )
    position_id: Mapped[str] = mapped_column(String(64))
    unit_id: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    position_type: Mapped[str] = mapped_column(String(32))
    required_general: Mapped[int] = mapped_column(Integer)
    required_technical: Mapped[int] = mapped_column(Integer)


class HouseholdRow(Base):
    """A household of a scenario version (households.csv)."""

    __tablename__ = "households"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("scenario_versions.id", ondelete="CASCADE"), index=True
    )
    household_id: Mapped[str] = mapped_column(String(64))
    members: Mapped[int] = mapped_column(Integer)
    school_age_children: Mapped[int] = mapped_column(Integer)
    needs_health: Mapped[bool] = mapped_column(Boolean)


class TowerRow(Base):
    """A housing tower of a scenario version (towers.csv); months are `YYYY-MM`."""

    __tablename__ = "towers"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("scenario_versions.id", ondelete="CASCADE"), index=True
    )
    tower_id: Mapped[str] = mapped_column(String(64))
    ready_month: Mapped[str] = mapped_column(String(7))
    units: Mapped[int] = mapped_column(Integer)
    bedrooms: Mapped[int] = mapped_column(Integer)


class BuildingRow(Base):
    """An office building of a scenario version (buildings.csv)."""

    __tablename__ = "buildings"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("scenario_versions.id", ondelete="CASCADE"), index=True
    )
    building_id: Mapped[str] = mapped_column(String(64))
    ready_month: Mapped[str] = mapped_column(String(7))
    desks: Mapped[int] = mapped_column(Integer)


class FacilityRow(Base):
    """A school or health facility of a scenario version (facilities.csv)."""

    __tablename__ = "facilities"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("scenario_versions.id", ondelete="CASCADE"), index=True
    )
    facility_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    ready_month: Mapped[str] = mapped_column(String(7))
    capacity: Mapped[int] = mapped_column(Integer)


class WaveRow(Base):
    """A wave (kloter) of a scenario version (waves.csv): its month and seats."""

    __tablename__ = "waves"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("scenario_versions.id", ondelete="CASCADE"), index=True
    )
    wave_id: Mapped[str] = mapped_column(String(64))
    month: Mapped[str] = mapped_column(String(7))
    seats: Mapped[int] = mapped_column(Integer)


class PlanRun(Base):
    """A plan run: a job in the queue while it waits or runs, the plan's summary once done."""

    __tablename__ = "plan_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("scenario_versions.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), index=True)
    time_limit: Mapped[float] = mapped_column(Float)
    seed: Mapped[int] = mapped_column(Integer)
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    worker: Mapped[str | None] = mapped_column(String(100))
    # Refreshed by the worker every few seconds while the run goes on: a run whose
    # heartbeat is old lost its worker, whatever host that worker was on.
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    phase: Mapped[str] = mapped_column(String(32), default="")
    progress_seconds: Mapped[float | None] = mapped_column(Float)
    objective: Mapped[float | None] = mapped_column(Float)
    bound: Mapped[float | None] = mapped_column(Float)
    gap: Mapped[float | None] = mapped_column(Float)
    message: Mapped[str] = mapped_column(Text, default="")
    message_en: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    approved_by: Mapped[str | None] = mapped_column(String(64))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PlacementRow(Base):
    """One employee's outcome in a finished run: where and when they move, or why not."""

    __tablename__ = "placements"
    __table_args__ = (
        Index("ix_placements_run_nip", "run_id", "nip", unique=True),
        Index("ix_placements_run_agency", "run_id", "agency_id"),
        Index("ix_placements_run_wave", "run_id", "wave_id"),
        # The plan list's default order, so a page is read from the index, not sorted.
        Index(
            "ix_placements_run_order",
            "run_id",
            "month",
            "wave_id",
            "agency_id",
            "unit_id",
            "nip",
        ),
        # Movers per K/L counted from the index alone, without reading the rows.
        Index("ix_placements_run_agency_wave", "run_id", "agency_id", "wave_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("plan_runs.id", ondelete="CASCADE"))
    nip: Mapped[str] = mapped_column(String(32))
    household_id: Mapped[str] = mapped_column(String(64))
    agency_id: Mapped[str] = mapped_column(String(64))
    unit_id: Mapped[str] = mapped_column(String(64))
    wave_id: Mapped[str | None] = mapped_column(String(64))
    month: Mapped[str | None] = mapped_column(String(7))
    tower_id: Mapped[str | None] = mapped_column(String(64))
    unit_no: Mapped[int | None] = mapped_column(Integer)
    building_id: Mapped[str | None] = mapped_column(String(64))
    allowance: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str] = mapped_column(String(32))
    codes: Mapped[str] = mapped_column(String(300))
    text_id: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
