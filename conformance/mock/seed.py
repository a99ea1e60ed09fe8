"""The data each variant starts with: identifiers, credentials and stored records.

The reference seed is the documents' own example values plus what the rules need (an approved
PO, a locked event, a draft PO, a second structure); targets/reference.toml describes exactly
this data, the alternate seed is described by targets/mock-alternate.toml, and a test keeps each
pair equal. Credentials are demo-only values for a loopback mock, never real secrets.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class OrgMember:
    entity_code: str
    entity_type: str
    lob_entity_code: str


@dataclass(frozen=True)
class GepSeed:
    order_numbers: tuple[str, ...]
    por_status: str
    contact_codes: tuple[str, ...]
    interface_status: str
    entity_codes: tuple[str, ...]
    manager_codes: tuple[str, ...]
    currency_codes: tuple[str, ...]
    structures: dict[str, tuple[OrgMember, ...]]
    max_length_entity_code: str = ""  # a known entity code of exactly 50 characters (003)


@dataclass(frozen=True)
class PurchaseOrder:
    internal_number: str
    external_number: str
    status: str  # "AUTHORISED" may be modified; anything else may not


@dataclass(frozen=True)
class PoSeed:
    buyer_id: str
    currency: str
    purchase_orders: tuple[PurchaseOrder, ...]


@dataclass(frozen=True)
class SmatAgreement:
    """One PO of Smart Materials: its environment, approval state, value and events."""

    project: str
    discipline: str
    language: str
    po_id: int
    dp_id: int
    approved: bool
    po_value: float  # CostValue = po_value * PaymentPercent / 100 when the variant derives it
    events: tuple[dict, ...]


@dataclass(frozen=True)
class Credentials:
    """Env-var names of the target file mapped to the demo values the mock accepts."""

    gep_token: tuple[str, str]
    po_token: tuple[str, str]
    po_user_id: tuple[str, str]
    po_app_id: tuple[str, str]
    po_readonly_token: tuple[str, str]
    smat_token: tuple[str, str]
    smat_no_agreement_token: tuple[str, str]

    def as_env(self) -> dict[str, str]:
        return dict(getattr(self, name) for name in self.__dataclass_fields__)


@dataclass(frozen=True)
class Seed:
    gep: GepSeed
    po: PoSeed
    agreements: tuple[SmatAgreement, ...]
    credentials: Credentials
    first_new_ppe_id: int


def _event(attp, seq, ppe_id, code, short, desc, pct, cost, deliv, actual, paid, locked="N"):
    return {
        "AttpId": attp, "OrderSeq": seq, "PpeId": ppe_id, "PpeCode": code, "ShortDesc": short,
        "Description": desc, "PlanCompletionDate": None, "PaymentPercent": pct,
        "PaymentWeeks": None, "CostValue": cost, "PaymentDate": None, "LockedInd": locked,
        "ManualInd": "N", "DeliveryInd": deliv, "ActualPaymentDate": actual, "PaidInd": paid,
    }


_SAMPLE_EVENTS = (  # the six events of document 004's sample response, in its order
    _event(10000143785, 1, 10000005555, "PPE1", None, None, 50, 426, "N", None, "N"),
    _event(10000143786, 2, 5323, "H-1", "H-1", "H-1", 20, 170.4, "Y",
           "2024-01-10T00:00:00+05:30", "Y"),
    _event(10000143787, 3, 5204, "INSTALL", "Installation", "Installation completed", 0, 0, "Y",
           "2023-10-10T00:00:00+05:30", "Y"),
    _event(10000143788, 4, 5202, "FOUND", "Foundation", "Foundation completed", 0, 0, "N",
           None, "N"),
    _event(10000144376, 5, 5324, "H-2", "H-2", "H-2", 15, 127.8, "N",
           "2024-01-18T08:42:49+05:30", "Y"),
    _event(10000144536, 6, 10000006795, "PPEDEMO", None, None, 15, 127.8, "N",
           "2024-01-18T08:11:57+05:30", "Y"),
)

REFERENCE_SEED = Seed(
    gep=GepSeed(
        order_numbers=("48000061", "48000062"),
        por_status="Processed",
        contact_codes=("CC-2017.023662", "CC-2017.023663"),
        interface_status="success",
        entity_codes=("GUBR", "GUCH", "GUDE"),
        manager_codes=("CC-2016.000071", "CC-2016.000072"),
        currency_codes=("USD", "EUR"),
        structures={
            "string": (OrgMember("GUBR", "string", "string"),
                       OrgMember("GUCH", "string", "string")),
            "EU-PLANTS": (OrgMember("GUDE", "Plant", "LOB-EU"),),
        },
        max_length_entity_code="GU-ORG-ENTITY-WITH-A-CODE-OF-THE-MAXIMUM-LENGTH-50",
    ),
    po=PoSeed(
        buyer_id="BUYER-001",
        currency="USD",
        purchase_orders=(
            PurchaseOrder("PO-48000061", "EXT-48000061", "AUTHORISED"),
            PurchaseOrder("PO-48000099", "EXT-48000099", "DRAFT"),
        ),
    ),
    agreements=(
        SmatAgreement("RS", "PIPING", "English", 8042, 5020, False, 852.0, (
            *_SAMPLE_EVENTS,
            _event(10000150001, 7, 6001, "LOCKED1", "Locked", "Locked event", 10, 85.2, "N", None,
                   "N", locked="Y"),
        )),
        SmatAgreement("RS", "PIPING", "English", 8043, 5021, True, 1000.0, (
            _event(10000150101, 1, 6101, "APPR1", "Approved", "Event of an approved agreement",
                   100, 1000, "N", None, "N"),
        )),
    ),
    credentials=Credentials(
        gep_token=("CONFORMANCE_GEP_TOKEN", "demo-gep-token"),
        po_token=("CONFORMANCE_PO_TOKEN", "demo-po-token"),
        po_user_id=("CONFORMANCE_PO_USER_ID", "demo-user"),
        po_app_id=("CONFORMANCE_PO_APP_ID", "demo-app"),
        po_readonly_token=("CONFORMANCE_PO_READONLY_TOKEN", "demo-po-readonly-token"),
        smat_token=("CONFORMANCE_SMAT_TOKEN", "demo-smat-token"),
        smat_no_agreement_token=("CONFORMANCE_SMAT_NO_AGREEMENT_TOKEN", "demo-smat-no-agreement"),
    ),
    first_new_ppe_id=10000007000,
)


def _alt_event(attp, seq, ppe_id, code, pct, cost, locked="N"):
    return _event(attp, seq, ppe_id, code, f"{code} short", f"{code} milestone", pct, cost, "N",
                  None, "N", locked=locked)


ALTERNATE_SEED = Seed(
    gep=GepSeed(
        order_numbers=("4500007001", "4500007002"),
        por_status="Posted",
        contact_codes=("VC-NL-0001", "VC-NL-0002"),
        interface_status="completed",
        entity_codes=("NL01", "NL02", "BE01"),
        manager_codes=("MGR-9001", "MGR-9002"),
        currency_codes=("EUR", "GBP"),
        structures={
            "Benelux": (OrgMember("NL01", "Company", "LOB-NL"),
                        OrgMember("NL02", "Company", "LOB-NL")),
            "Belgian Plants": (OrgMember("BE01", "Plant", "LOB-BE"),),
        },
        max_length_entity_code="NL-ORG-ENTITY-WITH-A-CODE-OF-THE-MAXIMUM-LENGTH-50",
    ),
    po=PoSeed(
        buyer_id="BUY-77",
        currency="EUR",
        purchase_orders=(
            PurchaseOrder("77001", "X-77001", "AUTHORISED"),
            PurchaseOrder("77099", "X-77099", "PENDING"),
        ),
    ),
    agreements=(
        SmatAgreement("NS", "ELECTRICAL", "Dutch", 7100, 9100, False, 2000.0, (
            _alt_event(20000000001, 1, 7001, "MS1", 30, 600),
            _alt_event(20000000002, 2, 7002, "MS2", 30, 600),
            _alt_event(20000000003, 3, 7003, "LCK1", 40, 800, locked="Y"),
        )),
        SmatAgreement("NS", "ELECTRICAL", "Dutch", 7101, 9101, True, 500.0, (
            _alt_event(20000000101, 1, 7101, "APR1", 100, 500),
        )),
    ),
    credentials=Credentials(
        gep_token=("MOCKALT_GEP_TOKEN", "alt-gep-token"),
        po_token=("MOCKALT_PO_TOKEN", "alt-po-token"),
        po_user_id=("MOCKALT_PO_USER_ID", "alt-user"),
        po_app_id=("MOCKALT_PO_APP_ID", "alt-app"),
        po_readonly_token=("MOCKALT_PO_READONLY_TOKEN", "alt-po-readonly-token"),
        smat_token=("MOCKALT_SMAT_TOKEN", "alt-smat-token"),
        smat_no_agreement_token=("MOCKALT_SMAT_NO_AGREEMENT_TOKEN", "alt-smat-no-agreement"),
    ),
    first_new_ppe_id=88000000,
)
