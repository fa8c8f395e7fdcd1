"""The demo scenario: the 2024 priority-1 plan, valid, realistic and reproducible."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from pionir.scenario.csv_io import write_scenario_folder
from pionir.scenario.demo import generate_demo, nip_for
from pionir.scenario.load import load_scenario
from pionir.scenario.model import (
    EDUCATION_RANK,
    FACILITY_KINDS,
    FUNCTIONS,
    GRADE_PATTERN,
    PERFORMANCE_SCORE,
    POSITION_TYPES,
    STATUSES,
    Month,
    Scenario,
)

# The 38 priority-1 K/L of the 2024 plan by their official names.
PRIORITY_1_NAMES = {
    "Sekretariat Jenderal Dewan Perwakilan Rakyat Republik Indonesia",
    "Sekretariat Jenderal Dewan Perwakilan Daerah Republik Indonesia",
    "Sekretariat Jenderal Majelis Permusyawaratan Rakyat Republik Indonesia",
    "Sekretariat Jenderal Badan Pemeriksa Keuangan",
    "Mahkamah Agung Republik Indonesia",
    "Komisi Yudisial Republik Indonesia",
    "Kementerian Koordinator Bidang Kemaritiman dan Investasi",
    "Kementerian Koordinator Bidang Perekonomian",
    "Kementerian Koordinator Bidang Politik, Hukum, dan Keamanan",
    "Kementerian Koordinator Bidang Pembangunan Manusia dan Kebudayaan",
    "Kementerian Pertahanan",
    "Kementerian Dalam Negeri",
    "Kementerian Luar Negeri",
    "Kementerian Hukum dan Hak Asasi Manusia",
    "Kementerian Keuangan",
    "Kementerian Pekerjaan Umum dan Perumahan Rakyat",
    "Kementerian Perencanaan Pembangunan Nasional/Badan Perencanaan Pembangunan Nasional",
    "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi",
    "Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional",
    "Kementerian Sekretariat Negara",
    "Kementerian Lingkungan Hidup dan Kehutanan",
    "Kementerian Energi dan Sumber Daya Mineral",
    "Kementerian Kesehatan",
    "Kementerian Perdagangan",
    "Kementerian Komunikasi dan Informatika",
    "Sekretariat Kabinet Republik Indonesia",
    "Badan Meteorologi, Klimatologi, dan Geofisika",
    "Badan Pangan Nasional",
    "Badan Pembinaan Ideologi Pancasila",
    "Badan Intelijen Negara",
    "Kantor Staf Presiden",
    "Badan Siber dan Sandi Negara",
    "Badan Nasional Penanggulangan Bencana",
    "Dewan Pertimbangan Presiden",
    "Komisi Pemberantasan Korupsi",
    "Kejaksaan Republik Indonesia",
    "Badan Pengawasan Keuangan dan Pembangunan",
    "Badan Nasional Pengelola Perbatasan",
}
SCHOOLS = {
    "TK-MITRA-PRADANA",
    "SDN-004-PPU",
    "SDN-007-PPU",
    "SDN-014-PPU",
    "SDN-017-PPU",
    "SDN-020-PPU",
    "SMPN-27-PPU",
    "SMAN-3-PPU",
    "SMKN-1-PPU",
}
# First day of (last wave month + 12 months) under the default policy.
RETIREMENT_CUTOFF = date(2025, 12, 1)


@pytest.fixture(scope="module")
def demo() -> Scenario:
    return generate_demo()


@pytest.fixture(scope="module")
def unit_of_employee(demo: Scenario) -> list[str]:
    unit_of_position = {p.position_id: p.unit_id for p in demo.positions}
    return [unit_of_position[e.position_id] for e in demo.employees]


def structural_problems(scenario: Scenario) -> list[str]:
    """Broken rules of the planning model's validation, checked here independently."""
    problems: list[str] = []
    tables = {
        "agencies": [a.agency_id for a in scenario.agencies],
        "units": [u.unit_id for u in scenario.units],
        "positions": [p.position_id for p in scenario.positions],
        "employees": [e.nip for e in scenario.employees],
        "households": [h.household_id for h in scenario.households],
        "towers": [t.tower_id for t in scenario.towers],
        "buildings": [b.building_id for b in scenario.buildings],
        "facilities": [f.facility_id for f in scenario.facilities],
        "waves": [w.wave_id for w in scenario.waves],
    }
    for name, ids in tables.items():
        if not ids:
            problems.append(f"{name} is empty")
        if len(set(ids)) != len(ids):
            problems.append(f"{name} has duplicate ids")
    agencies, units = set(tables["agencies"]), set(tables["units"])
    positions, households = set(tables["positions"]), set(tables["households"])
    problems += [f"agency of {u.unit_id}" for u in scenario.units if u.agency_id not in agencies]
    problems += [f"unit {u.unit_id}" for u in scenario.units if u.function not in FUNCTIONS]
    problems += [
        f"unit {u.unit_id} ranges"
        for u in scenario.units
        if not (0 <= u.digital_readiness <= 5 and u.quota >= 0)
    ]
    problems += [
        f"position {p.position_id}"
        for p in scenario.positions
        if p.unit_id not in units
        or p.position_type not in POSITION_TYPES
        or not (1 <= p.required_general <= 5 and 1 <= p.required_technical <= 5)
    ]
    for e in scenario.employees:
        scores = (e.digital_literacy, e.multitasking, e.ikn_principles, e.berakhlak)
        if (
            e.position_id not in positions
            or e.household_id not in households
            or not GRADE_PATTERN.match(e.grade)
            or e.education not in EDUCATION_RANK
            or e.performance not in PERFORMANCE_SCORE
            or e.status not in STATUSES
            or not (1 <= e.general <= 5 and 1 <= e.technical <= 5)
            or not all(0 <= s <= 100 for s in scores)
        ):
            problems.append(f"employee {e.nip}")
    employees = Counter(e.household_id for e in scenario.employees)
    problems += [
        f"household {h.household_id}"
        for h in scenario.households
        if h.members < max(1, employees[h.household_id]) or h.school_age_children < 0
    ]
    problems += [
        f"facility {f.facility_id}" for f in scenario.facilities if f.kind not in FACILITY_KINDS
    ]
    months = [w.month for w in scenario.waves]
    if months != sorted(set(months)):
        problems.append("wave months do not strictly increase")
    return problems


