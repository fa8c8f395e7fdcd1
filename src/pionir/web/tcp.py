"""The HTTP protocol for `pionir serve`: uvicorn's h11 protocol with TCP_NODELAY set.

With several server processes uvicorn binds the listening socket itself without naming
TCP as its protocol, so asyncio does not set TCP_NODELAY on accepted connections. Each
response after the first on a keep-alive connection then waits for the client's delayed
ACK, about 40 ms (uvicorn issue #3149). Setting the option on every connection fixes it.
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol


class NoDelayH11Protocol(H11Protocol):
    """h11 with Nagle's algorithm off on each TCP connection."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        connection = transport.get_extra_info("socket")
        if connection is not None and connection.family in (socket.AF_INET, socket.AF_INET6):
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
