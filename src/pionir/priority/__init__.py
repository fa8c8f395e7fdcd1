"""Stage 1: unit priority, with optional AHP pairwise weights."""
