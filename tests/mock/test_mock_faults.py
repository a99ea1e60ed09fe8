"""Every named fault changes what a black-box client sees, and the clean mock shows none of them.

Each fault has a probe (tests/mock/mock_fault_probes.py): a request a conformance suite would
send and a test of the answer. A fault without a probe fails here, so none can go untested.
"""

import re

import pytest
from mock_fault_probes import PROBES
from mock_support import MockClient

from conformance.catalog import load_rules
from conformance.mock.faults import FAULTS, FaultSet, UnknownFault
from conformance.mock.variant import VARIANTS


@pytest.fixture
def probe_client(fault_servers, request):
    clients = []

    def make(fault: str | None, variant: str = "reference") -> MockClient:
        client = MockClient(fault_servers[variant].base_url, variant, fault)
        client.reset()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def test_at_least_25_faults_with_unique_kebab_case_names():
    names = [f.name for f in FAULTS]
    assert len(names) >= 25
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", n) for n in names)


def test_every_fault_names_a_rule_of_the_catalog():
    rules = load_rules()
    assert {f.rule for f in FAULTS} <= set(rules)


def test_every_endpoint_and_product_rule_family_has_a_fault():
    prefixes = {f.rule.split("-")[0] for f in FAULTS}
    assert {"GEP", "POR", "CONTACT", "ORG", "PO", "SMAT"} <= prefixes


def test_every_fault_has_a_probe():
    assert sorted(PROBES) == sorted(f.name for f in FAULTS)


def test_unknown_fault_name_is_refused():
    with pytest.raises(UnknownFault):
        FaultSet(("no-such-fault",))


@pytest.mark.parametrize("fault", [f.name for f in FAULTS])
def test_fault_is_visible_to_a_black_box_client(probe_client, fault):
    probe = PROBES[fault]
    assert probe(probe_client(None)) is False, "the clean mock must not show the defect"
    assert probe(probe_client(fault)) is True, "the fault must change the answer"


@pytest.mark.parametrize("fault", [f.name for f in FAULTS])
def test_fault_is_visible_on_the_alternate_variant_too(probe_client, fault):
    probe = PROBES[fault]
    assert probe(probe_client(None, "alternate")) is False
    assert probe(probe_client(fault, "alternate")) is True


def test_variants_are_the_two_documented_ones():
    assert set(VARIANTS) == {"reference", "alternate"}
