"""Exchanges are recorded redacted, with curl lines of $ENV references; no transport raise."""

import socket

from engine_support import json_answer, product_table

from conformance.exchange import MAX_BODY, send
from conformance.redaction import MASK, Redactor
from conformance.target import load_target


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_redactor_masks_secret_values_and_credential_headers():
    redactor = Redactor({"s3cr3t-value", "ab"}, credential_headers={"userId"})
    assert redactor.text("token=s3cr3t-value;") == f"token={MASK};"
    assert (
        redactor.text("ab stays: too short to mask in text")
        == "ab stays: too short to mask in text"
    )
    headers = redactor.headers(
        {"Authorization": "Bearer x", "userid": "u", "X-Note": "s3cr3t-value"}
    )
    assert headers == {"Authorization": MASK, "userid": MASK, "X-Note": MASK}
    assert redactor.data({"a": ["s3cr3t-value", 1, None]}) == {"a": [MASK, 1, None]}


def test_a_secret_echoed_by_the_target_is_masked_in_the_record(serve, write_target, monkeypatch):
    monkeypatch.setenv("ECHO_TOKEN", "echoed-secret-9")
    server = serve(
        lambda m, p, headers, b: json_answer(
            400, {"message": f"bad token {headers['authorization']}"}
        )
    )
    gep = load_target(
        write_target(
            product_table(
                "gep", server.url, '[gep.auth]\ntype = "bearer"\ntoken_env = "ECHO_TOKEN"\n'
            )
        )
    ).products["gep"]
    response, exchange = send(
        gep,
        "PUT",
        "/SmartInterfaceAPI/api/Order/PORStatus",
        json_body={"model": []},
        headers={"X-Trace": "t-1"},
    )
    assert "echoed-secret-9" in response.text  # the target did echo it...
    assert "echoed-secret-9" not in str(exchange)  # ...the record never holds it
    assert exchange.status_code == 400 and exchange.request_headers["X-Trace"] == "t-1"
    assert exchange.curl.startswith("curl -sS -X PUT ")
    assert '"Authorization: Bearer $ECHO_TOKEN"' in exchange.curl
    assert "--data-binary '{\"model\": []}'" in exchange.curl


def test_bodies_are_cut_at_64_kib(serve, write_target):
    server = serve(lambda *_: (200, {"Content-Type": "text/plain"}, b"x" * (MAX_BODY + 10)))
    po = load_target(write_target(product_table("po", server.url))).products["po"]
    _, exchange = send(
        po,
        "POST",
        "/service/v1/po/modify",
        raw_body="<a/>",
        content_type="application/xml",
        accept="application/xml",
    )
    assert exchange.response_body.endswith("[10 more characters cut]")
    assert exchange.request_headers["Content-Type"] == "application/xml"
    assert exchange.request_headers["Accept"] == "application/xml"


def test_a_refused_connection_is_returned_not_raised(write_target):
    url = f"http://127.0.0.1:{closed_port()}"
    smat = load_target(write_target(product_table("smat", url))).products["smat"]
    response, exchange = send(smat, "POST", "/Smat/V1/x", json_body={"PPE": []})
    assert response is None and exchange.status_code is None
    assert exchange.transport_error.startswith("connection refused")
    assert exchange.failure == "refused"
    assert exchange.curl.startswith(f"curl -sS -X POST {url}/Smat/V1/x")
