"""Limits on the work an upload may cause, and the streaming check of a zip package.

An `.xlsx` workbook and a `.zip` of CSV files are both zip archives, and a zip
says how large its members are without proving it. So every member is read
here in chunks, counting the bytes it really unpacks to, before anything
parses it: the check stops at the first chunk past a limit, whatever the
headers claim, and holds one chunk in memory at a time.

The figures are set against the demo at scale 10 (`pionir demo-data --scale
10`: 167,129 employees, 162,611 households), a scenario as large as the
relocation of every central-government ASN in Jakarta. Its workbook is 21 MB
and unpacks to 190 MB (the employees sheet alone 139 MB); its CSV archive is
6 MB and unpacks to 27 MB. The limits leave three to four times that.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Final

from pionir.scenario.errors import ScenarioIssue, ScenarioRefused

MIB: Final = 1024 * 1024

# Rows of one sheet or CSV file, blank rows included (a sheet's last row
# number counts): 3.6 times the 167,129 employees of the demo at scale 10.
MAX_TABLE_ROWS: Final = 600_000
# Cells of one sheet or CSV file: the row limit times the widest table (employees, 22 columns)
# with room for a few extra columns.
MAX_TABLE_CELLS: Final = 15_000_000
# Cells of one row: Excel's last column is XFD, the 16,384th.
MAX_ROW_CELLS: Final = 16_384

# A zip's central directory is parsed whole by `zipfile` before any check can
# run; one entry is about 100 bytes, so this allows some 10,000 members.
MAX_DIRECTORY_BYTES: Final = 1 * MIB
# A CSV archive holds ten files; a workbook some twenty parts (more with pictures).
MAX_MEMBERS: Final = 500
# The CSV files unpacked: 27 MB at scale 10.
MAX_CSV_UNPACKED: Final = 96 * MIB
# One workbook part unpacked: the employees sheet is 139 MB at scale 10.
MAX_XLSX_PART: Final = 480 * MIB
# The whole workbook unpacked: 190 MB at scale 10.
MAX_XLSX_UNPACKED: Final = 640 * MIB
# The XML parser keeps the text between two tags as one string: a cell holds at
# most MAX_CELL_CHARS (10,000) characters, so a run of a megabyte without a tag
# is whitespace or a blob, never data, and must not reach the parser.
MAX_XML_TEXT_RUN: Final = 1 * MIB
# openpyxl loads the shared-string table whole, some 70 bytes a string: this
# bounds it to about 140 MB. A workbook saved by Excel from the scale-10 demo
# shares well under a million distinct texts.
MAX_SHARED_STRINGS: Final = 2_000_000

CHUNK: Final = 1 * MIB

_STORED_OR_DEFLATED: Final = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_COMPRESSION_NAMES: Final = {
    zipfile.ZIP_BZIP2: "BZIP2",
    zipfile.ZIP_LZMA: "LZMA",
    9: "Deflate64",
    14: "LZMA",
    93: "Zstandard",
    95: "XZ",
    98: "PPMd",
    99: "AES",
}
_END_OF_DIRECTORY: Final = b"PK\x05\x06"
_END_RECORD: Final = struct.Struct("<4s4H2LH")
# Tags counted while streaming a workbook's XML: rows and cells of sheets, shared strings.
_COUNTED_TAG: Final = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c|si)[\s/>]")
_DOCTYPE: Final = b"<!DOCTYPE"
# What a damaged member raises while it is unpacked.
_DAMAGED_MEMBER: Final = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError)


def refused(file: str, message: str, message_en: str) -> ScenarioRefused:
    """A refusal of the file as a whole (row 0)."""
    return ScenarioRefused([ScenarioIssue(file, 0, "", message, message_en)])


def mib(size: int) -> str:
    """A size in whole MB, as messages give limits."""
    return f"{size // MIB:,} MB"


def open_archive(
    handle: IO[bytes],
    file: str,
    damaged: Callable[[Exception], ScenarioRefused] | None = None,
) -> zipfile.ZipFile:
    """The zip in `handle`, refused with a sentence when it is not one or is too large to list.

    `damaged` words the refusal of a file that is no zip (a workbook says so its own way).
    """
    _check_directory_size(handle, file)
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
        if damaged is not None:
            raise damaged(error) from None
        raise refused(
            file,
            "File ini bukan arsip .zip yang utuh (mungkin terpotong saat diunggah atau "
            "disalin); simpan ulang lalu unggah kembali.",
            "This file is not a complete .zip archive (perhaps cut short while uploading or "
            "copying); save it again and re-upload.",
        ) from None
    if len(archive.infolist()) > MAX_MEMBERS:
        archive.close()
        raise _too_many_members(file)
    return archive


def _check_directory_size(handle: IO[bytes], file: str) -> None:
    """Refuse a central directory too large to parse, before `zipfile` parses it.

    The end record is found the way `zipfile` finds it (the last signature in
    the final 64 KB), so the directory measured is the one it would read.
    """
    handle.seek(0, 2)
    size = handle.tell()
    tail_size = min(size, _END_RECORD.size + 65_535)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    handle.seek(0)
    at = tail.rfind(_END_OF_DIRECTORY)
    if at < 0 or at + _END_RECORD.size > len(tail):
        return  # not a zip: zipfile says so, and the caller words it
    fields = _END_RECORD.unpack(tail[at : at + _END_RECORD.size])
    entries, directory_bytes = fields[4], fields[5]
    # 0xFFFF and 0xFFFFFFFF mean a ZIP64 archive: more than any scenario needs.
    if entries > MAX_MEMBERS or directory_bytes > MAX_DIRECTORY_BYTES:
        raise _too_many_members(file)


def _too_many_members(file: str) -> ScenarioRefused:
    return refused(
        file,
        f"Arsip berisi terlalu banyak file (paling banyak {MAX_MEMBERS}); "
        "unggah hanya file skenario.",
        f"The archive holds too many files (at most {MAX_MEMBERS}); upload only the scenario's "
        "files.",
    )


@dataclass(frozen=True, slots=True)
class PackageLimits:
    """How far a package may unpack: per member and in total."""

    member_bytes: int
    total_bytes: int


CSV_ARCHIVE: Final = PackageLimits(MAX_CSV_UNPACKED, MAX_CSV_UNPACKED)
XLSX_PACKAGE: Final = PackageLimits(MAX_XLSX_PART, MAX_XLSX_UNPACKED)


def readable_member(member: zipfile.ZipInfo, file: str) -> None:
    """Refuse, naming the member, what `zipfile` cannot or must not unpack."""
    if member.flag_bits & 0x1:
        raise refused(
            file,
            f"'{member.filename}' di dalam arsip dilindungi kata sandi (terenkripsi). "
            "Simpan ulang tanpa kata sandi lalu unggah kembali.",
            f"'{member.filename}' inside the archive is password-protected (encrypted). "
            "Save it again without a password and re-upload.",
        )
    if member.compress_type not in _STORED_OR_DEFLATED:
        method = _COMPRESSION_NAMES.get(member.compress_type, f"metode {member.compress_type}")
        raise refused(
            file,
            f"'{member.filename}' di dalam arsip dikompresi dengan {method}, yang tidak "
            "didukung. Buat ulang arsipnya dengan kompresi zip biasa (Deflate), misalnya "
            "'Compress' di Windows atau macOS.",
            f"'{member.filename}' inside the archive is compressed with {method}, which is not "
            "supported. Make the archive again with ordinary zip compression (Deflate), e.g. "
            "'Compress' on Windows or macOS.",
        )


def member_chunks(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, file: str, room: int, limit: int
) -> Iterator[bytes]:
    """The member's unpacked bytes in chunks; refused once they pass `room` or prove damaged.

    `room` is what is left of `limit`, the figure the refusal names.

    `zipfile` stops at the size the header declares and then checks the CRC,
    so a header that understates the size shows up as a bad CRC, named here.
    """
    readable_member(member, file)
    unpacked = 0
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(CHUNK):
                unpacked += len(chunk)
                if unpacked > room:
                    raise _too_large(file, member.filename, limit)
                yield chunk
    except _DAMAGED_MEMBER as error:
        raise refused(
            file,
            f"'{member.filename}' di dalam arsip rusak dan tidak dapat dibuka "
            f"({_damage(error)}). Buat ulang arsipnya lalu unggah kembali.",
            f"'{member.filename}' inside the archive is damaged and cannot be unpacked "
            f"({_damage_en(error)}). Make the archive again and re-upload.",
        ) from None


def _damage(error: Exception) -> str:
    if "CRC" in str(error):
        return "isinya tidak cocok dengan checksum CRC-nya, atau ukurannya salah tercatat"
    return "data terpotong atau tidak sah"


def _damage_en(error: Exception) -> str:
    if "CRC" in str(error):
        return "its content does not match its CRC checksum, or its size is recorded wrongly"
    return "its data is cut short or invalid"


def _too_large(file: str, member: str, room: int) -> ScenarioRefused:
    return refused(
        file,
        f"Isi arsip terlalu besar: '{member}' membuat isi yang dibuka melebihi {mib(room)}. "
        "Skenario sebesar ini tidak didukung; periksa apakah file yang benar yang diunggah.",
        f"The archive's content is too large: '{member}' takes it past {mib(room)} unpacked. "
        "A scenario this large is not supported; check that the right file was uploaded.",
    )


def members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The archive's files, folders left out."""
    return [member for member in archive.infolist() if not member.is_dir()]


