"""Generates specs/COVERAGE.md: for every rule, where the contract states it and what judges it.

Coverage is accounted for, not implied (as Kubernetes' conformance.yaml does): the table is
checked in, and tests/contract/test_coverage_table.py fails when it differs from a fresh run.
Regenerate with `python -m conformance.coverage --write`.
"""

import argparse
import sys
from collections import defaultdict
from pathlib import Path

from conformance.catalog import ANSWERED_RULE_OF_OPERATION, PRODUCTS, SPEC_OF_PRODUCT, load_rules
from conformance.contract_files import read_yaml, specs_dir

SPEC_FILES = tuple(SPEC_OF_PRODUCT[p] for p in PRODUCTS)


def _x_rules_places(node, pointer: str, found: dict[str, list[str]]) -> None:
    if isinstance(node, dict):
        for rule_id in node.get("x-rules", ()):
            found[rule_id].append(pointer or "/")
        for key, value in node.items():
            escaped = str(key).replace("~", "~0").replace("/", "~1")
            _x_rules_places(value, f"{pointer}/{escaped}", found)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _x_rules_places(value, f"{pointer}/{index}", found)


def spec_places() -> dict[str, list[str]]:
    """Rule id -> the spec locations (file#pointer) that carry it in `x-rules`."""
    found: dict[str, list[str]] = defaultdict(list)
    for name in SPEC_FILES:
        places: dict[str, list[str]] = defaultdict(list)
        spec = read_yaml(specs_dir() / name)
        _x_rules_places(spec, "", places)
        for rule_id, pointers in places.items():
            found[rule_id].extend(f"{name}#{p}" for p in pointers)
    return found


def scenario_ids() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Rule id -> scenarios whose request meets it, and rule id -> scenarios that break it."""
    from conformance.scenarios import load_scenarios

    met: dict[str, list[str]] = defaultdict(list)
    broken: dict[str, list[str]] = defaultdict(list)
    for scenario in load_scenarios():
        for rule_id in scenario.met:
            met[rule_id].append(scenario.id)
        for rule_id in scenario.breaks:
            broken[rule_id].append(scenario.id)
    return met, broken


# judged on every request sent, by the scenario runner and by fuzz.run_case
EVERY_REQUEST = "every request (scenarios and generated cases)"
EVERY_REQUEST_RULES = frozenset(ANSWERED_RULE_OF_OPERATION.values())
# Why a rule broken by requests has no list position to vary, by rule id.
ONE_PLACE = {
    "GEP-NO-SERVER-ERROR": "judged on every answer; its breaking requests are malformed bodies",
    "PO-NO-SERVER-ERROR": "judged on every answer; its breaking requests are malformed bodies "
                          "and a null data item",
    "SMAT-NO-SERVER-ERROR": "judged on every answer; its breaking requests are malformed bodies "
                            "and a null event",
    "PO-AUTHREQUIRE-Y-OR-N": "a field of the collection, not of a data item",
    "PO-NOT-AUTHORIZED": "a property of the call (its credentials)",
    "PO-CREDENTIALS-REQUIRED": "a property of the call (its credentials)",
    "PO-JSON-SUPPORTED": "a property of the call (its media type)",
    "PO-XML-SUPPORTED": "a property of the call (its media type)",
    "SMAT-BEARER-REQUIRED": "a property of the call (its token)",
    "SMAT-PRIVILEGE-REQUIRED": "a property of the call (its token)",
    "SMAT-UNKNOWN-PO-REJECTED": "a property of the call (the PO in the path: an unknown PO id, "
                                "a known one under an unknown project or discipline; language "
                                "not varied, a target may fall back to a default language)",
    "SMAT-APPROVED-AGREEMENT-FROZEN": "a property of the PO, whatever the event",
    "SMAT-LOCKED-FIELDS-FROZEN": "a property of each stored event: every field varied on one "
                                 "event, and locked events as the middle and last of three "
                                 "(Description) in "
                                 "`ppe-locked-events-after-the-first-keep-protected-fields`",
}
# Rules naming several fields whose scenario files already take one field each.
FIELD_FILES = {
    "SMAT-EVENT-FIELDS-MANDATORY": "one scenario file per field (AttpId, OrderSeq, PpeCode)",
    "SMAT-UNKNOWN-PO-REJECTED": "the PO id, the project and the discipline of the path, one "
                                "scenario each (not the language)",
    "SMAT-INDICATORS-Y-OR-N": "one scenario file per indicator (the four)",
    "SMAT-TYPES-ENFORCED": "one scenario file per field (AttpId, OrderSeq, PaymentPercent, "
                           "PaymentWeeks)",
    "ORG-ORGENTITY-FIELDS-MANDATORY": "one scenario file per field (entityType, lobEntityCode, "
                                      "entityCode)",
    "ORG-ORGENTITY-CODES-KNOWN": "one scenario file per field (entityCode, entityType, "
                                 "lobEntityCode)",
    "ORG-TYPES-ENFORCED": "one scenario file per field (thresholdAmount, managerCode) and one "
                          "for the body",
    "PO-TYPES-ENFORCED": "scenarios send discountAmount and commodityList[].quantity; generated "
                         "cases may break any number field (not each one every run)",
    "PO-ECHOES-IDENTIFIERS": "the three echoes judged in every PO answer",
    "PO-ANSWER-FIELD-TYPES": "the seven string fields judged in every JSON PO 2xx answer",
}
# PO rules that only a JSON answer can break, by rule id: why no XML scenario judges them.
JSON_ANSWERS_ONLY = {
    "PO-ANSWER-FIELD-TYPES": "n/a: JSON answers only (an XML answer carries text, no JSON types)",
}
NOT_TESTED = "**not tested**"


def _list_label(path: str) -> str:
    """A positions family's list as a reader names it: `model[]`, the batch `[]`."""
    if not path:
        return "the batch `[]`"
    name = path.rsplit(".", 1)[-1]
    return f"`{name.split('[', 1)[0]}[]`"


