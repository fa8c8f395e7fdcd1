"""policy.toml: defaults, each refused value by its dotted key, AHP checks, writing back."""

from __future__ import annotations

import tomllib
from types import MappingProxyType
from typing import Any

import pytest

from pionir.priority.ahp import ahp_weights
from pionir.scenario.errors import ScenarioIssue, ScenarioRefused
from pionir.scenario.model import Month, Policy, PriorityPolicy
from pionir.scenario.policy_io import parse_policy, policy_to_toml
from tests.scenario.helpers import only_issue

CONSISTENT: list[list[object]] = [
    [1, 3, 5, 7],
    ["1/3", 1, 3, 5],
    ["1/5", "1/3", 1, 3],
    ["1/7", "1/5", "1/3", 1],
]
# Reciprocal, but function > miniature > digital > function: a circle of judgements.
INCONSISTENT = [[1, 5, "1/5", 3], ["1/5", 1, 5, 3], [5, "1/5", 1, 3], ["1/3", "1/3", "1/3", 1]]


def policy_issues(raw: dict[str, Any]) -> list[ScenarioIssue]:
    with pytest.raises(ScenarioRefused) as caught:
        parse_policy(raw, "policy.toml")
    return list(caught.value.issues)


def test_an_empty_policy_is_the_default() -> None:
    assert parse_policy({}, "policy.toml") == Policy()


def test_given_keys_replace_only_their_defaults() -> None:
    policy = parse_policy(
        {"merit": {"weights": {"general": 0.5}}, "allowance": {"monthly": {"III": 4_500_000}}},
        "policy.toml",
    )
    assert policy.merit.general == 0.5
    assert policy.merit.technical == 0.25
    assert policy.allowance.monthly == {
        "I": 2_000_000,
        "II": 3_000_000,
        "III": 4_500_000,
        "IV": 5_000_000,
    }


# (raw policy, dotted key, words in the English message)
BAD_POLICIES = [
    ({"screening": {"min_berakhlak": "tinggi"}}, "screening.min_berakhlak", "expected a number"),
    ({"screening": {"min_berakhlak": True}}, "screening.min_berakhlak", "expected a number"),
    ({"screening": {"min_multitasking": 101}}, "screening.min_multitasking", "between 0 and 100"),
    ({"screening": {"min_ikn_principles": -1}}, "screening.min_ikn_principles", "between 0 and"),
    ({"screening": {"min_education": "S4"}}, "screening.min_education", "one of 'SD'"),
    ({"screening": {"performance_ok": ["baik", "hebat"]}}, "screening.performance_ok", "'hebat'"),
    ({"screening": {"performance_ok": "baik"}}, "screening.performance_ok", "a list of ratings"),
    (
        {"screening": {"retirement_age": {"jpt": 60}}},
        "screening.retirement_age.default",
        "must have 'default'",
    ),
    (
        {"screening": {"retirement_age": {"default": 58, "jpt": 150}}},
        "screening.retirement_age.jpt",
        "between 18 and 100",
    ),
    (
        {"screening": {"retirement_age": {"default": 58, "menteri": 65}}},
        "screening.retirement_age.menteri",
        "is not known",
    ),
    ({"screening": {"retirement_age": 58}}, "screening.retirement_age", "must be a table"),
    ({"screening": {"retirement_age": {}}}, "screening.retirement_age.default", "'default'"),
    ({"screening": {"retire_buffer_months": 1.5}}, "screening.retire_buffer_months", "whole"),
    (
        {"screening": {"min_berakhlek": 70}},
        "screening.min_berakhlek",
        "Did you mean 'min_berakhlak'",
    ),
    ({"screning": {}}, "screning", "Did you mean 'screening'"),
    ({"screening": 70}, "screening", "must be a table"),
    ({"merit": {"weights": {"general": -0.1}}}, "merit.weights.general", "at least 0"),
    (
        {
            "merit": {
                "weights": dict.fromkeys(
                    [
                        "general",
                        "technical",
                        "digital_literacy",
                        "multitasking",
                        "ikn_principles",
                        "berakhlak",
                        "performance",
                    ],
                    0,
                )
            }
        },
        "merit.weights",
        "add up to 0",
    ),
    (
        {"priority": {"weights": {"function": 0, "miniature": 0, "digital": 0, "spbe": 0}}},
        "priority.weights",
        "add up to 0",
    ),
    (
        {"priority": {"function_score": {"core": 1.5}}},
        "priority.function_score.core",
        "between 0 and 1",
    ),
    ({"planning": {"desk_ratio": 0}}, "planning.desk_ratio", "above 0"),
    ({"planning": {"miniature_min": 2.5}}, "planning.miniature_min", "a whole number"),
    ({"planning": {"miniature_min": -1}}, "planning.miniature_min", "at least 0"),
    ({"planning": {"earliness": -0.2}}, "planning.earliness", "at least 0"),
    ({"planning": {"singles_share": "ya"}}, "planning.singles_share", "true or false"),
    ({"allowance": {"monthly": {"III": -1}}}, "allowance.monthly.III", "at least 0"),
    ({"allowance": {"monthly": {"III": "4 juta"}}}, "allowance.monthly.III", "a whole number"),
    ({"allowance": {"monthly": {"V": 1}}}, "allowance.monthly.V", "is not known"),
    ({"allowance": {"end_month": "2025-13"}}, "allowance.end_month", 'a month written "YYYY-MM"'),
    ({"allowance": {"end_month": 202512}}, "allowance.end_month", 'a month written "YYYY-MM"'),
    ({"allowance": {"budget": -1}}, "allowance.budget", "at least 0"),
]


