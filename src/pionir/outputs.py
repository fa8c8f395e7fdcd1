"""Writing a planning run's files: priorities, screening, plan, explanations, bottlenecks, summary.

The summary is built here as a `PlanSummary` (plan_summary.py); summary.json is its JSON.

Formatting is fixed (decimals, order, line endings) so the same run writes the same bytes.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pionir.plan_summary import (
    BottleneckEntry,
    BuildingUse,
    PlanSummary,
    PremisesUse,
    ScreeningTotals,
    Timing,
    TowerUse,
)
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


def plan_summary(
    report: RunReport, premises: PremisesUse | None = None, timing: Timing | None = None
) -> PlanSummary:
    """The run's summary, its figures rounded as summary.json writes them."""
    result = report.result
    plan = result.plan
    instance = report.instance
    moving = [c for c in instance.candidates if plan and c.household_id in plan.placements]
    screening = instance.screening.values()
    return PlanSummary(
        status=result.status,
        objective=round(result.objective, 4),
        bound=round(result.bound, 4),
        gap=round(result.gap, 6),
        movers=sum(len(c.employees) for c in moving),
        households_moved=len(moving),
        persons_moved=sum(c.members for c in moving),
        housing_units_used=len(
            {(p.housing.tower_id, p.housing.unit_no) for p in plan.placements.values()}
        )
        if plan
        else 0,
        allowance_total=sum(u.allowance for u in report.usage),
        budget=instance.scenario.policy.allowance.budget,
        solve_seconds=round(result.solve_seconds, 2),
        conflicts=tuple(result.conflicts),
        conflicts_en=tuple(result.conflicts_en),
        screening=ScreeningTotals(
            employees=len(instance.screening),
            eligible=sum(1 for s in screening if s.eligible),
            movable=sum(1 for s in screening if s.movable),
        ),
        waves=tuple(report.usage),
        binding=report.binding,
        bottlenecks=tuple(
            BottleneckEntry(
                file=b.file,
                id=b.id,
                column=b.column,
                delta=b.delta,
                objective_gain=round(b.objective_gain, 2),
                movers_gain=round(b.movers_gain, 1),
                text_id=b.text_id,
                text_en=b.text_en,
            )
            for b in report.bottlenecks[:SUMMARY_BOTTLENECKS]
        ),
        premises=premises,
        timing=timing,
    )


def premises_use(report: RunReport) -> PremisesUse:
    """Every tower and office building with what the plan uses of it, for the pages."""
    plan = report.result.plan
    assert plan is not None
    instance = report.instance
    flats: dict[str, set[int]] = {}
    persons: Counter[str] = Counter()
    members = {c.household_id: c.members for c in instance.candidates}
    for placement in plan.placements.values():
        flats.setdefault(placement.housing.tower_id, set()).add(placement.housing.unit_no)
        persons[placement.housing.tower_id] += members[placement.household_id]
    desks: Counter[str] = Counter()
    for candidate in instance.candidates:
        if candidate.household_id in plan.placements:
            for unit_id, count in candidate.unit_counts.items():
                desks[plan.building_of_unit[unit_id]] += count
    return PremisesUse(
        towers=tuple(
            TowerUse(
                tower_id=t.tower_id,
                ready_month=str(t.ready_month),
                units=t.units,
                bedrooms=t.bedrooms,
                units_used=len(flats.get(t.tower_id, ())),
                persons=persons[t.tower_id],
            )
            for t in instance.scenario.towers
        ),
        buildings=tuple(
            BuildingUse(
                building_id=b.building_id,
                ready_month=str(b.ready_month),
                desks=b.desks,
                desks_used=desks[b.building_id],
            )
            for b in instance.scenario.buildings
        ),
    )


def write_summary(summary: PlanSummary, out: Path) -> None:
    text = json.dumps(summary.to_json(), ensure_ascii=False, indent=2)
    (out / "summary.json").write_text(text + "\n", encoding="utf-8")