def _bad_label(bad, valid) -> str:
    """What a positions family's bad item changes, in a few words."""
    if not isinstance(bad, dict):
        return "an item that is no object" if isinstance(valid, dict) else "an unknown entry"
    names = []
    for name, value in bad.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            inner = value[0]
            changed = [f"without {k}" for k in sorted(valid[name][0]) if k not in inner]
            changed += [f"with an unknown {k}" for k, v in inner.items() if "{{unknown" in str(v)]
            if any("{{outsider" in str(v) for v in inner.values()):
                changed.append("of another structure")
            names.append(f"{name}[] item {', '.join(changed)}")
        else:
            names.append(name)
    return ", ".join(names)


def _items(body, path: str) -> list:
    from conformance.scenarios.templating import parse_path

    node = body
    for part in parse_path(path):
        node = node[part]
    return node


def _positions(document: dict) -> dict[str, dict[str, list[str]]]:
    """Rule id -> list label -> the fields its positions families vary there (and the media)."""
    twinned = {name for f in document["families"] if f["kind"] == "xml_twin"
               for name in f.get("families", [])}
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for family in document["families"]:
        if family["kind"] != "positions":
            continue
        skeleton = document["skeletons"][family["skeleton"]]
        body = skeleton["request"]["body"]
        items = body if not family["list"] else _items(body, family["list"])
        media = ""
        if skeleton["operation"] == "modifyPurchaseOrder":
            media = " (JSON and XML)" if family["name"] in twinned else " (JSON only)"
        label = _list_label(family["list"])
        found[family["rule"]][label].append(_bad_label(family["bad"], items[0]) + media)
    return found


def _positions_cell(lists: dict[str, list[str]]) -> str:
    parts = [f"{label}: {'; '.join(sorted(set(fields)))}" for label, fields in lists.items()]
    return "first, middle, last of " + " · ".join(parts)


