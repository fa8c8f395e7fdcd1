"""The policy (`policy.toml`, section 2 of the planning model): read, check, write.

`parse_policy` takes the nested mapping a TOML file (or a workbook's `policy`
sheet) gives; a missing key takes its default, a key of the wrong type or out
of range becomes a ScenarioIssue naming the dotted key. `policy_to_toml`
writes a policy back in a form `parse_policy` reads to an equal Policy, and
`policy_from_mapping` reads that form back without checking it again.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final

from pionir.priority.ahp import MAX_CONSISTENCY_RATIO, ahp_weights
from pionir.scenario.errors import ScenarioIssue, ScenarioRefused
from pionir.scenario.model import (
    EDUCATION_ORDER,
    FUNCTIONS,
    PERFORMANCE_SCORE,
    POSITION_TYPES,
    PRIORITY_CRITERIA,
    AllowancePolicy,
    MeritWeights,
    Month,
    PlanningPolicy,
    Policy,
    PriorityPolicy,
    ScreeningPolicy,
)
from pionir.scenario.tables import quoted

# a[i][j] * a[j][i] may stray this far from 1, so that 0.33 or 0.14 written for
# 1/3 or 1/7 is still read as the reciprocal it means.
RECIPROCAL_TOLERANCE: Final = 0.025
GRADE_GROUPS: Final = ("I", "II", "III", "IV")
RETIREMENT_AGE_RANGE: Final = (18, 100)
_MISSING: Final = object()


class _PolicyReader:
    """Reads values out of the raw mapping, recording an issue for each bad one.

    Each reading method returns the default when the value is bad, so that all
    problems are found in one pass.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.issues: list[ScenarioIssue] = []

    def refuse(self, key: str, message: str, message_en: str) -> None:
        self.issues.append(ScenarioIssue(self.source, 0, key, message, message_en))

    def table(self, raw: Mapping[str, Any], key: str, known: Sequence[str]) -> Mapping[str, Any]:
        """The sub-table at `key` (dotted), or {} when absent; unknown keys are refused."""
        value = _lookup(raw, key)
        if value is _MISSING:
            return {}
        if not isinstance(value, Mapping):
            self.refuse(
                key,
                f"'{key}' harus berupa tabel (bagian [{key}]), bukan {_shown(value)}.",
                f"'{key}' must be a table (a [{key}] section), not {_shown(value)}.",
            )
            return {}
        self.reject_unknown(value, key, known)
        return value

    def reject_unknown(self, table: Mapping[str, Any], prefix: str, known: Sequence[str]) -> None:
        """A misspelt key would silently leave its default in force, so it is refused."""
        for name in table:
            if name in known:
                continue
            close = difflib.get_close_matches(str(name), known, n=1)
            hint_id = f" Maksud Anda '{close[0]}'?" if close else ""
            hint_en = f" Did you mean '{close[0]}'?" if close else ""
            self.refuse(
                _join(prefix, str(name)),
                f"Kunci '{_join(prefix, str(name))}' tidak dikenal.{hint_id}",
                f"The key '{_join(prefix, str(name))}' is not known.{hint_en}",
            )

    def number(
        self,
        table: Mapping[str, Any],
        key: str,
        name: str,
        default: float,
        low: float | None = None,
        high: float | None = None,
        *,
        above_low: bool = False,
    ) -> float:
        """A finite number (int or float, not a boolean) within the bounds."""
        value = table.get(name, _MISSING)
        if value is _MISSING:
            return default
        dotted = _join(key, name)
        if not _is_number(value):
            self.wrong_type(dotted, value, "angka", "a number")
            return default
        number = float(value)
        too_low = low is not None and (number <= low if above_low else number < low)
        if too_low or (high is not None and number > high):
            self.out_of_range(dotted, value, low, high, above_low)
            return default
        return number

    def integer(
        self,
        table: Mapping[str, Any],
        key: str,
        name: str,
        default: int,
        low: int = 0,
        high: int | None = None,
    ) -> int:
        """A whole number within the bounds; 12.0 counts as 12."""
        value = table.get(name, _MISSING)
        if value is _MISSING:
            return default
        dotted = _join(key, name)
        if not (_is_number(value) and float(value).is_integer()):
            self.wrong_type(dotted, value, "bilangan bulat", "a whole number")
            return default
        if value < low or (high is not None and value > high):
            self.out_of_range(dotted, value, low, high, above_low=False)
            return default
        return int(value)

    def boolean(self, table: Mapping[str, Any], key: str, name: str, default: bool) -> bool:
        value = table.get(name, _MISSING)
        if value is _MISSING:
            return default
        if not isinstance(value, bool):
            self.wrong_type(_join(key, name), value, "true atau false", "true or false")
            return default
        return value

    def choice(
        self, table: Mapping[str, Any], key: str, name: str, default: str, options: Sequence[str]
    ) -> str:
        value = table.get(name, _MISSING)
        if value is _MISSING:
            return default
        if value not in options or not isinstance(value, str):
            self.not_an_option(_join(key, name), value, options)
            return default
        return value

    def wrong_type(self, dotted: str, value: object, expected_id: str, expected_en: str) -> None:
        self.refuse(
            dotted,
            f"Nilai {_shown(value)} untuk '{dotted}' tidak sah; seharusnya {expected_id}.",
            f"The value {_shown(value)} for '{dotted}' is not valid; expected {expected_en}.",
        )

    def out_of_range(
        self, dotted: str, value: object, low: float | None, high: float | None, above_low: bool
    ) -> None:
        bounds_id, bounds_en = _bounds_words(low, high, above_low)
        self.refuse(
            dotted,
            f"Nilai {_shown(value)} untuk '{dotted}' di luar rentang; harus {bounds_id}.",
            f"The value {_shown(value)} for '{dotted}' is out of range; it must be {bounds_en}.",
        )

    def not_an_option(self, dotted: str, value: object, options: Sequence[str]) -> None:
        listed = ", ".join(f"'{option}'" for option in options)
        self.refuse(
            dotted,
            f"Nilai {_shown(value)} untuk '{dotted}' tidak sah; harus salah satu dari {listed}.",
            f"The value {_shown(value)} for '{dotted}' is not valid; it must be one of {listed}.",
        )


