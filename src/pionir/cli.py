"""The `pionir` command line: validate, plan and demo-data. Thin: it calls the core and prints.

Exit status: 0 done, 2 scenario or policy refused, 3 no plan can obey the rules,
4 no plan found within the time limit.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pionir.outputs import plan_summary
from pionir.plan_summary import BottleneckEntry, CommandTiming, PlanSummary
from pionir.planner.check import PlanRejected
from pionir.planner.options import SolveProgress, SolverOptions
from pionir.planner.result import PlanStatus
from pionir.run import RUN_FILES, plan_scenario, write_run
from pionir.scenario.csv_io import write_issues_csv, write_scenario_folder
from pionir.scenario.demo import generate_demo
from pionir.scenario.errors import ScenarioRefused
from pionir.scenario.load import load_scenario
from pionir.scenario.model import Scenario
from pionir.scenario.profiles import PROFILES, generate_profile

EXIT_REFUSED = 2
EXIT_INFEASIBLE = 3
EXIT_NO_PLAN = 4
# Candidates of a `demo-data --profile` scenario without --employees: about the 2024 quota.
PROFILE_EMPLOYEES = 12_000

app = typer.Typer(
    help="Pionir: perencanaan pemindahan ASN ke IKN / relocation planning of civil servants to IKN.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False)
# Wide enough for the per-wave table when the output is a file or a pipe.
out = Console(highlight=False, width=None if sys.stdout.isatty() else 110)


class Reporter:
    """Progress lines on standard error, throttled; silent with --quiet."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self._last = 0.0

    def step(self, text: str) -> None:
        if not self.quiet:
            err.print(f"[dim]…[/dim] {text}")

    def count(self, step: str, done: int, total: int) -> None:
        now = time.monotonic()
        if self.quiet or (now - self._last < 0.5 and done < total):
            return
        self._last = now
        err.print(f"[dim]…[/dim] {step}: {done:,}/{total:,}")

    def solve(self, progress: SolveProgress) -> None:
        if self.quiet:
            return
        gap = (progress.bound - progress.objective) / progress.bound if progress.bound > 0 else 0.0
        err.print(
            f"[dim]…[/dim] solver {progress.seconds:6.1f}s  objektif/objective {progress.objective:,.1f}"
            f"  batas/bound {progress.bound:,.1f}  gap {gap:.3%}"
        )


def _load(path: Path, reporter: Reporter, errors_out: Path | None) -> Scenario:
    """Load and validate, or print every issue and exit 2."""
    reporter.step(f"membaca dan memeriksa skenario / reading and validating {path}")
    try:
        return load_scenario(path, progress=reporter.count)
    except ScenarioRefused as refused:
        for issue in refused.issues:
            err.print(str(issue), markup=False)
        err.print(
            f"[bold red]Skenario ditolak: {len(refused.issues)} masalah / "
            f"scenario refused: {len(refused.issues)} problem(s)[/bold red]"
        )
        if errors_out is not None:
            errors_out.mkdir(parents=True, exist_ok=True)
            # An earlier run's plan must not pass for the answer to this refused scenario.
            for name in RUN_FILES:
                (errors_out / name).unlink(missing_ok=True)
            write_issues_csv(list(refused.issues), errors_out / "errors.csv")
            err.print(f"Daftar masalah / problem list: {errors_out / 'errors.csv'}")
        raise typer.Exit(EXIT_REFUSED) from None


@app.command()
def validate(
    scenario: Annotated[
        Path, typer.Argument(help="Folder CSV atau berkas .xlsx / CSV folder or .xlsx")
    ],
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Tanpa progres / no progress")
    ] = False,
) -> None:
    """Periksa skenario tanpa merencanakan / check a scenario without planning."""
    loaded = _load(scenario, Reporter(quiet), None)
    out.print(
        f"Skenario sah / scenario valid: {len(loaded.agencies)} K/L, {len(loaded.units)} unit kerja, "
        f"{len(loaded.employees):,} ASN, {len(loaded.waves)} kloter."
    )


