"""Scenarios in and out of bytes: uploaded `.xlsx` or zip of CSVs, and the stored archive."""

from __future__ import annotations

import io
import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from pionir.scenario.bounds import CSV_ARCHIVE, member_chunks, members, open_archive
from pionir.scenario.bounds import refused as _refused
from pionir.scenario.csv_io import read_scenario_folder, write_scenario_folder
from pionir.scenario.errors import ScenarioRefused
from pionir.scenario.model import Scenario
from pionir.scenario.xlsx_io import read_scenario_workbook

FIXED_TIME = (2024, 1, 1, 0, 0, 0)


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
    """Unpack the CSV archive a chunk at a time, counting the bytes each member really gives.

    The sizes the archive declares are not trusted: the count stops at the
    first chunk past the limit, so a bomb costs one chunk of memory and a
    fraction of a second.
    """
    target.mkdir(parents=True)
    room = CSV_ARCHIVE.total_bytes
    with open_archive(io.BytesIO(data), filename) as archive:
        for member in members(archive):
            name = PurePosixPath(member.filename)
            # Only plain file names inside the archive: no absolute paths, no '..'.
            if name.is_absolute() or ".." in name.parts or name.name.startswith("."):
                continue
            if name.parts[0] == "__MACOSX":
                continue
            destination = target.joinpath(*name.parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            with destination.open("wb") as out:
                for chunk in member_chunks(
                    archive,
                    member,
                    filename,
                    min(room, CSV_ARCHIVE.member_bytes),
                    CSV_ARCHIVE.total_bytes,
                ):
                    room -= len(chunk)
                    out.write(chunk)


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


class StoredArchiveUnreadable(ValueError):
    """A version's stored archive no longer reads as the scenario it was stored as."""

    def __init__(self) -> None:
        self.message = (
            "Arsip skenario yang tersimpan untuk versi ini rusak dan tidak dapat dibaca; "
            "rencana tidak dibuat dari data yang tidak pasti. Impor ulang skenario ini."
        )
        self.message_en = (
            "The scenario archive stored for this version is damaged and cannot be read; "
            "no plan is made from uncertain input. Import the scenario again."
        )
        super().__init__(f"{self.message} ({self.message_en})")


def scenario_from_archive(data: bytes) -> Scenario:
    """The scenario a stored archive holds: the plan's exact input, read and checked again.

    Only plan runs need this (and the migration that filled the version tables); pages
    and edits read the version's rows. Raises StoredArchiveUnreadable when it is damaged.
    """
    with tempfile.TemporaryDirectory(prefix="pionir-stored-") as tmp:
        folder = Path(tmp)
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                archive.extractall(folder)
            return read_scenario_folder(folder)
        except (zipfile.BadZipFile, zlib.error, ScenarioRefused):
            raise StoredArchiveUnreadable() from None
