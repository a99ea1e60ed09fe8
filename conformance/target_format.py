"""The target file format, key by key: what each key holds, and the fix when it is wrong.

`TableReader` turns one parsed TOML document into `ProductTarget`s, raising a `UsageError`
that names the file, the key and the fix at the first problem. The data keys of each product
(`DATA_FIELDS`) are the ones scenarios read; targets/live-template.toml documents them.
"""

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from conformance import auth as schemes
from conformance.errors import UsageError

PRODUCT_KEYS = {
    "base_url",
    "timeout_seconds",
    "headers",
    "tls",
    "auth",
    "low_privilege_auth",
    "data",
    "rate_limit",
    "max_requests",
}
DEFAULT_TIMEOUT = 30.0
MAX_TIMEOUT = 3600  # seconds; a bound the run's wall time is derived from (no inf, no nan)

# kind, required, what the value is (the fix names it)
_EVENT = {
    "attp_id": ("int", True, "the event's AttpId"),
    "ppe_id": ("int", True, "the event's PpeId"),
    "ppe_code": ("code", True, "the event's PpeCode (at most 10 characters)"),
    "order_seq": ("int", True, "the event's OrderSeq"),
}
_PO_NUMBERS = {
    "internal_number": ("str", True, "the PO's internal number (poInternalNumber)"),
    "external_number": ("str", True, "the PO's external number (poExternalNumber)"),
}
_ORG_ENTITY = {
    "entity_code": ("str", True, "an org entity code of the structure"),
    "entity_type": ("str", True, "the org entity's type"),
    "lob_entity_code": ("str", True, "the org entity's LOB entity code"),
}
_STRUCTURE = {
    "name": ("str", True, "the structure's name (structureName)"),
    "org_entities": (("tables", _ORG_ENTITY), True, "the structure's org entities"),
}
DATA_FIELDS: dict[str, dict[str, tuple[Any, bool, str]]] = {
    "gep": {
        "order_numbers": ("strs", True, "a list of order numbers the instance knows"),
        "por_status": ("str", True, 'the status to report for an order, e.g. "Processed"'),
        "contact_codes": ("strs", True, "a list of client contact codes the instance knows"),
        "interface_status": ("str", True, 'the interface status to send, e.g. "success"'),
        "entity_codes": ("strs", True, "a list of org entity codes the instance knows"),
        "manager_codes": ("strs", True, "a list of manager codes the instance knows"),
        "currency_codes": ("strs", True, "a list of currency codes the instance knows"),
        "max_length_entity_code": (
            "str50",
            False,
            "a known org entity code of exactly 50 characters (003: Max length for Entity Code "
            "is 50); enables the accepted side of ORG-ENTITY-CODE-MAX-50",
        ),
        "structures": (
            ("tables", _STRUCTURE),
            True,
            "the org structures ([[gep.data.structures]])",
        ),
    },
    "po": {
        "buyer_id": ("str", True, "the buyer id the POs belong to"),
        "currency": ("str", True, "the POs' currency code"),
        "authorised_po": (("table", _PO_NUMBERS), True, "an existing, authorised PO"),
        "unauthorised_po": (
            ("table", _PO_NUMBERS),
            False,
            "a PO that exists but is not authorised",
        ),
    },
    "smat": {
        "project": ("str", True, "the Smart Materials project"),
        "discipline": ("str", True, "the discipline"),
        "language": ("str", True, 'the language, e.g. "English"'),
        "po_id": ("int", True, "the Smart Materials PO id (PohId)"),
        "unknown_po_id": ("int", False, "a PO id (PohId) the instance does not have: one event"
                          " is posted to it, which a correct target refuses"),
        "existing_event": (("table", _EVENT), True, "an event of po_id"),
        "locked_event": (("table", _EVENT), False, "an event of po_id stored with LockedInd = Y"),
        "approved_po": (
            (
                "table",
                {
                    "po_id": ("int", True, "the PO id (PohId) of an approved agreement"),
                    "event": (("table", _EVENT), True, "an event of that PO"),
                },
            ),
            False,
            "a PO whose agreement is approved",
        ),
    },
}
AUTH_KEYS = {
    "none": (set(), set()),
    "bearer": ({"token_env"}, set()),
    "basic": ({"username_env", "password_env"}, set()),
    "header": ({"headers"}, set()),
    "oauth2-client-credentials": ({"token_url", "client_id_env", "client_secret_env"}, {"scope"}),
    "oauth2-password": (
        {"token_url", "client_id_env", "client_secret_env", "username_env", "password_env"},
        {"scope"},
    ),
    "token-command": ({"command"}, set()),
}
_EXPECTED = {
    "str": "a string",
    "int": "an integer",
    "number": "a number",
    "bool": "true or false",
    "strs": "a non-empty list of strings",
    "code": "a string or an integer",
    "str50": "a string of exactly 50 characters",
    "table": "a table",
    "tables": "a non-empty list of tables",
}


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    try:
        return json.dumps(value)
    except TypeError:
        return repr(value)


