"""The shape the application's own middlewares share: plain ASGI, HTTP requests only.

Pure ASGI rather than Starlette's BaseHTTPMiddleware, so that a middleware sees the
request before anything reads its body and can wrap `receive` and `send` themselves.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send


class HttpMiddleware:
    """Passes lifespan and websocket traffic through; HTTP requests go to `handle`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError
