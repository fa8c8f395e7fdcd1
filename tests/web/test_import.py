"""Scenario import: workbook and zip of CSVs, every problem listed, nothing stored on refusal."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from pionir.db.tables import PersonRow, ScenarioRecord, ScenarioVersion
from pionir.scenario.csv_io import write_scenario_folder
from pionir.scenario.xlsx_io import write_scenario_workbook
from pionir.services.archive import _unpack
from tests.web.conftest import USERNAMES, World, log_in, small_demo


@pytest.fixture(scope="module")
def demo_workbook(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("workbook") / "demo.xlsx"
    write_scenario_workbook(small_demo(), path)
    return path.read_bytes()


def _stored(world: World) -> tuple[int, int, int]:
    with world.session() as db:
        return (
            db.scalar(select(func.count()).select_from(ScenarioRecord)) or 0,
            db.scalar(select(func.count()).select_from(ScenarioVersion)) or 0,
            db.scalar(select(func.count()).select_from(PersonRow)) or 0,
        )


def _broken(workbook: bytes) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    employees = book["employees"]
    header = [cell.value for cell in employees[1]]
    employees.cell(row=3, column=header.index("education") + 1, value="XX")
    employees.cell(row=5, column=header.index("digital_literacy") + 1, value="banyak")
    towers = book["towers"]
    tower_header = [cell.value for cell in towers[1]]
    towers.cell(row=2, column=tower_header.index("units") + 1, value=-4)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_workbook_import_stores_a_version_with_its_people(
    client: TestClient, world: World, demo_workbook: bytes
) -> None:
    csrf = log_in(client, USERNAMES["planner"])
    response = client.post(
        "/api/scenarios",
        files={"file": ("rencana-2024.xlsx", demo_workbook)},
        data={"name": "Rencana 2024"},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 201, response.text
    version = response.json()
    assert version["number"] == 1
    assert version["counts"]["employees"] == len(world.scenario.employees)
    with world.session() as db:
        people = db.scalar(select(func.count()).where(PersonRow.version_id == version["id"]))
    assert people == len(world.scenario.employees)
    again = client.post(
        "/api/scenarios",
        files={"file": ("rencana-2024.xlsx", demo_workbook)},
        data={"scenario_id": str(version["scenario_id"]), "note": "ulang"},
        headers={"X-CSRF-Token": csrf},
    )
    assert again.status_code == 201
    assert again.json()["number"] == 2
    assert again.json()["scenario_id"] == version["scenario_id"]


def test_zip_of_csvs_imports_like_the_workbook(
    client: TestClient, world: World, tmp_path: Path
) -> None:
    folder = tmp_path / "skenario"
    write_scenario_folder(small_demo(), folder)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in folder.iterdir():
            archive.write(path, f"skenario/{path.name}")
    csrf = log_in(client, USERNAMES["planner"])
    response = client.post(
        "/api/scenarios",
        files={"file": ("skenario.zip", buffer.getvalue())},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 201, response.text
    assert response.json()["counts"]["employees"] == len(world.scenario.employees)


def test_broken_workbook_lists_every_problem_and_stores_nothing(
    client: TestClient, world: World, demo_workbook: bytes
) -> None:
    csrf = log_in(client, USERNAMES["planner"])
    before = _stored(world)
    response = client.post(
        "/api/scenarios",
        files={"file": ("kl-data.xlsx", _broken(demo_workbook))},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 422
    issues = response.json()["issues"]
    where = {(i["file"], i["row"], i["column"]) for i in issues}
    assert ("kl-data.xlsx [employees]", 2, "education") in where
    assert ("kl-data.xlsx [employees]", 4, "digital_literacy") in where
    assert ("kl-data.xlsx [towers]", 1, "units") in where
    assert all(i["message"] and i["message_en"] for i in issues)
    assert _stored(world) == before


def test_broken_workbook_page_shows_the_error_table(
    client: TestClient, world: World, demo_workbook: bytes
) -> None:
    csrf = log_in(client, USERNAMES["planner"])
    before = _stored(world)
    page = client.post(
        "/scenarios/import",
        data={"csrf_token": csrf, "name": "rusak"},
        files={"file": ("kl-data.xlsx", _broken(demo_workbook))},
    )
    assert page.status_code == 422
    assert "Impor ditolak" in page.text
    assert "<td>kl-data.xlsx [employees]</td><td>2</td><td>education</td>" in page.text
    assert _stored(world) == before


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("data.xlsx", b"PK\x03\x04 bukan workbook", "rusak dan tidak dapat dibuka"),
        ("data.zip", b"bukan zip", "bukan arsip .zip yang utuh"),
        ("data.pdf", b"%PDF", "Unggah workbook .xlsx atau arsip .zip"),
    ],
)
def test_unreadable_uploads_are_refused_in_plain_words(
    client: TestClient, world: World, name: str, data: bytes, expected: str
) -> None:
    csrf = log_in(client, USERNAMES["planner"])
    before = _stored(world)
    response = client.post(
        "/api/scenarios", files={"file": (name, data)}, headers={"X-CSRF-Token": csrf}
    )
    assert response.status_code == 422
    issue = response.json()["issues"][0]
    assert issue["file"] == name
    assert expected in issue["message"]
    assert _stored(world) == before


def test_zip_paths_cannot_escape_the_upload_folder(
    client: TestClient, world: World, tmp_path: Path
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../escaped.csv", "x")
        archive.writestr("/etc/absolute.csv", "x")
        archive.writestr("agencies.csv", "agency_id,name,spbe_index\n")
    # Unpacked two levels down, '../../' would land in tmp_path itself.
    target = tmp_path / "upload" / "scenario"
    _unpack(buffer.getvalue(), "jahat.zip", target)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.csv")) == [
        "upload/scenario/agencies.csv"
    ]
    csrf = log_in(client, USERNAMES["planner"])
    response = client.post(
        "/api/scenarios",
        files={"file": ("jahat.zip", buffer.getvalue())},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 422


def test_template_is_a_workbook_the_importer_accepts(client: TestClient) -> None:
    csrf = log_in(client, USERNAMES["planner"])
    template = client.get("/scenarios/template.xlsx")
    assert template.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(template.content))
    assert {"agencies", "units", "employees", "towers", "waves"} <= set(book.sheetnames)
    imported = client.post(
        "/api/scenarios",
        files={"file": ("template.xlsx", template.content)},
        headers={"X-CSRF-Token": csrf},
    )
    assert imported.status_code == 201, imported.text