def print_summary(summary: PlanSummary, out_dir: Path) -> None:
    """A readable summary of a run on standard output."""
    out.print(f"\n[bold]Status:[/bold] {summary.status.value}")
    if summary.has_plan:
        out.print(
            f"Pindah / moving: [bold]{summary.movers:,}[/bold] ASN, "
            f"{summary.households_moved:,} rumah tangga / households, "
            f"{summary.persons_moved:,} jiwa / persons, "
            f"{summary.housing_units_used:,} unit hunian / flats"
        )
        out.print(
            f"Objektif / objective {summary.objective:,.2f}; batas terbukti / proven bound "
            f"{summary.bound:,.2f}; gap {summary.gap:.3%}; "
            f"tunjangan pionir / allowance Rp{summary.allowance_total:,} "
            f"dari / of Rp{summary.budget:,}"
        )
        table = Table(title="Per kloter / per wave")
        for header in (
            "Kloter\nwave",
            "Bulan\nmonth",
            "ASN",
            "Jiwa/kursi\nseats",
            "Hunian\nflats",
            "Sekolah\nschools",
            "Mengikat\nbinding",
        ):
            table.add_column(header, no_wrap=True)
        for wave in summary.waves:
            binding = summary.binding_in(wave.wave_id)
            table.add_row(
                wave.wave_id,
                wave.month,
                f"{wave.employees:,}",
                f"{wave.persons:,}/{wave.seats:,}",
                f"{wave.flats_used:,}/{wave.flats_ready:,}",
                f"{wave.pupils:,}/{wave.school_places:,}",
                # The capacities that keep most eligible households out, biggest first.
                ", ".join(sorted(binding, key=lambda code: -binding[code])[:3]) or "-",
            )
        out.print(table)
        screening = summary.screening
        out.print(
            f"Penapisan / screening: {screening.employees:,} kandidat / candidates, "
            f"{screening.eligible:,} memenuhi syarat / eligible, {screening.movable:,} dapat "
            "pindah bersama rumah tangga / movable with household"
        )
        _print_bottlenecks(summary.bottlenecks)
    for message in summary.conflicts:
        out.print(f"[red]•[/red] {message}", markup=True)
    out.print(f"\nBerkas / files: {out_dir.resolve()}")


def _print_bottlenecks(bottlenecks: tuple[BottleneckEntry, ...]) -> None:
    """The top bottlenecks in plain words, with the objective each change would gain."""
    if not bottlenecks:
        return
    table = Table(title="Kendala utama / main bottlenecks")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Perubahan / change")
    table.add_column("Objektif\nobjective", justify="right", no_wrap=True)
    for rank, bottleneck in enumerate(bottlenecks, start=1):
        table.add_row(
            str(rank),
            f"{escape(bottleneck.text_id)}\n[dim]{escape(bottleneck.text_en)}[/dim]",
            f"+{bottleneck.objective_gain:,.1f}",
        )
    out.print(table)


@app.command()
def plan(
    scenario: Annotated[
        Path, typer.Argument(help="Folder CSV atau berkas .xlsx / CSV folder or .xlsx")
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder hasil / output folder")],
    time_limit: Annotated[
        float,
        typer.Option(
            "--time-limit", min=0.1, help="Batas waktu pencarian (detik) / search limit (s)"
        ),
    ] = 60.0,
    work_limit: Annotated[
        float | None,
        typer.Option(
            "--work-limit",
            min=0.1,
            help="Anggaran kerja deterministik, menggantikan --time-limit: hasil sama persis "
            "setiap kali / deterministic work budget instead of --time-limit: byte-identical reruns",
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Benih acak solver / solver seed")] = 0,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Thread solver / solver threads")
    ] = 4,
    gap: Annotated[
        float,
        typer.Option(
            "--gap",
            min=0.0,
            max=1.0,
            help="Berhenti bila terbukti sedekat ini ke batas (0 = buktikan optimal) / "
            "stop once proven this close to the bound (0 = prove optimal)",
        ),
    ] = 1e-4,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Tanpa progres / no progress")
    ] = False,
) -> None:
    """Rencanakan pemindahan / plan the relocation: who moves in which wave, flat and office."""
    reporter = Reporter(quiet)
    read_started = time.perf_counter()
    loaded = _load(scenario, reporter, out_dir)
    read_seconds = time.perf_counter() - read_started
    limit = (
        f"anggaran kerja / work limit {work_limit:g}"
        if work_limit is not None
        else f"batas waktu / time limit {time_limit:g}s"
    )
    reporter.step(f"merencanakan / planning {len(loaded.employees):,} ASN, {limit}")
    options = SolverOptions(
        time_limit=time_limit,
        work_limit=work_limit,
        seed=seed,
        workers=workers,
        relative_gap=gap,
        progress=reporter.solve,
    )
    plan_started = time.perf_counter()
    try:
        report = plan_scenario(loaded, options)
    except PlanRejected as rejected:
        err.print("[bold red]Rencana ditolak pemeriksa / plan rejected by the checker:[/bold red]")
        for violation in rejected.violations[:20]:
            err.print(f"  {violation}", markup=False)
        raise typer.Exit(1) from None
    timing = CommandTiming(
        limit="work" if work_limit is not None else "wall",
        time_limit=time_limit,
        work_limit=work_limit,
        read_seconds=round(read_seconds, 2),
        plan_seconds=round(time.perf_counter() - plan_started, 2),
        write_seconds=0.0,  # write_run measures it
    )
    write_run(report, out_dir, timing)
    print_summary(plan_summary(report), out_dir)
    if report.result.status == PlanStatus.INFEASIBLE:
        raise typer.Exit(EXIT_INFEASIBLE)
    if report.result.plan is None:
        err.print(
            "Tidak ada rencana dalam batas waktu; naikkan --time-limit / no plan in time; raise --time-limit"
        )
        raise typer.Exit(EXIT_NO_PLAN)


