"""Serve an ASGI app on loopback in a background thread (demo, tests, benchmark)."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

import uvicorn
from starlette.types import ASGIApp


class ServerThread:
    """uvicorn on 127.0.0.1 in a daemon thread; ``url`` is known once started."""

    def __init__(self, app: ASGIApp, *, host: str = "127.0.0.1", port: int = 0, keep_alive: int = 5) -> None:
        # proto=IPPROTO_TCP: asyncio sets TCP_NODELAY on accepted sockets only then (else Nagle +
        # delayed ACK add ~40 ms to every response)
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, port))
        self.host, self.port = self._socket.getsockname()[:2]
        config = uvicorn.Config(
            app,
            log_level="critical",
            access_log=False,
            lifespan="auto",
            timeout_graceful_shutdown=1,
            timeout_keep_alive=keep_alive,  # idle seconds before the server closes a connection
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:43123``."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> ServerThread:
        """Start serving and wait until the server accepts connections."""
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"simulator on {self.url} did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        self._server.should_exit = True
        self._thread.join(timeout=5)
        self._socket.close()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc: object | TracebackType | None) -> None:
        self.stop()
