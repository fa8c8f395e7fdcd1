"""The world fixture works on both databases: a finished plan run with placements."""

from __future__ import annotations

from sqlalchemy import func, select

from pionir.db.tables import PlacementRow, PlanRun
from tests.web.conftest import World


def test_world_has_a_finished_run(world: World) -> None:
    with world.session() as db:
        run = db.get(PlanRun, world.run_id)
        assert run is not None
        assert run.status == "succeeded", run.message_en
        rows = db.scalar(select(func.count()).where(PlacementRow.run_id == world.run_id))
        assert rows == len(world.scenario.employees)
        movers = db.scalar(
            select(func.count()).where(
                PlacementRow.run_id == world.run_id, PlacementRow.wave_id.is_not(None)
            )
        )
        assert movers == run.summary["movers"] if run.summary else False