def dimensions() -> dict[str, dict[str, str]]:
    """Rule id -> {boundary, positions, fields, media}: how each is tested, or why it cannot be.

    Read from specs/scenario-families.yaml (the families' kinds, lists and bad fields) and from
    the scenarios (which rules they break, in which media type): a cell claims only what a
    scenario sends.
    """
    from conformance.scenarios import load_scenarios
    from conformance.scenarios.families import families_path

    document = read_yaml(families_path())
    kinds = {f["name"]: f["kind"] for f in document["families"]}
    scenarios = load_scenarios()
    by_kind: dict[tuple[str, str], set[str]] = defaultdict(set)
    for scenario in scenarios:
        kind = kinds.get(scenario.family, "file")
        for rule_id in scenario.breaks:
            by_kind[(rule_id, kind)].add(scenario.family)
    positions = _positions(document)
    xml = {r for s in scenarios for r in s.rules
           if any(step.request.get("format") == "xml" or "xml" in str(
               step.request.get("content_type", "")) for step in s.steps)}
    json_rules = {r for s in scenarios for r in s.rules
                  if any(step.request.get("format") != "xml" and "xml" not in str(
                      step.request.get("content_type", "")) for step in s.steps)}
    limited = {r for r, places in spec_places().items() for place in places
               if "-MAX-" in r and _has_limit(place)}
    broken = {r for s in scenarios for r in s.breaks}
    result = {}
    for rule in load_rules().values():
        rid = rule.id
        row = {}
        if by_kind.get((rid, "boundary")):
            row["boundary"] = "at the maximum and past it"
        elif rid in limited:
            row["boundary"] = NOT_TESTED
        else:
            row["boundary"] = "n/a: no documented maximum"
        if rid in positions:
            row["positions"] = _positions_cell(positions[rid])
        elif rid not in broken:
            row["positions"] = "n/a: no request breaks it (an answer or behaviour rule)"
        elif rid in ONE_PLACE:
            row["positions"] = f"one place: {ONE_PLACE[rid]}"
        else:
            row["positions"] = NOT_TESTED
        tables = sorted(f for (r, k), fams in by_kind.items() if r == rid and k == "table"
                        for f in fams)
        if tables:
            row["fields"] = "one scenario per field: " + ", ".join(f"`{f}`" for f in tables)
        else:
            row["fields"] = FIELD_FILES.get(rid, "n/a: the rule names one field")
        if rule.products != ("po",) and "po" not in rule.products:
            row["media"] = "n/a: JSON only (the document names one media type)"
        elif rid == "PO-JSON-SUPPORTED":
            row["media"] = "n/a: the JSON half of the pair (XML: PO-XML-SUPPORTED)"
        elif rid == "PO-XML-SUPPORTED":
            row["media"] = "n/a: the XML half of the pair (JSON: PO-JSON-SUPPORTED)"
        elif rid in JSON_ANSWERS_ONLY:
            row["media"] = JSON_ANSWERS_ONLY[rid]
        elif (rid in xml and rid in json_rules) or rid in EVERY_REQUEST_RULES:
            row["media"] = "JSON and XML"
        else:
            row["media"] = "**JSON only**" if rid in json_rules else "**XML only**"
        result[rid] = row
    return result


