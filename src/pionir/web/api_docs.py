"""`/docs`: the API documentation from the package's own copy of Swagger UI.

FastAPI's built-in page loads Swagger UI from a CDN with no integrity hash and starts it
with an inline script; both break a strict Content-Security-Policy and the first makes
every visit depend on a third party. This page loads `/static/swagger/` only.
"""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter()

DOCS_PAGE: Final = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Pionir API</title>
  <link rel="stylesheet" href="/static/swagger/swagger-ui.css">
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/static/swagger/swagger-ui-bundle.js"></script>
<script src="/static/swagger/init.js"></script>
</body>
</html>
"""


@router.get("/docs", include_in_schema=False)
def api_docs() -> HTMLResponse:
    """Swagger UI on `/openapi.json`; public, as the schema is."""
    return HTMLResponse(DOCS_PAGE)