def test_the_38_priority_1_agencies_with_their_names(demo: Scenario) -> None:
    assert len(demo.agencies) == 38
    assert {a.name for a in demo.agencies} == PRIORITY_1_NAMES
    spbe = {a.agency_id: a.spbe_index for a in demo.agencies}
    assert spbe["KEMENKO-POLHUKAM"] == 3.01
    assert spbe["KEMENKO-EKON"] == 3.72
    assert spbe["PANRB"] == 3.97
    assert all(1.8 <= value <= 5 for value in spbe.values())


def test_179_units_with_quotas_adding_up_to_11916(demo: Scenario) -> None:
    assert len(demo.units) == 179
    assert sum(u.quota for u in demo.units) == 11_916
    assert all(u.quota >= 1 for u in demo.units)
    assert 30 <= sum(u.miniature for u in demo.units) <= 50
    assert {u.function for u in demo.units} == set(FUNCTIONS)
    assert {u.agency_id for u in demo.units} == {a.agency_id for a in demo.agencies}


def test_the_scenario_obeys_every_validation_rule(demo: Scenario) -> None:
    assert structural_problems(demo) == []


def test_every_candidate_pool_is_larger_than_the_quota(
    demo: Scenario, unit_of_employee: list[str]
) -> None:
    pool = Counter(unit_of_employee)
    assert all(pool[u.unit_id] > u.quota for u in demo.units)
    assert len(demo.employees) > sum(u.quota for u in demo.units)


def test_housing_batches_of_2024(demo: Scenario) -> None:
    assert len(demo.towers) == 29
    assert all(t.units == 60 and t.bedrooms == 3 for t in demo.towers)
    by_month = Counter(str(t.ready_month) for t in demo.towers)
    assert by_month == {"2024-07": 8, "2024-09": 14, "2024-11": 7}