def _has_limit(place: str) -> bool:
    name, _, pointer = place.partition("#")
    node = read_yaml(specs_dir() / name)
    for part in pointer.strip("/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    branches = [node, *node.get("anyOf", []), *node.get("oneOf", [])]
    return any("maxLength" in b or "maximum" in b for b in branches if isinstance(b, dict))


def judges_of_rules() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Rule id -> the judges' code (`module.function`) that judge it anywhere, and rule id ->
    the judges the fuzz side attaches it to on generated cases."""
    from conformance.fuzz.judging import judged_rules
    from conformance.judges import find_judge
    from conformance.scenarios import load_scenarios

    pairs: set[tuple[str, str, str]] = set()  # rule, judge, product
    fuzzed: dict[str, list[str]] = defaultdict(list)
    for scenario in load_scenarios():
        for step in scenario.steps:
            for expectation in step.expect:
                for rule_id in expectation.rules:
                    pairs.add((rule_id, expectation.judge, scenario.product))
    for product in PRODUCTS:
        for name, rule_ids in judged_rules(product).items():
            for rule_id in rule_ids:
                pairs.add((rule_id, name, product))
                fuzzed[rule_id].append(name)
    code: dict[str, list[str]] = defaultdict(list)
    for rule_id, name, product in sorted(pairs):
        function = find_judge(name, product)
        where = f"{function.__module__.removeprefix('conformance.')}.{function.__name__}"
        if where not in code[rule_id]:
            code[rule_id].append(where)
    for rule_id in ANSWERED_RULE_OF_OPERATION.values():
        fuzzed[rule_id].append(EVERY_REQUEST)
        # judged where a request is sent, not by a judge: whether an answer came at all
        code[rule_id] += ["scenarios.runner._Run.answered", "fuzz.unanswered"]
    return code, {r: sorted(set(names)) for r, names in fuzzed.items()}


def _cell(items: list[str], limit: int = 6) -> str:
    shown = [f"`{item}`" for item in sorted(items)[:limit]]
    if len(items) > limit:
        shown.append(f"+{len(items) - limit} more")
    return "<br>".join(shown) or "—"


def render() -> str:
    rules = load_rules()
    specs = spec_places()
    judges, checks = judges_of_rules()
    met, broken = scenario_ids()
    lines = [
        "# Coverage: rule -> spec -> scenarios -> judges",
        "",
        "Generated by `python -m conformance.coverage --write`; do not edit by hand.",
        "A test fails when this file differs from a fresh generation.",
        "",
        f"{len(rules)} rules; "
        f"{sum(1 for r in rules if specs.get(r))} stated in a spec (`x-rules`), "
        f"{sum(1 for r in rules if met.get(r))} met and "
        f"{sum(1 for r in rules if broken.get(r))} broken on purpose by scenarios, "
        f"{sum(1 for r in rules if checks.get(r))} judged on generated cases.",
        "The judges are the functions of `conformance/judges/` that scenarios and generated",
        "cases both call; the rule id is attached where they are called.",
        "",
        "| rule | level | citation | spec places | scenarios meeting it | scenarios breaking it "
        "| judged on generated cases by | judges (code) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for rule in rules.values():
        lines.append(
            f"| `{rule.id}` | {rule.level} | {rule.source.citation()} | "
            f"{_cell(specs.get(rule.id, []), 3)} | {_cell(met.get(rule.id, []))} | "
            f"{_cell(broken.get(rule.id, []))} | {_cell(checks.get(rule.id, []))} | "
            f"{_cell(judges.get(rule.id, []))} |"
        )
    lines += [
        "",
        "## Dimensions: where each rule is varied",
        "",
        "From `specs/scenario-families.yaml` (constraint-driven scenarios) and the scenario files:",
        "a documented maximum tested from both sides, a per-item rule at every position of a list,",
        "a rule naming several fields once per field, a PO rule in both media types. A cell says",
        "how the rule is tested on that dimension, or why it cannot be; a list positions cell",
        "names each list and the fields whose bad value is put first, in the middle and last",
        "of three items (PO: in which media types), read from the families themselves.",
        "",
        "| rule | boundary | list positions | fields | media types |",
        "|---|---|---|---|---|",
    ]
    for rule_id, row in dimensions().items():
        lines.append(f"| `{rule_id}` | {row['boundary']} | {row['positions']} | {row['fields']} "
                     f"| {row['media']} |")
    untested = [r.id for r in rules.values() if not met.get(r.id) and not checks.get(r.id)]
    lines += ["", "## Rules nothing judges yet", ""]
    lines += [f"- `{rule_id}`" for rule_id in untested] or ["None: every rule is judged."]
    lines += [
        "",
        "## Rules no request can break",
        "",
        "Their broken side is a faulty answer, caught by a judge (unit-tested on",
        "hand-made answers, and proved against the mock's planted faults):",
        "",
    ]
    lines += [f"- `{r.id}`" for r in rules.values() if met.get(r.id) and not broken.get(r.id)]
    return "\n".join(lines) + "\n"


def coverage_path() -> Path:
    return specs_dir() / "COVERAGE.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m conformance.coverage", description=__doc__)
    parser.add_argument("--write", action="store_true", help=f"write {coverage_path()}")
    args = parser.parse_args(argv)
    text = render()
    if args.write:
        coverage_path().write_text(text, encoding="utf-8")
        print(f"wrote {coverage_path()}")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
