"""Who may call what, like the real products: a bearer token everywhere, plus userId/appId
headers on the PO service; a read-only PO token and a Smart Materials token without
API_AGREEMENT authenticate but are not allowed to change anything.
"""

import hmac
from enum import Enum

from starlette.requests import Request

from conformance.mock.seed import Credentials


class Access(Enum):
    ALLOWED = "allowed"
    UNAUTHENTICATED = "unauthenticated"  # 401: no or unknown credentials
    FORBIDDEN = "forbidden"  # 403: known credentials without the right


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def _same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def gep_access(request: Request, creds: Credentials) -> Access:
    ok = _same(bearer_token(request), creds.gep_token[1])
    return Access.ALLOWED if ok else Access.UNAUTHENTICATED


def po_access(request: Request, creds: Credentials) -> Access:
    headers_ok = _same(request.headers.get("userid"), creds.po_user_id[1]) and _same(
        request.headers.get("appid"), creds.po_app_id[1]
    )
    token = bearer_token(request)
    if headers_ok and _same(token, creds.po_token[1]):
        return Access.ALLOWED
    if headers_ok and _same(token, creds.po_readonly_token[1]):
        return Access.FORBIDDEN
    return Access.UNAUTHENTICATED


def smat_access(request: Request, creds: Credentials) -> Access:
    token = bearer_token(request)
    if _same(token, creds.smat_token[1]):
        return Access.ALLOWED
    if _same(token, creds.smat_no_agreement_token[1]):
        return Access.FORBIDDEN
    return Access.UNAUTHENTICATED
