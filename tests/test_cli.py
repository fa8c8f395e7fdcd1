"""The `pionir` command line end to end: validate, plan and demo-data.

Most tests drive `pionir.cli.app` in-process through Typer's CliRunner (which keeps
standard output and standard error apart) and then read the files a run wrote, checking
them against the planning model's section 6: file names, headers, number formats, one
plan row per employee, a summary consistent with the plan, and the exit statuses
0 (plan), 2 (scenario refused) and 3 (no plan can obey the rules). One test runs the
installed console script in a real subprocess.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from pionir.cli import app
from pionir.scenario.csv_io import write_scenario_folder
from pionir.scenario.load import load_scenario
from pionir.scenario.model import Month, Scenario, Wave
from pionir.scenario.profiles import PROFILES, generate_profile
from pionir.scenario.xlsx_io import write_scenario_workbook
from tests.builders import ScenarioBuilder

TINY = Path(__file__).parent / "fixtures" / "scenario_tiny"

RUN_FILES = (
    "priorities.csv",
    "screening.csv",
    "plan.csv",
    "explanations.csv",
    "bottlenecks.csv",
    "summary.json",
)
BOTTLENECKS_HEADER = "file,id,column,delta,objective_gain,movers_gain,text_id,text_en"
PLAN_HEADER = "nip,household_id,wave_id,tower_id,unit_no,building_id,allowance_total,reason"
PLACEMENT_COLUMNS = ("wave_id", "tower_id", "unit_no", "building_id")
STAY_REASONS = {"ineligible", "household_ineligible", "not_selected"}
SUMMARY_KEYS = {
    "status",
    "objective",
    "bound",
    "movers",
    "households_moved",
    "persons_moved",
    "by_wave",
    "housing_units_used",
    "allowance_total",
    "solve_seconds",
    "conflicts",
}
SCENARIO_CSVS = (
    "agencies.csv",
    "units.csv",
    "positions.csv",
    "employees.csv",
    "households.csv",
    "towers.csv",
    "buildings.csv",
    "facilities.csv",
    "waves.csv",
)
# A short search is plenty for the tiny scenarios; these options are fixed so runs compare.
PLAN_OPTIONS = ("--time-limit", "10", "--seed", "0")
# Byte-identical reruns need a deterministic work budget, not a wall-clock limit.
WORK_OPTIONS = ("--work-limit", "10", "--seed", "0")


# --- helpers -----------------------------------------------------------------------------


def invoke(*args: str | Path) -> Result:
    """Run `pionir ARGS` in-process; standard output and standard error stay separate."""
    return CliRunner().invoke(app, [str(arg) for arg in args])


def plan(scenario: Path, out: Path, *extra: str) -> Result:
    return invoke("plan", scenario, "--out", out, *PLAN_OPTIONS, *extra)


def flat(text: str) -> str:
    """Text with Rich's line wrapping undone, for substring checks."""
    return " ".join(text.split())


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def header_of(path: Path) -> str:
    return path.read_text(encoding="utf-8").splitlines()[0]


def read_summary(out: Path) -> dict[str, Any]:
    summary: dict[str, Any] = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return summary