@app.command("demo-data")
def demo_data(
    out_dir: Annotated[Path, typer.Argument(help="Folder tujuan / target folder")],
    scale: Annotated[
        float | None,
        typer.Option(
            "--scale", min=0.01, help="1 = 11.916 ASN (2024), 3 ≈ 33.000; bawaan / default 1"
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Benih acak / random seed")] = 2024,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            help="Keluarga skenario uji (kapasitas dari profil) / a generated scenario "
            "family (capacities from the profile), e.g. tight15, roomy",
        ),
    ] = None,
    employees: Annotated[
        int | None,
        typer.Option(
            "--employees",
            min=1,
            help="Jumlah kandidat dengan --profile / candidates with --profile; "
            f"bawaan / default {PROFILE_EMPLOYEES:,}",
        ),
    ] = None,
    xlsx: Annotated[
        bool, typer.Option("--xlsx", help="Juga tulis buku kerja / also write a workbook")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Tanpa progres / no progress")
    ] = False,
) -> None:
    """Tulis skenario demo realistis 2024, atau skenario uji dengan --profile / write the realistic 2024 demo scenario, or a test family's with --profile."""
    reporter = Reporter(quiet)
    if profile is None:
        if employees is not None:
            _refuse_option(
                "--employees hanya berlaku dengan --profile; untuk demo gunakan --scale.",
                "--employees applies only with --profile; for the demo use --scale.",
            )
        demo_scale = 1.0 if scale is None else scale
        reporter.step(
            f"membuat skenario demo / generating demo scenario (scale {demo_scale:g}, seed {seed})"
        )
        scenario = generate_demo(scale=demo_scale, seed=seed, progress=reporter.count)
        what = "Skenario demo / demo scenario"
    else:
        if profile not in PROFILES:
            known = ", ".join(PROFILES)
            _refuse_option(
                f"Profil '{profile}' tidak dikenal; profil yang ada: {known}.",
                f"Unknown profile '{profile}'; the known profiles are: {known}.",
            )
        if scale is not None:
            _refuse_option(
                "--scale tidak berlaku dengan --profile; gunakan --employees.",
                "--scale does not apply with --profile; use --employees.",
            )
        size = PROFILE_EMPLOYEES if employees is None else employees
        reporter.step(
            f"membuat skenario profil / generating profile scenario {profile} "
            f"({size:,} ASN, seed {seed})"
        )
        scenario = generate_profile(profile, employees=size, seed=seed)
        what = f"Skenario profil / profile scenario {profile}"
    write_scenario_folder(scenario, out_dir)
    if xlsx:
        from pionir.scenario.xlsx_io import write_scenario_workbook

        write_scenario_workbook(scenario, out_dir / "scenario.xlsx")
    quota = sum(u.quota for u in scenario.units)
    out.print(
        f"{what}: {len(scenario.agencies)} K/L, {len(scenario.units)} unit kerja, "
        f"kuota / quota {quota:,}, {len(scenario.employees):,} kandidat / candidates -> {out_dir.resolve()}"
    )


def _refuse_option(message: str, message_en: str) -> NoReturn:
    """A command line that cannot be carried out: one sentence, exit 2, no traceback."""
    err.print(f"{message} / {message_en}", markup=False)
    raise typer.Exit(EXIT_REFUSED)


from pionir.cli_server import register  # noqa: E402  (after the core commands, in help order)

register(app)


def main() -> None:
    from pionir.config import SettingRefused

    try:
        app()
    except SettingRefused as refused:
        # A mistyped environment variable is the operator's to fix: a sentence, no traceback.
        typer.echo(str(refused), err=True)
        raise SystemExit(2) from None
