"""The selftest's files: `selftest.json` (the whole result) and `selftest.html` (one page, no
scripts, no external resources): the score, per operation, the clean variants, every mutant."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#1d1d1f;max-width:80em}
table{border-collapse:collapse;margin:1em 0;width:100%}
th,td{border:1px solid #d0d0d7;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f2f2f5} td{overflow-wrap:anywhere}
.caught,.clean{color:#11632a}.survived,.wrong-rule,.false-failures,.error{color:#a0161b;
font-weight:600}.not-planted{color:#6b6b70}
"""


def write_json(path: Path, document: dict[str, Any]) -> None:
    path.write_text(json.dumps(document, indent=2, sort_keys=False) + "\n", encoding="utf-8")


def _row(cells: list[Any], css: str = "") -> str:
    klass = f' class="{css}"' if css else ""
    return "<tr>" + "".join(f"<td{klass if i == 0 else ''}>{escape(str(c))}</td>"
                            for i, c in enumerate(cells)) + "</tr>"


def _table(head: list[str], rows: list[str]) -> str:
    header = "".join(f"<th>{escape(h)}</th>" for h in head)
    return f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _ratio_rows(group: dict[str, dict[str, Any]]) -> list[str]:
    return [_row([name, f"{r['caught']}/{r['total']}", f"{r['percent']}%"])
            for name, r in group.items()]


def write_html(path: Path, document: dict[str, Any]) -> None:
    s = document["score"]
    overall = s["overall"]
    variants = [_row([v["status"], v["variant"], v["verdict"], ", ".join(v["failing_rules"]),
                      v["seconds"]], v["status"]) for v in document["clean_variants"]]
    mutants = [_row([m["status"], m["id"], m["origin"], m["kind"], ", ".join(m["operations"]),
                     m["breaks"], ", ".join(m["rules"]),
                     ", ".join(m["caught_by"]) or "—", ", ".join(m["other_failing_rules"]),
                     f"{m['decided_by']} ({m.get('variant', 'reference')} mock)"], m["status"])
               for m in document["mutants"]]
    body = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>conformance selftest: {overall['percent']}%</title><style>{_CSS}</style></head><body>
<h1>Mutation score {overall['percent']}% ({overall['caught']}/{overall['total']})</h1>
<p>Profile {escape(document['profile'])}, seed {document['seed']}, suite
{escape(document['suite_version'])}, {document['wall_seconds']} s on {document['jobs']}
process(es). The total counts every mutant the mock let act and the two clean variants;
false failures on the clean variants: {s['false_failures']}.</p>
<h2>Clean variants</h2>
{_table(['status', 'variant', 'verdict', 'failing rules', 'seconds'], variants)}
<h2>Per operation</h2>
{_table(['operation', 'caught', 'score'], _ratio_rows(s['by_operation']))}
<h2>Per kind</h2>
{_table(['kind', 'caught', 'score'], _ratio_rows({**s['by_origin'], **s['by_kind']}))}
<h2>Mutants</h2>
{_table(['status', 'mutant', 'origin', 'kind', 'operation', 'what it breaks',
         'rules that ought to catch it', 'caught by', 'other failing rules', 'decided by'],
        mutants)}
</body></html>
"""
    path.write_text(body, encoding="utf-8")
