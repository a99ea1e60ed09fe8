"""The two correct targets the mock can be: each choice the documents leave open, taken once.

`reference` follows the documents' examples wherever they show something; `alternate` takes the
other reasonable choice everywhere, so the suite can prove it does not fail a correct target for
a latitude it must allow (the `latitude` of each rule in specs/rules.yaml).
"""

from collections.abc import Callable
from dataclasses import dataclass

from conformance.mock.seed import ALTERNATE_SEED, REFERENCE_SEED, Seed


def _as_documented(text: str) -> str:
    return text


def _lower_case(text: str) -> str:
    return text.lower()


@dataclass(frozen=True)
class Variant:
    name: str
    seed: Seed
    # everywhere
    empty_batch_accepted: bool  # [] / {"model": []} / {"PPE": []} / empty data: 2xx, nothing done
    # GEP
    gep_rejection_http: int  # HTTP status of a rejected envelope (its statusCode stays "400")
    gep_data: object  # the envelope's data: None or {}
    message: Callable[[str], str]  # letter case of the documented texts
    gep_whole_batch: bool  # one bad item rejects the batch (else partial success)
    org_empty_member_code_accepted: bool  # orgEntities[].entityCode "" as in 003's success example
    # PO modify
    po_success_http: int
    po_response_list: bool  # one PoServiceResponse per data item (else one object)
    po_invalid_input_http: int  # malformed or mistyped input
    po_business_rejection_http: int  # unknown / unauthorised PO (200 = errors list in a 200)
    # Smart Materials
    smat_success_http: int
    smat_value_all_events: bool  # value = all of the PO's events (else only the sent ones)
    smat_error_shape: str  # "odata" {"error": {code, message}} or "value" {"value": "..."}
    smat_frozen_as_2xx: bool  # locked/approved: 2xx with protected values kept (else 409)
    smat_derive_cost_value: bool  # CostValue = PO value * PaymentPercent / 100 (else echoed)
    smat_content_type_required: bool  # a request without Content-Type gets 415


REFERENCE = Variant(
    name="reference", seed=REFERENCE_SEED, empty_batch_accepted=True,
    gep_rejection_http=400, gep_data=None, message=_as_documented, gep_whole_batch=True,
    org_empty_member_code_accepted=True,
    po_success_http=200, po_response_list=False, po_invalid_input_http=400,
    po_business_rejection_http=400,
    smat_success_http=200, smat_value_all_events=True, smat_error_shape="odata",
    smat_frozen_as_2xx=False, smat_derive_cost_value=True, smat_content_type_required=False,
)

ALTERNATE = Variant(
    name="alternate", seed=ALTERNATE_SEED, empty_batch_accepted=False,
    gep_rejection_http=200, gep_data={}, message=_lower_case, gep_whole_batch=False,
    org_empty_member_code_accepted=False,
    po_success_http=201, po_response_list=True, po_invalid_input_http=405,
    po_business_rejection_http=200,
    smat_success_http=201, smat_value_all_events=False, smat_error_shape="value",
    smat_frozen_as_2xx=True, smat_derive_cost_value=False, smat_content_type_required=True,
)

VARIANTS: dict[str, Variant] = {v.name: v for v in (REFERENCE, ALTERNATE)}


def variant_named(name: str) -> Variant:
    try:
        return VARIANTS[name]
    except KeyError:
        raise ValueError(f"unknown variant {name!r}; choose one of {', '.join(VARIANTS)}") from None
