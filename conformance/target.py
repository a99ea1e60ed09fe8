"""Target file (TOML) -> `Target`: base URLs, credentials, TLS, headers and the target's own data.

The format is specified by the comments of targets/live-template.toml. Validation is strict and
every error is one line naming the file, the key and the fix (a `UsageError`): a wrong target
file must stop the run before any request, never half-way through it.
"""

import os
import threading
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from conformance.auth import CredentialsAuth
from conformance.catalog import PRODUCTS
from conformance.errors import UsageError
from conformance.redaction import Redactor
from conformance.target_format import TableReader
from conformance.transport import PolicySession, ProductTransport

PRIVILEGES = ("normal", "low", "none")


@dataclass(frozen=True)
class ProductTarget:
    product: str  # "gep" | "po" | "smat"
    base_url: str  # no trailing slash
    timeout: float
    data: Mapping[str, Any]  # the [PRODUCT.data] table, validated
    headers: Mapping[str, str]  # extra non-secret headers
    has_credentials: bool  # any auth scheme other than none declared
    has_low_privilege: bool  # low_privilege_auth declared
    verify: bool | str = True  # requests' `verify`: a flag or a CA bundle path
    cert: tuple[str, str] | str | None = None  # requests' `cert`: client certificate (and key)
    auths: Mapping[str, CredentialsAuth] = field(default_factory=dict, repr=False, compare=False)
    # budgets, pacing and stop state of this product (limits from the file, then the run's)
    transport: ProductTransport = field(
        default_factory=lambda: ProductTransport("?"), repr=False, compare=False
    )
    _sessions: dict[tuple[str, int], requests.Session] = field(
        default_factory=dict, repr=False, compare=False
    )
    _environment: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def environment(self) -> dict[str, Any]:
        """What requests would read from the environment for this base URL, read once: proxies
        (HTTP(S)_PROXY, NO_PROXY) and a CA bundle (REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE).

        Sessions do not read the environment per request (`trust_env` off): requests iterates
        os.environ on every request, which races with pytest setting PYTEST_CURRENT_TEST on the
        main thread while `--concurrency` sends from others (KeyError). Read first on the main
        thread (the reachability probe). Also keeps ~/.netrc credentials off requests sent with
        privilege "none"."""
        with self._lock:
            if not self._environment:
                self._environment.update(
                    proxies=requests.utils.get_environ_proxies(self.base_url),
                    ca_bundle=os.environ.get("REQUESTS_CA_BUNDLE")
                    or os.environ.get("CURL_CA_BUNDLE"),
                )
            return self._environment

    def session(self, privilege: str = "normal") -> requests.Session:
        """One session per privilege ("normal" | "low" | "none") and thread, TLS, headers, auth
        set. Per thread because `--concurrency` sends from several threads: a requests.Session's
        connection pool and cookie jar are not meant to be shared; the auth objects (and their
        token refresh, which is locked) are shared by all threads of a privilege."""
        if privilege not in PRIVILEGES:
            raise ValueError(f"privilege must be one of {PRIVILEGES}, not {privilege!r}")
        if privilege == "low" and not self.has_low_privilege:
            raise ValueError(f"{self.product}: the target declares no low_privilege_auth")
        key = (privilege, threading.get_ident())
        if key not in self._sessions:
            environment = self.environment()
            watch = privilege == "normal" and self.has_credentials
            session = PolicySession(self.transport, watch_credentials=watch)
            session.trust_env = False
            session.proxies.update(environment["proxies"])
            session.headers.update(self.headers)
            session.verify = (
                environment["ca_bundle"] if self.verify is True and environment["ca_bundle"]
                else self.verify
            )
            session.cert = self.cert
            # a dry run sends nothing: it obtains no token and runs no token command either
            session.auth = None if self.transport.dry_run else self.auths.get(privilege)
            self._sessions[key] = session
        return self._sessions[key]

    def curl_headers(self, privilege: str = "normal") -> dict[str, str]:
        """Credential headers as shell text referencing environment variables, for curl lines."""
        auth = self.auths.get(privilege)
        return auth.curl_headers() if auth else {}

    def secret_values(self) -> frozenset[str]:
        return frozenset(s for auth in self.auths.values() for s in auth.secrets() if s)

    def redactor(self) -> Redactor:
        names = {n for auth in self.auths.values() for n in auth.header_names()}
        return Redactor(self.secret_values(), names)


@dataclass(frozen=True)
class Target:
    name: str
    path: Path | None
    products: Mapping[str, ProductTarget]  # only the products present (and selected)
    # credential variables named but not set: empty unless loaded for a dry run (which sends
    # nothing, so needs none; its plan names them)
    unset_variables: tuple[str, ...] = ()

    def secret_values(self) -> frozenset[str]:
        """Every resolved secret (including tokens fetched so far), for redaction."""
        return frozenset().union(*(p.secret_values() for p in self.products.values()))

    def redactor(self) -> Redactor:
        names = {
            n for p in self.products.values() for a in p.auths.values() for n in a.header_names()
        }
        return Redactor(self.secret_values(), names)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(
            f"{path}: no such target file — check the path given to --target"
        ) from None
    except OSError as error:
        raise UsageError(f"{path}: cannot be read ({error.strerror}) — check the path") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: is not UTF-8 text (TOML files are UTF-8) — give a target file"
                         " written as text") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{path}: not valid TOML ({error}) — fix the syntax there") from None


def load_target(
    path: Path, *, base_url: str | None = None, products: Iterable[str] | None = None,
    credentials: bool = True,
) -> Target:
    """Read and validate a target file; `base_url` fills every empty base_url. `credentials`
    False (a dry run): credential variables that are not set are listed in
    `Target.unset_variables`, not refused.

    Raises UsageError naming the file, the key and the fix.
    """
    path = Path(path)
    document = _read_toml(path)
    reader = TableReader(path)
    reader.no_unknown_keys(document, "", {"target", *PRODUCTS}, "top level")
    meta = reader.table(document, "target", "[target]", required=False) or {}
    reader.no_unknown_keys(meta, "[target]", {"name", "description"}, "[target]")
    name = reader.string(meta, "name", "[target]", "give the target a name", required=False)
    wanted = _selection(path, document, products)
    built = {
        product: reader.product(product, document[product], base_url=base_url)
        for product in PRODUCTS
        if product in wanted
    }
    missing = reader.missing_variables_error()
    if missing is not None and credentials:
        raise missing
    unset = tuple(dict.fromkeys(var for _, var in reader.unset))
    return Target(name=name or path.stem, path=path, products=built, unset_variables=unset)


def _selection(
    path: Path, document: Mapping[str, Any], products: Iterable[str] | None
) -> list[str]:
    present = [p for p in PRODUCTS if p in document]
    if not present:
        raise UsageError(f"{path}: no product table — add at least one of [gep], [po], [smat]")
    if products is None:
        return present
    wanted = list(dict.fromkeys(products))
    for product in wanted:
        if product not in PRODUCTS:
            raise UsageError(f"--api {product}: unknown product — use gep, po and/or smat")
        if product not in document:
            raise UsageError(
                f"{path}: [{product}]: missing, but --api asks for {product} — add a [{product}]"
                " table or leave it out of --api"
            )
    return wanted
