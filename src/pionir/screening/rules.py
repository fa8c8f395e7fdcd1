"""Penapisan (screening) rules of section 4: one function per rule, each giving its reason code.

Every rule is hard: an employee who fails any of them is not eligible to move.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Final

from pionir.scenario.model import (
    EDUCATION_RANK,
    Employee,
    Month,
    Position,
    ScreeningPolicy,
)


@dataclass(frozen=True, slots=True)
class ScreeningContext:
    """What the rules need besides the employee: position, policy and the retirement cut-off."""

    position: Position
    policy: ScreeningPolicy
    retirement_cutoff: date


def retirement_cutoff(last_wave: Month, policy: ScreeningPolicy) -> date:
    """First day of (last wave month + retire_buffer_months)."""
    return last_wave.plus(policy.retire_buffer_months).first_day()


def retirement_day(birth_date: date, retirement_age: int) -> date:
    """The birthday in the year of reaching retirement age; 29 February becomes 28 February."""
    year = birth_date.year + retirement_age
    if birth_date.month == 2 and birth_date.day == 29:
        return date(year, 2, 28)
    return date(year, birth_date.month, birth_date.day)


def is_exempt(employee: Employee, context: ScreeningContext) -> bool:
    return employee.status == "exempt"


def has_declined(employee: Employee, context: ScreeningContext) -> bool:
    return employee.status == "declined"


def is_retiring(employee: Employee, context: ScreeningContext) -> bool:
    age = context.policy.retirement_age_for(context.position.position_type)
    return retirement_day(employee.birth_date, age) < context.retirement_cutoff


def education_below_min(employee: Employee, context: ScreeningContext) -> bool:
    return EDUCATION_RANK[employee.education] < EDUCATION_RANK[context.policy.min_education]


def general_below_required(employee: Employee, context: ScreeningContext) -> bool:
    return employee.general < context.position.required_general


def technical_below_required(employee: Employee, context: ScreeningContext) -> bool:
    return employee.technical < context.position.required_technical


def digital_literacy_low(employee: Employee, context: ScreeningContext) -> bool:
    return employee.digital_literacy < context.policy.min_digital_literacy


def multitasking_low(employee: Employee, context: ScreeningContext) -> bool:
    return employee.multitasking < context.policy.min_multitasking


def ikn_principles_low(employee: Employee, context: ScreeningContext) -> bool:
    return employee.ikn_principles < context.policy.min_ikn_principles


def berakhlak_low(employee: Employee, context: ScreeningContext) -> bool:
    return employee.berakhlak < context.policy.min_berakhlak


def performance_low(employee: Employee, context: ScreeningContext) -> bool:
    return employee.performance not in context.policy.performance_ok


Rule = Callable[[Employee, ScreeningContext], bool]

# In the order of the planning model's table; reasons are reported in this order.
FAILING_RULES: Final[tuple[tuple[str, Rule], ...]] = (
    ("exempt", is_exempt),
    ("declined", has_declined),
    ("retiring", is_retiring),
    ("education_below_min", education_below_min),
    ("general_below_required", general_below_required),
    ("technical_below_required", technical_below_required),
    ("digital_literacy_low", digital_literacy_low),
    ("multitasking_low", multitasking_low),
    ("ikn_principles_low", ikn_principles_low),
    ("berakhlak_low", berakhlak_low),
    ("performance_low", performance_low),
)

REASON_TEXT: Final[dict[str, tuple[str, str]]] = {
    "exempt": ("dikecualikan dari pemindahan", "exempt from relocation"),
    "declined": ("menolak pindah", "declined to move"),
    "retiring": (
        "mencapai batas usia pensiun sebelum batas waktu",
        "reaches retirement age before the cut-off",
    ),
    "education_below_min": (
        "pendidikan di bawah syarat minimum",
        "education below the minimum",
    ),
    "general_below_required": (
        "kompetensi umum di bawah syarat jabatan",
        "general competency below the position's requirement",
    ),
    "technical_below_required": (
        "kompetensi teknis di bawah syarat jabatan",
        "technical competency below the position's requirement",
    ),
    "digital_literacy_low": (
        "literasi digital di bawah ambang",
        "digital literacy below threshold",
    ),
    "multitasking_low": ("kemampuan multitasking di bawah ambang", "multitasking below threshold"),
    "ikn_principles_low": (
        "penguasaan prinsip IKN di bawah ambang",
        "mastery of IKN principles below threshold",
    ),
    "berakhlak_low": ("nilai BerAKHLAK di bawah ambang", "BerAKHLAK values below threshold"),
    "performance_low": (
        "predikat kinerja (SKP) tidak memenuhi",
        "performance rating (SKP) not sufficient",
    ),
}