def parse_policy(raw: Mapping[str, Any], source: str) -> Policy:
    """The Policy described by `raw` (a parsed policy.toml); raises ScenarioRefused.

    Issues name `source` as the file, row 0 (or the TOML line is unknown here)
    and the dotted key as the column, e.g. `screening.min_berakhlak`.
    """
    reader = _PolicyReader(source)
    reader.reject_unknown(raw, "", ("screening", "merit", "priority", "planning", "allowance"))
    policy = Policy(
        screening=_screening(reader, raw),
        merit=_merit(reader, raw),
        priority=_priority(reader, raw),
        planning=_planning(reader, raw),
        allowance=_allowance(reader, raw),
    )
    if reader.issues:
        raise ScenarioRefused(reader.issues)
    return policy


_SCREENING_KEYS: Final = (
    "min_digital_literacy",
    "min_multitasking",
    "min_ikn_principles",
    "min_berakhlak",
    "min_education",
    "performance_ok",
    "retirement_age",
    "retire_buffer_months",
)


def _screening(reader: _PolicyReader, raw: Mapping[str, Any]) -> ScreeningPolicy:
    key = "screening"
    table = reader.table(raw, key, _SCREENING_KEYS)
    default = ScreeningPolicy()

    def threshold(name: str) -> float:
        return reader.number(table, key, name, getattr(default, name), 0, 100)

    return ScreeningPolicy(
        min_digital_literacy=threshold("min_digital_literacy"),
        min_multitasking=threshold("min_multitasking"),
        min_ikn_principles=threshold("min_ikn_principles"),
        min_berakhlak=threshold("min_berakhlak"),
        min_education=reader.choice(
            table, key, "min_education", default.min_education, EDUCATION_ORDER
        ),
        performance_ok=_performance_ok(reader, table, default.performance_ok),
        retirement_age=_retirement_age(reader, raw, default.retirement_age),
        retire_buffer_months=reader.integer(
            table, key, "retire_buffer_months", default.retire_buffer_months
        ),
    )


def _performance_ok(
    reader: _PolicyReader, table: Mapping[str, Any], default: tuple[str, ...]
) -> tuple[str, ...]:
    """SKP ratings that pass screening: a list of rating words."""
    dotted = "screening.performance_ok"
    value = table.get("performance_ok", _MISSING)
    if value is _MISSING:
        return default
    if not isinstance(value, list):
        reader.wrong_type(dotted, value, "daftar predikat kinerja", "a list of ratings")
        return default
    ratings = tuple(PERFORMANCE_SCORE)
    bad = [item for item in value if item not in ratings or not isinstance(item, str)]
    for item in bad:
        reader.not_an_option(dotted, item, ratings)
    return default if bad else tuple(value)


