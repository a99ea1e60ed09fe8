"""Helpers for the mock's tests: a client that knows each variant's credentials and valid bodies,
and an ASGI router that serves one app per fault behind a single loopback server.
"""

import copy
import json
from urllib.parse import quote

import requests

from conformance.mock.app import create_app
from conformance.mock.seed import Seed
from conformance.mock.variant import variant_named

POR_PATH = "/SmartInterfaceAPI/api/Order/PORStatus"
CONTACT_PATH = "/SmartInterfaceAPI/api/Contact/ContactInterfaceStatus"
ORG_PATH = "/SmartInterfaceAPI/api/OrganizationManager/OrgManagers"
PO_PATH = "/service/v1/po/modify"
FAULT_HEADER = "x-mock-fault"


def smat_path(project: str, discipline: str, language: str, po_id: int | str) -> str:
    q = lambda v: quote(str(v), safe="")  # noqa: E731
    return (f"/Smat/V1/Projects('{q(project)}')/Disciplines('{q(discipline)}')"
            f"/Nls('{q(language)}')/PurchaseOrders({po_id})/CreateUpdateProgressPayEvents")


class Bodies:
    """Valid requests built from a seed, to be broken one field at a time by the tests."""

    def __init__(self, seed: Seed) -> None:
        self.seed = seed

    def por(self, key: str | None = None) -> dict:
        return {"model": [{"key": key or self.seed.gep.order_numbers[0], "description": "ok",
                           "status": self.seed.gep.por_status, "sourceSystemName": "ERP",
                           "sourceSystemValue": "SAP", "lob": "LOB", "errorCode": ""}]}

    def contact(self, code: str | None = None, status: str | None = None) -> list:
        return [{"clientContactCode": code or self.seed.gep.contact_codes[0],
                 "interfaceStatus": self.seed.gep.interface_status if status is None else status}]

    def org_item(self, structure_index: int = 0) -> dict:
        name, members = list(self.seed.gep.structures.items())[structure_index]
        member = members[0]
        return {"entityCode": member.entity_code, "managerCode": [self.seed.gep.manager_codes[0]],
                "thresholdAmount": 100, "currencyCode": self.seed.gep.currency_codes[0],
                "isDeleted": False, "structureName": name,
                "orgEntities": [{"entityCode": member.entity_code, "isDefault": True,
                                 "entityType": member.entity_type,
                                 "lobEntityCode": member.lob_entity_code}]}

    def org(self) -> list:
        return [self.org_item()]

    def authorised_po(self):
        return next(p for p in self.seed.po.purchase_orders if p.status == "AUTHORISED")

    def draft_po(self):
        return next(p for p in self.seed.po.purchase_orders if p.status != "AUTHORISED")

    def po_item(self, po=None) -> dict:
        po = po or self.authorised_po()
        return {"poInternalNumber": po.internal_number, "poExternalNumber": po.external_number,
                "buyerId": self.seed.po.buyer_id, "netPoAmount": 1250.5, "paymentTerms": "NET30",
                "commodityList": [{"commodityCode": "C1", "quantity": 2, "unitCost": 625.25}]}

    def po(self, po=None, txn: str = "TXN-0001") -> dict:
        return {"authRequire": "N", "sourceTxnId": txn, "data": [self.po_item(po)]}

    def open_agreement(self):
        return next(a for a in self.seed.agreements if not a.approved)

    def approved_agreement(self):
        return next(a for a in self.seed.agreements if a.approved)

    def existing_event(self) -> dict:
        return copy.deepcopy(self.open_agreement().events[0])

    def locked_event(self) -> dict:
        return copy.deepcopy(next(e for e in self.open_agreement().events
                                  if e["LockedInd"] == "Y"))

    @staticmethod
    def new_event(attp_id: int = 30000000001, code: str = "NEW1", seq: int = 42) -> dict:
        return {"AttpId": attp_id, "OrderSeq": seq, "PpeCode": code, "PaymentPercent": 10,
                "Description": "created by a test"}


