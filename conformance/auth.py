"""Credentials of a target, as `requests` auth objects that refresh once on a 401.

Each scheme of a target file (`[PRODUCT.auth]`) becomes a `Scheme`; all schemes of one
privilege level are applied together by one `CredentialsAuth`. A scheme knows its secret
values (for redaction) and how to write itself into a curl line with `$ENV_VAR` references, so
no report ever needs a secret to reproduce a request.
"""

import base64
import contextlib
import locale
import os
import shlex
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence

import requests
from requests.auth import AuthBase

from conformance.transport import BoundedAdapter, describe


class CredentialError(requests.exceptions.RequestException):
    """Credentials could not be obtained (token endpoint or command failed). Before a run sends
    anything (`CredentialsAuth.obtain`, the pre-flight) it stops the run as a setup problem;
    later (a refresh after a 401) the environment kept the suite from judging, so it is treated
    like a transport failure (inconclusive). `fix` says what to check."""

    def __init__(self, message: str, fix: str):
        super().__init__(message)
        self.fix = fix


def _env(name: str) -> str:
    return os.environ.get(name, "")


class Scheme:
    """One way of presenting credentials; subclasses fill `headers` and `curl_headers`."""

    kind = "none"

    def headers(self) -> dict[str, str]:
        return {}

    def refresh(self) -> None:
        """Obtain fresh credentials (called once after a 401)."""

    def obtain(self) -> None:
        """Obtain the credentials now (a token); CredentialError when the source fails."""

    def secrets(self) -> set[str]:
        return set()

    def curl_headers(self) -> dict[str, str]:
        """Header name -> shell text that rebuilds the value from environment variables."""
        return {}

    def source(self) -> str:
        """Where the credentials come from, in a few words and without a secret (the dry run's
        plan, a failing source's message)."""
        return "no credentials"

    def env_names(self) -> list[str]:
        """The environment variables (names, never values) this scheme reads, in order."""
        return []


class BearerScheme(Scheme):
    kind = "bearer"

    def __init__(self, token_env: str):
        self.token_env = token_env

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {_env(self.token_env)}"}

    def secrets(self) -> set[str]:
        return {_env(self.token_env)}

    def curl_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer ${self.token_env}"}

    def source(self) -> str:
        return f"bearer token from ${self.token_env}"

    def env_names(self) -> list[str]:
        return [self.token_env]


class BasicScheme(Scheme):
    kind = "basic"

    def __init__(self, username_env: str, password_env: str):
        self.username_env, self.password_env = username_env, password_env

    def headers(self) -> dict[str, str]:
        pair = f"{_env(self.username_env)}:{_env(self.password_env)}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}

    def secrets(self) -> set[str]:
        return {_env(self.password_env), self.headers()["Authorization"].split(" ", 1)[1]}

    def curl_headers(self) -> dict[str, str]:
        pair = f"${self.username_env}:${self.password_env}"
        return {"Authorization": f'Basic $(printf %s "{pair}" | base64)'}

    def source(self) -> str:
        return f"basic auth from ${self.username_env} and ${self.password_env}"

    def env_names(self) -> list[str]:
        return [self.username_env, self.password_env]


class HeaderScheme(Scheme):
    """Credentials sent as named headers (API keys, userId/appId pairs...)."""

    kind = "header"

    def __init__(self, header_envs: Mapping[str, str]):
        self.header_envs = dict(header_envs)

    def headers(self) -> dict[str, str]:
        return {name: _env(var) for name, var in self.header_envs.items()}

    def secrets(self) -> set[str]:
        return {_env(var) for var in self.header_envs.values()}

    def curl_headers(self) -> dict[str, str]:
        return {name: f"${var}" for name, var in self.header_envs.items()}

    def source(self) -> str:
        return "headers " + ", ".join(f"{n} from ${v}" for n, v in self.header_envs.items())

    def env_names(self) -> list[str]:
        return list(self.header_envs.values())


