"""Stage 3: the CP-SAT relocation planner, its checker and explanations."""
