"""A body cut at the read bound (transport.BODY_BOUND) is judged only where the part read decides.

A valid 2 MiB JSON answer cut at 1 MiB is no contract breach: the judges that read the body give
no verdict, naming the bound; a body whose error lies before the cut ("<html>", "xxxx") still
fails, and says it was cut; status-only judges judge as ever; an uncut body is read as before.
"""

import json
from types import SimpleNamespace

import pytest
import requests

from conformance.fuzz.judging import ANSWER_JUDGES
from conformance.judges import Answer, Context, apply
from conformance.judges.body import read_json, read_xml
from conformance.outcomes import Status
from conformance.transport import BODY_BOUND

POR, PO = "updateProcessedPorStatus", "modifyPurchaseOrder"
POR_SENT = {"model": [{"key": "A1"}]}
PO_SENT = {"sourceTxnId": "T1", "data": [{"poInternalNumber": "P1", "poExternalNumber": "X1"}]}
BOUND_NAMED = "went on past 1 MiB (1048576 bytes)"


def _envelope_of(size: int) -> bytes:
    """A valid GEP envelope of about `size` bytes (RFC 8259 JSON)."""
    details = [{"key": f"A{n}", "note": "x" * 180} for n in range(size // 200)]
    return json.dumps({"data": None, "statusCode": "200", "errorDetails": [],
                       "successDetails": details}).encode()


def _cut(body: bytes) -> bytes:
    assert len(body) > BODY_BOUND
    return body[:BODY_BOUND]


def _judged(product, operation, answer, sent) -> dict[str, Status]:
    ctx = Context(product, operation, answer, sent)
    return {rule: apply(name, ctx) for name, rule in
            (*ANSWER_JUDGES[product], ("no_server_error", "no-5xx"))}


def test_a_valid_json_answer_cut_at_the_bound_is_not_judged_naming_the_bound():
    answer = Answer(200, "application/json", _cut(_envelope_of(2 * BODY_BOUND)), cut=True)
    judged = _judged("gep", POR, answer, POR_SENT)
    assert not [r for r, j in judged.items() if j.status is Status.FAILED]
    for rule in ("GEP-JSON-RESPONSE", "GEP-ENVELOPE-SHAPE"):  # a judgement not made: never a
        assert judged[rule].status is Status.INCONCLUSIVE, rule  # clean pass, never a skip
        assert BOUND_NAMED in judged[rule].message and "\n" not in judged[rule].message
    assert judged["no-5xx"].status is Status.PASSED  # status-only judges still judge
    assert BOUND_NAMED in answer.brief() and "Unterminated" not in answer.brief()


@pytest.mark.parametrize("media, content, sent, operation, product", [
    ("application/json", b"{\"statusCode\": \"200\"}", POR_SENT, POR, "gep"),
    ("application/xml", b"<PoServiceResponses/>", PO_SENT, PO, "po")])
def test_a_valid_answer_after_a_mib_of_white_space_is_not_judged(media, content, sent, operation,
                                                                  product):
    """RFC 8259 §2 (and XML's prolog) allow white space before the value: a part read that is
    white space only decides nothing (it failed eleven MUST rules as an empty body)."""
    answer = Answer(200, media, _cut(b" " * (BODY_BOUND + 10) + content), cut=True)
    judged = _judged(product, operation, answer, sent)
    assert not [r for r, j in judged.items() if j.status is Status.FAILED], judged
    assert any(j.status is Status.INCONCLUSIVE and BOUND_NAMED in j.message
               for j in judged.values())


@pytest.mark.parametrize("start", [b"<html><body>degraded</body></html>", b"xxxx"])
def test_a_cut_body_whose_error_lies_before_the_cut_fails_saying_it_was_cut(start):
    body = (start * (BODY_BOUND // len(start) + 2))[:BODY_BOUND]
    answer = Answer(200, "application/json", body, cut=True)
    judgement = _judged("gep", POR, answer, POR_SENT)["GEP-JSON-RESPONSE"]
    assert judgement.status is Status.FAILED
    assert "Expecting value at line 1 column 1" in judgement.message
    assert f"{BOUND_NAMED}: judged on the part read" in judgement.message
    assert "\n" not in judgement.message


def test_an_uncut_body_that_is_not_json_is_judged_as_before():
    body = _envelope_of(4000)[:3000]
    judgement = apply("json_media_type", Context("gep", POR, Answer(200, "application/json",
                                                                     body), POR_SENT))
    assert judgement.status is Status.FAILED and "column 3001 (RFC 8259)" in judgement.message
    assert "went on past" not in judgement.message
    assert not read_json(body).unfinished and read_json(body, cut=True).unfinished


def test_a_cut_server_error_and_auth_refusal_are_still_judged():
    body = _cut(_envelope_of(2 * BODY_BOUND))
    server_error = apply("no_server_error", Context("gep", POR, Answer(500, "application/json",
                                                                        body, cut=True)))
    assert server_error.status is Status.FAILED and BOUND_NAMED in server_error.message
    refused = apply("auth_refused", Context("gep", POR, Answer(401, "application/json", body,
                                                                cut=True)))
    assert refused.status is Status.PASSED


@pytest.mark.parametrize("end", [b'"no', b"tru", b"12.", b'"\\u00', b'{"a"', b'"key": ',
                                 "é".encode()[:1]])
def test_json_broken_off_by_the_cut_anywhere_is_unfinished_not_wrong(end):
    body = b'[{"key": "A1", "n": 1}, ' * 100 + end
    read = read_json(body, cut=True)
    assert read.unfinished, read.problem
    assert not read_json(body).unfinished


def test_an_xml_answer_cut_at_the_bound_is_not_judged_and_early_errors_still_fail():
    item = (b"<PoServiceResponse><poInternalNumber>P1</poInternalNumber><processStatus>"
            b"SUCCESS</processStatus><!-- a note --></PoServiceResponse>\n")
    body = b"<PoServiceResponses>" + item * 100
    for end in range(len(body) - 90, len(body)):  # broken off in a tag, text, comment
        assert read_xml(body[:end], None, cut=True).unfinished, body[end - 10:end]
    assert not read_xml(body, None).unfinished  # uncut: a plain error, as before
    whole = b"<PoServiceResponses>" + item * (2 * BODY_BOUND // len(item))
    answer = Answer(201, "application/xml", _cut(whole), cut=True)
    judged = _judged("po", PO, answer, PO_SENT)
    assert not [r for r, j in judged.items() if j.status is Status.FAILED]
    assert any(BOUND_NAMED in j.message for j in judged.values()
               if j.status is Status.INCONCLUSIVE)
    early = read_xml(b"<html><p></html>" + body, None, cut=True)
    assert early.problem and not early.unfinished


def test_the_cut_reaches_the_answer_from_requests_and_schemathesis_responses():
    response = requests.Response()
    response.status_code, response._content = 200, b"{}"
    response.headers["Content-Type"] = "application/json"
    response.conformance_cut = True
    assert Answer.of(response).cut
    # a schemathesis Response keeps the request, which the transport marks too
    wrapped = SimpleNamespace(status_code=200, headers={"content-type": ["application/json"]},
                              content=b"{}", request=SimpleNamespace(conformance_cut=True))
    assert Answer.of(wrapped).cut
    wrapped.request.conformance_cut = False
    assert not Answer.of(wrapped).cut
