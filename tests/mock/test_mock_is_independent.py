"""The mock imports nothing of the suite: suite and mock agree only by following the documents."""

import ast
from pathlib import Path

import conformance.mock

MOCK_DIR = Path(conformance.mock.__file__).parent


def _imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: relative import hides what is imported"
            names.append(node.module or "")
    return names


def test_mock_modules_import_only_the_mock_from_conformance():
    sources = sorted(MOCK_DIR.glob("*.py"))
    assert len(sources) > 10
    offending = [(p.name, m) for p in sources for m in _imported_modules(p)
                 if (m == "conformance" or m.startswith("conformance."))
                 and not (m == "conformance.mock" or m.startswith("conformance.mock."))]
    assert offending == []
