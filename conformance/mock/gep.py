"""The three GEP SMART interface endpoints: bearer auth, a JSON body, then the batch operation."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from conformance.mock import gep_contact, gep_org, gep_por
from conformance.mock.auth import Access, gep_access
from conformance.mock.context import MockContext
from conformance.mock.gep_envelope import (
    GepOperation,
    Problem,
    answer_batch,
    error_entry,
    rejection,
    status_only,
)
from conformance.mock.http_io import BadBody, read_json

PATHS = {
    "/SmartInterfaceAPI/api/Order/PORStatus": ("PUT", gep_por.OPERATION),
    "/SmartInterfaceAPI/api/Contact/ContactInterfaceStatus": ("PUT", gep_contact.OPERATION),
    "/SmartInterfaceAPI/api/OrganizationManager/OrgManagers": ("POST", gep_org.OPERATION),
}


async def serve(op: GepOperation, request: Request, ctx: MockContext) -> Response:
    if gep_access(request, ctx.variant.seed.credentials) is not Access.ALLOWED:
        return status_only(ctx, 401, "Authorization has been denied for this request.",
                           "Unauthorized")
    try:
        body = await read_json(request)
    except BadBody as bad:
        if bad.status != 400:
            return status_only(ctx, bad.status, bad.message, "Validation")
        problem = Problem("Validation", bad.message)
        return rejection(ctx, [error_entry(problem.category, [problem], ctx)])
    return answer_batch(op, body, ctx)


def routes(ctx: MockContext) -> list[Route]:
    def endpoint_for(op: GepOperation):
        async def endpoint(request: Request) -> Response:
            return await serve(op, request, ctx)
        return endpoint

    return [Route(path, endpoint_for(op), methods=[method])
            for path, (method, op) in PATHS.items()]