def _retirement_age(
    reader: _PolicyReader, raw: Mapping[str, Any], default: Mapping[str, int]
) -> Mapping[str, int]:
    """Retirement age by position type, with `default` for the types not listed."""
    key = "screening.retirement_age"
    value = _lookup(raw, key)
    if value is _MISSING:
        return default
    ages = reader.table(raw, key, (*POSITION_TYPES, "default"))
    if not isinstance(value, Mapping):
        return default  # reader.table has said it must be a table
    if "default" not in ages:
        reader.refuse(
            _join(key, "default"),
            f"'{key}' harus memuat 'default' (usia pensiun jabatan yang tidak disebut).",
            f"'{key}' must have 'default' (the retirement age of positions not listed).",
        )
        return default
    low, high = RETIREMENT_AGE_RANGE
    known = [name for name in ages if name in (*POSITION_TYPES, "default")]
    parsed = {name: reader.integer(ages, key, name, -1, low, high) for name in known}
    if any(age < 0 for age in parsed.values()):
        return default
    return MappingProxyType(parsed)


_MERIT_KEYS: Final = (
    "general",
    "technical",
    "digital_literacy",
    "multitasking",
    "ikn_principles",
    "berakhlak",
    "performance",
)


def _merit(reader: _PolicyReader, raw: Mapping[str, Any]) -> MeritWeights:
    reader.table(raw, "merit", ("weights",))
    key = "merit.weights"
    weights = _weights(reader, raw, key, _MERIT_KEYS, MeritWeights())
    return MeritWeights(**weights)


def _weights(
    reader: _PolicyReader,
    raw: Mapping[str, Any],
    key: str,
    names: Sequence[str],
    default: object,
) -> dict[str, float]:
    """Weights >= 0 with a positive sum; each missing one takes its default."""
    table = reader.table(raw, key, names)
    defaults = {name: _default_of(default, name) for name in names}
    weights = {name: reader.number(table, key, name, defaults[name], 0) for name in names}
    if table and sum(weights.values()) <= 0:
        reader.refuse(
            key,
            f"Bobot '{key}' berjumlah 0; paling sedikit satu bobot harus lebih dari 0.",
            f"The weights '{key}' add up to 0; at least one weight must be above 0.",
        )
        return defaults
    return weights


def _default_of(default: object, name: str) -> float:
    if isinstance(default, Mapping):
        return float(default[name])
    return float(getattr(default, name))


def _priority(reader: _PolicyReader, raw: Mapping[str, Any]) -> PriorityPolicy:
    key = "priority"
    table = reader.table(raw, key, ("weights", "function_score", "pairwise"))
    default = PriorityPolicy()
    weights = _weights(reader, raw, "priority.weights", PRIORITY_CRITERIA, default.weights)
    score_key = "priority.function_score"
    scores_table = reader.table(raw, score_key, FUNCTIONS)
    scores = {
        name: reader.number(scores_table, score_key, name, default.function_score[name], 0, 1)
        for name in FUNCTIONS
    }
    pairwise = _pairwise(reader, table.get("pairwise", _MISSING))
    return PriorityPolicy(
        weights=MappingProxyType(weights),
        function_score=MappingProxyType(scores),
        pairwise=pairwise,
    )


_FRACTION: Final = re.compile(r"\s*(\d+(?:\.\d*)?)\s*(?:/\s*(\d+(?:\.\d*)?)\s*)?")


def _pairwise_entry(value: object) -> float | None:
    """A Saaty judgement: a number, or text like "1/3" (TOML has no fractions)."""
    if _is_number(value):
        return float(value)  # type: ignore[arg-type]
    if isinstance(value, str):
        match = _FRACTION.fullmatch(value)
        if match:
            denominator = float(match[2]) if match[2] else 1.0
            if denominator > 0:
                return float(match[1]) / denominator
    return None