@pytest.mark.parametrize(("raw", "key", "words"), BAD_POLICIES)
def test_a_bad_policy_value_names_its_key(raw: dict[str, Any], key: str, words: str) -> None:
    issue = only_issue(policy_issues(raw))
    assert (issue.file, issue.row, issue.column) == ("policy.toml", 0, key)
    assert words in issue.message_en


def test_every_bad_value_is_reported() -> None:
    issues = policy_issues(
        {"screening": {"min_berakhlak": 170}, "planning": {"desk_ratio": -1}, "x": 1}
    )
    assert [i.column for i in issues] == ["x", "screening.min_berakhlak", "planning.desk_ratio"]


def test_pairwise_accepts_fractions_written_as_text() -> None:
    policy = parse_policy({"priority": {"pairwise": CONSISTENT}}, "policy.toml")
    assert policy.priority.pairwise is not None
    assert policy.priority.pairwise[3] == (1 / 7, 1 / 5, 1 / 3, 1.0)
    assert policy.priority.pairwise[0] == (1.0, 3.0, 5.0, 7.0)


def test_pairwise_with_cr_above_the_limit_is_refused_naming_cr() -> None:
    matrix = [[float(eval(str(cell))) for cell in row] for row in INCONSISTENT]
    ratio = ahp_weights(matrix).consistency_ratio
    assert ratio >= 0.10
    issue = only_issue(policy_issues({"priority": {"pairwise": INCONSISTENT}}))
    assert issue.column == "priority.pairwise"
    assert f"CR = {ratio:.2f}" in issue.message_en
    assert f"CR = {ratio:.2f}" in issue.message


def test_a_non_reciprocal_pairwise_matrix_is_refused() -> None:
    matrix = [list(row) for row in CONSISTENT]
    matrix[1][0] = 3  # miniature vs function says 3, function vs miniature says 3 as well
    issue = only_issue(policy_issues({"priority": {"pairwise": matrix}}))
    assert issue.column == "priority.pairwise"
    assert "not reciprocal: function vs miniature = 3, but miniature vs function = 3" in (
        issue.message_en
    )


def test_a_pairwise_diagonal_must_be_one() -> None:
    matrix = [list(row) for row in CONSISTENT]
    matrix[2][2] = 2
    issue = only_issue(policy_issues({"priority": {"pairwise": matrix}}))
    assert "row 3 column 3" in issue.message_en


@pytest.mark.parametrize(
    ("matrix", "words"),
    [
        ([[1, 3, 5], ["1/3", 1, 3], ["1/5", "1/3", 1]], "must be a 4x4 matrix"),
        ("1,3,5,7", "must be a 4x4 matrix"),
        ([[1, 3, 5, 7], [0, 1, 3, 5], ["1/5", "1/3", 1, 3], ["1/7", "1/5", "1/3", 1]], "row 2"),
        ([[1, 3, 5, 7], ["1/3", 1, 3, 5], ["a/5", "1/3", 1, 3], ["1/7", "1/5", "1/3", 1]], "'a/5'"),
        ([[1, 3, 5, 7], ["1/0", 1, 3, 5], ["1/5", "1/3", 1, 3], ["1/7", "1/5", "1/3", 1]], "'1/0'"),
    ],
)
def test_a_malformed_pairwise_matrix_is_refused(matrix: object, words: str) -> None:
    issue = only_issue(policy_issues({"priority": {"pairwise": matrix}}))
    assert issue.column == "priority.pairwise"
    assert words in issue.message_en


def test_default_policy_toml_reads_back_equal_and_looks_like_the_spec() -> None:
    text = policy_to_toml(Policy())
    assert parse_policy(tomllib.loads(text), "policy.toml") == Policy()
    assert "[merit.weights]" in text
    assert "min_berakhlak = 70" in text
    assert "retirement_age = { jpt = 60, fungsional = 60, default = 58 }" in text
    assert "monthly = { I = 2_000_000, II = 3_000_000, III = 4_000_000, IV = 5_000_000 }" in text
    assert "pairwise" not in text


def test_a_custom_policy_toml_reads_back_equal() -> None:
    policy = parse_policy(
        {
            "screening": {
                "min_digital_literacy": 62.5,
                "performance_ok": ["sangat_baik"],
                "retirement_age": {"default": 56, "pengawas": 57},
                "retire_buffer_months": 6,
            },
            "priority": {"pairwise": CONSISTENT, "function_score": {"support": 0.1}},
            "planning": {"desk_ratio": 0.8, "singles_share": False, "earliness": 0},
            "allowance": {"end_month": "2027-01", "budget": 0},
        },
        "policy.toml",
    )
    assert policy.priority == PriorityPolicy(
        weights=PriorityPolicy().weights,
        function_score=MappingProxyType(
            {"core": 1.0, "policy": 0.75, "service": 0.5, "support": 0.1}
        ),
        pairwise=policy.priority.pairwise,
    )
    assert policy.allowance.end_month == Month(2027, 1)
    text = policy_to_toml(policy)
    assert parse_policy(tomllib.loads(text), "policy.toml") == policy
    assert "desk_ratio = 0.8" in text
