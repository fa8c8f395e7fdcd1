"""The JSON API of scenario editing: a version's policy and capacities, and AHP weights.

A PUT stores the scenario's next version (201) or answers 422 with every problem;
only planners may PUT. The routes are mounted by `routes.editing`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Annotated, Any, Final

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel, Field

from pionir.scenario.model import Policy
from pionir.scenario.policy_io import policy_to_mapping
from pionir.scenario.tables import TABLES_BY_NAME, format_cell
from pionir.services import editing
from pionir.services.editing import Edited
from pionir.services.editing_checks import TableRows
from pionir.services.errors import InputRefused
from pionir.services.version_tables import VersionCapacity
from pionir.web.deps import CurrentViewer, Db
from pionir.web.params import RecordId

TAG: Final = "penyuntingan skenario / scenario editing"
router = APIRouter(prefix="/api", tags=[TAG])

REFUSALS: Final[dict[int | str, dict[str, Any]]] = {
    403: {
        "description": "Bukan perencana, atau tanpa token CSRF / not a planner, or no CSRF token"
    },
    422: {
        "description": "Setiap masalah (file, row, column, message, message_en); tidak ada "
        "yang disimpan / every problem with its place; nothing was stored"
    },
}
NoteQuery = Annotated[str, Query(description="Catatan versi baru / a note on the new version")]
BaseOnOldQuery = Annotated[
    bool,
    Query(
        description="Tetap ubah versi yang bukan terbaru / edit a version that is not the "
        "newest anyway (without it: 409, the new version would miss the newer one's changes)"
    ),
]


class EditedOut(BaseModel):
    """The version an edit made, the one it was made from, and the changes audited."""

    id: int
    scenario_id: int
    number: int
    based_on: int = Field(description="id of the version that was edited (left unchanged)")
    source_name: str
    note: str
    counts: dict[str, Any]
    before: dict[str, Any] = Field(description="the changed fields or rows as they were")
    after: dict[str, Any] = Field(description="the changed fields or rows as they are now")


def _edited_out(edited: Edited) -> EditedOut:
    version = edited.version
    return EditedOut(
        id=version.id,
        scenario_id=version.scenario_id,
        number=version.number,
        based_on=edited.based_on.id,
        source_name=version.source_name,
        note=version.note,
        counts=version.counts,
        before=edited.before,
        after=edited.after,
    )


@contextmanager
def _committed(db: Db) -> Iterator[None]:
    """A refused edit leaves the transaction empty; a stored one is committed."""
    try:
        yield
    except InputRefused:
        db.rollback()
        raise
    db.commit()


# --- policy ---------------------------------------------------------------------------

POLICY_EXAMPLE: Final = policy_to_mapping(Policy())


@router.get(
    "/versions/{version_id}/policy",
    summary="Kebijakan versi / a version's policy",
    response_model=dict[str, Any],
    responses={200: {"content": {"application/json": {"example": POLICY_EXAMPLE}}}},
)
def api_policy(version_id: RecordId, db: Db, viewer: CurrentViewer) -> dict[str, Any]:
    """The version's policy, laid out like policy.toml (section 2 of the planning model)."""
    _, policy = editing.version_policy(db, viewer.actor, version_id)
    return policy_to_mapping(policy)


