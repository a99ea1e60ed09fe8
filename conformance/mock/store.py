"""In-memory state of one mock: built from the seed, guarded by one lock, reset on demand.

Handlers validate and apply inside `with store.lock:` so a call sees and leaves a consistent
state; a rejected call never writes. Restarting the mock or POST /__mock__/reset restores the seed.
"""

import copy
import threading
from dataclasses import dataclass, field

from conformance.mock.seed import Seed


@dataclass
class PoRecord:
    internal_number: str
    external_number: str
    status: str
    buyer_id: str
    fields: dict = field(default_factory=dict)  # the last values sent by a modification


@dataclass
class Agreement:
    project: str
    discipline: str
    language: str
    po_id: int
    dp_id: int
    approved: bool
    po_value: float
    events: list[dict]


class MockStore:
    """Everything the five endpoints read and write."""

    def __init__(self, seed: Seed) -> None:
        self.seed = seed
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            gep = self.seed.gep
            self.orders = {n: {"status": gep.por_status} for n in gep.order_numbers}
            self.contacts: dict[str, str] = dict.fromkeys(gep.contact_codes, gep.interface_status)
            self.entities: set[str] = set(gep.entity_codes) | {gep.max_length_entity_code} - {""}
            self.managers: set[str] = set(gep.manager_codes)
            self.currencies: set[str] = set(gep.currency_codes)
            self.structures = dict(gep.structures)
            self.org_managers: dict[str, dict] = {}
            self.pos: dict[str, PoRecord] = {
                po.internal_number: PoRecord(po.internal_number, po.external_number, po.status,
                                             self.seed.po.buyer_id)
                for po in self.seed.po.purchase_orders
            }
            self.agreements: dict[tuple, Agreement] = {}
            for a in self.seed.agreements:
                self.agreements[(a.project, a.discipline, a.language, a.po_id)] = Agreement(
                    a.project, a.discipline, a.language, a.po_id, a.dp_id, a.approved, a.po_value,
                    [self._stored_event(a.project, a.po_id, a.dp_id, e) for e in a.events],
                )
            self.next_ppe_id = self.seed.first_new_ppe_id
            self.next_row_id = 1

    @staticmethod
    def _stored_event(project: str, po_id: int, dp_id: int, event: dict) -> dict:
        stored = {"AttpId": event["AttpId"], "PohId": po_id, "DpId": dp_id, "ProjId": project}
        stored.update(copy.deepcopy(event))
        return stored

    # ------------------------------------------------------------------ lookups used by handlers
    def po_by_number(self, internal: str | None, external: str | None) -> PoRecord | None:
        if internal:
            return self.pos.get(internal)
        return next((po for po in self.pos.values() if po.external_number == external), None)

    def agreement(self, project: str, discipline: str, language: str, po_id: int):
        return self.agreements.get((project, discipline, language, po_id))

    def new_ppe_id(self) -> int:
        self.next_ppe_id += 1
        return self.next_ppe_id

    def new_row_id(self) -> str:
        self.next_row_id += 1
        return str(self.next_row_id - 1)

    @property
    def entity_types(self) -> set[str]:
        return {m.entity_type for members in self.structures.values() for m in members}

    @property
    def lob_entity_codes(self) -> set[str]:
        return {m.lob_entity_code for members in self.structures.values() for m in members}
