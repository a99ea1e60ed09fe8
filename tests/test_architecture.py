"""The import rules of ARCHITECTURE.md, enforced: a layer imports only the layers below it."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "conformance"

LAYER_OF = {
    "__init__": "root",
    "catalog": "model",
    "target": "model",
    "target_format": "model",
    "target_data": "model",
    "auth": "model",
    "outcomes": "model",
    "errors": "model",
    "contract_files": "model",
    "exchange": "engine",
    "preflight": "engine",
    "records": "engine",
    "redaction": "model",
    "transport": "model",
    "notation": "model",
    "stopping": "model",
    "scenarios": "engine",
    "fuzz": "engine",
    "judges": "engine",
    "verdict": "verdict",
    "summary": "reports",
    "report": "reports",
    "plugin": "adapters",
    "suite": "adapters",
    "certify": "adapters",
    "cli": "adapters",
    "coverage": "adapters",
    "selftest": "adapters",
    "mock": "mock",
}

MAY_IMPORT = {
    "root": set(),
    "model": {"root", "model"},
    "engine": {"root", "model", "engine"},
    "verdict": {"root", "model", "verdict"},
    "reports": {"root", "model", "verdict", "reports"},
    "adapters": {"root", "model", "engine", "verdict", "reports", "adapters", "mock"},
    "mock": {"mock"},
}


def _top_module(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0].removesuffix(".py")


def _is_submodule(name: str) -> bool:
    return (PACKAGE / f"{name}.py").is_file() or (PACKAGE / name).is_dir()


def _conformance_imports(source: str, own_parts: tuple[str, ...]) -> set[str]:
    """Top-level conformance modules a file imports (absolute or relative).

    `own_parts` is the file's module path below `conformance`, e.g. ("mock", "app").
    """
    tree = ast.parse(source)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the file's own package
                base = list(own_parts[: len(own_parts) - node.level])
                module = ".".join(["conformance", *base, *([node.module] if node.module else [])])
                if base or node.module:
                    names = [module]
                else:
                    names = [f"conformance.{alias.name}" for alias in node.names]
            elif node.module == "conformance":  # a submodule, or a name from __init__
                names = [
                    f"conformance.{alias.name}" if _is_submodule(alias.name) else "conformance"
                    for alias in node.names
                ]
            else:
                names = [node.module or ""]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "conformance":
                found.add(parts[1] if len(parts) > 1 else "__init__")
    return found


SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if "_contract" not in p.parts)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_imports_only_layers_below_it(path):
    layer = LAYER_OF.get(_top_module(path))
    assert layer, f"{path.name}: give conformance/{_top_module(path)} a layer in ARCHITECTURE.md"
    own_parts = path.relative_to(PACKAGE).with_suffix("").parts
    for imported in _conformance_imports(path.read_text(encoding="utf-8"), own_parts):
        imported_layer = LAYER_OF.get(imported)
        assert imported_layer in MAY_IMPORT[layer] | {layer}, (
            f"{path.relative_to(PACKAGE)} ({layer}) imports conformance.{imported} "
            f"({imported_layer}); ARCHITECTURE.md forbids it"
        )


def test_the_checker_sees_absolute_and_relative_imports():
    """The rule is not vacuous: both spellings of an import are seen."""
    source = "\n".join(
        [
            "from conformance.catalog import load_rules",
            "from . import seed",
            "import conformance.verdict",
        ]
    )
    assert _conformance_imports(source, ("mock", "app")) == {"catalog", "mock", "verdict"}
    assert _conformance_imports("from . import certify\n", ("cli",)) == {"certify"}


JUDGES = PACKAGE / "judges"


@pytest.mark.parametrize("path", sorted(JUDGES.glob("*.py")), ids=lambda p: p.name)
def test_judges_are_rule_free_predicates_over_the_answer_model(path):
    """Judges read the answer model (and the model layer); they send nothing and name no rule:
    the scenario runner and the fuzz side attach the rule id where they call a judge."""
    source = path.read_text(encoding="utf-8")
    imported = _conformance_imports(source, ("judges", path.stem))
    assert imported <= {"judges", "outcomes", "catalog", "notation"}, sorted(imported)
    from conformance.catalog import load_rules

    named = [rule_id for rule_id in load_rules() if rule_id in source]
    assert not named, f"{path.name} names rules {named}"
