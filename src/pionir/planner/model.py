"""Building the CP-SAT model of the nine rules, for finding conflicts."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from pionir.planner import constraints as rules
from pionir.planner.instance import PlanningInstance
from pionir.planner.variables import Guards, PlanVariables, create_variables


@dataclass(slots=True)
class RelocationModel:
    """A built model with its variables and, when diagnosing, its guard literals."""

    model: cp_model.CpModel
    variables: PlanVariables
    guards: Guards


def build_model(instance: PlanningInstance, *, guarded: bool = False) -> RelocationModel:
    """The nine rules, without an objective: what conflict finding asks of CP-SAT.

    `guarded` adds a literal per rule element. Plans themselves come from the HiGHS
    model (lp_arrays.py): the same rules written for the other solver. The property
    tests check that whenever the planner proves no plan exists, conflicts are named.
    """
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
    return RelocationModel(model, variables, guards)
