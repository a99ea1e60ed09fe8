"""The rule matrix of the HTML report: one row per catalog rule, grouped by endpoint.

Rendered from summary.json's `rules` (the same data CI archives), so the page and the file can
never disagree. Each row carries its status as a CSS class (`status-failed`...), which colours
the row; a reader sees the state of every rule at a glance, then reads the citation.
"""

from collections.abc import Mapping
from functools import cache
from html import escape

from conformance.catalog import PRODUCT_OF_OPERATION
from conformance.contract_files import read_yaml, specs_dir

PRODUCT_TITLES = {
    "gep": "GEP SMART interface API",
    "po": "PO modify service",
    "smat": "Smart Materials OData",
}
STATUS_LABELS = {
    "failed": "FAILED",
    "warning": "WARNING",
    "waived": "WAIVED",
    "inconclusive": "INCONCLUSIVE",
    "untested": "NOT TESTED",
    "skipped": "SKIPPED",
    "passed": "PASSED",
}
FAILING = ("failed", "warning", "waived")  # statuses that carry failures (evidence)


@cache
def endpoints() -> dict[str, str]:
    """operationId -> "METHOD /path", read from the OpenAPI specs."""
    found = {}
    for spec in sorted(specs_dir().glob("*.yaml")):
        document = read_yaml(spec) or {}
        for path, item in (document.get("paths") or {}).items():
            for method, operation in (item or {}).items():
                if isinstance(operation, dict) and "operationId" in operation:
                    found[operation["operationId"]] = f"{method.upper()} {path}"
    return found


def group_title(operations: tuple[str, ...]) -> str:
    """A heading naming the endpoint(s) a group of rules applies to."""
    known = endpoints()
    if len(operations) == 1:
        operation = operations[0]
        product = PRODUCT_TITLES.get(PRODUCT_OF_OPERATION.get(operation, ""), "")
        return f"{product} · {operation} · {known.get(operation, '')}".strip(" ·")
    products = {PRODUCT_OF_OPERATION.get(op) for op in operations}
    name = PRODUCT_TITLES.get(products.pop(), "") if len(products) == 1 else "Several products"
    return f"{name} · all {len(operations)} endpoints ({', '.join(operations)})"


def groups(rules: list[Mapping]) -> list[tuple[str, list[Mapping]]]:
    """Rules grouped by the endpoints they apply to, in catalog order of first appearance."""
    grouped: dict[tuple[str, ...], list[Mapping]] = {}
    for rule in rules:
        grouped.setdefault(tuple(rule["operations"]), []).append(rule)
    return [(group_title(ops), members) for ops, members in grouped.items()]


def decided_by(rule: Mapping) -> str:
    """How many scenarios and generated cases judged the rule, e.g. "2 scenarios · 40 cases"."""
    sources = rule.get("decided_by") or []
    scenarios = [s for s in sources if s["kind"] == "scenario"]
    cases = sum(sum(s["counts"].values()) for s in sources if s["kind"] == "check")
    parts = []
    if scenarios:
        parts.append(f"{len(scenarios)} scenario{'s' * (len(scenarios) != 1)}")
    if cases:
        parts.append(f"{cases} generated case{'s' * (cases != 1)}")
    return " · ".join(parts) or "nothing"


def _sources_title(rule: Mapping) -> str:
    lines = []
    for source in rule.get("decided_by") or []:
        tally = ", ".join(f"{n} {status}" for status, n in source["counts"].items())
        lines.append(f"{source['source']}: {tally}")
    return "\n".join(lines)


def quote_html(quote: str | None) -> str:
    """The quoted sentence; a JSON fragment from a document example reads as code, not prose."""
    if not quote:
        return ""
    if quote.lstrip()[:1] in ('"', "{", "[", "<"):
        return f'<br><code class="quote">{escape(quote)}</code>'
    return f"<br><q>{escape(quote)}</q>"


def citation_html(citation: Mapping) -> str:
    """The document by title and section, the file name second (summary.json's citation)."""
    title = citation.get("title") or citation["doc"]
    file = f' <span class="doc-file">({escape(citation["doc"])})</span>' if title != citation[
        "doc"] else ""
    return f"<b>{escape(title)}</b>, § {escape(citation['section'])}{file}"


def row(rule: Mapping) -> str:
    status = rule["status"]
    citation = rule["citation"]
    quote = citation.get("quote")
    note = rule.get("reason", "")
    if status in FAILING and rule.get("failure_count"):
        count = rule["failure_count"]
        link = f'<a href="#evidence-{escape(rule["id"])}">{count} failure{"s" * (count != 1)}</a>'
        note = f"{link}{' · ' + escape(note) if note else ''}"
    else:
        note = escape(note)
    return (
        f'<tr class="rule-row status-{escape(status)}" id="rule-{escape(rule["id"])}">'
        f'<td class="rule"><b>{escape(rule["id"])}</b><br>'
        f'<span class="statement">{escape(rule["statement"])}</span></td>'
        f'<td class="level level-{escape(rule["level"].lower())}">{escape(rule["level"])}</td>'
        f'<td class="status"><span class="badge status-{escape(status)}">'
        f"{STATUS_LABELS.get(status, escape(status.upper()))}</span>"
        f"{f'<br><small>{note}</small>' if note else ''}</td>"
        f'<td class="citation">{citation_html(citation)}{quote_html(quote)}</td>'
        f'<td class="decided" title="{escape(_sources_title(rule))}">{decided_by(rule)}</td>'
        "</tr>"
    )


def _group_counts(members: list[Mapping]) -> str:
    tally: dict[str, int] = {}
    for rule in members:
        tally[rule["status"]] = tally.get(rule["status"], 0) + 1
    return " ".join(
        f'<span class="badge status-{s}">{tally[s]} {s}</span>' for s in STATUS_LABELS if s in tally
    )


def matrix_html(rules: list[Mapping]) -> str:
    """The whole matrix: a table with one tbody per endpoint group."""
    parts = [
        '<table id="rule-matrix"><thead><tr><th>Rule</th><th>Level</th><th>Status</th>'
        "<th>Citation (document, § section, quoted sentence)</th><th>Decided by</th></tr></thead>"
    ]
    for title, members in groups(rules):
        parts.append(
            f'<tbody class="endpoint-group"><tr class="group-title"><th colspan="5">'
            f'{escape(title)} <span class="group-counts">{_group_counts(members)}</span>'
            "</th></tr>"
        )
        parts += [row(rule) for rule in members]
        parts.append("</tbody>")
    parts.append("</table>")
    return "".join(parts)
