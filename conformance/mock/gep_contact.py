"""UpdateContactInterfaceStatus (document 001): interface status of known client contacts.

Rules: `clientContactCode` and `interfaceStatus` are mandatory, an empty string counting as
missing (the error example sends ""); the body is a list of objects. An unknown contact code is
rejected too (latitude: a target may refuse what it does not know).
"""

from conformance.mock.context import MockContext
from conformance.mock.fields import is_blank
from conformance.mock.gep_envelope import BodyRejected, GepOperation, Problem


def items_of(body: object, ctx: MockContext) -> list:
    if isinstance(body, dict) and ctx.faults.on("contact-object-body-accepted"):
        return [body]
    if not isinstance(body, list):
        raise BodyRejected(Problem("Validation", "The body must be a list of contacts"))
    return body


def check_item(item: object, ctx: MockContext, index: int = 0) -> list[Problem]:
    if not isinstance(item, dict):
        return [Problem("Validation", "Each item must be an object")]
    problems = []
    code = item.get("clientContactCode")
    if is_blank(code):
        if not ctx.faults.on("contact-code-not-mandatory"):
            problems.append(Problem("Validation", "Client Contact Code is mandatory"))
    elif code not in ctx.store.contacts:
        problems.append(Problem("Validation", "Invalid Client Contact Code"))
    lenient = ctx.faults.on("contact-empty-status-accepted") or (
        index > 0 and ctx.faults.on("contact-checks-first-item-only"))
    if is_blank(item.get("interfaceStatus")) and not lenient:
        text = ("Status required" if ctx.faults.on("contact-messages-reworded")
                else "Interface Status is Mandatory")
        problems.append(Problem("Validation", text))
    return problems


def key_of(item: object) -> str | None:
    code = item.get("clientContactCode") if isinstance(item, dict) else None
    return code if isinstance(code, str) and code.strip() else None


def success_key_of(item: dict, ctx: MockContext) -> str:
    if ctx.faults.on("contact-success-lists-status"):
        return str(item.get("interfaceStatus"))
    return str(item.get("clientContactCode") or "")


def apply_item(item: dict, ctx: MockContext) -> None:
    ctx.store.contacts[str(item.get("clientContactCode") or "")] = str(item.get("interfaceStatus"))


OPERATION = GepOperation(items_of, check_item, key_of, success_key_of, apply_item)
