"""specs/scenario-families.yaml: the constraint-driven scenarios are derived from the specs and
the catalog, cover every place the issue names, and expand to valid, distinct scenarios.
"""

import copy

import pytest
import yaml

from conformance.contract_files import specs_dir
from conformance.errors import UsageError
from conformance.scenarios import load_scenarios
from conformance.scenarios.families import expand, families_path, spec_limit, substitute
from conformance.scenarios.loader import generated_scenarios

SCENARIOS = load_scenarios()
GENERATED = [s for s in SCENARIOS if s.family]
DOCUMENT = yaml.safe_load(families_path().read_text())


def _spec_maximums() -> set[tuple[str, str]]:
    """(rule, property) for every request property of a spec with maxLength or maximum."""
    found = set()
    for name in ("gep-smart.yaml", "po-service.yaml", "smart-materials.yaml"):
        schemas = yaml.safe_load((specs_dir() / name).read_text())["components"]["schemas"]
        for schema in schemas.values():
            for prop, node in schema.get("properties", {}).items():
                branches = [node, *node.get("anyOf", []), *node.get("oneOf", [])]
                if any("maxLength" in b or "maximum" in b for b in branches):
                    found |= {(r, prop) for r in node.get("x-rules", []) if "-MAX-" in r}
    return found


def test_every_documented_maximum_has_a_boundary_family():
    covered = {(f["rule"], f["limit"]["property"]) for f in DOCUMENT["families"]
               if f["kind"] == "boundary"}
    assert _spec_maximums() == covered


def test_boundary_values_come_from_the_spec():
    for family in (f for f in DOCUMENT["families"] if f["kind"] == "boundary"):
        maximum = spec_limit(family["limit"])
        ids = {s.id for s in GENERATED if s.family == family["name"]}
        assert len(ids) == 2, family["name"]
        at_max = next(s for s in GENERATED if s.family == family["name"] and not s.breaks)
        past = next(s for s in GENERATED if s.family == family["name"] and s.breaks)
        text = str(at_max.steps[0].request) + at_max.id
        assert str(maximum) in text or "max_length" in text
        assert str(maximum + 1) in str(past.steps[0].request) + past.id


@pytest.mark.parametrize("lists", [["model"], [""], ["[0].managerCode"], ["[0].orgEntities"],
                                   ["PPE"], ["data"], ["data[0].commodityList"]])
def test_every_list_the_documents_validate_per_item_has_a_positions_family(lists):
    assert any(f["kind"] == "positions" and f["list"] in lists for f in DOCUMENT["families"])


def test_positions_put_the_bad_item_first_in_the_middle_and_last():
    family = next(f for f in DOCUMENT["families"] if f["name"] == "ppe-indicator-positions")
    scenarios = [s for s in GENERATED if s.family == family["name"]]
    places = []
    for scenario in scenarios:
        events = scenario.steps[0].request["body"]["PPE"]
        assert len(events) == 3
        assert len({e["AttpId"] for e in events}) == 3  # each valid copy has its own values
        places.append([e.get("PaidInd") for e in events].index("X"))
    assert sorted(places) == [0, 1, 2]


def _positions_fields(rule: str, lists: set[str]) -> set[str]:
    """The fields a rule's positions families break, on the lists named."""
    return {field for f in DOCUMENT["families"] if f["kind"] == "positions"
            and f["rule"] == rule and f["list"] in lists and isinstance(f["bad"], dict)
            for field in f["bad"]}


@pytest.mark.parametrize(("rule", "lists", "fields"), [
    ("SMAT-EVENT-FIELDS-MANDATORY", {"PPE"}, {"AttpId", "OrderSeq", "PpeCode"}),
    ("SMAT-TYPES-ENFORCED", {"PPE"}, {"AttpId", "OrderSeq", "PaymentPercent", "PaymentWeeks"}),
    ("SMAT-INDICATORS-Y-OR-N", {"PPE"}, {"LockedInd", "DeliveryInd", "ManualInd", "PaidInd"}),
    ("ORG-ORGENTITY-FIELDS-MANDATORY", {"[0].orgEntities"},
     {"entityType", "lobEntityCode", "entityCode"}),
    ("ORG-ORGENTITY-CODES-KNOWN", {"[0].orgEntities"}, {"entityType", "lobEntityCode"}),
    ("ORG-TYPES-ENFORCED", {""}, {"thresholdAmount", "managerCode"}),
])
def test_a_rule_naming_several_fields_is_varied_on_each_at_every_position(rule, lists, fields):
    assert _positions_fields(rule, lists) == fields


