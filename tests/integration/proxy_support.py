"""A misbehaving front for the mock, on 127.0.0.1: it forwards every request to the mock except
those it is told to drop (held without an answer, or the connection closed), and can die after
a number of answers (its listening socket closed, open connections cut), as a killed process."""

import http.client
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

# drop(method, path, body) -> "hold" (never answer), "close" (close without an answer) or None
Drop = Callable[[str, str, bytes], str | None]


class Front:
    def __init__(self, upstream: str, drop: Drop | None = None, dies_after: int | None = None):
        self.answered = 0
        self.dropped = 0
        self.dead = threading.Event()
        self._stop = threading.Event()
        upstream_host = urlsplit(upstream).netloc
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                action = drop(self.command, self.path, body) if drop else None
                if outer.dead.is_set():
                    action = "close"
                if action:
                    outer.dropped += 1
                    if action == "hold":
                        outer._stop.wait(30)
                    self.close_connection = True
                    return
                connection = http.client.HTTPConnection(upstream_host, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                connection.request(self.command, self.path, body=body, headers=headers)
                answer = connection.getresponse()
                payload = answer.read()
                connection.close()
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                outer.answered += 1
                if dies_after is not None and outer.answered >= dies_after:
                    outer.die()

            do_GET = do_POST = do_PUT = _serve

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)
        self._thread.start()

    def die(self) -> None:
        """From now on: connections refused, open ones cut without an answer."""
        if not self.dead.is_set():
            self.dead.set()
            threading.Thread(target=self._close, daemon=True).start()

    def _close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def stop(self) -> None:
        self._stop.set()
        if not self.dead.is_set():
            self.dead.set()
            self._close()

    def __enter__(self) -> "Front":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
