"""The ASGI app: the five documented paths, the reset hook for tests, and JSON for every error.

Unknown paths get 404 and wrong methods 405 (with Allow), both as small JSON objects, so even a
client's mistake gets an answer it can parse.
"""

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from conformance.mock import gep, po, smat
from conformance.mock.context import MockContext
from conformance.mock.faults import FaultSet
from conformance.mock.http_io import PlantedServerError, json_response, server_error
from conformance.mock.store import MockStore
from conformance.mock.variant import variant_named

RESET_PATH = "/__mock__/reset"


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    payload = {"error": {"code": str(exc.status_code), "message": exc.detail}}
    return json_response(payload, exc.status_code, headers=exc.headers)


async def _planted_server_error(request: Request, exc: Exception) -> Response:
    return server_error()


def create_app(faults=(), variant: str = "reference") -> Starlette:
    """A fresh mock with its own state; `faults` are names from faults.FAULTS."""
    chosen = variant_named(variant)
    ctx = MockContext(chosen, FaultSet(tuple(faults)), MockStore(chosen.seed))

    async def reset(request: Request) -> Response:
        ctx.store.reset()
        return json_response({"reset": True, "variant": ctx.variant.name}, 200)

    app = Starlette(
        routes=[*gep.routes(ctx), *po.routes(ctx), *smat.routes(ctx),
                Route(RESET_PATH, reset, methods=["POST"])],
        exception_handlers={HTTPException: _http_error, PlantedServerError: _planted_server_error},
    )
    app.router.redirect_slashes = False  # a trailing slash is an unknown path (404), not a 307
    app.state.mock = ctx
    return app
