"""Every auth kind presents its credentials, and a 401 makes it fetch them again, once."""

import base64
import contextlib
import os
import signal
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from engine_support import json_answer, product_table

from conformance.exchange import send
from conformance.target import load_target

OK = json_answer(200, {"ok": True})
DENIED = json_answer(401, {"error": "unauthorized"})


def load_product(write_target, product: str, base_url: str, auth: str):
    return load_target(write_target(product_table(product, base_url, auth))).products[product]


def test_bearer_sends_the_token_of_its_variable(serve, write_target, monkeypatch):
    monkeypatch.setenv("T_BEARER", "bearer-secret-1")
    server = serve(lambda *_: OK)
    po = load_product(
        write_target, "po", server.url, '[po.auth]\ntype = "bearer"\ntoken_env = "T_BEARER"\n'
    )
    response, exchange = send(po, "POST", "/service/v1/po/modify", json_body={})
    assert response.status_code == 200
    assert server.requests[0]["headers"]["authorization"] == "Bearer bearer-secret-1"
    assert exchange.request_headers["Authorization"] == "***"
    assert '"Authorization: Bearer $T_BEARER"' in exchange.curl
    assert "bearer-secret-1" not in str(exchange)


def test_basic_sends_user_and_password(serve, write_target, monkeypatch):
    monkeypatch.setenv("B_USER", "alice")
    monkeypatch.setenv("B_PASS", "pass-secret-2")
    server = serve(lambda *_: OK)
    gep = load_product(
        write_target,
        "gep",
        server.url,
        '[gep.auth]\ntype = "basic"\nusername_env = "B_USER"\npassword_env = "B_PASS"\n',
    )
    _, exchange = send(gep, "PUT", "/x", json_body=[])
    sent = server.requests[0]["headers"]["authorization"]
    assert base64.b64decode(sent.split()[1]) == b"alice:pass-secret-2"
    assert "$B_USER:$B_PASS" in exchange.curl and "pass-secret-2" not in str(exchange)


def test_header_schemes_all_apply_and_are_masked(serve, write_target, monkeypatch):
    monkeypatch.setenv("H_TOKEN", "tok-secret-3")
    monkeypatch.setenv("H_USER", "user-77")
    server = serve(lambda *_: OK)
    auth = (
        '[[po.auth]]\ntype = "bearer"\ntoken_env = "H_TOKEN"\n'
        '[[po.auth]]\ntype = "header"\nheaders = { userId = "H_USER" }\n'
    )
    po = load_product(write_target, "po", server.url, auth)
    _, exchange = send(po, "POST", "/m", json_body={"echo": "user-77"})
    headers = server.requests[0]["headers"]
    assert headers["authorization"] == "Bearer tok-secret-3" and headers["userid"] == "user-77"
    assert exchange.request_headers["userId"] == "***"
    assert exchange.request_body == '{"echo": "***"}'
    assert '"userId: $H_USER"' in exchange.curl


def _token_endpoint(tokens: list[str], forms: list[dict]):
    def handle(method, path, headers, body):
        forms.append(
            {k: v[0] for k, v in parse_qs(body.decode()).items()}
            | {"_auth": headers.get("authorization", "")}
        )
        return json_answer(200, {"access_token": tokens[len(forms) - 1], "token_type": "Bearer"})

    return handle


def _api_accepting(token: str):
    def handle(method, path, headers, body):
        return OK if headers.get("authorization") == f"Bearer {token}" else DENIED

    return handle


@pytest.mark.parametrize("kind", ["oauth2-client-credentials", "oauth2-password"])
def test_oauth2_fetches_a_token_and_refreshes_it_once_on_401(
    serve, write_target, monkeypatch, kind
):
    for name, value in {
        "C_ID": "client-1",
        "C_SECRET": "client-secret-4",
        "O_USER": "bob",
        "O_PASS": "pw-secret-5",
    }.items():
        monkeypatch.setenv(name, value)
    forms: list[dict] = []
    tokens = serve(_token_endpoint(["stale-token-6", "fresh-token-7"], forms))
    api = serve(_api_accepting("fresh-token-7"))
    extra = (
        'username_env = "O_USER"\npassword_env = "O_PASS"\n' if kind == "oauth2-password" else ""
    )
    smat = load_product(
        write_target,
        "smat",
        api.url,
        f'[smat.auth]\ntype = "{kind}"\ntoken_url = "{tokens.url}/token"\n'
        f'client_id_env = "C_ID"\nclient_secret_env = "C_SECRET"\nscope = "api"\n{extra}',
    )
    response, exchange = send(smat, "POST", "/events", json_body={})
    assert response.status_code == 200
    assert len(forms) == 2 and len(api.requests) == 2  # one 401, one refresh, one retry
    grant = "password" if kind == "oauth2-password" else "client_credentials"
    assert forms[0]["grant_type"] == grant and forms[0]["scope"] == "api"
    assert base64.b64decode(forms[0]["_auth"].split()[1]) == b"client-1:client-secret-4"
    if kind == "oauth2-password":
        assert forms[0]["username"] == "bob" and forms[0]["password"] == "pw-secret-5"
    secrets = smat.secret_values()
    assert {"client-secret-4", "stale-token-6", "fresh-token-7"} <= secrets
    assert not any(s in str(exchange) for s in secrets)
    assert "$C_SECRET" in exchange.curl