class _FetchedTokenScheme(Scheme):
    """A bearer token obtained at first use and again after a 401 or its expiry.

    A source that failed is not asked again in the run: every later request of the product
    meets the same `CredentialError` (a token service answering 500 was asked once per request,
    410 times in 4 s)."""

    def __init__(self) -> None:
        self._token: str | None = None
        self._expires_at = float("inf")
        self._seen: set[str] = set()
        self._lock = threading.Lock()
        self._failed: CredentialError | None = None

    def _fetch(self) -> tuple[str, float | None]:
        raise NotImplementedError

    def _token_now(self) -> str:
        with self._lock:
            if self._failed is not None:
                raise CredentialError(str(self._failed), self._failed.fix)
            if self._token is None or time.monotonic() >= self._expires_at:
                try:
                    token, lifetime = self._fetch()
                except CredentialError as error:
                    self._failed = error
                    raise
                self._token, self._seen = token, self._seen | {token}
                self._expires_at = time.monotonic() + lifetime - 5 if lifetime else float("inf")
            return self._token

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token_now()}"}

    def obtain(self) -> None:
        self._token_now()

    def refresh(self) -> None:
        with self._lock:
            self._token = None

    def secrets(self) -> set[str]:
        return set(self._seen)


class OAuth2Scheme(_FetchedTokenScheme):
    """OAuth 2 client-credentials or resource-owner-password grant against a token URL."""

    def __init__(
        self,
        kind: str,
        token_url: str,
        client_id_env: str,
        client_secret_env: str,
        username_env: str | None = None,
        password_env: str | None = None,
        scope: str | None = None,
        verify: bool | str = True,
        timeout: float = 30,
    ):
        super().__init__()
        self.kind, self.token_url, self.scope = kind, token_url, scope
        self.client_id_env, self.client_secret_env = client_id_env, client_secret_env
        self.username_env, self.password_env = username_env, password_env
        self.verify, self.timeout = verify, timeout

    def _form(self, value_of) -> dict[str, str]:
        form = {"grant_type": "client_credentials"}
        if self.kind == "oauth2-password":
            form = {
                "grant_type": "password",
                "username": value_of(self.username_env),
                "password": value_of(self.password_env),
            }
        if self.scope:
            form["scope"] = self.scope
        return form

    def _fetch(self) -> tuple[str, float | None]:
        where = f"the OAuth2 token URL {self.token_url}"
        secrets = (f"${self.client_id_env} and ${self.client_secret_env}"
                   + (f", ${self.username_env}, ${self.password_env}" if self.password_env
                      else ""))
        try:
            with requests.Session() as session:  # bounded and whole in time, as any answer
                session.mount("http://", BoundedAdapter())
                session.mount("https://", BoundedAdapter())
                answer = session.post(
                    self.token_url,
                    data=self._form(_env),
                    timeout=self.timeout,
                    verify=self.verify,
                    auth=(_env(self.client_id_env), _env(self.client_secret_env)),
                )
        except requests.RequestException as error:
            cause = describe(error, self.timeout)[1].split(" — ")[0]
            raise CredentialError(
                f"{where} gave no token: {cause}",
                "check token_url, and that the token service answers from here") from None
        if answer.status_code != 200:
            raise CredentialError(f"{where} answered HTTP {answer.status_code}, not a token",
                                  f"check {secrets} and the scope") from None
        try:
            body = answer.json()
            token = body["access_token"]
        except (ValueError, KeyError, TypeError, RecursionError):
            raise CredentialError(f"{where} answered without an access_token",
                                  "check token_url: it names the token endpoint") from None
        lifetime = body.get("expires_in")
        return str(token), float(lifetime) if isinstance(lifetime, int | float) else None

    def secrets(self) -> set[str]:
        extra = {_env(self.client_secret_env)}
        if self.password_env:
            extra.add(_env(self.password_env))
        return super().secrets() | extra

    def curl_headers(self) -> dict[str, str]:
        form = " ".join(f"-d {k}={v}" for k, v in self._form(lambda var: f"${var}").items())
        fetch = (
            f'curl -s -u "${self.client_id_env}:${self.client_secret_env}" {form} '
            f"{shlex.quote(self.token_url)} | jq -r .access_token"
        )
        return {"Authorization": f"Bearer $({fetch})"}

    def source(self) -> str:
        grant = "password" if self.kind == "oauth2-password" else "client-credentials"
        return (f"OAuth2 {grant} token from {self.token_url} (client ${self.client_id_env},"
                f" ${self.client_secret_env})")

    def env_names(self) -> list[str]:
        names = [self.client_id_env, self.client_secret_env]
        return names + [n for n in (self.username_env, self.password_env) if n]