def test_office_towers_seat_9465(demo: Scenario) -> None:
    assert len(demo.buildings) == 15
    assert sum(b.desks for b in demo.buildings) == 9_465
    assert all(Month(2024, 7) <= b.ready_month <= Month(2024, 10) for b in demo.buildings)


def test_schools_and_health_facilities(demo: Scenario) -> None:
    schools = {f.facility_id for f in demo.facilities if f.kind == "school"}
    assert schools == SCHOOLS
    health = {f.facility_id: f.ready_month for f in demo.facilities if f.kind == "health"}
    assert health["RS-HERMINA-NUSANTARA"] == Month(2024, 10)


def test_six_waves_from_july_to_december_2024(demo: Scenario) -> None:
    assert [w.wave_id for w in demo.waves] == ["K1", "K2", "K3", "K4", "K5", "K6"]
    assert [w.month for w in demo.waves] == [Month(2024, m) for m in range(7, 13)]
    assert all(1_000 <= w.seats <= 3_000 for w in demo.waves)


def test_nips_are_valid_unique_and_match_the_row(demo: Scenario) -> None:
    nips = [e.nip for e in demo.employees]
    assert len(set(nips)) == len(nips)
    sequences: dict[str, list[int]] = {}
    for e in demo.employees:
        assert re.fullmatch(r"\d{18}", e.nip)
        assert e.nip[:8] == e.birth_date.strftime("%Y%m%d")
        appointed = Month(int(e.nip[8:12]), int(e.nip[12:14]))
        assert Month(e.birth_date.year + 18, e.birth_date.month) <= appointed <= Month(2024, 7)
        assert e.nip[14] == {"L": "1", "P": "2"}[e.gender]
        sequences.setdefault(e.nip[:15], []).append(int(e.nip[15:]))
    assert all(found == list(range(1, len(found) + 1)) for found in sequences.values())


def test_nip_for_follows_the_bkn_layout() -> None:
    assert nip_for(date(1986, 9, 26), (2015, 5), "L", 1) == "198609262015051001"
    assert nip_for(date(1990, 1, 2), (2014, 12), "P", 12) == "199001022014122012"
    with pytest.raises(ValueError):
        nip_for(date(1990, 1, 2), (2014, 13), "P", 1)


def test_households(demo: Scenario) -> None:
    employees = Counter(e.household_id for e in demo.employees)
    households = demo.households
    assert all(h.members >= employees[h.household_id] + h.school_age_children for h in households)
    assert all(0 <= h.school_age_children <= 3 and h.members <= 6 for h in households)
    singles = sum(h.members == 1 for h in households) / len(households)
    assert 0.35 <= singles <= 0.50
    assert sum(count == 2 for count in employees.values()) > 100
    assert 0.04 <= sum(h.needs_health for h in households) / len(households) <= 0.09


def test_asn_couples_are_a_man_and_a_woman(demo: Scenario) -> None:
    genders: dict[str, list[str]] = {}
    for e in demo.employees:
        genders.setdefault(e.household_id, []).append(e.gender)
    assert all(sorted(g) == ["L", "P"] for g in genders.values() if len(g) == 2)