def _oauth_gep(write_target, api_url: str, token_url: str):
    """GEP with client-credentials OAuth2 against `token_url` (C_ID, C_SECRET)."""
    return load_product(
        write_target,
        "gep",
        api_url,
        f'[gep.auth]\ntype = "oauth2-client-credentials"\ntoken_url = "{token_url}"\n'
        'client_id_env = "C_ID"\nclient_secret_env = "C_SECRET"\n',
    )


def test_a_token_service_that_failed_is_not_asked_again(serve, write_target, monkeypatch):
    """The token service answers once, then 500: after the failed refresh every request of the
    product meets the same cause without a token request of its own."""
    monkeypatch.setenv("C_ID", "client-1")
    monkeypatch.setenv("C_SECRET", "client-secret-4")
    forms: list[dict] = []

    def tokens_then_500(method, path, headers, body):
        forms.append({})
        if len(forms) == 1:
            return json_answer(200, {"access_token": "t-1", "token_type": "Bearer"})
        return json_answer(500, {"error": "down"})

    tokens = serve(tokens_then_500)
    api = serve(lambda *_: DENIED)
    gep = _oauth_gep(write_target, api.url, f"{tokens.url}/t")
    causes = {send(gep, "PUT", "/x", json_body=[])[1].transport_error for _ in range(5)}
    assert len(forms) == 2 and len(api.requests) == 1  # one token, one failed refresh
    (cause,) = causes
    assert "answered HTTP 500, not a token" in cause, cause


def test_refresh_happens_once_then_the_401_is_the_answer(serve, write_target, monkeypatch):
    monkeypatch.setenv("C_ID", "client-1")
    monkeypatch.setenv("C_SECRET", "client-secret-4")
    forms: list[dict] = []
    tokens = serve(_token_endpoint(["t-1", "t-2", "t-3"], forms))
    api = serve(lambda *_: DENIED)
    gep = _oauth_gep(write_target, api.url, f"{tokens.url}/t")
    response, _ = send(gep, "PUT", "/x", json_body=[])
    assert response.status_code == 401
    assert len(api.requests) == 2 and len(forms) == 2


def test_token_command_output_is_the_token_and_is_run_again_after_401(
    serve, write_target, tmp_path
):
    counter = tmp_path / "count"
    script = tmp_path / "token.py"
    script.write_text(
        "import pathlib, sys\n"
        f"p = pathlib.Path({str(counter)!r})\n"
        "n = int(p.read_text()) + 1 if p.exists() else 1\n"
        "p.write_text(str(n))\n"
        "print(f'cmd-token-{n}')\n"
    )
    api = serve(_api_accepting("cmd-token-2"))
    command = f'["{sys.executable}", "{script}"]'
    po = load_product(
        write_target, "po", api.url, f'[po.auth]\ntype = "token-command"\ncommand = {command}\n'
    )
    response, exchange = send(po, "POST", "/m", json_body={})
    assert response.status_code == 200 and counter.read_text() == "2"
    assert f"$({sys.executable} {script})" in exchange.curl
    assert "cmd-token-2" not in str(exchange)


def test_credentials_that_cannot_be_obtained_are_a_transport_failure(serve, write_target, tmp_path):
    api = serve(lambda *_: OK)
    failing = tmp_path / "fail.py"
    failing.write_text("import sys\nsys.exit(3)\n")
    po = load_product(
        write_target,
        "po",
        api.url,
        f'[po.auth]\ntype = "token-command"\ncommand = ["{sys.executable}", "{failing}"]\n',
    )
    response, exchange = send(po, "POST", "/m", json_body={})
    assert response is None and "exited 3 without printing a token" in exchange.transport_error
    assert api.requests == []


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups: POSIX")
def test_a_token_command_past_its_timeout_leaves_no_process_behind(tmp_path):
    """A script that starts a child and hangs: past the timeout, the script and its child are
    gone (subprocess.run killed the script only)."""
    from conformance.auth import CredentialError, TokenCommandScheme

    child = tmp_path / "child.pid"
    script = tmp_path / "hang.py"
    script.write_text(
        "import subprocess, sys, time\n"
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(child)!r}, 'w').write(str(p.pid))\n"
        "time.sleep(60)\n")
    scheme = TokenCommandScheme([sys.executable, str(script)], timeout=1.5)
    with pytest.raises(CredentialError, match=r"did not exit within 1\.5 s \(its token"):
        scheme.obtain()
    pid = int(child.read_text())
    deadline = time.monotonic() + 5
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid)


