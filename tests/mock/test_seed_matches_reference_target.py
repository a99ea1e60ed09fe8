"""targets/reference.toml and targets/mock-alternate.toml describe exactly the mock's seed data.

Every identifier of a target file must exist in the variant's seed in the same role (an order
number as an order number, a locked event as a locked event of po_id, ...), and every credential
env-var name must be one the mock publishes.
"""

import tomllib
from pathlib import Path

import pytest

from conformance.mock import ALTERNATE_DEMO_CREDENTIALS, DEMO_CREDENTIALS
from conformance.mock.variant import variant_named

TARGETS = Path(__file__).resolve().parents[2] / "targets"
CASES = [("reference.toml", "reference", DEMO_CREDENTIALS),
         ("mock-alternate.toml", "alternate", ALTERNATE_DEMO_CREDENTIALS)]


def _load(name: str) -> dict:
    with open(TARGETS / name, "rb") as handle:
        return tomllib.load(handle)


def _env_names(auth) -> set[str]:
    schemes = auth if isinstance(auth, list) else [auth]
    names = set()
    for scheme in schemes:
        names |= {v for k, v in scheme.items() if k.endswith("_env")}
        names |= set(scheme.get("headers", {}).values())
    return names


@pytest.fixture(params=CASES, ids=[c[1] for c in CASES])
def case(request):
    file_name, variant, credentials = request.param
    return _load(file_name), variant_named(variant).seed, credentials


def test_gep_identifiers_are_seeded(case):
    target, seed, _ = case
    data = target["gep"]["data"]
    assert tuple(data["order_numbers"]) == seed.gep.order_numbers
    assert data["por_status"] == seed.gep.por_status
    assert tuple(data["contact_codes"]) == seed.gep.contact_codes
    assert data["interface_status"] == seed.gep.interface_status
    assert tuple(data["entity_codes"]) == seed.gep.entity_codes
    assert tuple(data["manager_codes"]) == seed.gep.manager_codes
    assert tuple(data["currency_codes"]) == seed.gep.currency_codes
    assert data["max_length_entity_code"] == seed.gep.max_length_entity_code
    assert len(seed.gep.max_length_entity_code) == 50


def test_gep_structures_are_seeded_with_their_members(case):
    target, seed, _ = case
    structures = target["gep"]["data"]["structures"]
    declared = {s["name"]: [(m["entity_code"], m["entity_type"], m["lob_entity_code"])
                            for m in s["org_entities"]] for s in structures}
    seeded = {name: [(m.entity_code, m.entity_type, m.lob_entity_code) for m in members]
              for name, members in seed.gep.structures.items()}
    assert declared == seeded
    assert len(declared) >= 2


def test_po_identifiers_are_seeded_with_their_status(case):
    target, seed, _ = case
    data = target["po"]["data"]
    assert data["buyer_id"] == seed.po.buyer_id
    assert data["currency"] == seed.po.currency
    by_number = {p.internal_number: p for p in seed.po.purchase_orders}
    authorised = by_number[data["authorised_po"]["internal_number"]]
    assert (authorised.external_number, authorised.status) == (
        data["authorised_po"]["external_number"], "AUTHORISED")
    draft = by_number[data["unauthorised_po"]["internal_number"]]
    assert draft.external_number == data["unauthorised_po"]["external_number"]
    assert draft.status != "AUTHORISED"


def _event_matches(event: dict, declared: dict) -> bool:
    return (event["AttpId"], event["PpeId"], event["PpeCode"], event["OrderSeq"]) == (
        declared["attp_id"], declared["ppe_id"], declared["ppe_code"], declared["order_seq"])


def test_smat_identifiers_are_seeded_in_their_roles(case):
    target, seed, _ = case
    data = target["smat"]["data"]
    env = (data["project"], data["discipline"], data["language"])
    agreements = {(a.project, a.discipline, a.language, a.po_id): a for a in seed.agreements}
    open_po = agreements[(*env, data["po_id"])]
    assert not open_po.approved
    assert any(_event_matches(e, data["existing_event"]) and e["LockedInd"] == "N"
               for e in open_po.events)
    assert any(_event_matches(e, data["locked_event"]) and e["LockedInd"] == "Y"
               for e in open_po.events)
    approved = agreements[(*env, data["approved_po"]["po_id"])]
    assert approved.approved
    assert any(_event_matches(e, data["approved_po"]["event"]) for e in approved.events)


def test_every_credential_env_name_is_a_demo_credential(case):
    target, _, credentials = case
    names = set()
    for product in ("gep", "po", "smat"):
        names |= _env_names(target[product]["auth"])
        names |= _env_names(target[product].get("low_privilege_auth", []))
    assert names == set(credentials)
    assert all(value for value in credentials.values())


def test_alternate_target_has_the_reference_format_and_other_data():
    reference, alternate = _load("reference.toml"), _load("mock-alternate.toml")

    def keys(value, prefix=""):
        if isinstance(value, dict):
            return {k for key, v in value.items() for k in keys(v, f"{prefix}.{key}")} | {prefix}
        if isinstance(value, list) and value and isinstance(value[0], dict):
            return {k for item in value for k in keys(item, f"{prefix}[]")}
        return {prefix}

    assert keys(reference) == keys(alternate)
    ref_values, alt_values = str(reference["gep"]["data"]), str(alternate["gep"]["data"])
    assert "48000061" in ref_values and "48000061" not in alt_values
    assert reference["smat"]["data"]["po_id"] != alternate["smat"]["data"]["po_id"]
