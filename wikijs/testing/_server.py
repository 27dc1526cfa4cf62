"""The HTTP/1.1 front end: a threaded, keep-alive server on loopback.

Each connection gets a thread that reads requests, applies injected faults, hands the
request to the engine's event loop and writes the answer in one ``send``. Simulated
latency is slept on the event loop (``asyncio.sleep``) or, for slow-response faults, in
the connection's own thread, never under a lock, so concurrent requests overlap.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Coroutine
from concurrent.futures import Future
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

from wikijs.testing._engine import (
    Engine,
    HttpRequest,
    HttpResponse,
    classify,
    text_response,
)
from wikijs.testing._faults import Fault, FaultSet
from wikijs.testing._log import LoggedRequest, RequestLog

#: Requests larger than this are refused without being read (the JSON limit is 5 MB).
MAX_REQUEST_BYTES = 128 * 1024 * 1024


class Runtime(Protocol):
    faults: FaultSet
    log: RequestLog
    engine: Engine

    def submit(self, coro: Coroutine[Any, Any, HttpResponse]) -> Future[HttpResponse]: ...


class _TooLarge(Exception):
    pass


class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], runtime: Runtime) -> None:
        self.runtime = runtime
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        sock: socket.socket = request
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._connections_lock:
            self._connections.add(sock)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Close every open keep-alive connection (on stop)."""
        with self._connections_lock:
            connections = list(self._connections)
            self._connections.clear()
        for sock in connections:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "WikiJSEmulator"
    sys_version = ""
    server: EmulatorHTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        """Silent: the emulator keeps its own request log."""

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def do_OPTIONS(self) -> None:
        self._handle()

    # -----------------------------------------------------------------------------
    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks: list[bytes] = []
            total = 0
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                total += size
                if total > MAX_REQUEST_BYTES:
                    raise _TooLarge
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_REQUEST_BYTES:
            raise _TooLarge
        return self.rfile.read(length) if length > 0 else b""

    def _handle(self) -> None:
        started = time.perf_counter()
        runtime = self.server.runtime
        path = self.path.split("?", 1)[0]
        try:
            body = self._read_body()
        except _TooLarge:
            self.close_connection = True
            self._log(path, "other", (), 413, started)
            self._write(text_response(413, "request entity too large"))
            return
        except ValueError:  # a malformed Content-Length or chunk size
            self.close_connection = True
            self._log(path, "other", (), 400, started)
            self._write(text_response(400, "Bad Request"))
            return
        request = HttpRequest(
            method=self.command,
            target=self.path,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            client_ip=self.client_address[0],
        )
        classified = classify(request)
        decision = runtime.faults.decide(classified.kind, classified.operations)
        fault_name = ",".join(_describe(f) for f in decision.fired) or None
        if decision.delay > 0:
            time.sleep(decision.delay)
        if decision.hold and not runtime.faults.hold():
            self._log(path, classified.kind, classified.operations, None, started, fault_name)
            self._drop()
            return
        if decision.respond is not None:
            response = _fault_response(decision.respond)
            self._log(
                path, classified.kind, classified.operations, response.status, started, fault_name
            )
            self._write(response)
            return
        if decision.drop_before:
            self._log(path, classified.kind, classified.operations, None, started, fault_name)
            self._drop()
            return
        try:
            response = runtime.submit(runtime.engine.handle(classified, request)).result()
        except Exception:  # noqa: BLE001 - the emulator is stopping or crashed: no answer
            self._log(path, classified.kind, classified.operations, None, started, fault_name)
            self._drop()
            return
        if decision.drop_after:
            self._log(path, classified.kind, classified.operations, None, started, fault_name)
            self._drop()
            return
        # Log before answering, so a client that saw the answer also sees the entry.
        self._log(
            path, classified.kind, classified.operations, response.status, started, fault_name
        )
        self._write(response)

    def _log(
        self,
        path: str,
        kind: str,
        operations: tuple[str, ...],
        status: int | None,
        started: float,
        fault: str | None = None,
    ) -> None:
        self.server.runtime.log.record(
            LoggedRequest(
                method=self.command,
                path=path,
                kind=kind,
                operations=operations,
                status=status,
                duration=time.perf_counter() - started,
                fault=fault,
            )
        )

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _write(self, response: HttpResponse) -> None:
        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = "Unknown"
        lines = [f"HTTP/1.1 {response.status} {reason}"]
        lines.append("X-Powered-By: Express")
        if response.content_type:
            lines.append(f"Content-Type: {response.content_type}")
        lines.append(f"Content-Length: {len(response.body)}")
        for key, value in response.headers:
            lines.append(f"{key}: {value}")
        lines.append(f"Date: {formatdate(usegmt=True)}")
        lines.append("Connection: close" if self.close_connection else "Connection: keep-alive")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", errors="replace")
        payload = head if self.command == "HEAD" else head + response.body
        try:
            self.wfile.write(payload)
        except OSError:
            self.close_connection = True


def _fault_response(fault: Fault) -> HttpResponse:
    try:
        text = HTTPStatus(fault.status).phrase
    except ValueError:
        text = "Error"
    headers = []
    if fault.retry_after is not None:
        seconds = fault.retry_after
        headers.append(
            ("Retry-After", str(int(seconds)) if seconds == int(seconds) else str(seconds))
        )
    response = text_response(fault.status, text, headers)
    response.content_type = "text/plain; charset=utf-8"
    return response


def _describe(fault: Fault) -> str:
    if fault.kind == "status":
        return f"status:{fault.status}"
    if fault.kind == "drop":
        return f"drop:{fault.when}"
    if fault.kind == "hold":
        return "hold"
    return f"slow:{fault.delay:g}"