def test_population_follows_the_published_profile(demo: Scenario) -> None:
    n = len(demo.employees)

    def share(counts: Counter[str], key: str) -> float:
        return 100 * counts[key] / n

    sex = Counter(e.gender for e in demo.employees)
    assert abs(share(sex, "L") - 54) <= 3
    assert abs(share(sex, "P") - 46) <= 3
    education = Counter(e.education for e in demo.employees)
    assert abs(share(education, "S1") - 51.3) <= 3
    assert abs(share(education, "S2") - 26.7) <= 3
    assert abs(share(education, "D3") - 14.8) <= 3
    assert sum(EDUCATION_RANK[e.education] < EDUCATION_RANK["D3"] for e in demo.employees) > 0
    bands = Counter(
        "<30" if age < 30 else "30s" if age < 40 else "40s" if age < 50 else "50+"
        for age in ((date(2024, 7, 1) - e.birth_date).days / 365.25 for e in demo.employees)
    )
    for band, expected in (("<30", 17), ("30s", 34.5), ("40s", 28.8), ("50+", 19.8)):
        assert abs(share(bands, band) - expected) <= 4
    types = {p.position_id: p.position_type for p in demo.positions}
    posts = Counter(types[e.position_id] for e in demo.employees)
    assert abs(share(posts, "fungsional") - 51) <= 3
    assert abs(share(posts, "pelaksana") - 39) <= 3
    performance = Counter(e.performance for e in demo.employees)
    assert abs(share(performance, "sangat_baik") - 25) <= 3
    assert abs(share(performance, "butuh_perbaikan") - 8) <= 2
    assert performance["kurang"] > 0 and performance["sangat_kurang"] > 0
    assert abs(100 * sum(e.status == "exempt" for e in demo.employees) / n - 3) <= 1
    grades = Counter(e.grade.split("/")[0] for e in demo.employees)
    assert grades.most_common(1)[0][0] == "III"
    low_digital = sum(e.digital_literacy < 60 for e in demo.employees) / n
    assert 0.08 <= low_digital <= 0.25


def test_grades_fit_the_post(demo: Scenario) -> None:
    types = {p.position_id: p.position_type for p in demo.positions}
    for e in demo.employees:
        if types[e.position_id] == "jpt":
            assert e.grade in ("IV/c", "IV/d", "IV/e")


def test_competency_mostly_meets_the_post(demo: Scenario) -> None:
    required = {p.position_id: p for p in demo.positions}
    below = sum(e.general < required[e.position_id].required_general for e in demo.employees)
    assert 0.05 <= below / len(demo.employees) <= 0.25


def test_some_employees_would_be_retiring(demo: Scenario) -> None:
    types = {p.position_id: p.position_type for p in demo.positions}

    def retires_on(birth: date, age: int) -> date:
        if birth.month == 2 and birth.day == 29:
            return date(birth.year + age, 2, 28)
        return birth.replace(year=birth.year + age)

    retiring = sum(
        retires_on(e.birth_date, 60 if types[e.position_id] in ("jpt", "fungsional") else 58)
        < RETIREMENT_CUTOFF
        for e in demo.employees
    )
    assert 0 < retiring < 0.1 * len(demo.employees)


def test_scale_3_has_three_times_the_quota(demo: Scenario) -> None:
    larger = generate_demo(scale=3)
    assert len(larger.units) == 537
    assert sum(u.quota for u in larger.units) == 35_748
    assert len(larger.employees) > 2.5 * len(demo.employees)
    assert len(larger.towers) == 87
    assert sum(b.desks for b in larger.buildings) == 3 * 9_465
    assert len(larger.buildings) == 15
    assert any("(Prioritas 3)" in u.name for u in larger.units)
    assert structural_problems(larger) == []


def test_same_seed_same_scenario_other_seed_other_people(demo: Scenario) -> None:
    assert generate_demo() == demo
    other = generate_demo(seed=7)
    assert other.units == demo.units
    assert [e.nip for e in other.employees] != [e.nip for e in demo.employees]


def test_a_small_scale_gives_a_small_valid_scenario(tmp_path: Path) -> None:
    small = generate_demo(scale=0.05)
    assert len(small.units) == 9
    assert sum(u.quota for u in small.units) == 596
    assert all(u.miniature for u in small.units)
    assert len(small.towers) == 3
    assert structural_problems(small) == []
    write_scenario_folder(small, tmp_path / "demo")
    assert load_scenario(tmp_path / "demo") == small


def test_progress_is_reported() -> None:
    calls: list[tuple[str, int, int]] = []
    generate_demo(scale=0.1, progress=lambda stage, done, total: calls.append((stage, done, total)))
    assert calls[0] == ("generate", 0, calls[0][2])
    assert calls[-1][1] == calls[-1][2] > 0
    assert {stage for stage, _, _ in calls} == {"generate"}


@pytest.mark.parametrize("scale", [0.0, -1.0, float("nan"), float("inf")])
def test_a_scale_that_is_not_positive_is_refused(scale: float) -> None:
    with pytest.raises(ValueError):
        generate_demo(scale=scale)
