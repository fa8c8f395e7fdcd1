"""Who is asking, and what each role may see and do.

Every service function takes an `Actor` and scopes its queries with the helpers here, so
a page or API route cannot forget a check: the scope lives below the adapters.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pionir.services.errors import Forbidden


class Role(StrEnum):
    PLANNER = "planner"
    AGENCY_OPERATOR = "agency_operator"
    EMPLOYEE = "employee"
    HOUSING_OFFICER = "housing_officer"
    AUDITOR = "auditor"


ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.PLANNER: ("Perencana (KemenPANRB)", "Planner (KemenPANRB)"),
    Role.AGENCY_OPERATOR: ("Operator K/L", "Agency operator"),
    Role.EMPLOYEE: ("Pegawai ASN", "Civil servant"),
    Role.HOUSING_OFFICER: ("Petugas hunian", "Housing officer"),
    Role.AUDITOR: ("Auditor", "Auditor"),
}


@dataclass(frozen=True, slots=True)
class Actor:
    """The logged-in user as the services see them."""

    user_id: int
    username: str
    role: Role
    agency_id: str | None = None
    nip: str | None = None
    is_admin: bool = False

    @property
    def sees_all_agencies(self) -> bool:
        return self.role in (Role.PLANNER, Role.AUDITOR, Role.HOUSING_OFFICER)

    @property
    def sees_screening(self) -> bool:
        """Merit and screening reasons are personal assessments: not for the housing office."""
        return self.role in (Role.PLANNER, Role.AUDITOR, Role.AGENCY_OPERATOR)


# Commands run on the server itself (importing the demo) act as this planner.
SYSTEM = Actor(user_id=0, username="system", role=Role.PLANNER)


def require_planner(actor: Actor) -> None:
    """Changes to scenarios and runs are the planners' (auditors change nothing)."""
    if actor.role is not Role.PLANNER:
        raise Forbidden(
            "Hanya perencana KemenPANRB yang dapat melakukan perubahan ini.",
            "Only KemenPANRB planners can make this change.",
        )


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden(
            "Hanya administrator yang dapat mengelola akun.",
            "Only administrators can manage accounts.",
        )


def require_overview(actor: Actor) -> None:
    """Dashboards and whole-plan views: every role but the individual employee."""
    if actor.role is Role.EMPLOYEE:
        raise Forbidden()


def require_screening(actor: Actor) -> None:
    if not actor.sees_screening:
        raise Forbidden()


def require_agency(actor: Actor, agency_id: str) -> None:
    """An agency operator may only look at their own K/L."""
    if actor.role is Role.EMPLOYEE:
        raise Forbidden()
    if actor.role is Role.AGENCY_OPERATOR and actor.agency_id != agency_id:
        raise Forbidden(
            "Anda hanya dapat melihat data K/L Anda sendiri.",
            "You can only see your own agency's records.",
        )


def require_person(actor: Actor, nip: str, agency_id: str) -> None:
    """Employees see their own record; operators their K/L's people; others everyone."""
    if actor.role is Role.EMPLOYEE:
        if actor.nip != nip:
            raise Forbidden(
                "Anda hanya dapat melihat data Anda sendiri.",
                "You can only see your own record.",
            )
        return
    require_agency(actor, agency_id)


def agency_scope(actor: Actor) -> str | None:
    """The agency every list must be filtered to, or None for all."""
    if actor.role is Role.AGENCY_OPERATOR:
        return actor.agency_id or "\x00"  # an operator without an agency sees nothing
    return None
