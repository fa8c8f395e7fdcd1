"""The Content-Security-Policy in a real browser: pages and `/docs` work under it.

Chromium reports every blocked script, style or image on the console ("Refused to ...")
and as a `securitypolicyviolation` event; both are collected, and a page passes only if
it rendered what it should with neither.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import PLANNER, Site, log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Installed before any page script runs (through the DevTools protocol, so the policy does
# not apply to it): every violation the page raises lands in window.__violations.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def watched_page(context: BrowserContext) -> tuple[Page, list[str]]:
    """A page whose console errors and failed requests are collected."""
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page, problems


def violations(page: Page) -> list[str]:
    found = page.evaluate("window.__violations")
    assert isinstance(found, list)
    return [str(v) for v in found]


def test_docs_render_the_operations_under_the_policy(context: BrowserContext, site: Site) -> None:
    page, problems = watched_page(context)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto("/docs")
    assert response is not None and response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # Swagger UI drew the operations of the schema, which only its script can do.
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() >= 10
    expect(
        page.locator(".opblock-summary-path", has_text="/api/runs/{run_id}").first
    ).to_be_visible()
    # An operation opened: its parameters and example answer render too.
    page.locator(".opblock-summary").first.click()
    expect(page.locator(".opblock-body").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    # Everything came from this server: no CDN, no validator badge.
    assert requested and all(url.startswith(site.base_url) for url in requested), requested
    assert violations(page) == []
    assert problems == []


def test_pages_show_no_policy_violation(context: BrowserContext, site: Site) -> None:
    page, problems = watched_page(context)
    page.goto("/login")
    expect(page.locator("input[name=username]")).to_be_visible()
    assert violations(page) == []
    log_in(page, PLANNER, f"/runs/{site.seeded_run_id}/dashboard")
    assert page.locator("main svg").count() >= 1
    # The style sheet applied (it holds the rules that were inline <style> blocks before).
    margin = page.locator("figure.chart").first.evaluate("e => getComputedStyle(e).margin")
    assert margin == "0px"
    for path in (
        f"/runs/{site.seeded_run_id}",
        f"/runs/{site.seeded_run_id}/plan",
        f"/versions/{site.seeded_version_id}/policy",
        f"/versions/{site.seeded_version_id}/capacity",
        "/compare",
    ):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("networkidle")
        assert violations(page) == [], path
    # htmx still works under the policy: the pairwise matrix posts and swaps its result.
    page.goto(f"/versions/{site.seeded_version_id}/policy")
    cell = page.locator("#pairwise-matrix input").first
    if cell.count():
        with page.expect_response(lambda r: r.url.endswith("/ahp/preview")) as answer:
            cell.fill("3")
            cell.dispatch_event("input")
        assert answer.value.status == 200
    assert violations(page) == []
    assert problems == []
