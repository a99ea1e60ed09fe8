"""specs/scenarios/<operationId>/<what-happens>.yaml -> validated `Scenario`s.

A broken file stops the run before any request (a `UsageError` naming the file and the
problem): the schema, the id (= file stem), the folder (= operation), the rule ids (they exist
in the catalog, and `rules` lists exactly the rules the expectations report to), placeholders
and judges that exist.
"""

import json
import random
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from conformance.catalog import PRODUCT_OF_OPERATION, documents_dir, load_rules
from conformance.contract_files import read_yaml, specs_dir
from conformance.errors import UsageError
from conformance.judges import find_judge
from conformance.scenarios.families import expand, families_path
from conformance.scenarios.model import Expectation, Scenario, Step
from conformance.scenarios.templating import Resolver, placeholders

ARGUMENTS = ("text", "fields", "event", "valid", "invalid", "either")


def scenarios_dir() -> Path:
    return specs_dir() / "scenarios"


@cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads((specs_dir() / "schemas" / "scenario.schema.json").read_text())
    return jsonschema.Draft202012Validator(schema)


def _schema_problem(data: Any) -> str | None:
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if not errors:
        return None
    where = "/".join(str(p) for p in errors[0].absolute_path) or "top level"
    return f"at {where}: {errors[0].message}"


def _expectation(entry: dict[str, Any]) -> Expectation:
    rules = entry["rule"]
    return Expectation(
        judge=entry["judge"],
        rules=(rules,) if isinstance(rules, str) else tuple(rules),
        args={k: entry[k] for k in ARGUMENTS if k in entry},
    )


def _semantic_problem(data: dict[str, Any], path: Path | None) -> str | None:
    """What the schema cannot say: ids, folders, rules, judges and placeholders that exist.

    `path` is None for a scenario expanded from specs/scenario-families.yaml (no file of its own).
    """
    if path is not None and data["id"] != path.stem:
        return f"id {data['id']!r} differs from the file name stem {path.stem!r}"
    if path is not None and path.parent.name != data["operation"]:
        return f"operation {data['operation']!r} but the file is in {path.parent.name}/"
    catalog = load_rules()
    stated = set(data["rules"])
    judged = {r for step in data["steps"] for e in step["expect"] for r in _expectation(e).rules}
    for rule_id in sorted(stated | judged | set(data.get("breaks", []))):
        if rule_id not in catalog:
            return f"rule {rule_id} is not in specs/rules.yaml"
        if data["operation"] not in catalog[rule_id].operations:
            return f"rule {rule_id} does not apply to {data['operation']}"
    if stated != judged:
        return f"rules {sorted(stated)} differ from the rules judged {sorted(judged)}"
    if not set(data.get("breaks", [])) <= stated:
        return "breaks names a rule that is not in rules"
    if not (documents_dir() / data["source"]["doc"]).is_file():
        return f"source doc {data['source']['doc']} is not in specs/documents/"
    product = PRODUCT_OF_OPERATION[data["operation"]]
    for step in data["steps"]:
        for entry in step["expect"]:
            if find_judge(entry["judge"], product) is None:
                return f"judge {entry['judge']} does not apply to {product}"
    probe = Resolver({}, random.Random(0), product)
    for expression in placeholders(data["steps"]):
        if expression.startswith(("data.", "outsider.")):
            continue
        try:
            probe.value(expression)
        except ValueError as error:
            return str(error)
    return None


def _read(path: Path) -> Any:
    try:
        return read_yaml(path)
    except yaml.YAMLError as error:
        raise UsageError(f"{path}: not valid YAML: {error}") from None


def load_file(path: Path) -> Scenario:
    return _scenario(_read(path), path)


def _scenario(data: Any, path: Path, generated: bool = False) -> Scenario:
    where = f"{path} ({data.get('id', '?')})" if generated and isinstance(data, dict) else path
    problem = _schema_problem(data) or _semantic_problem(data, None if generated else path)
    if problem:
        raise UsageError(f"{where}: {problem}")
    return Scenario(
        id=data["id"],
        title=data["title"],
        operation=data["operation"],
        product=PRODUCT_OF_OPERATION[data["operation"]],
        rules=tuple(data["rules"]),
        profile=data.get("profile", "smoke"),
        path=path,
        breaks=tuple(data.get("breaks", [])),
        source_doc=data["source"]["doc"],
        source_section=data["source"]["section"],
        documented_example=data.get("documented_example", False),
        sent_as_written=data.get("sent_as_written", ""),
        needs=tuple(data.get("needs", [])),
        family=data.get("family", ""),
        steps=tuple(
            Step(
                name=step.get("name", f"step {i + 1}"),
                request=step["request"],
                expect=tuple(_expectation(e) for e in step["expect"]),
            )
            for i, step in enumerate(data["steps"])
        ),
    )


@cache
def _families_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads((specs_dir() / "schemas" / "scenario-families.schema.json").read_text())
    return jsonschema.Draft202012Validator(schema)


def generated_scenarios(files: dict[str, Any], path: Path | None = None) -> list[Scenario]:
    """The scenarios specs/scenario-families.yaml expands to, validated like scenario files."""
    path = path or families_path()
    document = _read(path)
    errors = sorted(_families_validator().iter_errors(document), key=lambda e: list(e.path))
    if errors:
        where = "/".join(str(p) for p in errors[0].absolute_path) or "top level"
        raise UsageError(f"{path}: at {where}: {errors[0].message}")
    try:
        expanded = expand(document, files)
    except ValueError as error:
        raise UsageError(f"{path}: {error}") from None
    return [_scenario(data, path, generated=True) for data in expanded]


def _stamp(paths: list[Path]) -> tuple:
    """What identifies the files' content for the memo: path, size and modification time."""
    return tuple((str(p), (st := p.stat()).st_size, st.st_mtime_ns) for p in paths)


_loaded: dict[tuple, list[Scenario]] = {}


def load_scenarios(directory: Path | None = None) -> list[Scenario]:
    """Every scenario, sorted by operation then id; duplicate ids are an error.

    Without `directory`: the files of specs/scenarios/ and the scenarios that
    specs/scenario-families.yaml expands to. With one: the files under it only. Read and
    validated once per process while the files stay as they are (pre-flight, collection and
    selection all ask); a changed file is read again. Scenarios are frozen; the list is a copy.
    """
    paths = sorted((directory or scenarios_dir()).glob("*/*.yaml"))
    key = (directory is None, _stamp(paths + ([families_path()] if directory is None else [])))
    if key not in _loaded:
        _loaded.clear()  # one set of files at a time: tests write scenarios to temp folders
        _loaded[key] = _load(paths, directory)
    return list(_loaded[key])


def _load(paths: list[Path], directory: Path | None) -> list[Scenario]:
    raw = {p: _read(p) for p in paths}
    scenarios = [_scenario(data, p) for p, data in raw.items()]
    if directory is None:
        files = {data["id"]: data for data in raw.values()}
        scenarios += generated_scenarios(files)
        scenarios.sort(key=lambda s: (s.operation, s.id))
    seen: dict[str, Path] = {}
    for scenario in scenarios:
        if scenario.id in seen:
            other = seen[scenario.id]
            raise UsageError(f"{scenario.path}: id {scenario.id} is also used by {other}")
        seen[scenario.id] = scenario.path
    return scenarios
