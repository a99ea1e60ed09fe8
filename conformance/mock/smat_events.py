"""Progress pay events of document 004: what a valid event is, and how one is merged into a PO.

Validation follows the element table (AttpId, OrderSeq, PpeCode required; OrderSeq <= 99999;
PpeCode <= 10; Description <= 500; indicators Y/N, default N; PaymentPercent default 0). Where
the table and the sample disagree the sample's spelling wins (ShortDesc, PlanCompletionDate) and
the table's is taken as an alias; PpeCode may be a string or an integer, CostValue any number.
"""

from datetime import datetime

from conformance.mock.context import MockContext
from conformance.mock.fields import (
    is_integer,
    is_number,
    is_optional_text,
    is_rfc3339,
    plain_number,
)

PROTECTED = ("OrderSeq", "PpeCode", "ShortDesc", "Description", "PlanCompletionDate",
             "PaymentPercent", "CostValue", "PaymentWeeks", "PaymentDate", "ManualInd",
             "DeliveryInd")
INDICATORS = ("LockedInd", "DeliveryInd", "ManualInd", "PaidInd")
DATES = ("PlanCompletionDate", "PaymentDate", "ActualPaymentDate")
WRITABLE = ("AttpId", "OrderSeq", "PpeCode", "ShortDesc", "Description", "PlanCompletionDate",
            "PaymentPercent", "PaymentWeeks", "CostValue", "PaymentDate", *INDICATORS,
            "ActualPaymentDate")
ALIASES = {"ShortDescription": "ShortDesc", "PlanCompletiondate": "PlanCompletionDate"}
INT64_MAX = 2**63 - 1


def normalised(event: dict) -> dict:
    """The event with the table's spellings mapped to the sample's (the sample's win)."""
    result = {ALIASES.get(k, k): v for k, v in event.items() if k in ALIASES}
    result.update({k: v for k, v in event.items() if k not in ALIASES})
    return result


def _id_problem(name: str, value: object, ctx: MockContext) -> list[str]:
    if is_integer(value) and 1 <= value <= INT64_MAX:
        return []
    if isinstance(value, str) and ctx.faults.on("smat-number-text-accepted"):
        return []
    return [f"{name} must be a positive integer"]


def _required(event: dict, ctx: MockContext) -> list[str]:
    if ctx.faults.on("smat-event-fields-not-mandatory"):
        return []
    return [f"{name} is required" for name in ("AttpId", "OrderSeq", "PpeCode")
            if event.get(name) in (None, "")]


def _order_seq(value: object, ctx: MockContext) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str) and ctx.faults.on("smat-number-text-accepted"):
        return []
    if not is_integer(value) or value < 0:
        return ["OrderSeq must be an integer from 0 to 99999"]
    if value == 99999 and ctx.faults.on("smat-orderseq-max-exclusive"):
        return ["OrderSeq: maximum allowed value is 99999"]
    if value > 99999 and not ctx.faults.on("smat-orderseq-unbounded"):
        return ["OrderSeq: maximum allowed value is 99999"]
    return []


def _ppe_code(value: object, ctx: MockContext) -> list[str]:
    if value in (None, ""):
        return []
    if not (isinstance(value, str) or is_integer(value)):
        return ["PpeCode must be a code (string or integer)"]
    if len(str(value)) == 10 and ctx.faults.on("smat-ppecode-max-exclusive"):
        return ["PpeCode: maximum allowed length is 10"]
    if len(str(value)) > 10 and not ctx.faults.on("smat-ppecode-no-max-length"):
        return ["PpeCode: maximum allowed length is 10"]
    return []


