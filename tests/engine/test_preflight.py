"""The pre-flight tells setup from non-conformance: one line per problem, key and fix first."""

import socket

from engine_support import json_answer, product_table

from conformance import preflight
from conformance.target import load_target


def _target(write_target, product: str, base_url: str):
    return load_target(write_target(product_table(product, base_url)), products=[product])


def test_a_404_on_every_documented_path_is_one_line_about_the_prefix(serve, write_target):
    server = serve(lambda method, path, headers, body: (404, {}, b"Not Found"))
    found = preflight.run(_target(write_target, "gep", server.url))["gep"]
    assert len(found.problems) == 1
    assert found.problems[0].startswith("gep.base_url: every documented path answers 404")
    assert "path prefix" in found.problems[0]
    assert [r["path"] for r in server.requests] == [
        "/SmartInterfaceAPI/api/Order/PORStatus",
        "/SmartInterfaceAPI/api/Contact/ContactInterfaceStatus",
        "/SmartInterfaceAPI/api/OrganizationManager/OrgManagers",
    ]  # never `/`
    assert len(found.exchanges) == 3 and found.unreachable is None


def test_refused_credentials_are_one_auth_line(serve, write_target):
    server = serve(lambda method, path, headers, body: (401, {}, b""))
    found = preflight.run(_target(write_target, "po", server.url))["po"]
    assert found.problems == [
        "po.auth: the documented endpoint refused the credentials (HTTP 401) — check the"
        " credentials and their environment variables"]


def test_an_unknown_po_is_named_by_its_key(serve, write_target):
    server = serve(lambda method, path, headers, body: json_answer(
        400, {"errors": [{"errorCode": "PO404", "errorDesc": "PO not found"}]}))
    found = preflight.run(_target(write_target, "po", server.url))["po"]
    assert len(found.problems) == 1
    assert found.problems[0].startswith("po.data.authorised_po: the target does not accept it")
    assert found.problems[0].endswith("— name an existing, authorised PO (internal and external"
                                      " number) and buyer_id")


def test_events_that_are_not_what_the_file_says_are_named(serve, write_target):
    events = [{"AttpId": 20000000001, "PpeCode": "MS1", "LockedInd": "Y"}]
    server = serve(lambda method, path, headers, body: json_answer(
        200, {"@odata.context": "x", "value": events}))
    found = preflight.run(_target(write_target, "smat", server.url))["smat"]
    assert found.problems == [
        "smat.data.existing_event: AttpId 20000000001 is locked (LockedInd Y) on the target —"
        " name an event that is not locked (a locked one belongs in locked_event)"]
    assert server.requests[0]["body"] == b'{"PPE": []}'  # nothing written


def test_a_closed_port_is_unreachable_not_a_setup_problem(write_target):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    found = preflight.run(_target(write_target, "gep", url))["gep"]
    assert found.problems == [] and found.unreachable.startswith(f"{url}: ")
    assert len(found.exchanges) == 1
