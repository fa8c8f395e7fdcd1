"""Downloads of a finished plan: the workbook of every placement and the cabinet brief.

Each file is offered twice, as a page link and under /api for scripts; both build it the
same way, in the reader's scope and language.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import IO, Final

from fastapi import APIRouter
from fastapi.responses import Response, StreamingResponse

from pionir.services.exports.brief import plan_brief
from pionir.services.exports.workbook import write_plan_workbook
from pionir.web.deps import CurrentViewer, Db, Language
from pionir.web.params import RecordId

router = APIRouter()

XLSX: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF: Final = "application/pdf"
TAG: Final = "ekspor / exports"
CHUNK: Final = 64 * 1024
# A workbook larger than this is spooled to disk rather than held in memory.
IN_MEMORY: Final = 16 * 1024 * 1024


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def _chunks(spool: IO[bytes]) -> Iterator[bytes]:
    """The spooled file in chunks, closed (and deleted) once sent or abandoned."""
    try:
        spool.seek(0)
        while chunk := spool.read(CHUNK):
            yield chunk
    finally:
        spool.close()


def _workbook_response(run_id: int, db: Db, viewer: CurrentViewer, lang: str) -> Response:
    spool = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)  # noqa: SIM115 - closed by _chunks
    try:
        write_plan_workbook(db, viewer.actor, run_id, lang, spool)
        db.commit()  # the export's audit record
    except BaseException:
        spool.close()
        raise
    return StreamingResponse(
        _chunks(spool), media_type=XLSX, headers=_attachment(f"pionir-rencana-run-{run_id}.xlsx")
    )


def _brief_response(run_id: int, db: Db, viewer: CurrentViewer, lang: str) -> Response:
    content = plan_brief(db, viewer.actor, run_id, lang)
    db.commit()  # the export's audit record
    return Response(
        content, media_type=PDF, headers=_attachment(f"pionir-ringkasan-run-{run_id}.pdf")
    )


@router.get("/runs/{run_id}/export.xlsx", include_in_schema=False)
def workbook_download(run_id: RecordId, db: Db, viewer: CurrentViewer, lang: Language) -> Response:
    return _workbook_response(run_id, db, viewer, lang)


@router.get("/runs/{run_id}/brief.pdf", include_in_schema=False)
def brief_download(run_id: RecordId, db: Db, viewer: CurrentViewer, lang: Language) -> Response:
    return _brief_response(run_id, db, viewer, lang)


@router.get(
    "/api/runs/{run_id}/export.xlsx",
    tags=[TAG],
    response_class=StreamingResponse,
    responses={200: {"content": {XLSX: {}}, "description": "Workbook / buku kerja"}},
)
def api_workbook(run_id: RecordId, db: Db, viewer: CurrentViewer, lang: Language) -> Response:
    """The plan as a workbook: one row per employee in your scope, then per wave, per
    agency, towers, buildings and the key figures. Headers in both languages."""
    return _workbook_response(run_id, db, viewer, lang)


@router.get(
    "/api/runs/{run_id}/brief.pdf",
    tags=[TAG],
    response_class=Response,
    responses={200: {"content": {PDF: {}}, "description": "PDF brief / ringkasan PDF"}},
)
def api_brief(run_id: RecordId, db: Db, viewer: CurrentViewer, lang: Language) -> Response:
    """A two- or three-page brief of the plan for the cabinet meeting, in your language."""
    return _brief_response(run_id, db, viewer, lang)