@dataclass(slots=True)
class _XmlCounts:
    """What one XML part holds so far, counted while it streams."""

    run: int = 0  # bytes since the last '<'
    rows: int = 0
    cells: int = 0
    row_cells: int = 0  # cells since the last <row>
    shared_strings: int = 0
    edge: bytes = b""  # the previous chunk's last bytes, for a DOCTYPE cut in two


def check_workbook_package(archive: zipfile.ZipFile, file: str) -> None:
    """Unpack every part of an `.xlsx` once, counting, before openpyxl reads any of it.

    Refuses with a sentence naming the part: a part or the whole past its
    unpacked-size limit, a run of text too long for a cell, a DTD (entity
    expansion), a sheet with too many rows or cells or a row too wide, or too
    many shared strings.
    """
    total = 0
    for member in members(archive):
        is_xml = PurePosixPath(member.filename).suffix.lower() in (".xml", ".rels", ".vml")
        counts = _XmlCounts()
        total_limit = XLSX_PACKAGE.total_bytes
        room = min(XLSX_PACKAGE.member_bytes, total_limit - total)
        limit = XLSX_PACKAGE.member_bytes if room == XLSX_PACKAGE.member_bytes else total_limit
        for chunk in member_chunks(archive, member, file, room, limit):
            total += len(chunk)
            if is_xml:
                _count_xml(counts, chunk, file, member.filename)


