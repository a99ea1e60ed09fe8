"""Bad input never gets a 5xx: 1,200 seeded malformed or mistyped requests over the five
endpoints all get an answer below 500 that parses (JSON, or XML for XML requests).
"""

import copy
import json
import random

import defusedxml.ElementTree as SafeET
import pytest
from mock_support import CONTACT_PATH, ORG_PATH, PO_PATH, POR_PATH, smat_path

SEED = 20261121
CASES_PER_ENDPOINT = 240

ODD_VALUES = [None, "", " ", "x" * 20000, "\u0000\u0007", "\ud800", "☃" * 50, -1, 0, 1.5,
              -1e308, 2**70, -(2**70), True, False, [], {}, [None], [[]], {"a": None}, "NaN",
              "2024-13-45T99:99:99", "<x>&amp;</x>", "' OR 1=1 --"]


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*prefix, index))


def _mutate(body, rng: random.Random):
    body = copy.deepcopy(body)
    paths = [p for p in _paths(body) if p]
    if not paths:  # an earlier mutation left a scalar or an empty container
        return copy.deepcopy(rng.choice(ODD_VALUES))
    path = rng.choice(paths)
    parent = body
    for step in path[:-1]:
        parent = parent[step]
    action = rng.random()
    if action < 0.7:
        parent[path[-1]] = copy.deepcopy(rng.choice(ODD_VALUES))
    elif isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent.insert(path[-1], copy.deepcopy(rng.choice(ODD_VALUES)))
    return body


RAW_BODIES = [b"", b" ", b"{", b"[1,", b"nul", b"NaN", b'{"a": NaN}', b"\xff\xfe\x00",
              b"[" * 5000 + b"]" * 5000, b'{"model": [' + b"{}," * 3000 + b"{}]}",
              json.dumps("just a string").encode(), b"12", b"null", b"true", b"[]", b"{}"]


def _json_requests(valid, rng: random.Random, count: int):
    """(raw body, content type) pairs: mutations of a valid body, raw junk, odd whole bodies."""
    for n in range(count):
        kind = n % 8
        if kind < 5:
            body = valid
            for _ in range(rng.randint(1, 3)):
                body = _mutate(body, rng)
            yield json.dumps(body).encode(), "application/json"
        elif kind == 5:
            yield rng.choice(RAW_BODIES), "application/json"
        elif kind == 6:
            yield json.dumps(rng.choice(ODD_VALUES)).encode(), "application/json"
        else:
            yield json.dumps(valid).encode()[: rng.randint(0, 40)], rng.choice(
                ["text/plain", "application/xml", None, "application/json; charset=utf-8"])


def _xml_requests(client, rng: random.Random, count: int):
    po = client.bodies.authorised_po()
    good = (f"<c><authRequire>N</authRequire><sourceTxnId>T</sourceTxnId><data>"
            f"<poInternalNumber>{po.internal_number}</poInternalNumber>"
            f"<netPoAmount>1.5</netPoAmount><commodityList><quantity>2</quantity></commodityList>"
            f"</data></c>")
    odd = ["", "abc", "-1", "1e999", "NaN", "&amp;", "<![CDATA[x]]>", "x" * 20000,
           "<a><b/></a>", "<data/>", "\u2603"]
    for n in range(count):
        kind = n % 6
        if kind == 0:
            yield good[: rng.randint(0, len(good))]
        elif kind == 1:
            tag = rng.choice(["authRequire", "sourceTxnId", "poInternalNumber", "netPoAmount",
                              "quantity", "data", "commodityList"])
            yield good.replace(f"<{tag}>", f"<{tag}>{rng.choice(odd)}", 1)
        elif kind == 2:
            yield ('<?xml version="1.0"?><!DOCTYPE c [<!ENTITY a "aaaaaaaaaa">'
                   '<!ENTITY b "&a;&a;&a;&a;&a;&a;">]><c><sourceTxnId>&b;</sourceTxnId></c>')
        elif kind == 3:
            depth = rng.randint(1, 3000)
            yield "<a>" * depth + "</a>" * depth
        elif kind == 4:
            yield good.replace("<data>", "<data><data>" * rng.randint(1, 5), 1)
        else:
            yield "".join(rng.choice("<>/&;\"'abc= \n") for _ in range(rng.randint(0, 200)))


def _check(response, *, xml: bool) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:300])
    if xml and response.headers.get("content-type", "").startswith("application/xml"):
        SafeET.fromstring(response.content)
    else:
        assert response.headers["content-type"].startswith("application/json")
        response.json()


@pytest.mark.parametrize("endpoint", ["por", "contact", "org", "po", "smat"])
def test_malformed_and_mistyped_bodies_never_get_a_5xx(ref, endpoint):
    rng = random.Random(f"{SEED}-{endpoint}")
    bodies = ref.bodies
    valid, method, path, auth = {
        "por": (bodies.por(), "PUT", POR_PATH, ref.gep_auth),
        "contact": (bodies.contact(), "PUT", CONTACT_PATH, ref.gep_auth),
        "org": (bodies.org(), "POST", ORG_PATH, ref.gep_auth),
        "po": (bodies.po(), "POST", PO_PATH, ref.po_auth),
        "smat": ({"PPE": [bodies.existing_event(), bodies.new_event()]}, "POST",
                 smat_path("RS", "PIPING", "English", 8042), ref.smat_auth),
    }[endpoint]
    sent = 0
    for raw, content_type in _json_requests(valid, rng, CASES_PER_ENDPOINT):
        response = ref.send(method, path, raw=raw, headers=auth, content_type=content_type)
        _check(response, xml=content_type == "application/xml")
        sent += 1
    if endpoint == "po":
        for xml in _xml_requests(ref, rng, CASES_PER_ENDPOINT // 2):
            _check(ref.po_xml(xml), xml=True)
            sent += 1
    assert sent >= CASES_PER_ENDPOINT


def test_unknown_paths_and_wrong_methods_answer_json(ref):
    for method, path in [("GET", "/"), ("GET", "/nope"), ("DELETE", POR_PATH), ("GET", PO_PATH),
                         ("POST", POR_PATH), ("PUT", "/Smat/V1/whatever"),
                         ("PUT", POR_PATH + "/"), ("POST", PO_PATH + "/x"),
                         ("POST", "/Smat/V1/Projects('RS')/Nope")]:
        response = ref.send(method, path, {}, headers=ref.smat_auth)
        assert response.status_code in (404, 405), (method, path)
        response.json()


def test_body_over_one_mebibyte_gets_413(ref):
    response = ref.send("PUT", POR_PATH, raw=b" " * 1_100_000, headers=ref.gep_auth)
    assert response.status_code == 413
