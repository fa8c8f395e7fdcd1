"""Editing a version's policy and capacities makes the next version; the old one stays.

Each test edits its own copy of the demo scenario (a scenario record of its own), so
version numbers are predictable and the shared world's version is left alone.
"""

from __future__ import annotations

import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

import pionir.web
from pionir.db.tables import AuditEvent, PersonRow, ScenarioVersion
from pionir.web.i18n import catalogue
from tests.web.conftest import USERNAMES, World, copy_of_demo, log_in

# --- helpers --------------------------------------------------------------------------


def version_of(world: World, version_id: int) -> ScenarioVersion:
    with world.session() as db:
        version = db.get(ScenarioVersion, version_id)
        assert version is not None
        db.expunge(version)
        return version


def version_count(world: World, version_id: int) -> int:
    scenario_id = version_of(world, version_id).scenario_id
    with world.session() as db:
        return int(
            db.scalar(select(func.count()).where(ScenarioVersion.scenario_id == scenario_id)) or 0
        )


def eligible_count(world: World, version_id: int) -> int:
    with world.session() as db:
        return int(
            db.scalar(
                select(func.count()).where(
                    PersonRow.version_id == version_id, PersonRow.eligible.is_(True)
                )
            )
            or 0
        )


def audit_of(world: World, action: str, version_id: int) -> AuditEvent:
    with world.session() as db:
        event = db.scalar(
            select(AuditEvent).where(
                AuditEvent.action == action, AuditEvent.object_id == str(version_id)
            )
        )
        assert event is not None
        db.expunge(event)
        return event