def _pairwise(reader: _PolicyReader, value: object) -> tuple[tuple[float, ...], ...] | None:
    """The AHP matrix: 4x4, positive, reciprocal and consistent (CR < 0.10)."""
    if value is _MISSING:
        return None
    matrix = _pairwise_shape(reader, value)
    if matrix is None or not _pairwise_reciprocal(reader, matrix):
        return None
    ratio = ahp_weights(matrix).consistency_ratio
    if ratio >= MAX_CONSISTENCY_RATIO:
        cr = f"{ratio:.3f}" if ratio < MAX_CONSISTENCY_RATIO + 0.005 else f"{ratio:.2f}"
        reader.refuse(
            "priority.pairwise",
            f"Matriks perbandingan berpasangan tidak konsisten: CR = {cr}, harus di bawah 0.10. "
            "Tinjau kembali penilaian yang saling bertentangan.",
            f"The pairwise comparison matrix is inconsistent: CR = {cr}, it must be below 0.10. "
            "Revisit the judgements that contradict each other.",
        )
        return None
    return matrix


def _pairwise_shape(reader: _PolicyReader, value: object) -> tuple[tuple[float, ...], ...] | None:
    """Four rows of four positive judgements, in the order of PRIORITY_CRITERIA."""
    key = "priority.pairwise"
    size = len(PRIORITY_CRITERIA)
    order = ", ".join(PRIORITY_CRITERIA)
    if not (
        isinstance(value, list)
        and len(value) == size
        and all(isinstance(row, list) and len(row) == size for row in value)
    ):
        reader.refuse(
            key,
            f"'{key}' harus matriks {size}x{size} (urutan {order}), bukan {_shown(value)}.",
            f"'{key}' must be a {size}x{size} matrix (order {order}), not {_shown(value)}.",
        )
        return None
    rows: list[tuple[float, ...]] = []
    ok = True
    for i, row in enumerate(value):
        entries: list[float] = []
        for j, cell in enumerate(row):
            entry = _pairwise_entry(cell)
            if entry is None or entry <= 0:
                reader.refuse(
                    key,
                    f"Nilai {_shown(cell)} di baris {i + 1}, kolom {j + 1} ('{key}') harus "
                    'angka positif atau pecahan seperti "1/3".',
                    f"The value {_shown(cell)} in row {i + 1}, column {j + 1} ('{key}') must "
                    'be a positive number or a fraction like "1/3".',
                )
                ok = False
                entry = 1.0
            entries.append(entry)
        rows.append(tuple(entries))
    return tuple(rows) if ok else None


def _pairwise_reciprocal(reader: _PolicyReader, matrix: tuple[tuple[float, ...], ...]) -> bool:
    """a[i][i] = 1 and a[j][i] = 1 / a[i][j]: the matrix must say each judgement once."""
    ok = True
    for i, first in enumerate(PRIORITY_CRITERIA):
        for j in range(i, len(PRIORITY_CRITERIA)):
            second = PRIORITY_CRITERIA[j]
            product = matrix[i][j] * matrix[j][i]
            if abs(product - 1) <= RECIPROCAL_TOLERANCE:
                continue
            ok = False
            where = f"baris {i + 1} kolom {j + 1} dan baris {j + 1} kolom {i + 1}"
            where_en = f"row {i + 1} column {j + 1} and row {j + 1} column {i + 1}"
            reader.refuse(
                "priority.pairwise",
                f"Matriks tidak resiprokal: {first} terhadap {second} = {_plain(matrix[i][j])}, "
                f"tetapi {second} terhadap {first} = {_plain(matrix[j][i])} ({where}); "
                "keduanya harus saling berkebalikan dan diagonal bernilai 1.",
                f"The matrix is not reciprocal: {first} vs {second} = {_plain(matrix[i][j])}, "
                f"but {second} vs {first} = {_plain(matrix[j][i])} ({where_en}); "
                "they must be each other's inverse and the diagonal 1.",
            )
    return ok


def _planning(reader: _PolicyReader, raw: Mapping[str, Any]) -> PlanningPolicy:
    key = "planning"
    table = reader.table(raw, key, ("desk_ratio", "miniature_min", "earliness", "singles_share"))
    default = PlanningPolicy()
    return PlanningPolicy(
        desk_ratio=reader.number(table, key, "desk_ratio", default.desk_ratio, 0, above_low=True),
        miniature_min=reader.integer(table, key, "miniature_min", default.miniature_min),
        earliness=reader.number(table, key, "earliness", default.earliness, 0),
        singles_share=reader.boolean(table, key, "singles_share", default.singles_share),
    )


