"""Solving: a plan at once, then better plans and tighter bounds until the budget runs out.

The phases, each on a share of the time left (or of the work limit):

1. the greedy baseline: a checked plan at once, so a plan exists whatever happens;
2. the LP relaxation (HiGHS): the first proven bound, and a rounded plan;
3. one building per unit, chosen from the LP (office_choice.py) in a few ways; each set
   is held, the LP solved again and rounded into a plan (a capacity ledger places
   households in the LP's order, checking every rule as it goes);
4. the exact MIP of the whole model, for models small enough to prove optimal quickly; or,
   for larger ones, the buildings MIP (unit-building choices integer, households not):
   a much tighter bound where desks are scarce, and buildings to hold and round again.

Every phase only replaces the plan with a better one, so more time never gives a worse
plan. Infeasible and timed-out searches are results. Every plan returned has passed the
independent checker.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from pionir.planner.assemble import plan_from_choices, plan_value
from pionir.planner.budget import Budget
from pionir.planner.check import PlanRejected, check_plan, plan_objective
from pionir.planner.conflicts import diagnose
from pionir.planner.greedy import buildings_from, greedy_plan, rounded_plan
from pionir.planner.housing import HousingShortage
from pionir.planner.instance import PlanningInstance
from pionir.planner.office_choice import choose_buildings
from pionir.planner.options import SolveProgress, SolverOptions
from pionir.planner.relaxation import (
    Integrality,
    Relaxation,
    RelaxationInfeasible,
    solve_relaxation,
)
from pionir.planner.result import Plan, PlanResult, PlanStatus

# Models with at most this many household-wave choices go to the exact MIP at once:
# HiGHS proves them optimal in seconds.
EXACT_UP_TO = 6_000
# Shares of the time left given to each phase; the last phase takes what remains.
LP_SHARE = 0.7
# Rounds of buildings chosen again at prices that know the last assignment.
REPRICE_ROUNDS = 3
# With a work limit, the buildings MIP's share of it.
BUILDINGS_SHARE = 0.6


@dataclass(slots=True)
class _Search:
    """The best plan and bound so far, with the trace of how they improved."""

    instance: PlanningInstance
    started: float
    progress: Callable[[SolveProgress], None] | None
    plan: Plan | None = None
    value: float = float("-inf")
    bound: float = float("inf")
    prices: dict[str, float] = field(default_factory=dict)
    # True once a solver proved the best plan optimal (within the requested gap).
    proven: bool = False
    stats: dict[str, float] = field(default_factory=dict)

    def offer(self, plan: Plan | None, phase: str) -> None:
        """Keep the plan if it is better than the best so far."""
        if plan is None:
            return
        value = plan_value(self.instance, plan)
        if value > self.value + 1e-9:
            self.plan, self.value = plan, value
        self._report(phase)

    def tighten(self, bound: float, phase: str) -> None:
        if bound < self.bound:
            self.bound = bound
        self._report(phase)

    def within(self, gap: float) -> bool:
        return self.plan is not None and self.bound - self.value <= gap * max(self.bound, 1e-9)

    def _report(self, phase: str) -> None:
        if self.progress is not None and self.plan is not None:
            self.progress(
                SolveProgress(
                    time.perf_counter() - self.started,
                    self.value,
                    max(self.value, min(self.bound, objective_upper_bound(self.instance))),
                    phase,
                )
            )


def _plan_of(instance: PlanningInstance, relaxation: Relaxation) -> Plan | None:
    """The plan of an exact MIP's solution (every choice integer); None if its flats
    cannot be assigned the way housing.py assigns them (mixed bedroom counts)."""
    waves_of = {
        h: max(range(len(xs)), key=lambda k: xs[k])
        for h, xs in relaxation.moves.items()
        if max(xs) > 0.5
    }
    try:
        return plan_from_choices(instance, waves_of, relaxation.chosen_buildings)
    except HousingShortage:
        return None


def _exact(search: _Search, budget: Budget, threads: int) -> None:
    """The whole model as a MIP, from the best plan so far."""
    exact = solve_relaxation(
        search.instance, budget, integer=Integrality.ALL, start=search.plan, threads=threads
    )
    if exact is not None:
        search.tighten(exact.bound, "mip")
        plan = _plan_of(search.instance, exact)
        if plan is not None and not check_plan(search.instance.scenario, plan):
            search.offer(plan, "mip")
            search.proven = exact.optimal and search.value >= exact.objective - 1e-6


def _held(search: _Search, budget: Budget, buildings: dict[str, str]) -> Relaxation | None:
    """Round the LP held to these buildings; the held LP, for its prices."""
    instance = search.instance
    held = solve_relaxation(instance, budget, buildings, start=search.plan)
    if held is not None:
        search.offer(rounded_plan(instance, held, buildings), "held")
    return held


def solve(instance: PlanningInstance, options: SolverOptions) -> PlanResult:
    """Find the best plan within the budget, or show why none exists."""
    started = time.perf_counter()
    budget = options.budget(len(instance.scenario.employees))
    threads = 1 if options.deterministic else min(2, options.workers)
    search = _Search(instance, started, options.progress)
    search.offer(greedy_plan(instance), "greedy")
    search.tighten(objective_upper_bound(instance), "greedy")
    try:
        relaxation = solve_relaxation(
            instance, budget.share(LP_SHARE), start=search.plan, threads=threads
        )
    except RelaxationInfeasible:
        return _infeasible_result(instance, options, started, budget)
    try:
        if relaxation is not None:
            search.stats["lp_seconds"] = relaxation.seconds
            search.stats["lp_bound"] = relaxation.bound
            search.prices = dict(relaxation.prices)
            search.tighten(relaxation.bound, "lp")
            _round_lp(search, budget, relaxation)
        if not search.within(options.relative_gap) and not budget.expired():
            choices = len(instance.candidates) * len(instance.waves)
            if choices <= EXACT_UP_TO:
                _exact(search, budget, threads)
            elif relaxation is not None:
                _buildings_mip(search, budget, threads)
    except RelaxationInfeasible:
        # The exact or buildings MIP proved that no plan exists (the LP alone did not).
        return _infeasible_result(instance, options, started, budget)
    if search.plan is None:
        return PlanResult(
            PlanStatus.UNKNOWN, None, 0.0, 0.0, time.perf_counter() - started, stats=search.stats
        )
    return _checked_result(instance, search, started)


def _round_lp(search: _Search, budget: Budget, relaxation: Relaxation) -> None:
    """Plans from the LP: buildings chosen from it, the LP held to them, and rounded.

    Two ways to price a unit in a building (the LP's own movers, or its households at
    the LP's prices); neither wins on every scenario, so both are held and rounded.
    """
    instance = search.instance
    started = time.monotonic()
    # Rounds of repricing stop at this share of the time left now; the rest is the
    # buildings MIP's, whose bound is what proves a plan near-optimal.
    repricing = budget.share(0.35)
    search.offer(rounded_plan(instance, relaxation, buildings_from(instance, relaxation)), "lp")
    # A held LP and its rounding take about what the LP's rounding took, and more: at
    # national scale each is seconds of Python, so none starts that cannot finish.
    rounding = time.monotonic() - started
    started = time.monotonic()

    def room_for_another() -> bool:
        if search.within(budget.relative_gap) or budget.expired():
            return False
        return budget.deterministic or budget.remaining() >= 3 * rounding

    held: Relaxation | None = None
    for priced in (True, False):
        if not room_for_another():
            return
        chosen = choose_buildings(instance, relaxation, budget.share(0.1), priced=priced)
        if chosen is not None:
            solved = _held(search, budget.share(0.3), chosen)
            held = solved if priced else held
    search.stats["rounding_seconds"] = max(rounding, (time.monotonic() - started) / 2)
    # Prices again: the LP's averaged with those of the LP held to the last buildings,
    # which know what holding costs.
    for _ in range(REPRICE_ROUNDS):
        if held is None or not room_for_another() or repricing.expired():
            return
        blended = replace(
            relaxation,
            prices={
                key: (relaxation.prices.get(key, 0.0) + held.prices.get(key, 0.0)) / 2
                for key in set(relaxation.prices) | set(held.prices)
            },
        )
        chosen = choose_buildings(instance, blended, budget.share(0.1), priced=True)
        held = _held(search, budget.share(0.3), chosen) if chosen is not None else None


def _buildings_mip(search: _Search, budget: Budget, threads: int) -> None:
    """Large models: the buildings MIP, for a tighter bound and perhaps better buildings."""
    instance = search.instance
    # It gets the time left but what rounding its answer will take (about what one
    # assignment and its held LP took, with a margin).
    rounding = 1.5 * search.stats.get("rounding_seconds", 1.0) + 0.5
    mip_budget = (
        budget.share(BUILDINGS_SHARE)
        if budget.deterministic
        else Budget(budget.deadline - rounding, None, budget.relative_gap)
    )
    mip = solve_relaxation(
        instance, mip_budget, integer=Integrality.BUILDINGS, start=search.plan, threads=threads
    )
    if mip is None:
        return
    search.stats["buildings_bound"] = mip.bound
    search.tighten(mip.bound, "buildings")
    if search.within(budget.relative_gap) or budget.expired():
        return
    # The MIP's own buildings, completed for units it leaves out; its households are
    # fractional, so the LP held to those buildings is rounded.
    buildings = buildings_from(instance, mip, preferred=mip.chosen_buildings)
    search.offer(rounded_plan(instance, mip, buildings), "buildings")
    if not budget.expired():
        _held(search, budget, buildings)


def _infeasible_result(
    instance: PlanningInstance, options: SolverOptions, started: float, budget: Budget
) -> PlanResult:
    # The conflict search keeps the time limit too; what it found by then is listed, and
    # said to be possibly incomplete.
    deadline = None if budget.deterministic else budget.deadline
    messages = diagnose(instance, options, deadline=deadline)
    return PlanResult(
        status=PlanStatus.INFEASIBLE,
        plan=None,
        objective=0.0,
        bound=0.0,
        solve_seconds=time.perf_counter() - started,
        conflicts=tuple(m for m, _ in messages),
        conflicts_en=tuple(e for _, e in messages),
    )


def _checked_result(instance: PlanningInstance, search: _Search, started: float) -> PlanResult:
    """The result for the best plan, which must pass the checker, with the best proven bound."""
    plan = search.plan
    assert plan is not None
    violations = check_plan(instance.scenario, plan)
    if violations:
        raise PlanRejected(violations)
    objective = plan_objective(instance.scenario, plan)
    # The plan's value from the instance and the checker's agree to rounding; the bound
    # never sits below the plan it bounds.
    bound = max(objective, search.bound)
    proven = search.proven or bound - objective <= 1e-9 * max(1.0, bound)
    return PlanResult(
        status=PlanStatus.OPTIMAL if proven else PlanStatus.FEASIBLE,
        plan=plan,
        objective=objective,
        bound=bound,
        solve_seconds=time.perf_counter() - started,
        stats=search.stats,
        prices=search.prices,
    )


def objective_upper_bound(instance: PlanningInstance) -> float:
    """A bound needing no solver: every movable household in its best wave."""
    return sum(max(c.value) for c in instance.candidates)