def merged(current: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON Merge Patch (RFC 7396): tables merge key by key, null removes a key."""
    result = dict(current)
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, Mapping):
            below = result.get(key)
            result[key] = merged(below if isinstance(below, Mapping) else {}, value)
        else:
            result[key] = value
    return result


PolicyPatch = Annotated[
    dict[str, Any],
    Body(
        openapi_examples={
            "threshold": {
                "summary": "Naikkan ambang BerAKHLAK / raise the BerAKHLAK threshold",
                "value": {"screening": {"min_berakhlak": 80}},
            },
            "ahp": {
                "summary": "Bobot prioritas dari matriks AHP / priority weights from AHP",
                "value": {
                    "priority": {
                        "pairwise": [
                            [1, 3, 5, 7],
                            ["1/3", 1, 3, 5],
                            ["1/5", "1/3", 1, 3],
                            ["1/7", "1/5", "1/3", 1],
                        ]
                    }
                },
            },
            "weights": {
                "summary": "Kembali ke bobot langsung / back to plain weights",
                "value": {"priority": {"pairwise": None}},
            },
        }
    ),
]


@router.put(
    "/versions/{version_id}/policy",
    summary="Ubah kebijakan, jadi versi baru / edit the policy into a new version",
    status_code=201,
    response_model=EditedOut,
    responses=REFUSALS,
)
def api_policy_edit(
    version_id: RecordId,
    body: PolicyPatch,
    db: Db,
    viewer: CurrentViewer,
    note: NoteQuery = "",
    base_on_old: BaseOnOldQuery = False,
) -> EditedOut:
    """Store the scenario's next version with this policy (planners only).

    The body is merged into the version's policy as a JSON Merge Patch (RFC 7396):
    keys left out keep their value, `null` removes a key (the policy's default then
    applies; `priority.pairwise: null` goes back to plain weights). 422 names each
    problem by its dotted key, e.g. `allowance.budget`; nothing is stored.
    """
    _, policy = editing.version_policy(db, viewer.actor, version_id)
    raw = merged(policy_to_mapping(policy), body)
    with _committed(db):
        edited = editing.edit_policy(
            db, viewer.actor, version_id, raw, note=note, base_on_old=base_on_old
        )
    return _edited_out(edited)


# --- capacity -------------------------------------------------------------------------


class TowerRow(BaseModel):
    tower_id: str
    ready_month: str = Field(description="YYYY-MM", examples=["2024-07"])
    units: int
    bedrooms: int


class BuildingRow(BaseModel):
    building_id: str
    ready_month: str = Field(description="YYYY-MM", examples=["2024-07"])
    desks: int


class FacilityRow(BaseModel):
    facility_id: str
    kind: str = Field(description="`school` (capacity: pupils) or `health`")
    ready_month: str = Field(description="YYYY-MM", examples=["2024-07"])
    capacity: int


class WaveRow(BaseModel):
    wave_id: str
    month: str = Field(description="YYYY-MM; strictly increasing from row to row")
    seats: int


class Capacity(BaseModel):
    """Housing towers, office buildings, facilities and waves (kloter), in file order."""

    towers: list[TowerRow]
    buildings: list[BuildingRow]
    facilities: list[FacilityRow]
    waves: list[WaveRow]


class CapacityEdit(BaseModel):
    """The tables to replace; a table left out (or null) stays as it is."""

    towers: list[TowerRow] | None = None
    buildings: list[BuildingRow] | None = None
    facilities: list[FacilityRow] | None = None
    waves: list[WaveRow] | None = None


ROW_MODELS: Final[dict[str, type[BaseModel]]] = {
    "towers": TowerRow,
    "buildings": BuildingRow,
    "facilities": FacilityRow,
    "waves": WaveRow,
}


def _capacity_of(capacity: VersionCapacity) -> Capacity:
    tables = {
        name: [
            model(**{c: format_cell(getattr(record, c)) for c in TABLES_BY_NAME[name].column_names})
            for record in getattr(capacity, name)
        ]
        for name, model in ROW_MODELS.items()
    }
    return Capacity.model_validate(tables)


@router.get(
    "/versions/{version_id}/capacity",
    summary="Kapasitas versi / a version's capacities",
    response_model=Capacity,
)
def api_capacity(version_id: RecordId, db: Db, viewer: CurrentViewer) -> Capacity:
    """The version's towers, buildings, facilities and waves."""
    _, capacity = editing.version_capacity(db, viewer.actor, version_id)
    return _capacity_of(capacity)


def _table_rows(rows: Sequence[BaseModel]) -> TableRows:
    """Rows as the core's text cells, numbered from 1 in the order sent."""
    return [
        (number, {c: format_cell(v) for c, v in row.model_dump().items()})
        for number, row in enumerate(rows, 1)
    ]


@router.put(
    "/versions/{version_id}/capacity",
    summary="Ubah kapasitas, jadi versi baru / edit capacities into a new version",
    status_code=201,
    response_model=EditedOut,
    responses=REFUSALS,
)
def api_capacity_edit(
    version_id: RecordId,
    body: CapacityEdit,
    db: Db,
    viewer: CurrentViewer,
    note: NoteQuery = "",
    base_on_old: BaseOnOldQuery = False,
) -> EditedOut:
    """Store the scenario's next version with these capacity tables (planners only).

    Each table given replaces the old one whole. 422 names each problem by file,
    row (1 = the first row sent) and column, e.g. `towers.csv`, 1, `units`.
    """
    tables = {
        name: _table_rows(rows) for name in ROW_MODELS if (rows := getattr(body, name)) is not None
    }
    with _committed(db):
        edited = editing.edit_capacity(
            db, viewer.actor, version_id, tables, note=note, base_on_old=base_on_old
        )
    return _edited_out(edited)


# --- AHP ------------------------------------------------------------------------------


class AhpIn(BaseModel):
    matrix: list[list[float | str]] = Field(
        description='n x n reciprocal Saaty judgements; text like "1/3" is read as a fraction',
        examples=[[[1, 3, 5, 7], ["1/3", 1, 3, 5], ["1/5", "1/3", 1, 3], ["1/7", "1/5", "1/3", 1]]],
    )


class AhpOut(BaseModel):
    weights: list[float] = Field(description="the normalised principal eigenvector, in row order")
    lambda_max: float
    consistency_ratio: float
    consistent: bool = Field(description="CR below 0.10: usable as priority.pairwise")
    message: str
    message_en: str


@router.post(
    "/ahp",
    summary="Bobot AHP dan rasio konsistensi / AHP weights and consistency ratio",
    response_model=AhpOut,
    responses={422: {"description": "Matriks tidak persegi, tidak positif atau tidak resiprokal"}},
)
def api_ahp(body: AhpIn, viewer: CurrentViewer) -> AhpOut:
    """AHP weights, λmax and consistency ratio of a pairwise comparison matrix."""
    result = editing.ahp_check(viewer.actor, body.matrix)
    cr = f"{result.consistency_ratio:.3f}"
    if result.consistent:
        message = f"CR = {cr}, di bawah 0.10: penilaian konsisten."
        message_en = f"CR = {cr}, below 0.10: the judgements are consistent."
    else:
        message = (
            f"CR = {cr}, tidak di bawah 0.10: penilaian tidak konsisten; kebijakan "
            "dengan matriks ini akan ditolak. Tinjau penilaian yang saling bertentangan."
        )
        message_en = (
            f"CR = {cr}, not below 0.10: the judgements are inconsistent; a policy with "
            "this matrix would be refused. Revisit the judgements that contradict each other."
        )
    return AhpOut(
        weights=list(result.weights),
        lambda_max=result.lambda_max,
        consistency_ratio=result.consistency_ratio,
        consistent=result.consistent,
        message=message,
        message_en=message_en,
    )