def _allowance(reader: _PolicyReader, raw: Mapping[str, Any]) -> AllowancePolicy:
    key = "allowance"
    table = reader.table(raw, key, ("monthly", "end_month", "budget"))
    default = AllowancePolicy()
    monthly_key = "allowance.monthly"
    monthly_table = reader.table(raw, monthly_key, GRADE_GROUPS)
    monthly = {
        group: reader.integer(monthly_table, monthly_key, group, default.monthly[group])
        for group in GRADE_GROUPS
    }
    return AllowancePolicy(
        monthly=MappingProxyType(monthly),
        end_month=_end_month(reader, table, default.end_month),
        budget=reader.integer(table, key, "budget", default.budget),
    )


def _end_month(reader: _PolicyReader, table: Mapping[str, Any], default: Month) -> Month:
    value = table.get("end_month", _MISSING)
    if value is _MISSING:
        return default
    if isinstance(value, str):
        try:
            return Month.parse(value)
        except ValueError:
            pass
    reader.wrong_type(
        "allowance.end_month", value, 'bulan berbentuk "YYYY-MM"', 'a month written "YYYY-MM"'
    )
    return default


def _lookup(raw: Mapping[str, Any], dotted: str) -> object:
    """The value at a dotted key, or _MISSING; a non-table on the way counts as missing."""
    value: object = raw
    for part in dotted.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return _MISSING
        value = value[part]
    return value


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _is_number(value: object) -> bool:
    # bool is an int in Python, but `true` is no number in a policy.
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _shown(value: object) -> str:
    if isinstance(value, str):
        return quoted(value)
    return quoted(toml_value(value) if _is_tomlable(value) else repr(value))


def _is_tomlable(value: object) -> bool:
    if isinstance(value, bool | int | str):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list | tuple):
        return all(_is_tomlable(item) for item in value)
    if isinstance(value, Mapping):
        return all(_is_tomlable(item) for item in value.values())
    return False


def _bounds_words(low: float | None, high: float | None, above_low: bool) -> tuple[str, str]:
    if low is not None and high is not None:
        return (
            f"antara {_plain(low)} dan {_plain(high)}",
            f"between {_plain(low)} and {_plain(high)}",
        )
    if low is not None and above_low:
        return f"lebih dari {_plain(low)}", f"above {_plain(low)}"
    if low is not None:
        return f"paling sedikit {_plain(low)}", f"at least {_plain(low)}"
    return f"paling banyak {_plain(high or 0)}", f"at most {_plain(high or 0)}"


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else repr(float(number))


# --- writing -----------------------------------------------------------------


def policy_to_mapping(policy: Policy) -> dict[str, dict[str, Any]]:
    """The policy as nested plain data, in the layout of section 2."""
    screening, priority = policy.screening, policy.priority
    mapping: dict[str, dict[str, Any]] = {
        "screening": {
            "min_digital_literacy": screening.min_digital_literacy,
            "min_multitasking": screening.min_multitasking,
            "min_ikn_principles": screening.min_ikn_principles,
            "min_berakhlak": screening.min_berakhlak,
            "min_education": screening.min_education,
            "performance_ok": list(screening.performance_ok),
            "retirement_age": dict(screening.retirement_age),
            "retire_buffer_months": screening.retire_buffer_months,
        },
        "merit": {"weights": {name: getattr(policy.merit, name) for name in _MERIT_KEYS}},
        "priority": {
            "weights": dict(priority.weights),
            "function_score": dict(priority.function_score),
        },
        "planning": {
            "desk_ratio": policy.planning.desk_ratio,
            "miniature_min": policy.planning.miniature_min,
            "earliness": policy.planning.earliness,
            "singles_share": policy.planning.singles_share,
        },
        "allowance": {
            "monthly": dict(policy.allowance.monthly),
            "end_month": str(policy.allowance.end_month),
            "budget": policy.allowance.budget,
        },
    }
    if priority.pairwise is not None:
        mapping["priority"]["pairwise"] = [
            [_judgement(value) for value in row] for row in priority.pairwise
        ]
    return mapping


