"""Writing a planning run's files: priorities, screening, plan, explanations, bottlenecks, summary.

Formatting is fixed (decimals, order, line endings) so the same run writes the same bytes.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pionir.planner.bottlenecks import HEADER as BOTTLENECK_HEADER
from pionir.planner.bottlenecks import Bottleneck
from pionir.planner.check import employee_allowance
from pionir.planner.explain import Explanation
from pionir.planner.instance import PlanningInstance
from pionir.planner.result import PlanResult
from pionir.planner.usage import WaveUsage


@dataclass(frozen=True, slots=True)
class RunReport:
    """Everything a planning run produced, ready to be written or printed."""

    instance: PlanningInstance
    result: PlanResult
    explanations: list[Explanation]
    binding: dict[str, dict[str, int]]
    usage: list[WaveUsage]
    # The binding capacities as changes to the scenario, best first (bottlenecks.py).
    bottlenecks: tuple[Bottleneck, ...] = ()


# Bottlenecks shown in summary.json and the printed summary.
SUMMARY_BOTTLENECKS = 10


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_priorities(instance: PlanningInstance, out: Path) -> None:
    rows = ((p.unit_id, f"{p.priority:.4f}", p.rank) for p in instance.priorities)
    _write_csv(out / "priorities.csv", ("unit_id", "priority", "rank"), rows)


def write_screening(instance: PlanningInstance, out: Path) -> None:
    rows = (
        (s.nip, "true" if s.eligible else "false", f"{s.merit:.2f}", ";".join(s.reasons))
        for s in instance.screening.values()
    )
    _write_csv(out / "screening.csv", ("nip", "eligible", "merit", "reasons"), rows)


def write_plan(report: RunReport, out: Path) -> None:
    """plan.csv: one row per employee, placement cells empty for those who stay."""
    plan = report.result.plan
    assert plan is not None
    scenario = report.instance.scenario
    outcome = {e.nip: e.outcome for e in report.explanations}
    rows: list[tuple[object, ...]] = []
    for employee in scenario.employees:
        placement = plan.placements.get(employee.household_id)
        if placement is None:
            rows.append(
                (employee.nip, employee.household_id, "", "", "", "", 0, outcome[employee.nip])
            )
            continue
        unit_id = report.instance.unit_of_employee[employee.nip]
        rows.append(
            (
                employee.nip,
                employee.household_id,
                scenario.waves[placement.wave_index].wave_id,
                placement.housing.tower_id,
                placement.housing.unit_no,
                plan.building_of_unit[unit_id],
                employee_allowance(scenario, employee.grade, placement.wave_index),
                "",
            )
        )
    header = (
        "nip",
        "household_id",
        "wave_id",
        "tower_id",
        "unit_no",
        "building_id",
        "allowance_total",
        "reason",
    )
    _write_csv(out / "plan.csv", header, rows)


def write_explanations(report: RunReport, out: Path) -> None:
    rows = (
        (e.nip, e.household_id, e.unit_id, e.outcome, ";".join(e.codes), e.text_id, e.text_en)
        for e in report.explanations
    )
    header = ("nip", "household_id", "unit_id", "outcome", "codes", "penjelasan", "explanation")
    _write_csv(out / "explanations.csv", header, rows)


def write_bottlenecks(report: RunReport, out: Path) -> None:
    """bottlenecks.csv: one row per binding capacity element, best first."""
    rows = (bottleneck.row() for bottleneck in report.bottlenecks)
    _write_csv(out / "bottlenecks.csv", BOTTLENECK_HEADER, rows)


def summary_dict(report: RunReport) -> dict[str, Any]:
    """summary.json's content: the planning model's keys first, then the extras."""
    result = report.result
    plan = result.plan
    instance = report.instance
    moving = [c for c in instance.candidates if plan and c.household_id in plan.placements]
    screening = instance.screening.values()
    summary: dict[str, Any] = {
        "status": result.status.value,
        "objective": round(result.objective, 4),
        "bound": round(result.bound, 4),
        "movers": sum(len(c.employees) for c in moving),
        "households_moved": len(moving),
        "persons_moved": sum(c.members for c in moving),
        "by_wave": {
            u.wave_id: {"employees": u.employees, "persons": u.persons} for u in report.usage
        },
        "housing_units_used": len(
            {(p.housing.tower_id, p.housing.unit_no) for p in plan.placements.values()}
        )
        if plan
        else 0,
        "allowance_total": sum(u.allowance for u in report.usage),
        "solve_seconds": round(result.solve_seconds, 2),
        "conflicts": list(result.conflicts),
        "conflicts_en": list(result.conflicts_en),
        "gap": round(result.gap, 6),
        "proven_optimal": result.status.value == "optimal",
        "screening": {
            "employees": len(instance.screening),
            "eligible": sum(1 for s in screening if s.eligible),
            "movable": sum(1 for s in screening if s.movable),
        },
        "binding": report.binding,
        "capacity_by_wave": [
            {
                "wave_id": u.wave_id,
                "month": u.month,
                "persons": u.persons,
                "seats": u.seats,
                "flats_used": u.flats_used,
                "flats_ready": u.flats_ready,
                "pupils": u.pupils,
                "school_places": u.school_places,
                "allowance": u.allowance,
            }
            for u in report.usage
        ],
        "budget": instance.scenario.policy.allowance.budget,
        "bottlenecks": [b.as_dict() for b in report.bottlenecks[:SUMMARY_BOTTLENECKS]],
    }
    return summary


def write_summary(summary: dict[str, Any], out: Path) -> None:
    text = json.dumps(summary, ensure_ascii=False, indent=2)
    (out / "summary.json").write_text(text + "\n", encoding="utf-8")
