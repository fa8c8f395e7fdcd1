"""Exports of a finished run: the workbook and the cabinet brief, scoped to the reader."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from pionir.db.tables import PlacementRow, PlanRun
from pionir.services.exports.brief import plan_brief
from pionir.services.exports.words import number
from pionir.services.exports.workbook import SHEETS
from tests.web.conftest import USERNAMES, World, log_in

WORKBOOK_PATHS = ("/runs/{id}/export.xlsx", "/api/runs/{id}/export.xlsx")
BRIEF_PATHS = ("/runs/{id}/brief.pdf", "/api/runs/{id}/brief.pdf")


def download(client: TestClient, role: str, path: str, world: World) -> bytes:
    log_in(client, USERNAMES[role])
    response = client.get(path.format(id=world.run_id))
    assert response.status_code == 200, response.text
    return bytes(response.content)


def sheet_rows(content: bytes, sheet: str) -> list[tuple[Any, ...]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    try:
        return [tuple(row) for row in book[sheet].iter_rows(values_only=True)]
    finally:
        book.close()


def column(rows: list[tuple[Any, ...]], header_starts: str) -> list[Any]:
    index = next(i for i, name in enumerate(rows[0]) if str(name).startswith(header_starts))
    return [row[index] for row in rows[1:]]


def placements(world: World, agency_id: str | None = None, movers: bool = False) -> int:
    query = select(func.count()).where(PlacementRow.run_id == world.run_id)
    if agency_id is not None:
        query = query.where(PlacementRow.agency_id == agency_id)
    if movers:
        query = query.where(PlacementRow.wave_id.is_not(None))
    with world.session() as db:
        return int(db.scalar(query) or 0)


def summary(world: World) -> dict[str, Any]:
    with world.session() as db:
        run = db.get(PlanRun, world.run_id)
        assert run is not None and run.summary is not None
        return dict(run.summary)


def pdf_texts(pdf: bytes) -> list[str]:
    """The strings shown on the pages of an uncompressed PDF written in a core font."""
    shown = re.findall(rb"\(((?:[^()\\]|\\.)*)\) Tj", pdf)
    return [re.sub(rb"\\(.)", rb"\1", text).decode("latin-1") for text in shown]


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", pdf))


# --- Workbook ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", WORKBOOK_PATHS)
def test_planner_workbook_holds_every_placement(
    world: World, client: TestClient, path: str
) -> None:
    log_in(client, USERNAMES["planner"])
    response = client.get(path.format(id=world.run_id))

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert (
        f'filename="pionir-rencana-run-{world.run_id}.xlsx"'
        in (response.headers["content-disposition"])
    )
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == list(SHEETS)
    book.close()
    plan = sheet_rows(response.content, "Rencana")
    assert len(plan) - 1 == placements(world) == len(world.scenario.employees)
    nips = column(plan, "NIP")
    assert all(isinstance(nip, str) and len(nip) == 18 for nip in nips)
    assert set(nips) == {e.nip for e in world.scenario.employees}


def test_per_wave_movers_add_up_to_the_plan(world: World, client: TestClient) -> None:
    content = download(client, "planner", WORKBOOK_PATHS[0], world)

    movers = column(sheet_rows(content, "Per kloter"), "Pegawai pindah")
    assert sum(movers) == summary(world)["movers"] == placements(world, movers=True)
    allowance = column(sheet_rows(content, "Rencana"), "Tunjangan")
    assert all(isinstance(value, int) for value in allowance)
    assert sum(allowance) == summary(world)["allowance_total"]


def test_operator_workbook_holds_only_their_agency(world: World, client: TestClient) -> None:
    content = download(client, "operator_a", WORKBOOK_PATHS[1], world)

    plan = sheet_rows(content, "Rencana")
    assert len(plan) - 1 == placements(world, world.agency_a) > 0
    assert set(column(plan, "K/L")) == {world.agency_a}
    agencies = sheet_rows(content, "Per K-L")
    assert column(agencies, "Kode K/L") == [world.agency_a]
    assert column(agencies, "Pegawai pindah") == [placements(world, world.agency_a, movers=True)]
    # Their share is of the whole plan's movers, not of their own.
    assert column(agencies, "Porsi dari seluruh pindah") == [
        pytest.approx(placements(world, world.agency_a, movers=True) / summary(world)["movers"])
    ]
    own = column(sheet_rows(content, "Per kloter"), "Pindah dari K/L Anda")
    assert sum(own) == placements(world, world.agency_a, movers=True)


def test_housing_officer_workbook_has_no_screening(world: World, client: TestClient) -> None:
    planner_headers = sheet_rows(download(client, "planner", WORKBOOK_PATHS[0], world), "Rencana")[
        0
    ]
    content = download(client, "housing", WORKBOOK_PATHS[0], world)

    plan = sheet_rows(content, "Rencana")
    headers = " ".join(str(h) for h in plan[0])
    assert "merit" not in headers.lower() and "penapisan" not in headers.lower()
    assert len(plan[0]) == len(planner_headers) - 2
    assert len(plan) - 1 == placements(world)
    explanations = column(plan, "Penjelasan")
    # The core's explanation of an ineligible employee lists their screening reasons.
    assert not [text for text in explanations if text.startswith("Tidak memenuhi syarat:")]


def test_headers_follow_the_reader_language(world: World, client: TestClient) -> None:
    client.cookies.set("pionir_lang", "en")
    content = download(client, "auditor", WORKBOOK_PATHS[0], world)

    headers = sheet_rows(content, "Rencana")[0]
    assert headers[:3] == ("NIP", "Name / Nama", "Agency / K/L")


@pytest.mark.parametrize("path", WORKBOOK_PATHS + BRIEF_PATHS)
def test_employee_may_not_export(world: World, client: TestClient, path: str) -> None:
    log_in(client, USERNAMES["employee"])

    response = client.get(path.format(id=world.run_id))

    assert response.status_code == 403


def test_missing_run_is_not_found(world: World, client: TestClient) -> None:
    log_in(client, USERNAMES["planner"])

    assert client.get("/api/runs/999999/export.xlsx").status_code == 404
    assert client.get("/api/runs/999999/brief.pdf").status_code == 404


# --- Brief ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", BRIEF_PATHS)
@pytest.mark.parametrize("language", ["id", "en"])
def test_brief_is_a_short_pdf(world: World, client: TestClient, path: str, language: str) -> None:
    client.cookies.set("pionir_lang", language)
    log_in(client, USERNAMES["planner"])
    response = client.get(path.format(id=world.run_id))

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert (
        f'filename="pionir-ringkasan-run-{world.run_id}.pdf"'
        in (response.headers["content-disposition"])
    )
    assert response.content.startswith(b"%PDF-")
    assert response.content.rstrip().endswith(b"%%EOF")
    assert 2 <= page_count(response.content) <= 3


def test_brief_states_the_movers(world: World) -> None:
    with world.session() as db:
        pdf = plan_brief(
            db, world.actors["planner"], world.run_id, "id", compress=False, unicode=False
        )
        db.rollback()

    texts = pdf_texts(pdf)
    assert "Ringkasan Rencana Pemindahan ASN ke IKN" in texts
    assert number("id", summary(world)["movers"]) in texts
    assert any(f"proses #{world.run_id}" in text for text in texts)


def test_english_brief(world: World) -> None:
    with world.session() as db:
        pdf = plan_brief(
            db, world.actors["auditor"], world.run_id, "en", compress=False, unicode=False
        )
        db.rollback()

    texts = pdf_texts(pdf)
    assert "Key figures" in texts
    assert "Angka kunci" not in texts


def test_operator_brief_counts_their_agency(world: World) -> None:
    with world.session() as db:
        pdf = plan_brief(
            db, world.actors["operator_a"], world.run_id, "id", compress=False, unicode=False
        )
        db.rollback()

    texts = pdf_texts(pdf)
    assert "Pegawai pindah dari K/L Anda" in texts
    figure = texts.index("Pegawai pindah dari K/L Anda") + 1
    assert texts[figure] == number("id", placements(world, world.agency_a, movers=True))
    assert world.agency_b not in texts  # the per-agency chart shows their own K/L only


# --- LibreOffice ------------------------------------------------------------------------


@pytest.mark.slow
def test_libreoffice_opens_the_workbook(world: World, client: TestClient, tmp_path: Path) -> None:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    assert office, "LibreOffice (soffice) is not on PATH: apt-get install libreoffice-calc-nogui"
    workbook = tmp_path / "plan.xlsx"
    workbook.write_bytes(download(client, "planner", WORKBOOK_PATHS[0], world))

    # An own profile folder, so a LibreOffice already running elsewhere does not interfere.
    done = subprocess.run(
        [
            office,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "csv",
            "--outdir",
            str(tmp_path),
            str(workbook),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )

    converted = tmp_path / "plan.csv"
    assert done.returncode == 0 and converted.is_file(), done.stdout + done.stderr
    with converted.open(encoding="utf-8", newline="") as handle:
        lines = list(csv.reader(handle))
    assert len(lines) == placements(world) + 1
    assert lines[0][0] == "NIP"
    assert {line[0] for line in lines[1:]} == {e.nip for e in world.scenario.employees}