def _run_alone(command: Sequence[str], timeout: float) -> subprocess.CompletedProcess:
    """Run a token command in a process group of its own, bounded by `timeout`.

    Its output goes to temporary files, not pipes: the answer is what it wrote when it itself
    exits, whatever its children do. A child left running (`sleep &`) or escaped into its own
    session (`setsid`) may hold a pipe open for ever; nothing here waits on it. Past `timeout`
    the command's process group is killed (a script's children included; Windows: the command
    itself) and `subprocess.TimeoutExpired` raised."""
    with contextlib.ExitStack() as files:
        out = files.enter_context(tempfile.TemporaryFile())
        err = files.enter_context(tempfile.TemporaryFile())
        process = subprocess.Popen(command, stdout=out, stderr=err,
                                   start_new_session=hasattr(os, "killpg"))
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            if hasattr(os, "killpg"):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGKILL)
            else:  # Windows: the command itself
                process.kill()
            process.wait()  # the command only: it was killed, so this returns at once
            raise
        out.seek(0)
        err.seek(0)
        encoding = locale.getpreferredencoding(False)  # as `text=True` would decode
        stdout = out.read().decode(encoding, errors="replace")
        stderr = err.read().decode(encoding, errors="replace")
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


class TokenCommandScheme(_FetchedTokenScheme):
    """A command (argv list) that prints a bearer token on stdout."""

    kind = "token-command"

    def __init__(self, command: Sequence[str], timeout: float = 30):
        super().__init__()
        self.command, self.timeout = list(command), timeout

    def _fetch(self) -> tuple[str, float | None]:
        shown = shlex.join(self.command)
        fix = "run the command by hand to see why"
        try:
            done = _run_alone(self.command, self.timeout)
        except subprocess.TimeoutExpired:
            raise CredentialError(f"token command {shown} did not exit within"
                                  f" {self.timeout:g} s (its token is read once it exits 0)",
                                  fix) from None
        except OSError as error:
            raise CredentialError(f"token command {shown} could not be run"
                                  f" ({error.strerror or type(error).__name__})", fix) from None
        token = done.stdout.strip()
        if done.returncode != 0 or not token:  # what it printed is not shown: it may be secret
            raise CredentialError(
                f"token command {shown} exited {done.returncode} without printing a token", fix
            )
        return token, None

    def curl_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer $({shlex.join(self.command)})"}

    def source(self) -> str:
        return f"bearer token printed by the command {shlex.join(self.command)}"


class CredentialsAuth(AuthBase):
    """Applies every scheme of one privilege level; on a 401, refreshes them and resends once."""

    def __init__(self, schemes: Sequence[Scheme]):
        self.schemes = tuple(schemes)

    def _apply(self, request: requests.PreparedRequest) -> None:
        for scheme in self.schemes:
            request.headers.update(scheme.headers())

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        self._apply(request)
        request.register_hook("response", self._retry_on_401)
        return request

    def _retry_on_401(self, response: requests.Response, **kwargs) -> requests.Response:
        if response.status_code != 401 or getattr(response.request, "_refreshed", False):
            return response
        if all(scheme.kind == "none" for scheme in self.schemes):
            return response  # no credentials sent: nothing to refresh, the 401 is the answer
        for scheme in self.schemes:
            scheme.refresh()
        retry = response.request.copy()
        retry._refreshed = True  # type: ignore[attr-defined]
        self._apply(retry)
        response.content  # noqa: B018  (drain the body so the connection can be reused)
        response.close()
        resent = response.connection.send(retry, **kwargs)
        resent.history.append(response)
        resent.request = retry
        return resent

    def secrets(self) -> set[str]:
        return set().union(*(scheme.secrets() for scheme in self.schemes))

    def obtain(self) -> list[CredentialError]:
        """Obtain every scheme's credentials now (OAuth tokens, token commands; the others
        have nothing to obtain): the sources that failed."""
        failed = []
        for scheme in self.schemes:
            try:
                scheme.obtain()
            except CredentialError as error:
                failed.append(error)
        return failed

    def header_names(self) -> set[str]:
        names: set[str] = set()
        for scheme in self.schemes:
            names |= set(scheme.curl_headers())
        return names

    def curl_headers(self) -> dict[str, str]:
        merged: dict[str, str] = {}
        for scheme in self.schemes:
            merged.update(scheme.curl_headers())
        return merged

    def env_names(self) -> list[str]:
        """The environment variables every scheme reads (a token command's own reading of its
        environment is the command's business, not known here)."""
        return [name for scheme in self.schemes for name in scheme.env_names()]

    def source(self) -> str:
        """Every scheme's source, in the order they are applied."""
        return "; ".join(s.source() for s in self.schemes if s.kind != "none") or "none"