class MockClient:
    """requests against one running mock, with the variant's demo credentials by default."""

    def __init__(self, base_url: str, variant: str = "reference", fault: str | None = None):
        self.base_url = base_url
        self.variant = variant_named(variant)
        self.seed = self.variant.seed
        self.bodies = Bodies(self.seed)
        self.session = requests.Session()
        creds = self.seed.credentials
        self.gep_auth = {"Authorization": f"Bearer {creds.gep_token[1]}"}
        self.po_auth = {"Authorization": f"Bearer {creds.po_token[1]}",
                        "userId": creds.po_user_id[1], "appId": creds.po_app_id[1]}
        self.po_readonly = {**self.po_auth, "Authorization": f"Bearer {creds.po_readonly_token[1]}"}
        self.smat_auth = {"Authorization": f"Bearer {creds.smat_token[1]}"}
        self.smat_no_agreement = {"Authorization": f"Bearer {creds.smat_no_agreement_token[1]}"}
        if fault:
            self.session.headers[FAULT_HEADER] = fault

    def close(self) -> None:
        self.session.close()

    def send(self, method: str, path: str, body=None, *, raw: bytes | str | None = None,
             headers: dict | None = None, content_type: str | None = "application/json"):
        data = raw if raw is not None else (None if body is None else json.dumps(body))
        sent = {"Content-Type": content_type} if content_type else {}
        sent.update(headers or {})
        return self.session.request(method, self.base_url + path, data=data, headers=sent,
                                    timeout=10)

    def por(self, body, **kw):
        return self.send("PUT", POR_PATH, body, headers={**self.gep_auth, **kw.pop("headers", {})},
                         **kw)

    def contact(self, body, **kw):
        return self.send("PUT", CONTACT_PATH, body,
                         headers={**self.gep_auth, **kw.pop("headers", {})}, **kw)

    def org(self, body, **kw):
        return self.send("POST", ORG_PATH, body, headers={**self.gep_auth, **kw.pop("headers", {})},
                         **kw)

    def po(self, body, *, auth: dict | None = None, **kw):
        headers = {**(self.po_auth if auth is None else auth), **kw.pop("headers", {})}
        return self.send("POST", PO_PATH, body, headers=headers, **kw)

    def po_xml(self, xml: str, *, accept: str = "application/xml", auth: dict | None = None):
        headers = {**(self.po_auth if auth is None else auth), "Accept": accept}
        return self.send("POST", PO_PATH, raw=xml.encode(), headers=headers,
                         content_type="application/xml")

    def smat(self, events, *, agreement=None, po_id=None, auth: dict | None = None, **kw):
        agreement = agreement or self.bodies.open_agreement()
        path = smat_path(agreement.project, agreement.discipline, agreement.language,
                         agreement.po_id if po_id is None else po_id)
        body = events if isinstance(events, dict) or events is None else {"PPE": events}
        headers = {**(self.smat_auth if auth is None else auth), **kw.pop("headers", {})}
        return self.send("POST", path, body, headers=headers, **kw)

    def reset(self) -> None:
        assert self.session.post(self.base_url + "/__mock__/reset", timeout=10).status_code == 200


class FaultRouter:
    """ASGI app: requests carrying x-mock-fault go to an app with that one fault switched on."""

    def __init__(self, variant: str = "reference") -> None:
        self.variant = variant
        self.apps: dict[str, object] = {"": create_app(variant=variant)}

    async def __call__(self, scope, receive, send):
        headers = dict(scope.get("headers", []))
        name = headers.get(FAULT_HEADER.encode(), b"").decode()
        if name not in self.apps:
            self.apps[name] = create_app(faults=(name,), variant=self.variant)
        await self.apps[name](scope, receive, send)


# ------------------------------------------------------------------ how each product says yes / no
def gep_accepted(response) -> bool:
    body = response.json()
    return (response.status_code == 200 and body["statusCode"] == "200"
            and body["errorDetails"] == [])


def gep_rejected(response) -> bool:
    body = response.json()
    return (response.status_code in (200, 400) and body["statusCode"] == "400"
            and len(body["errorDetails"]) > 0)


def gep_success_keys(response) -> list[str]:
    return [entry["key"] for entry in response.json()["successDetails"]]


def gep_error_texts(response) -> list[str]:
    return [e["errorDescription"] for entry in response.json()["errorDetails"]
            for e in entry["errors"]]


def po_answers(response) -> list[dict]:
    """The PoServiceResponse objects of a JSON answer (one object or a list)."""
    body = response.json()
    return body if isinstance(body, list) else [body]


def po_accepted(response) -> bool:
    return response.status_code in (200, 201) and all(
        a.get("processStatus") == "SUCCESS" and not a.get("errors") for a in po_answers(response))


def po_rejected(response) -> bool:
    if response.status_code in (400, 405):
        return True
    return response.status_code in (200, 201) and any(
        a.get("errors") and a.get("processStatus") == "FAILED" for a in po_answers(response))


def smat_events(response) -> list[dict]:
    return response.json()["value"]


def smat_event(response, attp_id: int) -> dict | None:
    return next((e for e in smat_events(response) if e["AttpId"] == attp_id), None)