def _optional_numbers(event: dict, ctx: MockContext) -> list[str]:
    lenient = ctx.faults.on("smat-number-text-accepted")
    problems = []
    if "AttpId" in event and event["AttpId"] is not None:
        problems += _id_problem("AttpId", event["AttpId"], ctx)
    if event.get("PpeId") is not None:
        problems += _id_problem("PpeId", event["PpeId"], ctx)
    pct = event.get("PaymentPercent", 0)
    if not (is_number(pct) and 0 <= pct <= 100) and not (lenient and isinstance(pct, str)):
        problems.append("PaymentPercent must be a number from 0 to 100")
    weeks = event.get("PaymentWeeks")
    weeks_ok = weeks is None or (is_integer(weeks) and weeks >= 0)
    if not weeks_ok and not (lenient and isinstance(weeks, str)):
        problems.append("PaymentWeeks must be a non-negative integer")
    cost = event.get("CostValue")
    if cost is not None and not (is_number(cost) and cost >= 0):
        problems.append("CostValue must be a non-negative number")
    return problems


def event_problems(event: object, ctx: MockContext, index: int = 0) -> list[str]:
    if not isinstance(event, dict):
        return ["Each PPE item must be an object"]
    event = normalised(event)
    problems = [*_required(event, ctx), *_order_seq(event.get("OrderSeq"), ctx),
                *_ppe_code(event.get("PpeCode"), ctx), *_optional_numbers(event, ctx)]
    problems += [f"{name} must be an RFC 3339 date-time" for name in DATES
                 if event.get(name) is not None and not is_rfc3339(event[name])]
    for name in ("ShortDesc", "Description"):
        if not is_optional_text(event.get(name)):
            problems.append(f"{name} must be a string")
    description = event.get("Description")
    too_long = isinstance(description, str) and len(description) > 500
    at_max_refused = ctx.faults.on("smat-description-max-exclusive") and isinstance(
        description, str) and len(description) == 500
    if (too_long and not ctx.faults.on("smat-description-no-max-length")) or at_max_refused:
        problems.append("Description: maximum allowed length is 500")
    for name in INDICATORS:
        value = event.get(name, "N")
        lenient = ctx.faults.on("smat-indicators-any-value") and isinstance(value, str)
        lenient = lenient or (index > 0 and ctx.faults.on("smat-indicators-first-event-only"))
        if value not in ("Y", "N") and not lenient:
            problems.append(f"{name}: available values are Y and N")
    return problems


def new_event(unsent_indicators_y: bool = False, paid_default_y: bool = False) -> dict:
    """The stored fields of a new event before the sent ones: the documented defaults (the
    faults: Y instead of N for every indicator, or for PaidInd only)."""
    default = "Y" if unsent_indicators_y else "N"
    return {"ShortDesc": None, "Description": None, "PlanCompletionDate": None,
            "PaymentPercent": 0, "PaymentWeeks": None,
            "CostValue": 0, "PaymentDate": None, "LockedInd": default, "ManualInd": default,
            "DeliveryInd": default, "ActualPaymentDate": None,
            "PaidInd": "Y" if paid_default_y else default}


def merged(stored: dict, sent: dict, po_value: float | None) -> dict:
    """`stored` updated with the writable fields sent; CostValue derived when po_value is given."""
    result = dict(stored)
    result.update({k: v for k, v in sent.items() if k in WRITABLE})
    if po_value is not None:
        result["CostValue"] = stored.get("CostValue", 0)
        if "PaymentPercent" in sent and is_number(sent["PaymentPercent"]):
            result["CostValue"] = plain_number(po_value * sent["PaymentPercent"] / 100)
    return result


def _comparable(name: str, value: object) -> object:
    if name in DATES and isinstance(value, str) and is_rfc3339(value):
        return datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    if is_number(value):
        return float(value)
    return None if value is None else str(value)


def changed_protected(stored: dict, updated: dict, dates_unprotected: bool = False) -> list[str]:
    protected = [n for n in PROTECTED if not (dates_unprotected and n in DATES)]
    return [name for name in protected
            if _comparable(name, stored.get(name)) != _comparable(name, updated.get(name))]
