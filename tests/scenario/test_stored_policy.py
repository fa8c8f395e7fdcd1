"""A stored policy reads back without checks to the very policy the checking reader gives."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from pionir.scenario.demo import generate_demo
from pionir.scenario.model import Policy
from pionir.scenario.policy_io import (
    parse_policy,
    policy_from_mapping,
    policy_items,
    policy_to_toml,
)

PAIRWISE: list[list[object]] = [
    [1, 3, 5, 7],
    ["1/3", 1, 3, 5],
    ["1/5", "1/3", 1, 3],
    ["1/7", "1/5", "1/3", 1],
]
RAW_POLICIES: dict[str, dict[str, Any]] = {
    "defaults": {},
    "pairwise and own ages": {
        "screening": {
            "min_berakhlak": 82.5,
            "performance_ok": ["sangat_baik"],
            "retirement_age": {"jpt": 62, "default": 57},
        },
        "priority": {"pairwise": PAIRWISE},
        "planning": {"desk_ratio": 0.8, "singles_share": False},
        "allowance": {"end_month": "2026-06", "budget": 5_000_000_000},
    },
}


def _typed_items(policy: Policy) -> list[tuple[str, type, object]]:
    # The type too: 70 and 70.0 are equal, but a form would show "70" for one, "70.0" for the other.
    return [(key, type(value), value) for key, value in policy_items(policy)]


@pytest.mark.parametrize("name", RAW_POLICIES)
def test_a_stored_policy_reads_back_as_the_checking_reader_reads_it(name: str) -> None:
    checked = parse_policy(RAW_POLICIES[name], "policy.toml")
    stored = tomllib.loads(policy_to_toml(checked))
    trusted = policy_from_mapping(stored)
    # What the pages showed before, when they read the stored text through the checks.
    read_with_checks = parse_policy(stored, "policy.toml")
    assert trusted == read_with_checks == checked
    assert _typed_items(trusted) == _typed_items(read_with_checks)
    assert trusted.priority.pairwise == checked.priority.pairwise


def test_the_demo_policy_reads_back_from_its_toml() -> None:
    policy = generate_demo(scale=0.03, seed=7).policy
    assert policy_from_mapping(tomllib.loads(policy_to_toml(policy))) == policy
