"""A misbehaving HTTP(S) target on 127.0.0.1 for the hostile-target tests.

`HostileServer(behave, upstream=...)` accepts connections on a free loopback port and asks
`behave(server, request)` what to do with each request: forward it to the upstream (the
reference mock, so a correct answer is a real one), answer something of its own, reset the
connection, never answer, or stream a huge body. Raw sockets, so that it can misbehave below
HTTP; stopped by the test that started it (`stop()`).
"""

import contextlib
import http.client
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes


@dataclass
class Reply:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass
class Forward:
    """Send to the upstream; `headers` replace the request's; `transform` edits the answer."""

    headers: dict[str, str | None] = field(default_factory=dict)
    delay: float = 0.0
    transform: Callable[[Reply], Reply] | None = None


class Reset:
    """Start an answer, then reset the connection (RST) mid-response."""


class Silent:
    """Read the request and never answer (until the server stops)."""


@dataclass
class Huge:
    size: int  # bytes of body announced and streamed


@dataclass
class Trickle:
    """Answer one byte every `every` seconds (under the client's read timeout, so no single
    wait times out): the body only, or the status line and headers too (`head`)."""

    every: float
    head: bool = False


class PlainPortError(Exception):
    """TLS spoken to the plain-HTTP port."""


Action = Reply | Forward | Reset | Silent | Huge | Trickle


class HostileServer:
    def __init__(
        self,
        behave: Callable[["HostileServer", Request], Action],
        upstream: str | None = None,
        tls: ssl.SSLContext | None = None,
    ):
        self.behave, self.upstream, self.tls = behave, upstream, tls
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self._stop = threading.Event()
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.settimeout(0.1)
        port = self._listener.getsockname()[1]
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def api_requests(self) -> list[Request]:
        """Requests other than the reachability probe and the token endpoint's."""
        with self.lock:
            return [r for r in self.requests if r.path != "/" and not r.path.startswith("/token")]

    # ---------------------------------------------------------------- plumbing
    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self.tls:
                conn.settimeout(5)
                conn = self.tls.wrap_socket(conn, server_side=True)
            conn.settimeout(None)
            reader = conn.makefile("rb")
            while not self._stop.is_set():
                try:
                    request = self._read(reader)
                except PlainPortError:
                    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                    return
                if request is None:
                    return
                with self.lock:
                    self.requests.append(request)
                if not self._act(conn, request, self.behave(self, request)):
                    return
        except (OSError, ssl.SSLError):
            return
        finally:
            with contextlib.suppress(OSError):
                conn.close()

    @staticmethod
    def _read(reader) -> Request | None:
        if reader.peek(1)[:1] == b"\x16":  # a TLS ClientHello on a plain port: what servers do
            raise PlainPortError
        line = reader.readline()
        parts = line.decode("latin-1").split(" ", 2)
        if len(parts) != 3:
            return None
        method, path, _ = parts
        headers = {}
        while (header := reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = header.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length") or 0)
        return Request(method, path, headers, reader.read(length) if length else b"")

    def _act(self, conn: socket.socket, request: Request, action: Action) -> bool:
        """Carry out the action; False closes the connection."""
        if isinstance(action, Forward):
            time.sleep(action.delay)
            if self._stop.is_set():
                return False
            action = self._forward(request, action)
        if isinstance(action, Reply):
            head = [f"HTTP/1.1 {action.status} X"]
            headers = {"Content-Length": str(len(action.body)), **action.headers}
            head += [f"{k}: {v}" for k, v in headers.items()]
            conn.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + action.body)
            return True
        if isinstance(action, Reset):
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 100\r\n\r\n{\"data\":")
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return False
        if isinstance(action, Silent):
            self._stop.wait()
            return False
        if isinstance(action, Huge):
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         + f"Content-Length: {action.size}\r\n\r\n".encode())
            chunk = b'{"pad":"' + b"x" * (64 * 1024 - 8)
            sent = 0
            while sent < action.size and not self._stop.is_set():
                piece = chunk[: action.size - sent]
                conn.sendall(piece)
                sent += len(piece)
            return True
        if isinstance(action, Trickle):
            head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: 1000\r\n\r\n")
            if not action.head:
                conn.sendall(head)
            for byte in (head if action.head else b"") + b" " * 1000:
                if self._stop.wait(action.every):
                    break
                conn.sendall(bytes([byte]))  # OSError when the client has gone: served
            return False
        raise TypeError(action)

    def _forward(self, request: Request, action: Forward) -> Reply:
        assert self.upstream, "Forward needs an upstream"
        host, port = self.upstream.removeprefix("http://").split(":")
        client = http.client.HTTPConnection(host, int(port), timeout=30)
        headers = {k: v for k, v in request.headers.items() if k not in ("host", "connection")}
        for name, value in action.headers.items():
            headers.pop(name.lower(), None)
            if value is not None:
                headers[name] = value
        try:
            client.request(request.method, request.path, body=request.body, headers=headers)
            answer = client.getresponse()
            reply = Reply(
                answer.status,
                {k: v for k, v in answer.getheaders()
                 if k.lower() not in ("content-length", "transfer-encoding", "connection",
                                      "date", "server")},
                answer.read(),
            )
        finally:
            client.close()
        return action.transform(reply) if action.transform else reply

    def stop(self) -> None:
        self._stop.set()
        self._listener.close()
        self._thread.join(timeout=2)
