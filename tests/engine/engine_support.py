"""Helpers of the engine's tests: a local HTTP server on 127.0.0.1, target file pieces."""

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# handler(method, path, headers, body) -> (status, headers, body bytes)
Handler = Callable[[str, str, dict, bytes], tuple[int, dict, bytes]]


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up (a body cut at the read bound) is no error of the test's."""

    def handle_error(self, request, client_address) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class LocalServer:
    """A threaded HTTP server on a free loopback port; records every request it gets."""

    def __init__(self, handler: Handler):
        self.requests: list[dict] = []
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                outer.requests.append(
                    {"method": self.command, "path": self.path, "headers": headers, "body": body}
                )
                status, extra, payload = handler(self.command, self.path, headers, body)
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = _serve

            def log_message(self, *args):
                pass

        self._server = _QuietServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False  # keep-alive handler threads end with the process
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def json_answer(status: int, value) -> tuple[int, dict, bytes]:
    return status, {"Content-Type": "application/json"}, json.dumps(value).encode()


MINIMAL_DATA = {
    "gep": """
[gep.data]
order_numbers = ["4500001234"]
por_status = "Processed"
contact_codes = ["C-1"]
interface_status = "success"
entity_codes = ["E100"]
manager_codes = ["M-1"]
currency_codes = ["USD"]
[[gep.data.structures]]
name = "Corporate"
org_entities = [ { entity_code = "E100", entity_type = "Company", lob_entity_code = "LOB1" } ]
""",
    "po": """
[po.data]
buyer_id = "B-01"
currency = "USD"
authorised_po = { internal_number = "4500001234", external_number = "EXT-1234" }
""",
    "smat": """
[smat.data]
project = "PRJ1"
discipline = "MECH"
language = "English"
po_id = 12345
existing_event = { attp_id = 20000000001, ppe_id = 9001, ppe_code = "MS1", order_seq = 1 }
""",
}


def product_table(product: str, base_url: str, auth: str | None = None) -> str:
    """A complete [product] section with minimal data (no credentials unless `auth` says)."""
    auth = auth if auth is not None else f'[{product}.auth]\ntype = "none"\n'
    head = f'[{product}]\nbase_url = "{base_url}"\ntimeout_seconds = 5\n'
    return head + auth + MINIMAL_DATA[product]
