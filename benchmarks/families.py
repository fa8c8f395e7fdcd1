"""The scenario families of `pionir.scenario.profiles`: list them, write them, hand them out.

Run by hand:

    python benchmarks/families.py --list
    python benchmarks/families.py OUT --families tight15 roomy --employees 12000 --seeds 0 1 2

The second form writes one scenario folder per family and seed, OUT/<family>-s<seed>/,
each readable by `pionir validate` and `pionir plan`.

Other benchmark scripts take their instances from here (benchmarks/ is not a package):

    sys.path.insert(0, str(Path(__file__).parent))
    from families import family_instances

    for name, seed, scenario in family_instances(12_000, [0, 1], ["tight15", "roomy"]):
        ...
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from pionir.scenario.csv_io import write_scenario_folder
from pionir.scenario.model import Scenario
from pionir.scenario.profiles import PROFILES, Profile, generate_profile, unknown_profile_message


def family_instances(
    employees: int, seeds: Sequence[int], names: Sequence[str] | None = None
) -> Iterator[tuple[str, int, Scenario]]:
    """(family, seed, scenario) for each named family (all when None) and seed, in order.

    Scenarios are generated one at a time, as they are asked for, so a long run holds one
    scenario at a time. An unknown name is refused before any is generated.
    """
    chosen = list(PROFILES) if names is None else list(names)
    unknown = [name for name in chosen if name not in PROFILES]
    if unknown:
        raise KeyError(unknown_profile_message(unknown[0]))
    for name in chosen:
        for seed in seeds:
            yield name, seed, generate_profile(name, employees=employees, seed=seed)


def _knob_text(profile: Profile) -> str:
    """The knobs that differ from a plain Profile's, as `name=value` pairs."""
    plain = Profile("", "", "")
    changed = {
        name: value for name, value in profile.knobs().items() if plain.knobs()[name] != value
    }
    parts = []
    for name, value in changed.items():
        if name == "pairwise" and isinstance(value, tuple):
            value = "[" + "; ".join(" ".join(f"{x:.3g}" for x in row) for row in value) + "]"
        parts.append(f"{name}={value}")
    return ", ".join(parts) or "(defaults)"


def print_list() -> None:
    plain = Profile("", "", "")
    defaults = ", ".join(f"{name}={value}" for name, value in plain.knobs().items())
    print(f"Defaults of every profile: {defaults}\n")
    for profile in PROFILES.values():
        print(f"{profile.name}: {profile.description}")
        print(f"    {profile.description_id}")
        print(f"    {_knob_text(profile)}")


def write_families(
    out: Path, names: Sequence[str] | None, employees: int, seeds: Sequence[int]
) -> None:
    started = time.perf_counter()
    for name, seed, scenario in family_instances(employees, seeds, names):
        folder = out / f"{name}-s{seed}"
        write_scenario_folder(scenario, folder)
        print(
            f"{folder}: {len(scenario.employees):,} candidates, {len(scenario.units)} units, "
            f"{len(scenario.waves)} waves, {len(scenario.towers)} towers, "
            f"{len(scenario.buildings)} buildings "
            f"({time.perf_counter() - started:.1f} s to generate and write)"
        )
        started = time.perf_counter()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, help="folder for the scenario folders")
    parser.add_argument("--list", action="store_true", help="list the families and their knobs")
    parser.add_argument("--families", nargs="+", metavar="NAME", help="default: all of them")
    parser.add_argument("--employees", type=int, default=12_000)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    args = parser.parse_args(argv)
    if args.list:
        print_list()
        return 0
    if args.out is None:
        parser.error("give OUT, or --list")
    unknown = [name for name in args.families or () if name not in PROFILES]
    if unknown:
        parser.error(unknown_profile_message(unknown[0]))
    write_families(args.out, args.families, args.employees, args.seeds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
