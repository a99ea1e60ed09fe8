"""specs/scenario-families.yaml -> scenario dictionaries: constraint-driven cases as data.

A family is one constraint applied everywhere it applies, written once and expanded here into
ordinary scenario dictionaries (the format of specs/scenarios/*.yaml, validated the same way by
the loader), each with a stable id that the family spells out:

- `boundary`: a documented maximum (read from the OpenAPI spec: `maximum` or `maxLength` of the
  property the family names) gives a case at the maximum (accepted) and one past it (rejected).
- `positions`: a per-item rule of a list gives the bad item at the first, a middle and the last
  position of a list whose other items are valid copies of the skeleton's item (`each` lays
  per-copy values over every copy, `<<slot>>` its 0-based place; with `key`, the expectations'
  `<<valid_keys>>` and `<<bad_keys>>` are the keys of the valid items and of the bad one).
- `table`: one scenario template and one row per field of a rule that names several fields
  (`<<name>>` tokens; a whole-string token keeps the row value's type, keys may be tokens).
- `xml_twin`: every named JSON scenario of the PO service once more with an XML body: the
  scenario files it names, and every scenario of the (earlier) families it names.

Errors in the families file are `ValueError`s naming the family; the loader reports them as a
usage error naming the file.
"""

import copy
import re
from functools import cache
from typing import Any

from conformance.contract_files import read_yaml, specs_dir
from conformance.scenarios.templating import parse_path

TOKEN = re.compile(r"<<\s*([A-Za-z_][A-Za-z0-9_]*)\s*>>")
_UNKNOWN = re.compile(r"\{\{\s*(unknown(?:_int)?)\.([A-Za-z_][A-Za-z0-9_]*)")
POSITIONS = ("first", "middle", "last")
# In an XML twin, the media type rule and its judge follow the body's media type.
XML_SWAPS = {"PO-JSON-SUPPORTED": "PO-XML-SUPPORTED", "json_media_type": "xml_response"}


def families_path():
    return specs_dir() / "scenario-families.yaml"


@cache
def _spec(name: str) -> dict[str, Any]:
    return read_yaml(specs_dir() / name)


def spec_limit(limit: dict[str, Any]) -> int:
    """The `keyword` (maximum or maxLength) of a spec property, also inside its anyOf/oneOf."""
    schema = _spec(limit["spec"])["components"]["schemas"][limit["schema"]]
    prop = schema["properties"][limit["property"]]
    for candidate in [prop, *prop.get("anyOf", []), *prop.get("oneOf", [])]:
        if limit["keyword"] in candidate:
            return int(candidate[limit["keyword"]])
    raise ValueError(f"{limit['spec']} {limit['schema']}.{limit['property']} has no "
                     f"{limit['keyword']}")


OMIT = "$omit"  # a row value that leaves its key out


def substitute(node: Any, values: dict[str, Any]) -> Any:
    """A copy of `node` with every <<name>> token replaced (keys too; OMIT drops the key)."""
    if isinstance(node, dict):
        pairs = ((substitute(k, values), substitute(v, values)) for k, v in node.items())
        return {k: v for k, v in pairs if v != OMIT}
    if isinstance(node, list):
        return [substitute(v, values) for v in node]
    if not isinstance(node, str):
        return node
    whole = TOKEN.fullmatch(node)
    if whole:
        return values[whole.group(1)]
    return TOKEN.sub(lambda m: str(values[m.group(1)]), node)


def _renamed(node: Any, suffix: str) -> Any:
    """`node` with its own unknown placeholders: {{unknown.code:10}} -> {{unknown.code_2:10}}."""
    if isinstance(node, dict):
        return {k: _renamed(v, suffix) for k, v in node.items()}
    if isinstance(node, list):
        return [_renamed(v, suffix) for v in node]
    if isinstance(node, str):
        return _UNKNOWN.sub(lambda m: f"{{{{{m.group(1)}.{m.group(2)}_{suffix}", node)
    return node


def _at(body: Any, path: str) -> tuple[Any, str | int]:
    """The container and the key of `path` in `body` (a path like PPE[0].OrderSeq)."""
    parts = parse_path(path)
    node = body
    for part in parts[:-1]:
        node = node[part]
    return node, parts[-1]


def _list_at(body: Any, path: str) -> list:
    if not path:
        return body
    container, key = _at(body, path)
    return container[key]


def _scenario(skeleton: dict[str, Any], family: dict[str, Any], body: Any, **fields: Any):
    request = {k: v for k, v in skeleton.get("request", {}).items() if k != "body"}
    needs = list(dict.fromkeys([*skeleton.get("needs", []), *fields.pop("needs", [])]))
    scenario = {
        "id": fields["id"], "title": fields["title"], "operation": skeleton["operation"],
        "source": family["source"],
        "profile": fields.get("profile") or family.get("profile", "standard"),
        "rules": list(dict.fromkeys(r for e in fields["expect"] for r in _rules_of(e))),
        "steps": [{"request": {**request, "body": body}, "expect": fields["expect"]}],
    }
    if needs:
        scenario["needs"] = needs
    if fields.get("breaks"):
        scenario["breaks"] = fields["breaks"]
    return scenario


def _rules_of(expectation: dict[str, Any]) -> list[str]:
    rules = expectation["rule"]
    return [rules] if isinstance(rules, str) else list(rules)


