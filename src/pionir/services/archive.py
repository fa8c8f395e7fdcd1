"""Scenarios in and out of bytes: uploaded `.xlsx` or zip of CSVs, and the stored archive."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from pionir.scenario.csv_io import read_scenario_folder, write_scenario_folder
from pionir.scenario.errors import ScenarioIssue, ScenarioRefused
from pionir.scenario.model import Scenario
from pionir.scenario.xlsx_io import read_scenario_workbook

# A zip bomb guard: the demo at scale 10 unpacks to about 30 MB.
MAX_UNPACKED = 500 * 1024 * 1024
FIXED_TIME = (2024, 1, 1, 0, 0, 0)


def _refused(file: str, message: str, message_en: str) -> ScenarioRefused:
    return ScenarioRefused([ScenarioIssue(file, 0, "", message, message_en)])


def scenario_from_upload(data: bytes, filename: str) -> Scenario:
    """Read an uploaded workbook or zip of CSVs; raises ScenarioRefused naming every problem."""
    suffix = PurePosixPath(filename).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="pionir-upload-") as tmp:
        folder = Path(tmp)
        if suffix == ".xlsx":
            # The workbook keeps the user's file name, so messages name the file they sent.
            path = folder / (PurePosixPath(filename.replace("\\", "/")).name or "scenario.xlsx")
            path.write_bytes(data)
            return read_scenario_workbook(path)
        if suffix == ".zip":
            _unpack(data, filename, folder / "scenario")
            return read_scenario_folder(_scenario_root(folder / "scenario"))
    raise _refused(
        filename,
        "Unggah workbook .xlsx atau arsip .zip berisi file CSV skenario.",
        "Upload an .xlsx workbook or a .zip of the scenario's CSV files.",
    )


def _unpack(data: bytes, filename: str, target: Path) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise _refused(
            filename,
            "File ini bukan arsip .zip yang utuh; simpan ulang lalu unggah kembali.",
            "This file is not a complete .zip archive; save it again and re-upload.",
        ) from None
    members = [m for m in archive.infolist() if not m.is_dir()]
    if sum(m.file_size for m in members) > MAX_UNPACKED:
        raise _refused(filename, "Isi arsip terlalu besar.", "The archive's content is too large.")
    target.mkdir(parents=True)
    for member in members:
        name = PurePosixPath(member.filename)
        # Only plain file names inside the archive: no absolute paths, no '..'.
        if name.is_absolute() or ".." in name.parts or name.name.startswith("."):
            continue
        if name.parts[0] == "__MACOSX":
            continue
        destination = target.joinpath(*name.parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(archive.read(member))


def _scenario_root(folder: Path) -> Path:
    """The folder holding the CSVs: the archive's root, or its single top folder."""
    entries = [p for p in folder.iterdir()]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return folder


def archive_of(scenario: Scenario) -> bytes:
    """The scenario's canonical CSV folder as a zip with fixed timestamps (same input, same bytes)."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="pionir-archive-") as tmp:
        folder = Path(tmp)
        write_scenario_folder(scenario, folder)
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.iterdir()):
                info = zipfile.ZipInfo(path.name, FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def scenario_from_archive(data: bytes) -> Scenario:
    """The scenario a stored archive holds (it passed validation when stored)."""
    with tempfile.TemporaryDirectory(prefix="pionir-stored-") as tmp:
        folder = Path(tmp)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            archive.extractall(folder)
        return read_scenario_folder(folder)
