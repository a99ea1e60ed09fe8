"""With the live template's data (one entity code, no low-privilege token, no locked event or
approved PO), each scenario either runs or is skipped before its first request, naming the key.
"""

import random
import tomllib

from fakes import FakeProduct, FakeSend, FakeTarget

from conformance.contract_files import targets_dir
from conformance.outcomes import Status
from conformance.scenarios import load_scenarios, run_scenario


def template_target() -> FakeTarget:
    document = tomllib.loads((targets_dir() / "live-template.toml").read_text())
    return FakeTarget({name: FakeProduct(name, document[name]["data"],
                                         has_low_privilege="low_privilege_auth" in document[name])
                       for name in ("gep", "po", "smat")})


def test_sparse_data_skips_name_the_missing_key_and_send_nothing():
    target = template_target()
    skipped = {}
    for scenario in load_scenarios():
        send = FakeSend([None])  # every request that goes out meets a transport failure
        outcomes = run_scenario(scenario, target, random.Random(0), send=send)
        statuses = {o.status for o in outcomes}
        if Status.SKIPPED in statuses:
            assert statuses == {Status.SKIPPED} and not send.calls, scenario.id
            skipped[scenario.id] = outcomes[0].message
        else:
            assert statuses == {Status.INCONCLUSIVE}, scenario.id
    named = {message.split()[1] for message in skipped.values()}
    assert named == {"gep.data.entity_codes[1]", "gep.data.entity_codes[2]",
                     "gep.data.contact_codes[1]",
                     "gep.data.order_numbers[1]", "po.low_privilege_auth",
                     "po.data.unauthorised_po", "smat.low_privilege_auth",
                     "smat.data.locked_event", "smat.data.approved_po", "smat.data.unknown_po_id",
                     "gep.data.max_length_entity_code"}
