"""Shapes of a target's own data: what a scenario may pick from it, and what cannot enable a rule.

Real target data is not shaped like the documents' examples: org structures overlap (a member
of one is often a member of another), the event named `existing_event` may be the locked one.
A scenario that needs "an org entity of another structure" takes one that really is outside
the structure it is sent under (`outsider`), or is skipped naming why; `warnings` tells the
user, when the target file is read, which data cannot enable the rule it is there for.
"""

from collections.abc import Mapping
from typing import Any


def _members(structure: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    entities = structure.get("org_entities") if isinstance(structure, Mapping) else None
    return [e for e in entities or [] if isinstance(e, Mapping)]


def outsider(data: Mapping[str, Any], index: int) -> Mapping[str, Any] | None:
    """The first org entity of another structure whose entity_code is no member of
    `structures[index]` (003 § Data Elements › OrgEntityManagers: "Org entities do not match
    with the structure"); None when every other member also belongs to it."""
    structures = data.get("structures") or []
    if not 0 <= index < len(structures):
        return None
    own = {str(e.get("entity_code")) for e in _members(structures[index])}
    for position, structure in enumerate(structures):
        if position == index:
            continue
        for entity in _members(structure):
            if str(entity.get("entity_code")) not in own:
                return entity
    return None


def _same_event(first: Any, second: Any) -> bool:
    return (isinstance(first, Mapping) and isinstance(second, Mapping)
            and first.get("attp_id") == second.get("attp_id"))


def warnings(product: str, data: Mapping[str, Any]) -> list[str]:
    """One line per piece of data that cannot enable the rule it is there for: key — fix."""
    found = []
    if product == "gep" and len(data.get("structures") or []) >= 2 and outsider(data, 0) is None:
        found.append("gep.data.structures: every org entity of the other structures also belongs"
                      " to structures[0], so ORG-ENTITIES-MATCH-STRUCTURE cannot be tested — add"
                      " a structure with a member outside the first")
    if product == "po":
        authorised, other = data.get("authorised_po"), data.get("unauthorised_po")
        if isinstance(other, Mapping) and isinstance(authorised, Mapping) and (
                other.get("internal_number") == authorised.get("internal_number")):
            found.append("po.data.unauthorised_po: the same PO as authorised_po, so"
                         " PO-ONLY-AUTHORISED-PO cannot be tested — name a PO that is not"
                         " authorised")
    if product == "smat":
        if _same_event(data.get("existing_event"), data.get("locked_event")):
            found.append("smat.data.locked_event: the same event as existing_event (one cannot"
                         " be both locked and open) — name an event stored with LockedInd Y")
        approved = data.get("approved_po")
        if isinstance(approved, Mapping) and approved.get("po_id") == data.get("po_id"):
            found.append("smat.data.approved_po.po_id: the same PO as po_id, which must be open"
                         " — name the PO of an approved agreement")
        unknown = data.get("unknown_po_id")
        known = {data.get("po_id"), approved.get("po_id") if isinstance(approved, Mapping)
                 else None} - {None}
        if unknown is not None and unknown in known:
            found.append("smat.data.unknown_po_id: a PO this file names as existing, so"
                         " SMAT-UNKNOWN-PO-REJECTED cannot be tested — name a PO id the"
                         " instance does not have")
    return found
