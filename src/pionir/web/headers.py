"""Security headers on every answer: a strict Content-Security-Policy, no framing, no
referrer outside the site, no MIME sniffing, and no caching of anything personal.

A pure ASGI middleware rather than Starlette's `BaseHTTPMiddleware`: it only edits the
`http.response.start` message, so streamed exports and file answers pass through
untouched and an exception keeps its own handler.
"""

from __future__ import annotations

from typing import Final

from starlette.datastructures import MutableHeaders
from starlette.types import Message, Receive, Scope, Send

from pionir.web.asgi import HttpMiddleware

STATIC_PREFIX: Final = "/static/"

# Every page's scripts and styles are files under /static/ (no inline <script>, no
# style="" and no <style>): the templates were made so, and htmx's own inline styles and
# eval are turned off in base.html. The charts are inline <svg> without style attributes.
# `/docs` runs under the same policy: Swagger UI (vendored under /static/swagger/, started
# by a file) sets its styles through the DOM, which the policy allows, and draws its icons
# from data: URIs in swagger-ui.css, hence `img-src data:` (tests/browser/test_csp.py).
POLICY: Final = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

# Static assets are the same for everyone; an hour keeps them cheap while an upgrade
# of the package still reaches browsers the same day (the file names carry no version).
STATIC_CACHE: Final = "public, max-age=3600"


class SecurityHeaders(HttpMiddleware):
    """Adds the headers to every HTTP answer of the wrapped application."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = POLICY
                # The older header for browsers without frame-ancestors.
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "same-origin"
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Cross-Origin-Opener-Policy"] = "same-origin"
                if path.startswith(STATIC_PREFIX):
                    headers.setdefault("Cache-Control", STATIC_CACHE)
                else:
                    # Pages, API answers and exports hold personal data (UU PDP): no
                    # browser or proxy may keep a copy, whatever a route set before.
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)