def policy_from_mapping(mapping: Mapping[str, Any]) -> Policy:
    """The Policy `policy_to_mapping` wrote (or its TOML read back), with no checks run.

    Only for a policy this program stored after `parse_policy` had accepted it: every
    key is there, so nothing falls back to a default; numbers are given the types
    `parse_policy` gives, so the two readers' policies are equal and print alike.
    """
    screening, merit = mapping["screening"], mapping["merit"]["weights"]
    priority, planning, allowance = mapping["priority"], mapping["planning"], mapping["allowance"]
    pairwise = priority.get("pairwise")
    return Policy(
        screening=ScreeningPolicy(
            min_digital_literacy=float(screening["min_digital_literacy"]),
            min_multitasking=float(screening["min_multitasking"]),
            min_ikn_principles=float(screening["min_ikn_principles"]),
            min_berakhlak=float(screening["min_berakhlak"]),
            min_education=screening["min_education"],
            performance_ok=tuple(screening["performance_ok"]),
            retirement_age=MappingProxyType(
                {name: int(age) for name, age in screening["retirement_age"].items()}
            ),
            retire_buffer_months=int(screening["retire_buffer_months"]),
        ),
        merit=MeritWeights(**{name: float(merit[name]) for name in _MERIT_KEYS}),
        priority=PriorityPolicy(
            weights=MappingProxyType(
                {name: float(priority["weights"][name]) for name in PRIORITY_CRITERIA}
            ),
            function_score=MappingProxyType(
                {name: float(priority["function_score"][name]) for name in FUNCTIONS}
            ),
            pairwise=None
            if pairwise is None
            else tuple(tuple(_stored_judgement(cell) for cell in row) for row in pairwise),
        ),
        planning=PlanningPolicy(
            desk_ratio=float(planning["desk_ratio"]),
            miniature_min=int(planning["miniature_min"]),
            earliness=float(planning["earliness"]),
            singles_share=bool(planning["singles_share"]),
        ),
        allowance=AllowancePolicy(
            monthly=MappingProxyType(
                {group: int(allowance["monthly"][group]) for group in GRADE_GROUPS}
            ),
            end_month=Month.parse(allowance["end_month"]),
            budget=int(allowance["budget"]),
        ),
    )


def _stored_judgement(cell: object) -> float:
    value = _pairwise_entry(cell)
    if value is None:
        raise ValueError(f"stored pairwise judgement {cell!r} is not a number")
    return value


def policy_items(policy: Policy) -> list[tuple[str, Any]]:
    """(dotted key, value) pairs: tables flattened, lists kept whole (for a sheet)."""
    items: list[tuple[str, Any]] = []

    def flatten(prefix: str, mapping: Mapping[str, Any]) -> None:
        for name, value in mapping.items():
            if isinstance(value, Mapping):
                flatten(_join(prefix, name), value)
            else:
                items.append((_join(prefix, name), value))

    flatten("", policy_to_mapping(policy))
    return items


def policy_to_toml(policy: Policy) -> str:
    """policy.toml text; `parse_policy(tomllib.loads(text))` gives back an equal policy."""
    lines = ["# Pionir relocation policy (see section 2 of the planning model)."]
    for section, table in policy_to_mapping(policy).items():
        if all(isinstance(value, Mapping) for value in table.values()):
            for name, subtable in table.items():
                lines += ["", f"[{section}.{name}]"]
                lines += [f"{_toml_key(k)} = {toml_value(v)}" for k, v in subtable.items()]
        else:
            lines += ["", f"[{section}]"]
            lines += [f"{_toml_key(k)} = {toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


_BARE_KEY: Final = re.compile(r"[A-Za-z0-9_-]+")


def _toml_key(name: str) -> str:
    return name if _BARE_KEY.fullmatch(name) else json.dumps(name)


def toml_value(value: object) -> str:
    """A TOML literal: ints with digit groups, floats in shortest round-trip form."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:_}"
    if isinstance(value, float):
        return _toml_float(value)
    if isinstance(value, str):
        # A JSON string of these plain words and months is also a TOML basic string.
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        inner = ", ".join(f"{_toml_key(str(k))} = {toml_value(v)}" for k, v in value.items())
        return f"{{ {inner} }}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    raise TypeError(f"no TOML form for {value!r}")


def _toml_float(value: float) -> str:
    return f"{int(value):_}" if value.is_integer() else repr(value)


def _judgement(value: float) -> float | str:
    """A Saaty judgement below 1 is a reciprocal; "1/3" reads better than 0.333..."""
    if 0 < value < 1:
        denominator = round(1 / value)
        if denominator > 0 and 1 / denominator == value:
            return f"1/{denominator}"
    return value
