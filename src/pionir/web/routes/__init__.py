"""Routers, one module per area; each holds the area's pages and its JSON API."""

from __future__ import annotations

from fastapi import APIRouter

from pionir.web.routes import accounts, audit, editing, exports, plan_views, runs, scenarios

ROUTERS: tuple[APIRouter, ...] = (
    accounts.router,
    scenarios.router,
    editing.router,
    runs.router,
    plan_views.router,
    audit.router,
    exports.router,
)
