"""The PoModServiceCollection schema of document 002: field types, and XML read into that shape.

Every field is optional; strings must be strings and numbers numbers (PO-TYPES-ENFORCED),
authRequire is Y or N (PO-AUTHREQUIRE-Y-OR-N). XML carries only text, so numbers are parsed from
it here and a list may arrive as one element, as repeated elements or wrapped in one element.
"""

import math
import re

from conformance.mock.context import MockContext
from conformance.mock.fields import is_optional_number, is_optional_text

PO_TEXT_FIELDS = (
    "acceptanceDate", "buyerDivCode", "buyerDivName", "buyerId", "buyerName", "city",
    "filler1", "filler2", "filler3", "filler4", "filler5", "filler6", "miscChrg1Desc",
    "miscChrg2Desc", "oldPromisedShipmentDate", "paymentTerms", "poAction", "poDate",
    "poExternalNumber", "poInternalNumber", "poTransactionRefNo", "preAccepted",
    "promisedShipmentDate", "reasonForExport", "shipmentAddr", "shipmentAddr2", "shipmentAddr3",
    "shipmentCountry", "supplierDivCode", "supplierDivName", "supplierName", "taxId", "zipCode",
)
PO_NUMBER_FIELDS = (
    "acceptanceAmount", "basePoAmount", "discountAmount", "discountPercent", "fundReqAmount",
    "miscChrg1Amt", "miscChrg2Amt", "netPoAmount", "taxAmount", "taxPercent",
)
COMMODITY_TEXT_FIELDS = ("commodityCode", "commodityName", "currency", "goodsDescription", "id",
                         "unit")
COMMODITY_NUMBER_FIELDS = (
    "discountAmount", "discountPercent", "netCost", "quantity", "taxAmount", "taxPercent",
    "totalCost", "totalWeight", "unitCost", "unitWeight",
)
_DECIMAL = re.compile(r"\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*")


class InvalidInput(Exception):
    """Input the schema does not allow: errors as (errorCode, errorDesc) pairs."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(desc for _, desc in errors))
        self.errors = errors


# ------------------------------------------------------------------ XML -> the JSON shape
def _number_from_text(value: object) -> object:
    if isinstance(value, str):
        if not value.strip():
            return None
        if _DECIMAL.fullmatch(value):
            number = float(value)
            return number if math.isfinite(number) else value
    return value  # left as text: the type check rejects it


def _as_list(value: object, fields: tuple[str, ...]) -> object:
    """One element, repeated elements, or a wrapper element around them -> a list."""
    if value is None or value == "":
        return []
    if isinstance(value, dict):
        if value.keys() & set(fields) or len(value) != 1:
            return [value]
        (inner,) = value.values()  # <data><item>...</item></data>
        return _as_list(inner, fields) if isinstance(inner, dict | list) else [value]
    return value if isinstance(value, list) else [value]


def _typed_from_xml(item: object, numbers: tuple[str, ...], lenient: bool = False) -> object:
    """Numbers parsed from text; `lenient` (a planted fault) reads bad number text as absent."""
    if not isinstance(item, dict):
        return None if item == "" else item
    typed = {k: _number_from_text(v) if k in numbers else v for k, v in item.items()}
    if lenient:
        typed = {k: None if k in numbers and isinstance(v, str) else v for k, v in typed.items()}
    return typed


def collection_from_xml(document: object, lenient_numbers: bool = False) -> object:
    if not isinstance(document, dict):
        return document
    collection = dict(document)
    items = _as_list(collection.get("data"), PO_TEXT_FIELDS + PO_NUMBER_FIELDS)
    data = []
    for raw in items if isinstance(items, list) else [items]:
        item = _typed_from_xml(raw, PO_NUMBER_FIELDS, lenient_numbers)
        if isinstance(item, dict) and "commodityList" in item:
            fields = COMMODITY_TEXT_FIELDS + COMMODITY_NUMBER_FIELDS
            item["commodityList"] = [_typed_from_xml(c, COMMODITY_NUMBER_FIELDS, lenient_numbers)
                                     for c in _as_list(item["commodityList"], fields)]
        data.append(item)
    collection["data"] = data
    return collection


# ------------------------------------------------------------------ type checks
def _field_errors(obj: dict, texts, numbers, where: str, ctx: MockContext) -> list[tuple[str, str]]:
    lenient = ctx.faults.on("po-number-field-text-accepted")
    errors = [("INVALID_TYPE", f"{where}{name} must be a string")
              for name in texts if not is_optional_text(obj.get(name))]
    errors += [("INVALID_TYPE", f"{where}{name} must be a number")
               for name in numbers if not is_optional_number(obj.get(name))
               and not (lenient and isinstance(obj.get(name), str))]
    return errors


def _item_errors(item: object, index: int, ctx: MockContext) -> list[tuple[str, str]]:
    where = f"data[{index}]."
    if not isinstance(item, dict):
        return [("INVALID_INPUT", f"data[{index}] must be an object")]
    errors = _field_errors(item, PO_TEXT_FIELDS, PO_NUMBER_FIELDS, where, ctx)
    commodities = item.get("commodityList")
    if commodities is not None and not isinstance(commodities, list):
        return [*errors, ("INVALID_TYPE", f"{where}commodityList must be a list")]
    if ctx.faults.on("po-commodities-first-item-only"):
        commodities = (commodities or [])[:1]
    for n, commodity in enumerate(commodities or []):
        if not isinstance(commodity, dict):
            errors.append(("INVALID_INPUT", f"{where}commodityList[{n}] must be an object"))
            continue
        errors += _field_errors(commodity, COMMODITY_TEXT_FIELDS, COMMODITY_NUMBER_FIELDS,
                                f"{where}commodityList[{n}].", ctx)
    return errors


def checked_items(collection: object, ctx: MockContext) -> list[dict]:
    """The data items of a well-typed collection; InvalidInput otherwise."""
    if not isinstance(collection, dict):
        raise InvalidInput([("INVALID_INPUT", "The body must be a PoModServiceCollection object")])
    errors = []
    auth = collection.get("authRequire")
    if auth not in (None, "Y", "N") and not (
        ctx.faults.on("po-authrequire-any-value") and is_optional_text(auth)
    ):
        errors.append(("INVALID_AUTH_REQUIRE", "authRequire must be Y or N"))
    if not is_optional_text(collection.get("sourceTxnId")):
        errors.append(("INVALID_TYPE", "sourceTxnId must be a string"))
    data = collection.get("data")
    if data is not None and not isinstance(data, list):
        raise InvalidInput([*errors, ("INVALID_TYPE", "data must be a list")])
    for index, item in enumerate(data or []):
        errors += _item_errors(item, index, ctx)
    if errors:
        raise InvalidInput(errors)
    return data or []