def set_cell(path: Path, key_column: str, key: str, column: str, value: str) -> int:
    """Overwrite one cell of a scenario CSV; returns its data-row number (1 = first row)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    row_number = next(i for i, row in enumerate(rows, start=1) if row[key_column] == key)
    rows[row_number - 1][column] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return row_number


def miniature_scenario(first_wave_seats: int) -> Scenario:
    """A miniature unit U1 with three single-person households (rule 8 asks for all three
    in the first wave K1), and `first_wave_seats` seats in K1."""
    b = ScenarioBuilder(
        waves=[Wave("K1", Month(2024, 7), first_wave_seats), Wave("K2", Month(2024, 8), 10)]
    )
    b.unit("U1", miniature=True, name="Sekretariat Kemenko")
    for _ in range(3):
        b.household("U1")
    return b.build()


def assert_no_traceback(result: Result) -> None:
    assert "Traceback" not in result.output
    # CliRunner catches exceptions; anything but a deliberate exit would be a crash.
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )


# --- 1. a plan of the tiny scenario ------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    out = tmp_path_factory.mktemp("tiny_run")
    return plan(TINY, out), out


def test_plan_exits_0_and_writes_every_run_file(tiny_run: tuple[Result, Path]) -> None:
    result, out = tiny_run
    assert result.exit_code == 0, result.output
    assert_no_traceback(result)
    for name in RUN_FILES:
        assert (out / name).is_file(), name
    assert not (out / "errors.csv").exists()
    assert "Status: optimal" in result.stdout or "Status: feasible" in result.stdout


def test_plan_csv_has_one_row_per_employee(tiny_run: tuple[Result, Path]) -> None:
    _, out = tiny_run
    assert header_of(out / "plan.csv") == PLAN_HEADER
    employees = read_rows(TINY / "employees.csv")
    rows = read_rows(out / "plan.csv")
    assert [row["nip"] for row in rows] == [e["nip"] for e in employees]
    assert [row["household_id"] for row in rows] == [e["household_id"] for e in employees]
    movers = [row for row in rows if row["wave_id"]]
    stayers = [row for row in rows if not row["wave_id"]]
    assert movers and stayers, "the tiny scenario has both movers and non-movers"
    for row in stayers:
        assert all(row[column] == "" for column in PLACEMENT_COLUMNS), row
        assert row["reason"] in STAY_REASONS, row
        assert row["allowance_total"] == "0", row
    for row in movers:
        assert all(row[column] != "" for column in PLACEMENT_COLUMNS), row
        assert row["reason"] == "", row
        assert int(row["unit_no"]) >= 1
        assert int(row["allowance_total"]) > 0


def test_plan_csv_keeps_households_together(tiny_run: tuple[Result, Path]) -> None:
    _, out = tiny_run
    placement_of: dict[str, tuple[str, ...]] = {}
    for row in read_rows(out / "plan.csv"):
        placement = (row["wave_id"], row["tower_id"], row["unit_no"])
        assert placement_of.setdefault(row["household_id"], placement) == placement, row


def test_plan_reasons_agree_with_screening(tiny_run: tuple[Result, Path]) -> None:
    _, out = tiny_run
    eligible = {row["nip"]: row["eligible"] for row in read_rows(out / "screening.csv")}
    for row in read_rows(out / "plan.csv"):
        if row["reason"] == "ineligible":
            assert eligible[row["nip"]] == "false", row
        else:
            assert eligible[row["nip"]] == "true", row


def test_priorities_csv(tiny_run: tuple[Result, Path]) -> None:
    _, out = tiny_run
    assert header_of(out / "priorities.csv") == "unit_id,priority,rank"
    rows = read_rows(out / "priorities.csv")
    assert sorted(row["unit_id"] for row in rows) == sorted(
        unit["unit_id"] for unit in read_rows(TINY / "units.csv")
    )
    for row in rows:
        assert re.fullmatch(r"\d+\.\d{4}", row["priority"]), row
    assert sorted(int(row["rank"]) for row in rows) == list(range(1, len(rows) + 1))
    by_rank = sorted(rows, key=lambda row: int(row["rank"]))
    priorities = [float(row["priority"]) for row in by_rank]
    assert priorities == sorted(priorities, reverse=True)


def test_screening_csv(tiny_run: tuple[Result, Path]) -> None:
    _, out = tiny_run
    assert header_of(out / "screening.csv") == "nip,eligible,merit,reasons"
    rows = read_rows(out / "screening.csv")
    assert sorted(row["nip"] for row in rows) == sorted(
        e["nip"] for e in read_rows(TINY / "employees.csv")
    )
    for row in rows:
        assert row["eligible"] in {"true", "false"}, row
        assert re.fullmatch(r"-?\d+\.\d{2}", row["merit"]), row
        assert (row["reasons"] == "") == (row["eligible"] == "true"), row
    # Slamet Riyadi is exempt: screened out, with the reason named.
    exempt = next(row for row in rows if row["nip"] == "196805151990031002")
    assert exempt["eligible"] == "false"
    assert "exempt" in exempt["reasons"].split(";")


def test_summary_json_agrees_with_plan_csv(tiny_run: tuple[Result, Path]) -> None:
    _, out = tiny_run
    summary = read_summary(out)
    assert SUMMARY_KEYS - summary.keys() == set()
    assert summary["status"] in {"optimal", "feasible"}
    assert summary["bound"] >= summary["objective"] > 0
    assert summary["conflicts"] == []
    assert summary["solve_seconds"] >= 0

    movers = [row for row in read_rows(out / "plan.csv") if row["wave_id"]]
    assert summary["movers"] == len(movers)
    assert summary["households_moved"] == len({row["household_id"] for row in movers})
    members = {h["household_id"]: int(h["members"]) for h in read_rows(TINY / "households.csv")}
    assert summary["persons_moved"] == sum(
        members[h] for h in {row["household_id"] for row in movers}
    )
    assert summary["housing_units_used"] == len(
        {(row["tower_id"], row["unit_no"]) for row in movers}
    )
    assert summary["allowance_total"] == sum(int(row["allowance_total"]) for row in movers)

    by_wave = summary["by_wave"]
    assert list(by_wave) == [w["wave_id"] for w in read_rows(TINY / "waves.csv")]
    assert sum(wave["employees"] for wave in by_wave.values()) == summary["movers"]
    assert sum(wave["persons"] for wave in by_wave.values()) == summary["persons_moved"]
    for wave_id, wave in by_wave.items():
        assert wave["employees"] == sum(1 for row in movers if row["wave_id"] == wave_id)


# --- 2. the same scenario as a workbook --------------------------------------------------


def test_workbook_gives_the_same_plan_as_the_folder(
    tiny_run: tuple[Result, Path], tmp_path: Path
) -> None:
    _, folder_out = tiny_run
    workbook = tmp_path / "tiny.xlsx"
    write_scenario_workbook(load_scenario(TINY), workbook)
    result = plan(workbook, tmp_path / "out")
    assert result.exit_code == 0, result.output
    for name in ("plan.csv", "priorities.csv", "screening.csv"):
        assert (tmp_path / "out" / name).read_bytes() == (folder_out / name).read_bytes(), name


# --- 3. determinism ----------------------------------------------------------------------


@pytest.mark.parametrize("extra", [(), ("--seed", "3", "--workers", "2")])
def test_same_options_give_the_same_bytes(tmp_path: Path, extra: tuple[str, ...]) -> None:
    first = invoke("plan", TINY, "--out", tmp_path / "a", *WORK_OPTIONS, *extra)
    second = invoke("plan", TINY, "--out", tmp_path / "b", *WORK_OPTIONS, *extra)
    assert first.exit_code == second.exit_code == 0, first.output + second.output
    for name in ("plan.csv", "priorities.csv", "screening.csv", "explanations.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


# --- 4. a refused scenario ---------------------------------------------------------------


@pytest.fixture
def broken_scenario(tmp_path: Path) -> tuple[Path, int, int]:
    """The tiny fixture with an employee's gender `X` and a unit's quota `-1`;
    returns the folder and the two broken rows (employees.csv, units.csv)."""
    folder = tmp_path / "broken"
    shutil.copytree(TINY, folder)
    employee_row = set_cell(folder / "employees.csv", "nip", "199001052015032002", "gender", "X")
    unit_row = set_cell(folder / "units.csv", "unit_id", "U2", "quota", "-1")
    return folder, employee_row, unit_row


def test_plan_refuses_a_broken_scenario(
    broken_scenario: tuple[Path, int, int], tmp_path: Path
) -> None:
    folder, employee_row, unit_row = broken_scenario
    out = tmp_path / "out"
    result = plan(folder, out)
    assert result.exit_code == 2, result.output
    assert_no_traceback(result)

    errors = out / "errors.csv"
    assert errors.is_file()
    assert header_of(errors).startswith("file,row,column,message")
    named = {(row["file"], row["row"], row["column"]) for row in read_rows(errors)}
    assert ("employees.csv", str(employee_row), "gender") in named
    assert ("units.csv", str(unit_row), "quota") in named
    for name in RUN_FILES:
        assert not (out / name).exists(), name

    stderr = flat(result.stderr)
    for row in read_rows(errors):
        assert flat(row["message"]) in stderr
    assert "employees.csv" in stderr and "'gender'" in stderr and "'X'" in stderr
    assert "units.csv" in stderr and "'quota'" in stderr and "'-1'" in stderr
    assert "Status:" not in result.stdout


def test_validate_exit_status(broken_scenario: tuple[Path, int, int]) -> None:
    folder, _, _ = broken_scenario
    refused = invoke("validate", folder)
    assert refused.exit_code == 2, refused.output
    assert_no_traceback(refused)
    assert "'gender'" in flat(refused.stderr) and "'quota'" in flat(refused.stderr)
    assert not (folder / "errors.csv").exists()

    valid = invoke("validate", TINY)
    assert valid.exit_code == 0, valid.output
    assert "8 ASN" in flat(valid.stdout)


# --- 5. no plan can obey the rules -------------------------------------------------------


def test_infeasible_scenario_exits_3_and_names_rule_8(tmp_path: Path) -> None:
    folder = tmp_path / "scenario"
    write_scenario_folder(miniature_scenario(first_wave_seats=1), folder)
    out = tmp_path / "out"
    result = plan(folder, out)
    assert result.exit_code == 3, result.output
    assert_no_traceback(result)

    summary = read_summary(out)
    assert summary["status"] == "infeasible"
    assert summary["conflicts"], summary
    text = " ".join(summary["conflicts"])
    assert "Aturan 8" in text and "U1" in text
    assert not (out / "plan.csv").exists()
    assert not (out / "explanations.csv").exists()
    assert "Aturan 8" in flat(result.stdout)


def test_infeasible_run_removes_an_earlier_plan(tmp_path: Path) -> None:
    out = tmp_path / "out"
    feasible, infeasible = tmp_path / "feasible", tmp_path / "infeasible"
    write_scenario_folder(miniature_scenario(first_wave_seats=10), feasible)
    write_scenario_folder(miniature_scenario(first_wave_seats=1), infeasible)

    first = plan(feasible, out)
    assert first.exit_code == 0, first.output
    assert (out / "plan.csv").is_file()
    assert read_summary(out)["movers"] == 3

    second = plan(infeasible, out)
    assert second.exit_code == 3, second.output
    assert not (out / "plan.csv").exists()
    assert not (out / "explanations.csv").exists()
    assert not (out / "bottlenecks.csv").exists()
    assert read_summary(out)["status"] == "infeasible"


# --- 5b. bottlenecks ----------------------------------------------------------------------


def test_plan_writes_the_bottlenecks_and_prints_the_top_ones(tmp_path: Path) -> None:
    """Ten two-person households, and seats for four in the first wave K1: K1's seats are
    the bottleneck, written first in bottlenecks.csv and printed in plain words."""
    import highspy

    # HiGHS keeps a thread's first thread count and fails runs asking for another; tests
    # elsewhere in this process may have planned with one thread, `plan` asks for two.
    highspy.Highs.resetGlobalScheduler(True)
    builder = ScenarioBuilder()
    builder.waves[0] = Wave("K1", Month(2024, 7), 8)
    for _ in range(10):
        builder.household(members=2)
    folder, out = tmp_path / "seats", tmp_path / "out"
    write_scenario_folder(builder.build(), folder)
    result = plan(folder, out, "--quiet")
    assert result.exit_code == 0, result.output

    path = out / "bottlenecks.csv"
    assert header_of(path) == BOTTLENECKS_HEADER
    rows = read_rows(path)
    assert rows, "K1's seats bind"
    first = rows[0]
    assert (first["file"], first["id"], first["column"], first["delta"]) == (
        "waves.csv",
        "K1",
        "seats",
        "+2",
    )
    assert float(first["objective_gain"]) > 0
    assert re.fullmatch(r"\d+\.\d{2}", first["objective_gain"])
    assert re.fullmatch(r"\d+\.\d", first["movers_gain"])
    gains = [float(row["objective_gain"]) for row in rows]
    assert gains == sorted(gains, reverse=True)

    summary = read_summary(out)["bottlenecks"]
    assert [entry["text_en"] for entry in summary] == [row["text_en"] for row in rows[:10]]
    assert set(summary[0]) == set(BOTTLENECKS_HEADER.split(","))

    stdout = flat(result.stdout)
    assert "Kendala utama / main bottlenecks" in stdout
    assert first["text_en"] in stdout and first["text_id"] in stdout


# --- 6. not a scenario at all ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("missing", None, "does not exist"),
        ("missing.xlsx", None, "missing"),
        ("notes.txt", "just some notes\n", "neither a scenario folder nor an .xlsx"),
        ("damaged.xlsx", "not a zip archive\n", "not an Excel .xlsx"),
    ],
)
@pytest.mark.parametrize("command", ["plan", "validate"])
def test_not_a_scenario_is_refused_readably(
    tmp_path: Path, command: str, name: str, content: str | None, expected: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    args: list[str | Path] = [command, path]
    if command == "plan":
        args += ["--out", tmp_path / "out"]
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert_no_traceback(result)
    stderr = flat(result.stderr)
    assert name in stderr
    assert expected in stderr
    assert not (tmp_path / "out" / "plan.csv").exists()


# --- 7. the demo scenario end to end -----------------------------------------------------


@pytest.mark.slow
def test_demo_data_validates_and_plans(tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    made = invoke("demo-data", demo, "--scale", "0.05", "--seed", "7")
    assert made.exit_code == 0, made.output
    for name in (*SCENARIO_CSVS, "policy.toml"):
        assert (demo / name).is_file(), name

    valid = invoke("validate", demo)
    assert valid.exit_code == 0, valid.output

    out = tmp_path / "plan"
    planned = invoke("plan", demo, "--out", out, "--time-limit", "20", "--quiet")
    assert planned.exit_code == 0, planned.output
    summary = read_summary(out)
    assert summary["status"] in {"optimal", "feasible"}
    assert summary["movers"] > 0
    assert summary["bound"] >= summary["objective"]
    rows = read_rows(out / "plan.csv")
    assert len(rows) == len(read_rows(demo / "employees.csv"))
    assert summary["movers"] == sum(1 for row in rows if row["wave_id"])


def test_demo_data_writes_a_profile_scenario(tmp_path: Path) -> None:
    out = tmp_path / "family"
    made = invoke(
        "demo-data", out, "--profile", "tight30", "--employees", "300", "--seed", "1", "-q"
    )
    assert made.exit_code == 0, made.output
    assert "tight30" in flat(made.stdout)
    assert load_scenario(out) == generate_profile("tight30", employees=300, seed=1)


def test_demo_data_refuses_an_unknown_profile_naming_the_known_ones(tmp_path: Path) -> None:
    out = tmp_path / "family"
    refused = invoke("demo-data", out, "--profile", "tight99")
    assert refused.exit_code == 2
    assert isinstance(refused.exception, SystemExit), "a sentence, not a traceback"
    stderr = flat(refused.stderr)
    assert "tight99" in stderr
    for name in PROFILES:
        assert name in stderr
    assert "Traceback" not in refused.output
    assert not out.exists()


def test_demo_data_options_of_the_other_mode_are_refused(tmp_path: Path) -> None:
    without_profile = invoke("demo-data", tmp_path / "a", "--employees", "300")
    assert without_profile.exit_code == 2
    assert "--profile" in flat(without_profile.stderr)
    scale_with_profile = invoke("demo-data", tmp_path / "b", "--profile", "roomy", "--scale", "2")
    assert scale_with_profile.exit_code == 2
    assert "--employees" in flat(scale_with_profile.stderr)


# --- 8. --quiet --------------------------------------------------------------------------


def progress_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("…")]


def test_quiet_prints_no_progress(tmp_path: Path) -> None:
    loud = plan(TINY, tmp_path / "loud")
    assert loud.exit_code == 0, loud.output
    assert progress_lines(loud.stderr), "without --quiet, progress goes to standard error"
    assert not progress_lines(loud.stdout)

    quiet = plan(TINY, tmp_path / "quiet", "--quiet")
    assert quiet.exit_code == 0, quiet.output
    assert progress_lines(quiet.stderr) == []
    assert progress_lines(quiet.stdout) == []
    assert "Status:" in quiet.stdout  # the summary itself is not progress

    quiet_validate = invoke("validate", TINY, "-q")
    quiet_demo = invoke("demo-data", tmp_path / "demo", "--scale", "0.01", "-q")
    for result in (quiet_validate, quiet_demo):
        assert result.exit_code == 0, result.output
        assert progress_lines(result.stderr) == []


# --- the installed console script ---------------------------------------------------------


def test_console_script_runs(tmp_path: Path) -> None:
    # The script next to this interpreter first: a `pionir` elsewhere on PATH is not ours.
    beside = Path(sys.executable).parent / "pionir"
    script = str(beside) if beside.exists() else shutil.which("pionir")
    assert script is not None, "the pionir console script is not installed"

    helped = subprocess.run(
        [script, "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert helped.returncode == 0, helped.stderr
    for command in ("validate", "plan", "demo-data"):
        assert command in helped.stdout

    # A real process shows what an operator would see: a message, not a traceback.
    missing = subprocess.run(
        [script, "validate", str(tmp_path / "nowhere")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr + missing.stdout
    assert "nowhere" in missing.stderr


def test_refused_run_removes_an_earlier_plan(tmp_path: Path) -> None:
    """After a refusal OUT holds errors.csv only, never a stale plan from an earlier run."""
    out = tmp_path / "out"
    good = CliRunner().invoke(app, ["plan", str(TINY), "--out", str(out), "--quiet"])
    assert good.exit_code == 0
    assert (out / "plan.csv").exists()
    broken = tmp_path / "broken"
    shutil.copytree(TINY, broken)
    employees = broken / "employees.csv"
    text = employees.read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    row = text[1].split(",")
    row[header.index("gender")] = "X"
    text[1] = ",".join(row)
    employees.write_text("\n".join(text) + "\n", encoding="utf-8")
    refused = CliRunner().invoke(app, ["plan", str(broken), "--out", str(out), "--quiet"])
    assert refused.exit_code == 2
    assert sorted(p.name for p in out.iterdir()) == ["errors.csv"]