def _boundary(family: dict[str, Any], skeletons: dict[str, Any]) -> list[dict[str, Any]]:
    skeleton = skeletons[family["skeleton"]]
    maximum = spec_limit(family["limit"])
    cases = []
    for side, n in (("accepted", maximum), ("rejected", maximum + 1)):
        case = family[side]
        body = copy.deepcopy(skeleton["request"]["body"])
        container, key = _at(body, family["field"])
        container[key] = substitute(case.get("value", family["value"]), {"n": n})
        values = {"n": n}
        cases.append(_scenario(
            skeleton, family, body, id=substitute(case["id"], values),
            title=substitute(case["title"], values), needs=case.get("needs", []),
            profile=case.get("profile"),
            expect=substitute(case["expect"], values),
            breaks=[family["rule"]] if side == "rejected" else [],
        ))
    return cases


def _positions(family: dict[str, Any], skeletons: dict[str, Any]) -> list[dict[str, Any]]:
    skeleton = skeletons[family["skeleton"]]
    size = family.get("size", 3)
    key = family.get("key")
    cases = []
    for position, index in zip(POSITIONS, (0, size // 2, size - 1), strict=True):
        body = copy.deepcopy(skeleton["request"]["body"])
        items = _list_at(body, family["list"])
        valid = items[0]
        items[:] = [_renamed(valid, str(n + 1)) for n in range(size)]
        if "each" in family:  # per-copy values (distinct keys), laid over every copy
            items[:] = [{**item, **substitute(family["each"], {"slot": n})}
                        for n, item in enumerate(items)]
        bad = family["bad"]
        if isinstance(bad, dict) and isinstance(valid, dict):
            merged = {**items[index], **bad}
            items[index] = {k: v for k, v in merged.items() if v is not None}
        else:
            items[index] = bad
        values: dict[str, Any] = {"position": position, "index": index + 1, "size": size}
        if key:  # "" stands for the bad item sent without a key (batch_outcome's convention)
            values["valid_keys"] = [item[key] for n, item in enumerate(items) if n != index]
            values["bad_keys"] = [items[index].get(key, "")]
        cases.append(_scenario(
            skeleton, family, body, id=substitute(family["id"], values),
            title=substitute(family["title"], values), needs=family.get("needs", []),
            expect=substitute(family["expect"], values), breaks=[family["rule"]],
        ))
    return cases


def _table(family: dict[str, Any], _skeletons: dict[str, Any]) -> list[dict[str, Any]]:
    return [substitute(family["template"], row) for row in family["rows"]]


def _xml_twin(family: dict[str, Any], files: dict[str, dict[str, Any]],
              earlier: list[dict[str, Any]]) -> list[dict[str, Any]]:
    sources = []
    for scenario_id in family.get("scenarios", []):
        if scenario_id not in files:
            raise ValueError(f"xml_twin names {scenario_id}, which is no scenario file")
        sources.append(files[scenario_id])
    for name in family.get("families", []):
        expanded = [s for s in earlier if s["family"] == name]
        if not expanded:
            raise ValueError(f"xml_twin names family {name}, which no earlier family is")
        sources += expanded
    twins = []
    for source in sources:
        scenario_id = source["id"]
        twin = copy.deepcopy(source)
        twin["id"] = substitute(family["id"], {"id": scenario_id,
                                               "rest": scenario_id.removeprefix("po-")})
        twin["title"] = f"In XML, {twin['title'][0].lower()}{twin['title'][1:]}"
        twin["profile"] = family.get("profile", "standard")
        twin.pop("documented_example", None)
        twin.pop("family", None)
        for key in ("rules", "breaks"):
            if key in twin:
                twin[key] = list(dict.fromkeys(XML_SWAPS.get(r, r) for r in twin[key]))
        for step in twin["steps"]:
            if "body" not in step["request"] or "raw_body" in step["request"]:
                raise ValueError(f"xml_twin {scenario_id}: every step needs a JSON body")
            step["request"].update(format="xml", xml_root=family.get("xml_root",
                                                                     "PoModServiceCollection"))
            for expectation in step["expect"]:
                expectation["judge"] = XML_SWAPS.get(expectation["judge"], expectation["judge"])
                expectation["rule"] = [XML_SWAPS.get(r, r) for r in _rules_of(expectation)]
        twins.append(twin)
    return twins


KINDS = {"boundary": _boundary, "positions": _positions, "table": _table}


def expand(document: dict[str, Any], files: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Every scenario dictionary the families describe, in file order.

    `files` maps the id of every hand-written scenario to its dictionary (for `xml_twin`).
    """
    skeletons = document.get("skeletons", {})
    scenarios = []
    for number, family in enumerate(document.get("families", [])):
        name = family.get("name", f"family {number + 1}")
        try:
            if family["kind"] == "xml_twin":
                expanded = _xml_twin(family, files, scenarios)
            else:
                expanded = KINDS[family["kind"]](family, skeletons)
        except (KeyError, IndexError, TypeError, ValueError) as error:
            raise ValueError(f"family {name!r}: {type(error).__name__}: {error}") from None
        for scenario in expanded:
            scenario["family"] = name
        scenarios += expanded
    return scenarios
