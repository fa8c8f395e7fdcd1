"""Security headers on every answer, and `/docs` from the package's own assets.

Every GET route without path parameters, plus the pages of the seeded version and run, is
asked for by each role and by a visitor who is not logged in; whatever the status (a
page, a refusal, a redirect to log-in, an export), the answer carries the policy.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from httpx import Response
from starlette.routing import BaseRoute

from pionir.web.headers import POLICY
from tests.web.conftest import USERNAMES, World, log_in

ROLES = ("anonymous", "planner", "operator_a", "employee", "housing", "auditor")


def _routes(routes: Sequence[BaseRoute]) -> Iterator[BaseRoute]:
    """Every route, through included routers (FastAPI 0.16x keeps those as a wrapper
    whose `original_router` holds the routes; our routers have no prefix)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _routes(inner.routes)
        else:
            yield route


def _get_paths(client: TestClient, world: World) -> list[str]:
    app = client.app
    assert isinstance(app, FastAPI)
    plain = [
        route.path
        for route in _routes(app.routes)
        if isinstance(route, APIRoute) and "GET" in route.methods and "{" not in route.path
    ]
    with_ids = [
        f"/versions/{world.version_id}",
        f"/versions/{world.version_id}/policy",
        f"/versions/{world.version_id}/screening",
        f"/api/versions/{world.version_id}",
        f"/runs/{world.run_id}",
        f"/runs/{world.run_id}/dashboard",
        f"/runs/{world.run_id}/plan",
        f"/runs/{world.run_id}/agencies/{world.agency_a}",
        f"/runs/{world.run_id}/export.xlsx",
        f"/api/runs/{world.run_id}",
        f"/api/runs/{world.run_id}/placements",
        "/runs/999999",  # a 404 page
        "/api/runs/999999",  # a 404 answer
        "/no-such-page",
    ]
    return sorted(set(plain) | {"/docs", "/openapi.json"}) + with_ids


def _assert_protected(response: Response, path: str) -> None:
    headers = response.headers
    assert headers.get("content-security-policy") == POLICY, path
    assert headers.get("x-frame-options") == "DENY", path
    assert headers.get("referrer-policy") == "same-origin", path
    assert headers.get("x-content-type-options") == "nosniff", path
    assert headers.get("cache-control") == "no-store", path


def test_the_policy_forbids_inline_script_and_framing() -> None:
    directives = dict(d.split(" ", 1) for d in POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in POLICY


@pytest.mark.parametrize("role", ROLES)
def test_every_answer_carries_the_headers(client: TestClient, world: World, role: str) -> None:
    if role != "anonymous":
        log_in(client, USERNAMES[role])
    paths = _get_paths(client, world)
    assert "/api/me" in paths and "/dashboard" in paths and "/docs" in paths
    statuses = set()
    for path in paths:
        response = client.get(path, follow_redirects=False)
        assert response.status_code < 500, f"{path}: {response.status_code}"
        statuses.add(response.status_code)
        _assert_protected(response, path)
    # The sweep met pages, refusals or redirects, and missing things alike.
    assert 200 in statuses and 404 in statuses


def test_static_assets_may_be_cached(client: TestClient) -> None:
    for path in ("/static/pionir.css", "/static/htmx.min.js", "/static/swagger/init.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "public, max-age=3600", path
        assert response.headers["content-security-policy"] == POLICY
        assert response.headers["x-content-type-options"] == "nosniff"


def test_docs_load_only_this_servers_scripts(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    page = response.text
    sources = re.findall(r'<script[^>]*\ssrc="([^"]+)"', page)
    assert sources == ["/static/swagger/swagger-ui-bundle.js", "/static/swagger/init.js"]
    # No inline script: every <script> element has a src and nothing between its tags.
    assert re.findall(r"<script[^>]*>([^<]+)</script>", page) == []
    assert page.count("<script") == len(sources)
    styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert styles == ["/static/swagger/swagger-ui.css"]
    assert "http://" not in page and "https://" not in page and "cdn" not in page.lower()
    for asset in (*sources, *styles):
        assert client.get(asset).status_code == 200, asset
    assert client.get("/redoc").status_code == 404


def test_pages_have_no_inline_script_or_style(client: TestClient, world: World) -> None:
    log_in(client, USERNAMES["planner"])
    for path in (
        "/dashboard",
        f"/versions/{world.version_id}/policy",
        f"/versions/{world.version_id}/capacity",
        f"/runs/{world.run_id}/plan",
        "/compare",
        "/runs/999999",
    ):
        page = client.get(path).text
        assert "<style" not in page, path
        assert " style=" not in page, path
        assert "javascript:" not in page, path
        assert re.search(r"\son[a-z]+=", page) is None, path
        assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", page) == [], path
