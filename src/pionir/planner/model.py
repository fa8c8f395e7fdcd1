"""Building the CP-SAT model: variables, the nine rules, the objective."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from pionir.planner import constraints as rules
from pionir.planner.instance import PlanningInstance
from pionir.planner.options import OBJECTIVE_SCALE
from pionir.planner.variables import Guards, PlanVariables, create_variables


@dataclass(slots=True)
class RelocationModel:
    """A built model with its variables and, when diagnosing, its guard literals."""

    model: cp_model.CpModel
    variables: PlanVariables
    guards: Guards


def build_model(
    instance: PlanningInstance, *, with_objective: bool = True, guarded: bool = False
) -> RelocationModel:
    """The whole model; `guarded` adds a literal per rule element for conflict finding."""
    model = cp_model.CpModel()
    guards = Guards(model, enabled=guarded)
    variables = create_variables(model, instance)
    movers = rules.unit_movers_per_wave(instance, variables)
    rules.one_wave_per_household(model, variables)
    rules.seats_per_wave(model, instance, variables, guards)
    rules.housing_ready_and_shared(model, instance, variables, guards)
    rules.offices_one_building_per_unit(model, instance, variables, guards, movers)
    rules.schools_per_wave(model, instance, variables, guards)
    rules.health_before_moving(model, instance, variables, guards)
    rules.quota_per_unit(model, instance, guards, movers)
    rules.miniature_government_first(model, instance, guards, movers)
    rules.allowance_budget(model, instance, variables, guards)
    if with_objective:
        model.maximize(objective_expression(instance, variables))
    return RelocationModel(model, variables, guards)


def objective_terms(instance: PlanningInstance) -> dict[tuple[str, int], int]:
    """Integer objective coefficient per (household, wave), scaled by OBJECTIVE_SCALE."""
    return {
        (c.household_id, k): round(value * OBJECTIVE_SCALE)
        for c in instance.candidates
        for k, value in enumerate(c.value)
    }


def objective_expression(
    instance: PlanningInstance, variables: PlanVariables
) -> cp_model.LinearExpr:
    coefficients = objective_terms(instance)
    xs = []
    weights = []
    for (household_id, k), weight in coefficients.items():
        xs.append(variables.moves[household_id][k])
        weights.append(weight)
    return cp_model.LinearExpr.weighted_sum(xs, weights)


def rounding_slack(instance: PlanningInstance) -> float:
    """How far the scaled integer objective can be from the true one, in objective units.

    Each household's coefficient is rounded by at most half a unit, and at most one
    coefficient per household counts.
    """
    return 0.5 * len(instance.candidates) / OBJECTIVE_SCALE
