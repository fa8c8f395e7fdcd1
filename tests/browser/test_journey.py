"""A planner's day and an agency operator's limits, in a real browser against the real server.

The planner imports the demo workbook through the page, runs the plan and watches the
progress panel, reads the dashboard, the plan, a person and the policy, switches to
English and downloads the workbook. The operator then tries another agency's pages.
Screenshots of every main page land in docs/screenshots/.
"""

from __future__ import annotations

import io
import re
import time
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import BrowserContext, Page, expect
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import OPERATOR, PLANNER, Site, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FINISHED = ("succeeded", "infeasible", "failed", "cancelled")
RUN_SECONDS = 5
# Generous: the worker polls every second, then the planner prepares and solves.
RUN_TIMEOUT = 120.0
# What the services answer when an operator reaches past their agency (either may apply).
REFUSALS = (
    "Anda hanya dapat melihat data K/L Anda sendiri.",
    "Anda tidak berhak melihat atau mengubah data ini.",
)


def indonesian_number(value: float) -> str:
    """How the pages write a whole number: 3.437."""
    return f"{round(value):,}".replace(",", ".")


def watch_run(page: Page) -> list[tuple[str, str]]:
    """Every distinct (status, objective) the progress panel showed, until the run ended."""
    seen: list[tuple[str, str]] = []
    deadline = time.monotonic() + RUN_TIMEOUT
    shot = False
    panel = ""
    while time.monotonic() < deadline:
        try:
            status = page.locator("#run-status").get_attribute("data-status", timeout=2_000)
            objective = page.locator("#run-objective").inner_text(timeout=2_000)
            text = page.locator("#progress").inner_text(timeout=2_000)
        except PlaywrightError:
            # htmx swaps the panel every second and reloads the page once the run ends;
            # a read that falls in between is simply tried again.
            page.wait_for_timeout(100)
            continue
        state = (status or "", objective.strip())
        if not seen or seen[-1] != state:
            seen.append(state)
        if state[0] == "running" and text != panel:
            # Overwritten at each change, so the picture keeps the latest progress.
            screenshot(page, "04-run-progress")
            shot, panel = True, text
        if state[0] in FINISHED:
            if not shot:
                screenshot(page, "04-run-progress")
            return seen
        page.wait_for_timeout(150)
    pytest.fail(f"the run did not finish within {RUN_TIMEOUT:.0f} s; seen: {seen}")


def api_json(page: Page, path: str) -> Any:
    """A JSON API answer with the page's own session cookie."""
    response = page.request.get(path)
    assert response.status == 200, f"{path}: {response.status} {response.text()[:300]}"
    return response.json()


def a_mover(page: Page, run_id: int) -> tuple[str, int]:
    """The NIP and placement id of someone the plan moves (the placements API lists movers
    by default)."""
    body = api_json(page, f"/api/runs/{run_id}/placements?page=1")
    movers = [row for row in body["placements"] if row["wave_id"]]
    assert movers, body
    return str(movers[0]["nip"]), int(movers[0]["placement_id"])


def csrf_token(page: Page) -> str:
    """The session's CSRF token, from the log-out form every page carries."""
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    assert token
    return token