def _count_xml(counts: _XmlCounts, chunk: bytes, file: str, part: str) -> None:
    """Count the chunk's tags and the run without '<' across chunks; refuse past a limit.

    Only whole C-level operations (find, findall, join), so the 139 MB
    employees sheet is counted in about a second. A run inside one chunk is
    shorter than the chunk, so only runs across chunk ends need following.
    """
    first = chunk.find(b"<")
    if first < 0:
        counts.run += len(chunk)
    else:
        counts.run += first
    if counts.run > MAX_XML_TEXT_RUN:
        raise _long_run(file, part)
    if first >= 0:
        counts.run = len(chunk) - chunk.rfind(b"<") - 1
    if _DOCTYPE in chunk or _DOCTYPE in counts.edge + chunk[: len(_DOCTYPE)]:
        raise refused(
            file,
            f"Bagian '{part}' di dalam workbook memuat deklarasi DOCTYPE, yang tidak pernah "
            "ditulis Excel. Buka di Excel dan simpan ulang sebagai .xlsx.",
            f"The part '{part}' inside the workbook holds a DOCTYPE declaration, which Excel "
            "never writes. Open it in Excel and save it again as .xlsx.",
        )
    counts.edge = chunk[-len(_DOCTYPE) :]
    # A tag cut by the chunk's end is missed: at most one a megabyte, which no limit notices.
    _count_tags(counts, chunk, file, part)


def _count_tags(counts: _XmlCounts, body: bytes, file: str, part: str) -> None:
    # b"row" -> 'w', b"c" -> 'c', b"si" -> 's': one letter each tells the tags apart.
    marks = b"".join(_COUNTED_TAG.findall(body))
    counts.cells += marks.count(b"c")
    counts.shared_strings += marks.count(b"s")
    by_row = marks.replace(b"si", b"").split(b"row")
    counts.rows += len(by_row) - 1
    counts.row_cells += len(by_row[0])
    widest = max(counts.row_cells, max(map(len, by_row[1:]), default=0))
    if len(by_row) > 1:
        counts.row_cells = len(by_row[-1])
    limits: tuple[tuple[int, int, str, str], ...] = (
        (counts.rows, MAX_TABLE_ROWS, "baris", "rows"),
        (counts.cells, MAX_TABLE_CELLS, "sel", "cells"),
        (widest, MAX_ROW_CELLS, "sel dalam satu baris", "cells in one row"),
        (counts.shared_strings, MAX_SHARED_STRINGS, "teks bersama", "shared strings"),
    )
    for found, limit, what, what_en in limits:
        if found > limit:
            raise refused(
                file,
                f"Bagian '{part}' di dalam workbook berisi lebih dari {limit:,} {what}, "
                "batas yang didukung. Hapus baris dan kolom kosong di bawah dan di kanan data, "
                "atau bagi skenarionya.",
                f"The part '{part}' inside the workbook holds more than {limit:,} {what_en}, "
                "the supported limit. Delete the empty rows and columns below and right of the "
                "data, or split the scenario.",
            )


def _long_run(file: str, part: str) -> ScenarioRefused:
    return refused(
        file,
        f"Bagian '{part}' di dalam workbook memuat lebih dari {mib(MAX_XML_TEXT_RUN)} teks "
        "tanpa pemisah (spasi kosong atau data yang ditempel); sel mana pun paling banyak "
        "berisi 10.000 karakter. Buka di Excel, hapus isian itu dan simpan ulang.",
        f"The part '{part}' inside the workbook holds more than {mib(MAX_XML_TEXT_RUN)} of "
        "text without a break (whitespace or a pasted blob); no cell holds more than 10,000 "
        "characters. Open it in Excel, delete that content and save it again.",
    )