class _FormFields(HTMLParser):
    """What a browser would send for one form: inputs, ticked boxes, chosen options."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.fields: dict[str, list[str]] = {}
        self.select: str | None = None
        self.options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            self.inside = found.get("id") == self.form_id
        elif not self.inside:
            return
        elif tag == "input" and found.get("name"):
            ticked = found.get("type") not in ("checkbox", "radio") or "checked" in found
            if ticked:
                self.fields.setdefault(found["name"] or "", []).append(found.get("value") or "")
        elif tag == "select":
            self.select, self.options = found.get("name"), []
        elif tag == "option" and self.select:
            self.options.append((found.get("value") or "", "selected" in found))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.inside and self.select:
            chosen = [value for value, selected in self.options if selected] or [self.options[0][0]]
            self.fields.setdefault(self.select, []).append(chosen[0])
            self.select = None


def form_fields(html: str, form_id: str) -> dict[str, list[str]]:
    reader = _FormFields(form_id)
    reader.feed(html)
    assert reader.fields, f"no form {form_id}"
    return reader.fields


def planner_form(client: TestClient, url: str, form_id: str) -> dict[str, list[str]]:
    page = client.get(url)
    assert page.status_code == 200, page.text
    return form_fields(page.text, form_id)


CONSISTENT = [  # weights 4:3:2:1, so every judgement agrees with every other: CR = 0
    [1, "4/3", 2, 4],
    ["3/4", 1, "3/2", 3],
    ["1/2", "2/3", 1, 2],
    ["1/4", "1/3", "1/2", 1],
]
INCONSISTENT = [  # a beats b, b beats c, c beats a: a circle, CR far above 0.10
    [1, 9, "1/9"],
    ["1/9", 1, 9],
    [9, "1/9", 1],
]


# --- policy ---------------------------------------------------------------------------


def test_a_raised_threshold_screens_a_new_version_and_leaves_the_old(
    world: World, client: TestClient
) -> None:
    old_id = copy_of_demo(world)
    old = version_of(world, old_id)
    old_eligible = eligible_count(world, old_id)
    log_in(client, USERNAMES["planner"])
    fields = planner_form(client, f"/versions/{old_id}/policy", "policy-form")
    assert fields["screening.min_berakhlak"] == ["70"]
    fields["screening.min_berakhlak"] = ["100"]
    fields["note"] = ["BerAKHLAK penuh"]

    answer = client.post(f"/versions/{old_id}/policy", data=fields, follow_redirects=False)

    assert answer.status_code == 303, answer.text
    new_id = int(answer.headers["location"].rsplit("/", 1)[1])
    new = version_of(world, new_id)
    assert (new.scenario_id, new.number, new.note) == (
        old.scenario_id,
        old.number + 1,
        "BerAKHLAK penuh",
    )
    assert tomllib.loads(new.policy_toml)["screening"]["min_berakhlak"] == 100
    assert version_of(world, old_id).policy_toml == old.policy_toml
    assert version_of(world, old_id).archive == old.archive
    assert eligible_count(world, old_id) == old_eligible
    assert eligible_count(world, new_id) < old_eligible
    assert new.counts["eligible"] == eligible_count(world, new_id)
    event = audit_of(world, "scenario.policy_edit", new_id)
    assert event.username == "perencana"
    assert event.before == {"screening.min_berakhlak": 70}
    assert event.after == {"screening.min_berakhlak": 100}


def test_the_form_as_shown_reads_back_as_the_same_policy(world: World, client: TestClient) -> None:
    version_id = copy_of_demo(world)
    log_in(client, USERNAMES["planner"])
    fields = planner_form(client, f"/versions/{version_id}/policy", "policy-form")

    answer = client.post(f"/versions/{version_id}/policy", data=fields)

    assert answer.status_code == 422
    assert "Tidak ada perubahan" in answer.text
    assert version_count(world, version_id) == 1


def test_a_refused_policy_form_keeps_the_values_and_names_every_field(
    world: World, client: TestClient
) -> None:
    version_id = copy_of_demo(world)
    log_in(client, USERNAMES["planner"])
    fields = planner_form(client, f"/versions/{version_id}/policy", "policy-form")
    fields["allowance.budget"] = ["-5"]
    fields["allowance.end_month"] = ["Desember 2025"]
    fields["merit.weights.general"] = ["banyak"]

    answer = client.post(f"/versions/{version_id}/policy", data=fields)

    assert answer.status_code == 422
    for key in ("allowance.budget", "allowance.end_month", "merit.weights.general"):
        assert f"<code>{key}</code>" in answer.text
    assert "Anggaran tunjangan (Rp)" in answer.text  # the field's name, not only its key
    kept = form_fields(answer.text, "policy-form")
    assert kept["allowance.end_month"] == ["Desember 2025"]
    assert kept["allowance.budget"] == ["-5"]
    assert version_count(world, version_id) == 1


def test_a_refused_form_speaks_the_readers_language(world: World, client: TestClient) -> None:
    version_id = copy_of_demo(world)
    log_in(client, USERNAMES["planner"])
    client.cookies.set("pionir_lang", "en")
    fields = planner_form(client, f"/versions/{version_id}/policy", "policy-form")
    fields["allowance.budget"] = ["-5"]

    answer = client.post(f"/versions/{version_id}/policy", data=fields)

    assert answer.status_code == 422
    assert "Allowance budget (Rp)" in answer.text
    assert "out of range; it must be at least 0" in answer.text


def test_a_consistent_matrix_from_the_form_sets_the_priority_weights(
    world: World, client: TestClient
) -> None:
    version_id = copy_of_demo(world)
    log_in(client, USERNAMES["planner"])
    fields = planner_form(client, f"/versions/{version_id}/policy", "policy-form")
    fields["priority.mode"] = ["pairwise"]
    saaty = {(0, 1): "3", (0, 2): "5", (0, 3): "7", (1, 2): "3", (1, 3): "5", (2, 3): "3"}
    for (i, j), text in saaty.items():
        fields[f"priority.pairwise.{i}.{j}"] = [text]

    answer = client.post(f"/versions/{version_id}/policy", data=fields, follow_redirects=False)

    assert answer.status_code == 303, answer.text
    new_id = int(answer.headers["location"].rsplit("/", 1)[1])
    policy = tomllib.loads(version_of(world, new_id).policy_toml)
    assert policy["priority"]["pairwise"][0] == [1, 3, 5, 7]
    assert policy["priority"]["pairwise"][1][0] == "1/3"
    assert "priority.pairwise" in audit_of(world, "scenario.policy_edit", new_id).after


def test_an_inconsistent_matrix_from_the_form_is_refused_naming_cr(
    world: World, client: TestClient
) -> None:
    version_id = copy_of_demo(world)
    log_in(client, USERNAMES["planner"])
    fields = planner_form(client, f"/versions/{version_id}/policy", "policy-form")
    fields["priority.mode"] = ["pairwise"]
    fields["priority.pairwise.0.1"] = ["9"]
    fields["priority.pairwise.1.2"] = ["9"]
    fields["priority.pairwise.0.2"] = ["1/9"]

    answer = client.post(f"/versions/{version_id}/policy", data=fields)

    assert answer.status_code == 422
    assert "<code>priority.pairwise</code>" in answer.text
    assert "CR = " in answer.text
    assert version_count(world, version_id) == 1


def test_policy_api_edits_by_merge_and_refuses_bad_values(world: World, client: TestClient) -> None:
    version_id = copy_of_demo(world)
    token = log_in(client, USERNAMES["planner"])
    headers = {"X-CSRF-Token": token}
    url = f"/api/versions/{version_id}/policy"
    current = client.get(url).json()
    assert current["screening"]["min_berakhlak"] == 70

    same = client.put(url, json=current, headers=headers)
    assert same.status_code == 422  # nothing changed, so no version

    bad = client.put(
        url,
        json={
            "allowance": {"budget": -1, "end_month": "12/2025"},
            "merit": {"weights": dict.fromkeys(current["merit"]["weights"], 0)},
        },
        headers=headers,
    )
    assert bad.status_code == 422
    assert {issue["column"] for issue in bad.json()["issues"]} == {
        "allowance.budget",
        "allowance.end_month",
        "merit.weights",
    }
    assert version_count(world, version_id) == 1

    good = client.put(
        url, json={"screening": {"min_berakhlak": 100}}, params={"note": "api"}, headers=headers
    )
    assert good.status_code == 201, good.text
    made = good.json()
    assert (made["number"], made["based_on"], made["note"]) == (2, version_id, "api")
    assert made["before"] == {"screening.min_berakhlak": 70}
    assert client.get(f"/api/versions/{made['id']}/policy").json()["screening"] == {
        **current["screening"],
        "min_berakhlak": 100,
    }
    assert eligible_count(world, made["id"]) < eligible_count(world, version_id)


# --- capacity -------------------------------------------------------------------------


def test_capacity_form_adds_a_tower_and_removes_a_wave(world: World, client: TestClient) -> None:
    version_id = copy_of_demo(world)
    log_in(client, USERNAMES["planner"])
    fields = planner_form(client, f"/versions/{version_id}/capacity", "capacity-form")
    # The last row of each table is the spare one, left blank.
    assert fields["towers.tower_id"][-1] == ""
    for column, text in {
        "tower_id": "T-D01",
        "ready_month": "2024-12",
        "units": "40",
        "bedrooms": "2",
    }.items():
        fields[f"towers.{column}"][-1] = text
    last_wave = fields["waves.wave_id"][-2]
    fields["waves.remove"] = [fields["waves.key"][-2]]

    answer = client.post(f"/versions/{version_id}/capacity", data=fields, follow_redirects=False)

    assert answer.status_code == 303, answer.text
    new_id = int(answer.headers["location"].rsplit("/", 1)[1])
    new = version_of(world, new_id)
    assert new.number == 2
    assert (new.counts["towers"], new.counts["waves"]) == (
        len(world.scenario.towers) + 1,
        len(world.scenario.waves) - 1,
    )
    event = audit_of(world, "scenario.capacity_edit", new_id)
    removed = world.scenario.waves[-1]
    assert event.before == {
        "waves": {last_wave: {"month": str(removed.month), "seats": removed.seats}}
    }
    assert event.after == {
        "towers": {"T-D01": {"ready_month": "2024-12", "units": 40, "bedrooms": 2}}
    }
    assert version_of(world, version_id).counts["towers"] == len(world.scenario.towers)


def test_capacity_form_refuses_negative_units_naming_the_row(
    world: World, client: TestClient
) -> None:
    version_id = copy_of_demo(world)
    log_in(client, USERNAMES["planner"])
    fields = planner_form(client, f"/versions/{version_id}/capacity", "capacity-form")
    fields["towers.units"][1] = "-1"
    fields["waves.month"][0] = "Juli 2024"

    answer = client.post(f"/versions/{version_id}/capacity", data=fields)

    assert answer.status_code == 422
    assert "<td>towers.csv</td><td>2</td><td>units</td>" in answer.text
    assert "<td>waves.csv</td><td>1</td><td>month</td>" in answer.text
    kept = form_fields(answer.text, "capacity-form")
    assert kept["towers.units"][1] == "-1"
    assert kept["waves.month"][0] == "Juli 2024"
    assert version_count(world, version_id) == 1


def test_capacity_api_replaces_a_table_or_names_the_bad_cell(
    world: World, client: TestClient
) -> None:
    version_id = copy_of_demo(world)
    headers = {"X-CSRF-Token": log_in(client, USERNAMES["planner"])}
    url = f"/api/versions/{version_id}/capacity"
    capacity = client.get(url).json()
    assert len(capacity["waves"]) == len(world.scenario.waves)

    towers = [dict(row) for row in capacity["towers"]]
    towers[0]["units"] = -1
    bad = client.put(url, json={"towers": towers}, headers=headers)
    assert bad.status_code == 422
    assert [(i["file"], i["row"], i["column"]) for i in bad.json()["issues"]] == [
        ("towers.csv", 1, "units")
    ]
    assert version_count(world, version_id) == 1

    waves = [dict(row) for row in capacity["waves"]]
    waves[0]["seats"] += 5
    good = client.put(url, json={"waves": waves}, headers=headers)
    assert good.status_code == 201, good.text
    first = waves[0]
    assert good.json()["after"] == {
        "waves": {first["wave_id"]: {"month": first["month"], "seats": first["seats"]}}
    }
    assert client.get(f"/api/versions/{good.json()['id']}/capacity").json()["waves"] == waves


# --- AHP ------------------------------------------------------------------------------


def test_ahp_api_tells_consistent_from_inconsistent(world: World, client: TestClient) -> None:
    headers = {"X-CSRF-Token": log_in(client, USERNAMES["planner"])}

    consistent = client.post("/api/ahp", json={"matrix": CONSISTENT}, headers=headers).json()
    inconsistent = client.post("/api/ahp", json={"matrix": INCONSISTENT}, headers=headers).json()

    assert consistent["consistent"] is True
    assert consistent["consistency_ratio"] < 0.1
    assert consistent["weights"] == pytest.approx([0.4, 0.3, 0.2, 0.1])
    assert consistent["lambda_max"] == pytest.approx(4)
    assert inconsistent["consistent"] is False
    assert inconsistent["consistency_ratio"] >= 0.1
    assert "tidak konsisten" in inconsistent["message"]


def test_ahp_api_names_cells_that_are_no_judgement(world: World, client: TestClient) -> None:
    headers = {"X-CSRF-Token": log_in(client, USERNAMES["planner"])}
    matrix = [[1, "tiga"], ["1/3", 1]]

    answer = client.post("/api/ahp", json={"matrix": matrix}, headers=headers)

    assert answer.status_code == 422
    assert [(i["row"], i["column"]) for i in answer.json()["issues"]] == [(1, "2")]


def test_live_ahp_box_warns_while_the_matrix_is_inconsistent(
    world: World, client: TestClient
) -> None:
    headers = {"X-CSRF-Token": log_in(client, USERNAMES["planner"])}
    typed = {
        "priority.pairwise.0.1": "9",
        "priority.pairwise.1.2": "9",
        "priority.pairwise.0.2": "1/9",
    }
    typed |= {
        "priority.pairwise.0.3": "1",
        "priority.pairwise.1.3": "1",
        "priority.pairwise.2.3": "1",
    }

    inconsistent = client.post("/ahp/preview", data=typed, headers=headers)
    typed |= {
        "priority.pairwise.0.1": "1",
        "priority.pairwise.1.2": "1",
        "priority.pairwise.0.2": "1",
    }
    consistent = client.post("/ahp/preview", data=typed, headers=headers)

    assert inconsistent.status_code == 200
    assert 'class="error" id="ahp-verdict"' in inconsistent.text
    assert '<span id="pw-2-0" hx-swap-oob="true">9</span>' in inconsistent.text
    assert 'class="ok" id="ahp-verdict"' in consistent.text


# --- who may do what ------------------------------------------------------------------


@pytest.mark.parametrize("role", ["auditor", "operator_a", "housing", "employee"])
def test_only_planners_save(world: World, client: TestClient, role: str) -> None:
    version_id = copy_of_demo(world)
    token = log_in(client, USERNAMES[role])
    headers = {"X-CSRF-Token": token}

    answers = [
        client.put(
            f"/api/versions/{version_id}/policy",
            json={"screening": {"min_berakhlak": 90}},
            headers=headers,
        ),
        client.put(f"/api/versions/{version_id}/capacity", json={"waves": []}, headers=headers),
        client.post(
            f"/versions/{version_id}/policy",
            data={"csrf_token": token, "screening.min_berakhlak": "90"},
        ),
        client.post(
            f"/versions/{version_id}/capacity",
            data={"csrf_token": token, "waves.key": "r1", "waves.remove": "r1"},
        ),
    ]

    assert [answer.status_code for answer in answers] == [403] * 4
    assert version_count(world, version_id) == 1


@pytest.mark.parametrize("page", ["policy", "capacity"])
def test_every_role_but_the_employee_sees_the_forms(
    world: World, client: TestClient, page: str
) -> None:
    url = f"/versions/{world.version_id}/{page}"
    log_in(client, USERNAMES["auditor"])
    read_only = client.get(url)
    log_in(client, USERNAMES["operator_a"])
    operator = client.get(url)
    log_in(client, USERNAMES["housing"])
    housing = client.get(url)
    log_in(client, USERNAMES["employee"])
    employee = client.get(url)
    log_in(client, USERNAMES["planner"])
    planner = client.get(url)

    assert [r.status_code for r in (read_only, operator, housing, employee)] == [200, 200, 200, 403]
    assert f'id="save-{page}"' not in read_only.text
    assert "<fieldset disabled>" in read_only.text
    assert f'id="save-{page}"' in planner.text


def test_saving_needs_the_csrf_token(world: World, client: TestClient) -> None:
    version_id = copy_of_demo(world)
    log_in(client, USERNAMES["planner"])
    fields = planner_form(client, f"/versions/{version_id}/policy", "policy-form")
    fields["screening.min_berakhlak"] = ["90"]
    del fields["csrf_token"]

    page = client.post(f"/versions/{version_id}/policy", data=fields)
    api = client.put(
        f"/api/versions/{version_id}/policy", json={"screening": {"min_berakhlak": 90}}
    )

    assert (page.status_code, api.status_code) == (403, 403)
    assert version_count(world, version_id) == 1


def test_add_a_row_gives_planners_an_empty_row(world: World, client: TestClient) -> None:
    url = f"/versions/{world.version_id}/capacity/rows/facilities"
    log_in(client, USERNAMES["auditor"])
    auditor = client.get(url)
    log_in(client, USERNAMES["planner"])
    planner = client.get(url)

    assert auditor.status_code == 403
    assert planner.status_code == 200
    row = form_fields(f'<form id="f"><table>{planner.text}</table></form>', "f")
    assert row["facilities.facility_id"] == [""]
    assert row["facilities.key"][0].startswith("n")
    assert client.get(f"/versions/{world.version_id}/capacity/rows/units").status_code == 404


# --- language -------------------------------------------------------------------------

EDITING_TEMPLATES = (
    "policy.html",
    "_policy_labels.html",
    "_ahp_result.html",
    "capacity.html",
    "_capacity_labels.html",
    "_capacity_row.html",
)
SOURCE_TEXT = re.compile(r"""_\((?:"([^"]*)"|'([^']*)')\)""")


def test_every_text_of_the_editing_pages_has_its_english() -> None:
    english = catalogue("en")
    folder = Path(pionir.web.__file__).parent / "templates"
    texts = {
        double or single
        for name in EDITING_TEMPLATES
        for double, single in SOURCE_TEXT.findall((folder / name).read_text(encoding="utf-8"))
    }

    assert len(texts) > 50
    assert sorted(text for text in texts if text not in english) == []