def plan_sheet_rows(data: bytes) -> tuple[str, int]:
    """The plan sheet of the exported workbook (the one with a NIP column) and its rows."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            # The header is the first row, or one of the first few under a title.
            for _ in range(5):
                header = next(rows, None) or ()
                if any(str(cell or "").strip().upper() == "NIP" for cell in header):
                    filled = sum(1 for row in rows if any(c not in (None, "") for c in row))
                    return sheet.title, filled
        raise AssertionError(f"no sheet with a NIP column in {book.sheetnames}")
    finally:
        book.close()


def test_planner_imports_plans_and_reads_the_plan(context: BrowserContext, site: Site) -> None:
    page = context.new_page()
    # Script errors and failed requests (htmx polls, styles, scripts) would not fail a step
    # on their own; they fail the test at the end.
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.on(
        "response",
        lambda answer: (
            script_errors.append(f"{answer.status} {answer.url}") if answer.status >= 400 else None
        ),
    )

    page.goto("/login")
    expect(page.locator("input[name=username]")).to_be_visible()
    screenshot(page, "01-login")
    log_in(page, PLANNER, "/scenarios")

    # Import the demo workbook through the form.
    form = page.locator("#import-form")
    expect(form).to_be_visible()
    screenshot(page, "02-scenarios")
    form.locator("input[name=file]").set_input_files(str(site.workbook))
    form.locator("input[name=name]").fill("Demo kecil (uji peramban)")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/versions/\d+$"))
    version_id = int(page.url.rsplit("/", 1)[1])
    expect(page.locator("h1")).to_contain_text("Demo kecil (uji peramban)")
    expect(page.locator(".cards")).to_contain_text(indonesian_number(len(site.scenario.employees)))
    screenshot(page, "03-version")

    # Run the plan and watch the progress panel.
    run_form = page.locator("#run-form")
    run_form.locator("input[name=time_limit]").fill(str(RUN_SECONDS))
    run_form.locator("input[name=seed]").fill("7")
    run_form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/runs/\d+$"))
    run_id = int(page.url.rsplit("/", 1)[1])
    expect(page.locator("#progress")).to_be_visible()
    seen = watch_run(page)
    assert seen[-1][0] == "succeeded", f"run ended {seen}"
    # The panel showed the run before it ended (queued or running), then updated itself.
    assert len(seen) >= 2 and seen[0][0] in ("queued", "running"), seen
    expect(page.locator("#approve-run")).to_be_visible()
    expect(page.locator("#cancel-run")).to_have_count(0)
    summary = api_json(page, f"/api/runs/{run_id}")["summary"]
    assert summary and summary["movers"] > 0, summary

    # The dashboard: a chart and the number of movers.
    response = page.goto(f"/runs/{run_id}/dashboard")
    assert response is not None and response.status == 200
    assert page.locator("main svg").count() >= 1, "no chart <svg> on the dashboard"
    movers = page.locator("main .card .value", has_text=indonesian_number(summary["movers"]))
    assert movers.count() >= 1, "the dashboard's cards do not show the number of movers"
    screenshot(page, "05-dashboard")

    # The plan, by wave.
    response = page.goto(f"/runs/{run_id}/plan?view=wave")
    assert response is not None and response.status == 200
    expect(page.locator("main table tbody tr").first).to_be_visible()
    screenshot(page, "06-plan")

    # Searching the plan for a NIP: the form posts it, the list's URL names it by a token.
    nip, placement_id = a_mover(page, run_id)
    page.locator("form.filters input[name=q]").fill(nip)
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url("**/plan?*s=*")
    assert nip not in page.url
    expect(page.locator("#plan-lines tbody tr")).to_have_count(1)
    expect(page.locator("#plan-lines tbody")).to_contain_text(nip)

    # One person's page, by their placement id: the NIP is on the page, not in the URL.
    page.locator("#plan-lines tbody a").first.click()
    page.wait_for_url(f"**/runs/{run_id}/placements/{placement_id}")
    expect(page.locator("main")).to_contain_text(nip)
    assert nip not in page.url
    screenshot(page, "07-person")

    # The policy editing page of the version.
    response = page.goto(f"/versions/{version_id}/policy")
    assert response is not None and response.status == 200
    expect(page.locator("main form").first).to_be_visible()
    screenshot(page, "08-policy")

    # The comparison of runs: this run and the one seeded before the server started.
    response = page.goto("/compare")
    assert response is not None and response.status == 200
    response = page.goto(f"/compare?a={site.seeded_run_id}&b={run_id}")
    assert response is not None and response.status == 200
    expect(page.locator("main table").first).to_be_visible()
    screenshot(page, "09-compare")

    # English, through the header link, on the dashboard.
    page.goto(f"/runs/{run_id}/dashboard")
    page.locator("header a[href='/lang/en']").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("header")).to_contain_text("Log out")
    expect(page.locator("header nav")).to_contain_text("Dashboard")
    assert page.url.endswith(f"/runs/{run_id}/dashboard")
    screenshot(page, "10-dashboard-en")

    # The workbook download from the run page.
    page.goto(f"/runs/{run_id}")
    with page.expect_download() as download_info:
        page.locator(f"a[href='/runs/{run_id}/export.xlsx']").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = download.path()
    assert path is not None
    sheet, rows = plan_sheet_rows(path.read_bytes())
    # One row per employee: the planner's scope is the whole scenario.
    assert rows == len(site.scenario.employees), f"{sheet!r} has {rows} rows"
    assert script_errors == []


def test_operator_is_refused_another_agencys_pages(context: BrowserContext, site: Site) -> None:
    page = context.new_page()
    run_id = site.seeded_run_id
    log_in(page, OPERATOR, f"/runs/{run_id}/agencies/{site.agency_a}")
    # Their own agency opens: the refusals below are about scope, not a broken page.
    expect(page.locator("main")).to_contain_text(site.agency_a)

    response = page.goto(f"/runs/{run_id}/agencies/{site.agency_b}")
    assert response is not None
    assert response.status == 403
    refusal = page.locator("[role=alert]").inner_text()
    assert refusal.strip() in REFUSALS, refusal
    # Another K/L's person is answered as nobody: the same 404 as an unknown id.
    other = page.request.post(
        f"/api/runs/{run_id}/people/lookup",
        data={"nip": site.nip_b},
        headers={"X-CSRF-Token": csrf_token(page)},
    )
    unknown = page.request.post(
        f"/api/runs/{run_id}/people/lookup",
        data={"nip": "000000000000000000"},
        headers={"X-CSRF-Token": csrf_token(page)},
    )
    assert other.status == unknown.status == 404
    assert other.body() == unknown.body()
    assert site.nip_b not in page.locator("main").inner_text()
    screenshot(page, "11-operator-refused")