def test_every_rule_of_an_org_item_is_varied_at_every_position_of_the_batch():
    """The OrgManagers body is itself the batch: each rule a one-item scenario breaks is also
    broken by the first, a middle and the last of three items (003's rules are per item)."""
    batch = {f["name"]: f["rule"] for f in DOCUMENT["families"]
             if f["kind"] == "positions" and f["list"] == "" and f["skeleton"] == "org-one-item"}
    item_rules = {r for s in SCENARIOS if s.operation == "saveOrgEntityManagers"
                  and s.family not in batch for r in s.breaks} - {"GEP-NO-SERVER-ERROR"}
    assert item_rules == set(batch.values())


def test_batch_positions_give_each_item_its_own_key_and_judge_the_bad_one_by_it():
    family = "org-batch-unknown-currency-positions"
    scenarios = [s for s in GENERATED if s.family == family]
    assert len(scenarios) == 3
    for scenario in scenarios:
        items = scenario.steps[0].request["body"]
        codes = [item.get("entityCode") for item in items]
        assert codes == [f"{{{{data.entity_codes[{n}]}}}}" for n in range(3)]
        bad = next(n for n, item in enumerate(items) if "unknown" in item["currencyCode"])
        outcome = next(e for e in scenario.steps[0].expect if e.judge == "batch_outcome")
        assert outcome.args["invalid"] == [codes[bad]]
        assert outcome.args["valid"] == [c for n, c in enumerate(codes) if n != bad]
    keyless = next(s for s in GENERATED if s.family == "org-batch-missing-entity-code-positions")
    outcome = next(e for e in keyless.steps[0].expect if e.judge == "batch_outcome")
    assert outcome.args["invalid"] == [""]  # batch_outcome: the item sent without a key


def test_every_po_position_is_also_sent_in_xml():
    families = {f["name"] for f in DOCUMENT["families"]
                if f["kind"] == "positions" and f["skeleton"] == "po-one-item"}
    json_cases = {s.id: s for s in GENERATED if s.family in families}
    xml_cases = {s.id: s for s in GENERATED if s.family == "po-xml-twins"}
    assert len(json_cases) == 3 * len(families)
    for case_id, case in json_cases.items():
        twin = xml_cases["po-xml-" + case_id.removeprefix("po-")]
        assert twin.steps[0].request["format"] == "xml"
        assert twin.steps[0].request["body"] == case.steps[0].request["body"]
        assert twin.breaks == case.breaks


def test_every_locked_field_and_every_indicator_default_has_its_scenario():
    locked = [s for s in GENERATED if s.family == "locked-event-protected-fields"]
    changed = {e.args["fields"][0] for s in locked for e in s.steps[1].expect
               if e.judge == "cannot_update"}
    assert changed == {"OrderSeq", "PpeCode", "ShortDesc", "Description", "PlanCompletionDate",
                       "PaymentPercent", "CostValue", "PaymentWeeks", "PaymentDate", "ManualInd",
                       "DeliveryInd"}
    defaults = [s for s in GENERATED if s.family == "indicator-defaults"]
    omitted = {next(i for i in ("LockedInd", "DeliveryInd", "ManualInd", "PaidInd")
                    if i not in s.steps[0].request["body"]["PPE"][0]) for s in defaults}
    assert omitted == {"LockedInd", "DeliveryInd", "ManualInd", "PaidInd"}


def test_every_po_rule_a_request_can_break_is_broken_in_json_and_in_xml():
    def broken(xml: bool) -> set[str]:
        return {r for s in SCENARIOS if s.product == "po" for r in s.breaks
                if any((st.request.get("format") == "xml"
                        or "xml" in st.request.get("content_type", "")) == xml for st in s.steps)}
    assert broken(xml=False) - {"PO-JSON-SUPPORTED"} == broken(xml=True) - {"PO-XML-SUPPORTED"}


def test_a_row_value_omit_leaves_the_key_out_and_whole_tokens_keep_their_type():
    assert substitute({"a": "<<x>>", "b": "<<y>>", "<<k>>": "v <<x>>"},
                      {"x": 5, "y": "$omit", "k": "key"}) == {"a": 5, "key": "v 5"}


@pytest.mark.parametrize(("key", "missing"), [("scenarios", "po-no-such-scenario"),
                                              ("families", "po-no-such-positions")])
def test_an_xml_twin_of_something_not_there_is_a_usage_error(tmp_path, key, missing):
    document = {"skeletons": copy.deepcopy(DOCUMENT["skeletons"]),
                "families": [{"name": "broken", "kind": "xml_twin", "id": "po-xml-<<rest>>",
                              key: [missing]}]}
    path = tmp_path / "families.yaml"
    path.write_text(yaml.safe_dump(document))
    with pytest.raises(UsageError, match=missing):
        generated_scenarios({}, path)


def test_expansion_is_deterministic():
    first = [s.id for s in GENERATED]
    again = [s.id for s in load_scenarios() if s.family]
    assert first == again
    assert len(expand({"families": []}, {})) == 0