def _fits(kind: str, value: Any) -> bool:
    if kind == "str":
        return isinstance(value, str)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "strs":
        return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)
    if kind == "code":
        return _fits("str", value) or _fits("int", value)
    if kind == "str50":
        return isinstance(value, str) and len(value) == 50
    if kind == "table":
        return isinstance(value, dict)
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # RFC 9110 § 5.6.2 token
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _url_parts(url: str):
    """(urlsplit parts, None), or (None, the problem) for a URL urllib cannot take apart (an
    unclosed IPv6 bracket, a port out of range or not a number, white space)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 — raises for a port out of range or not a number
    except ValueError as error:
        return None, f"is no URL ({error})"
    if any(c.isspace() for c in url):
        return None, "is no URL (it holds white space)"
    return parts, None


class TableReader:
    """Reads the tables of one target file; every error names this file."""

    def __init__(self, path: Path):
        self.path = path
        # (place, variable) of every credential variable named but not set: reported all at
        # once by `missing_variables_error`, so a user exports them in one go
        self.unset: list[tuple[str, str]] = []

    def fail(self, where: str, key: str, problem: str, fix: str) -> UsageError:
        place = " ".join(part for part in (where, key) if part)
        return UsageError(f"{self.path}: {place}: {problem} — {fix}")

    def no_unknown_keys(
        self, table: Mapping[str, Any], where: str, known: set[str], what: str, prefix: str = ""
    ) -> None:
        for key in table:
            if key not in known:
                expected = ", ".join(sorted(known))
                raise self.fail(where, prefix + key, "unknown key", f"{what} takes {expected}")

    def value(
        self, table: Mapping, key: str, where: str, kind: str, fix: str, required=True, prefix=""
    ):
        if key not in table:
            if required:
                raise self.fail(where, prefix + key, "missing", f"set it to {fix}")
            return None
        if not _fits(kind, table[key]):
            problem = f"expected {_EXPECTED[kind]}, got {_shown(table[key])}"
            raise self.fail(where, prefix + key, problem, f"set it to {fix}")
        return table[key]

    def string(self, table: Mapping, key: str, where: str, fix: str, required=True) -> str | None:
        return self.value(table, key, where, "str", fix, required)

    def table(self, table: Mapping, key: str, where: str, required=True) -> dict | None:
        return self.value(table, key, where, "table", f"a {where} table", required)

    def env(self, table: Mapping, key: str, where: str) -> str:
        var = self.string(table, key, where, "the name of an environment variable")
        if not _ENV_NAME.fullmatch(var):  # not shown: a secret pasted here is the usual cause
            raise self.fail(where, key, "is not an environment variable name",
                            "name the variable that holds the value (e.g. VENDOR_TOKEN),"
                            " never the value itself")
        if not os.environ.get(var):
            self.unset.append((f"{where} {key}", var))
        return var

    def missing_variables_error(self) -> UsageError | None:
        """One error naming every unset credential variable of the file (None when all set)."""
        if not self.unset:
            return None
        if len(self.unset) == 1:
            place, var = self.unset[0]
            return UsageError(
                f"{self.path}: {place} names {var}, which is not set — export it before running"
            )
        names = list(dict.fromkeys(var for _, var in self.unset))
        places = "; ".join(f"{place} names {var}" for place, var in self.unset)
        return UsageError(
            f"{self.path}: {len(names)} credential variables are not set: {' '.join(names)}"
            f" ({places}) — export them before running"
        )

    # ------------------------------------------------------------------ one product
    def product(self, product: str, table: Any, *, base_url: str | None):
        from conformance.target import ProductTarget  # the dataclass lives with its users

        where = f"[{product}]"
        if not isinstance(table, dict):
            raise self.fail(
                where, "", f"expected a table, got {_shown(table)}", f"write a [{product}] table"
            )
        self.no_unknown_keys(table, where, PRODUCT_KEYS, where)
        url = self._base_url(table, where, base_url)
        timeout = self.value(
            table,
            "timeout_seconds",
            where,
            "number",
            "the per-request timeout in seconds, e.g. 30",
            required=False,
        )
        if timeout is not None and not 0 < timeout <= MAX_TIMEOUT:  # nan fails both tests
            raise self.fail(where, "timeout_seconds", f"got {timeout}",
                            f"set a positive number of seconds, at most {MAX_TIMEOUT}")
        timeout = float(timeout or DEFAULT_TIMEOUT)
        headers = (
            self.value(
                table,
                "headers",
                where,
                "table",
                'a table of header names and values, e.g. {"X-Tenant" = "acme"}',
                required=False,
            )
            or {}
        )
        for name in headers:
            self.string(headers, name, f"{where} headers", "a string")
            self._header(name, headers[name], where)
        verify, cert = self._tls(table, where)
        auths = {"none": schemes.CredentialsAuth(())}
        normal = self._auth(table, product, "auth", verify, timeout) or []
        auths["normal"] = schemes.CredentialsAuth(normal)
        low = self._auth(table, product, "low_privilege_auth", verify, timeout)
        if low is not None:
            auths["low"] = schemes.CredentialsAuth(low)
        data = self.table(table, "data", where)
        transport = self._transport(product, table, where)
        return ProductTarget(
            product=product,
            base_url=url,
            timeout=timeout,
            data=self.data(data, DATA_FIELDS[product], f"[{product}.data]"),
            headers=dict(headers),
            verify=verify,
            cert=cert,
            auths=auths,
            has_credentials=any(s.kind != "none" for s in normal),
            has_low_privilege=low is not None,
            transport=transport,
        )

    def _transport(self, product: str, table: Mapping, where: str):
        """rate_limit ("5/s", "120/min") and max_requests agreed with the vendor, per product."""
        from conformance.transport import ProductTransport, parse_rate

        text = self.string(table, "rate_limit", where, 'a rate such as "5/s" or "120/min"',
                           required=False)
        try:
            rate = parse_rate(text, f"{self.path}: {where} rate_limit")
        except UsageError:
            fix = 'write requests per second or minute, e.g. "5/s" or "120/min"'
            raise self.fail(where, "rate_limit", f"{text!r} is not a rate", fix) from None
        budget = self.value(table, "max_requests", where, "int",
                            "the most requests the run may send to this product, e.g. 500",
                            required=False)
        if budget is not None and budget <= 0:
            raise self.fail(where, "max_requests", f"got {budget}", "set a positive integer")
        return ProductTransport(product, rate=rate, max_requests=budget)

    def _header(self, name: str, value: str, where: str) -> None:
        """A header HTTP can carry (RFC 9110 § 5.1, 5.5): a token name, a Latin-1 value without
        line breaks; the value is never shown (it may be a secret)."""
        if not _TOKEN.fullmatch(name):
            raise self.fail(f"{where[:-1]}.headers]", repr(name), "is no header name",
                            "use letters, digits and - only")
        if "\r" in value or "\n" in value or not value.isprintable() or not _latin1(value):
            raise self.fail(f"{where[:-1]}.headers]", name,
                            "has a value HTTP cannot carry (a line break, a control or"
                            " non-Latin-1 character)", "write it on one line in ASCII")

    def _base_url(self, table: Mapping, where: str, fill: str | None) -> str:
        fix = "the target's URL (scheme, host, optional path prefix)"
        url = self.value(table, "base_url", where, "str", fix, required=False) or fill or ""
        if not url:
            raise self.fail(where, "base_url", "empty", f"set it to {fix} or pass --base-url")
        parts, problem = _url_parts(url)
        if parts is None:
            pass
        elif parts.username or parts.password:
            problem = "carries a user name or password"
        elif parts.scheme not in ("http", "https") or not parts.netloc:
            problem = f"{url!r} is not an http(s) URL"
        elif parts.query or parts.fragment:
            problem = f"{url!r} has a {'query string' if parts.query else 'fragment'}"
        if problem:
            fix = "write it as https://host[:port][/prefix]"
            if parts is not None and (parts.username or parts.password):
                fix = "remove it: give credentials in the [PRODUCT.auth] table"
            if fill and not table.get("base_url"):
                raise UsageError(f"--base-url: {problem} — {fix}")
            raise self.fail(where, "base_url", problem, fix)
        return url.rstrip("/")

    def _tls(self, table: Mapping, where: str):
        tls = self.table(table, "tls", where, required=False) or {}
        where = f"{where[:-1]}.tls]"
        self.no_unknown_keys(
            tls, where, {"verify", "ca_bundle", "client_cert", "client_key"}, where
        )
        verify = self.value(tls, "verify", where, "bool", "true or false", required=False)
        paths = {}
        for key in ("ca_bundle", "client_cert", "client_key"):
            value = self.string(tls, key, where, "a file path", required=False)
            if value is not None:
                resolved = (self.path.parent / value).resolve()
                if not resolved.is_file():
                    raise self.fail(where, key, f"{value} does not exist", "give an existing file")
                paths[key] = str(resolved)
        if "client_key" in paths and "client_cert" not in paths:
            raise self.fail(where, "client_key", "given without client_cert", "add client_cert")
        cert = paths.get("client_cert")
        if cert and "client_key" in paths:
            cert = (cert, paths["client_key"])
        if verify is False:
            return False, cert
        return paths.get("ca_bundle", True), cert

    def _auth(self, table: Mapping, product: str, key: str, verify, timeout: float):
        if key not in table:
            return None
        entries = table[key]
        if isinstance(entries, dict):
            entries, names = [entries], [f"[{product}.{key}]"]
        elif isinstance(entries, list) and entries and all(isinstance(e, dict) for e in entries):
            names = [f"[[{product}.{key}]] #{i}" for i in range(1, len(entries) + 1)]
        else:
            raise self.fail(
                f"[{product}]",
                key,
                f"expected a table, got {_shown(entries)}",
                f"write [{product}.{key}] or [[{product}.{key}]] tables",
            )
        return [self._scheme(e, w, verify, timeout) for e, w in zip(entries, names, strict=True)]

    def _scheme(self, entry: Mapping, where: str, verify, timeout: float) -> schemes.Scheme:
        kinds = " | ".join(AUTH_KEYS)
        kind = self.string(entry, "type", where, f"one of {kinds}")
        if kind not in AUTH_KEYS:
            raise self.fail(where, "type", f"unknown type {kind!r}", f"use one of {kinds}")
        required, optional = AUTH_KEYS[kind]
        self.no_unknown_keys(entry, where, {"type"} | required | optional, f'type "{kind}"')
        if kind == "none":
            return schemes.Scheme()
        if kind == "bearer":
            return schemes.BearerScheme(self.env(entry, "token_env", where))
        if kind == "basic":
            return schemes.BasicScheme(
                self.env(entry, "username_env", where), self.env(entry, "password_env", where)
            )
        if kind == "header":
            headers = self.table(entry, "headers", where)
            if not headers:
                raise self.fail(where, "headers", "empty", "map header names to env var names")
            return schemes.HeaderScheme(
                {n: self.env(headers, n, f"{where} headers") for n in headers}
            )
        if kind == "token-command":
            command = self.value(
                entry,
                "command",
                where,
                "strs",
                'the argv of a command that prints a token, e.g. ["acme", "token"]',
            )
            return schemes.TokenCommandScheme(command, timeout=timeout)
        password = kind == "oauth2-password"
        return schemes.OAuth2Scheme(
            kind,
            self._token_url(entry, where),
            self.env(entry, "client_id_env", where),
            self.env(entry, "client_secret_env", where),
            username_env=self.env(entry, "username_env", where) if password else None,
            password_env=self.env(entry, "password_env", where) if password else None,
            scope=self.string(entry, "scope", where, "the OAuth scope", required=False),
            verify=verify,
            timeout=timeout,
        )

    def _token_url(self, entry: Mapping, where: str) -> str:
        url = self.string(entry, "token_url", where, "the OAuth token endpoint URL")
        parts, problem = _url_parts(url)
        if parts is None:
            raise self.fail(where, "token_url", problem, "give the URL")
        if urlsplit(url).scheme not in ("http", "https"):
            raise self.fail(where, "token_url", f"{url!r} is not an http(s) URL", "give the URL")
        return url

    # ------------------------------------------------------------------ data
    def data(self, table: Mapping, fields: Mapping, where: str, prefix: str = "") -> dict:
        """The validated data table; nested keys are named like existing_event.attp_id."""
        self.no_unknown_keys(table, where, set(fields), f"{where} {prefix.rstrip('.')}".strip(),
                             prefix)
        result = {}
        for key, (kind, required, what) in fields.items():
            shape, nested = kind if isinstance(kind, tuple) else (kind, None)
            value = self.value(table, key, where, shape, what, required, prefix)
            if value is None:
                continue
            if shape == "table":
                value = self.data(value, nested, where, f"{prefix}{key}.")
            elif shape == "tables":
                value = [
                    self.data(item, nested, where, f"{prefix}{key}[{i}].")
                    for i, item in enumerate(value)
                ]
            result[key] = value
        return result
