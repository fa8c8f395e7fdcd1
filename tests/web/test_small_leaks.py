"""Small leaks closed: the import template per the role table, timestamps with their
zone in the API, and an edit on an old version that would silently drop newer changes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from pionir.db.tables import ScenarioVersion
from tests.web.conftest import USERNAMES, World, copy_of_demo, log_in
from tests.web.test_editing import planner_form


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("planner", 200),
        ("auditor", 200),
        ("operator_a", 200),
        ("housing", 200),
        # docs/web.md: "/scenarios/template.xlsx | all but employees".
        ("employee", 403),
    ],
)
def test_template_follows_the_role_table(client: TestClient, role: str, status: int) -> None:
    log_in(client, USERNAMES[role])
    response = client.get("/scenarios/template.xlsx")
    assert response.status_code == status
    if status == 200:
        assert response.content[:2] == b"PK"  # a workbook is a zip


def _zoned(text: str) -> datetime:
    """A timestamp as the API gives it, which must name its zone: UTC."""
    assert text.endswith(("Z", "+00:00")), text
    moment = datetime.fromisoformat(text)
    assert moment.utcoffset() is not None and moment.utcoffset() == UTC.utcoffset(moment)
    return moment


def test_api_timestamps_carry_their_zone(client: TestClient, world: World) -> None:
    log_in(client, USERNAMES["planner"])
    run: dict[str, Any] = client.get(f"/api/runs/{world.run_id}").json()
    requested = _zoned(run["requested_at"])
    finished = _zoned(run["finished_at"])
    assert requested <= finished <= datetime.now(UTC)
    _zoned(run["started_at"])
    for listed in client.get("/api/runs").json():
        _zoned(listed["requested_at"])
    versions = [v for s in client.get("/api/scenarios").json() for v in s["versions"]]
    assert versions
    for version in versions:
        _zoned(version["created_at"])
    _zoned(client.get(f"/api/versions/{world.version_id}").json()["created_at"])
    events = client.get("/api/audit").json()
    assert events
    for event in events:
        _zoned(event["at"])


def _versions_of(world: World, version_id: int) -> int:
    with world.session() as db:
        scenario_id = db.get(ScenarioVersion, version_id).scenario_id  # type: ignore[union-attr]
        return int(
            db.scalar(select(func.count()).where(ScenarioVersion.scenario_id == scenario_id)) or 0
        )


def test_an_old_version_warns_and_refuses_an_unconfirmed_edit(
    client: TestClient, world: World
) -> None:
    csrf = log_in(client, USERNAMES["planner"])
    old_id = copy_of_demo(world)
    headers = {"X-CSRF-Token": csrf}
    budget = client.get(f"/api/versions/{old_id}/policy").json()["allowance"]["budget"]
    first = client.put(
        f"/api/versions/{old_id}/policy",
        json={"allowance": {"budget": budget + 1}},
        headers=headers,
    )
    assert first.status_code == 201, first.text
    newest_id = first.json()["id"]
    assert _versions_of(world, old_id) == 2

    # Every page of the old version says so, in the reader's language, with a link.
    for page in ("", "/policy", "/capacity"):
        html = client.get(f"/versions/{old_id}{page}").text
        assert 'id="newer-version"' in html, page
        assert "Ini bukan versi terbaru skenario ini." in html
        assert f'href="/versions/{newest_id}{page}"' in html
        assert 'id="newer-version"' not in client.get(f"/versions/{newest_id}{page}").text
    client.cookies.set("pionir_lang", "en")
    assert "This is not the newest version" in client.get(f"/versions/{old_id}/policy").text
    client.cookies.delete("pionir_lang")

    # An edit of the old version without the confirmation: 409, a sentence, nothing stored.
    refused = client.put(
        f"/api/versions/{old_id}/policy",
        json={"allowance": {"budget": budget + 2}},
        headers=headers,
    )
    assert refused.status_code == 409
    assert refused.json()["error"].startswith("Versi 2 lebih baru dari versi 1")
    assert "would not contain the changes of version 2" in refused.json()["error_en"]
    fields = planner_form(client, f"/versions/{old_id}/policy", "policy-form")
    assert "base_on_old" not in fields  # a box left unticked is not sent
    form = fields | {"allowance.budget": [str(budget + 3)]}
    page = client.post(f"/versions/{old_id}/policy", data=form, follow_redirects=False)
    assert page.status_code == 409
    assert "Versi 2 lebih baru dari versi 1" in page.text
    capacity = client.put(f"/api/versions/{old_id}/capacity", json={"waves": []}, headers=headers)
    assert capacity.status_code == 409
    assert _versions_of(world, old_id) == 2

    # Confirmed, it forks from the old version as asked.
    forked = client.post(
        f"/versions/{old_id}/policy", data=form | {"base_on_old": ["1"]}, follow_redirects=False
    )
    assert forked.status_code == 303, forked.text
    assert _versions_of(world, old_id) == 3
    api = client.put(
        f"/api/versions/{old_id}/policy?base_on_old=true",
        json={"allowance": {"budget": budget + 4}},
        headers=headers,
    )
    assert api.status_code == 201, api.text
    assert _versions_of(world, old_id) == 4