def _leave_sleep_behind(tmp_path, *, own_session: bool, then: str) -> tuple[Path, Path]:
    """A token-command script that starts `sleep 30` in the background (in its own session
    when `own_session`, as `setsid sleep 30 &`) holding its stdout, then runs `then`."""
    pid_file = tmp_path / "sleep.pid"
    script = tmp_path / "tok.py"
    script.write_text(
        "import subprocess, sys, time\n"
        f"p = subprocess.Popen(['sleep', '30'], start_new_session={own_session})\n"
        f"open({str(pid_file)!r}, 'w').write(str(p.pid))\n"
        f"{then}\n")
    return script, pid_file


def _kill_leftover(pid_file: Path) -> None:
    with contextlib.suppress(FileNotFoundError, ValueError, ProcessLookupError):
        os.kill(int(pid_file.read_text()), signal.SIGKILL)


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups: POSIX")
@pytest.mark.parametrize("own_session", [False, True], ids=["sleep &", "setsid sleep &"])
def test_a_token_command_that_leaves_a_child_behind_answers_when_it_exits(tmp_path,
                                                                           own_session):
    """The command printed its token and exited 0; a child still holding its stdout is not
    waited for (the run waited for the timeout, or for the child: 43 s)."""
    from conformance.auth import TokenCommandScheme

    script, pid_file = _leave_sleep_behind(
        tmp_path, own_session=own_session, then="print('mytoken'); sys.stdout.flush()")
    scheme = TokenCommandScheme([sys.executable, str(script)], timeout=10)
    try:
        started = time.monotonic()
        assert scheme.headers() == {"Authorization": "Bearer mytoken"}
        assert time.monotonic() - started < 5
    finally:
        _kill_leftover(pid_file)


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups: POSIX")
def test_a_token_command_whose_escaped_child_holds_its_output_is_bounded_by_the_timeout(
        tmp_path):
    """A child in its own session survives the group kill and holds the output open; the
    timeout still bounds the run."""
    from conformance.auth import CredentialError, TokenCommandScheme

    script, pid_file = _leave_sleep_behind(tmp_path, own_session=True, then="time.sleep(60)")
    scheme = TokenCommandScheme([sys.executable, str(script)], timeout=1.5)
    try:
        started = time.monotonic()
        with pytest.raises(CredentialError, match=r"did not exit within 1\.5 s \(its token"):
            scheme.obtain()
        assert time.monotonic() - started < 1.5 + 2
    finally:
        _kill_leftover(pid_file)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat")  # a zombie (exited, not yet reaped) counts as gone
    return not (state.exists() and state.read_text().split(") ")[1].startswith("Z"))


def test_none_and_no_privilege_send_no_credentials(serve, write_target, monkeypatch):
    monkeypatch.setenv("T_BEARER", "bearer-secret-1")
    monkeypatch.setenv("T_LOW", "low-secret-8")
    server = serve(lambda *_: OK)
    smat = load_product(
        write_target,
        "smat",
        server.url,
        '[smat.auth]\ntype = "bearer"\ntoken_env = "T_BEARER"\n'
        '[smat.low_privilege_auth]\ntype = "bearer"\ntoken_env = "T_LOW"\n',
    )
    send(smat, "POST", "/a", json_body={}, privilege="none")
    send(smat, "POST", "/a", json_body={}, privilege="low")
    assert "authorization" not in server.requests[0]["headers"]
    assert server.requests[1]["headers"]["authorization"] == "Bearer low-secret-8"
    assert smat.has_low_privilege and "low-secret-8" in smat.secret_values()


@pytest.mark.parametrize("auth, names", [
    ('[smat.auth]\ntype = "oauth2-client-credentials"\ntoken_url = "http://127.0.0.1:1/t"\n'
     'client_id_env = "CID"\nclient_secret_env = "CSEC"\n', ["CID", "CSEC"]),
    ('[smat.auth]\ntype = "oauth2-password"\ntoken_url = "http://127.0.0.1:1/t"\n'
     'client_id_env = "CID"\nclient_secret_env = "CSEC"\nusername_env = "OU"\n'
     'password_env = "OP"\n', ["CID", "CSEC", "OP", "OU"]),
    ('[[smat.auth]]\ntype = "basic"\nusername_env = "BU"\npassword_env = "BP"\n'
     '[[smat.auth]]\ntype = "header"\nheaders = { userId = "HU", appId = "HA" }\n'
     '[smat.low_privilege_auth]\ntype = "bearer"\ntoken_env = "LOW"\n',
     ["BP", "BU", "HA", "HU", "LOW"]),
    ('[smat.auth]\ntype = "token-command"\ncommand = ["curl", "-s", "$URL"]\n', []),
], ids=["oauth2-client-credentials", "oauth2-password", "basic-header-low", "token-command"])
def test_credentials_from_names_exactly_the_variables_read(auth, names, write_target,
                                                           monkeypatch):
    """summary.json's credentials_from: every variable the auth reads, both privileges, and
    nothing else (it was read out of the curl lines: ['CSEC', 'curl'] for client CID)."""
    from conformance.summary import _credential_names

    for name in ("CID", "CSEC", "OU", "OP", "BU", "BP", "HU", "HA", "LOW"):
        monkeypatch.setenv(name, "value-of-" + name)
    smat = load_product(write_target, "smat", "http://127.0.0.1:1", auth)
    assert _credential_names(smat) == names
