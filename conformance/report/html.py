"""report.html: pytest-html's page opened on the verdict, the run's facts and the rule matrix.

`HtmlReport` is a plugin object of pytest-html hooks, registered on the controller of a
certification run. The page is built from summary.json's document (so page and file agree) and,
per test row, from the outcomes the item recorded; every string written passes the target's
redactor once more, although the evidence is recorded masked already.
"""

import hashlib
from collections import Counter
from collections.abc import Callable, Mapping
from functools import cache
from html import escape
from pathlib import Path

import pytest
from pytest_html import extras

from conformance.catalog import load_rules
from conformance.report import changes, evidence, matrix

SHOWN_IDS = 12  # failing rule ids linked from the verdict banner
FULL_PER_RULE = 1  # failures of a rule shown with their exchanges under Failures and evidence


@cache
def stylesheet() -> str:
    return (Path(__file__).parent / "report.css").read_text(encoding="utf-8")


def _scenario_digest(hashes: Mapping[str, str]) -> str:
    """One sha256 over all scenario files (path and hash), short enough for the header."""
    lines = "".join(f"{path} {digest}\n" for path, digest in sorted(hashes.items()))
    return hashlib.sha256(lines.encode()).hexdigest()


def _base_urls(products: Mapping[str, Mapping]) -> str:
    by_url: dict[str, list[str]] = {}
    for name, product in products.items():
        by_url.setdefault(product["base_url"], []).append(name)
    return "<br>".join(f"{', '.join(names)}: {escape(url)}" for url, names in by_url.items())


def verdict_html(document: Mapping) -> str:
    verdict = document["verdict"]
    # conformant with MUST rules not tested: never the colour of a clean pass
    untested = " verdict-untested" if document.get("untested_must") else ""
    chips = " ".join(
        f'<span class="badge status-{status}">{n} {status}</span>'
        for status, n in document["counts"]["rules"].items()
        if n
    )
    failing = [r for r in document["rules"] if r["status"] in ("failed", "warning")]
    banner = changes.banner_lines(document)
    # what kept the verdict from covering the whole target (interrupted, unreachable) first
    stops = [f"Not run: [{escape(p)}] unreachable, {escape(c)}" for p, c in
             document.get("unreachable", {}).items()]
    stops += [escape(error) for error in document.get("suite_errors", [])[:3]]
    if failing:
        links = ", ".join(
            f'<a href="#rule-{escape(r["id"])}">{escape(r["id"])}</a>' for r in failing[:SHOWN_IDS]
        )
        more = f" … and {len(failing) - SHOWN_IDS} more" if len(failing) > SHOWN_IDS else ""
        banner.insert(0, f"Failing: {links}{more}")
    lines = "".join(f'<div class="stopped">{line}</div>' for line in stops)
    lines += "".join(f'<div class="changes">{line}</div>' for line in banner)
    return (
        f'<div class="verdict verdict-{escape(verdict)}{untested}" id="verdict">'
        f'<span class="word">{escape((document.get("verdict_line") or verdict).upper())}</span>'
        f"<span>exit code {document['exit_code']}</span><span>{chips}</span>{lines}</div>"
    )


def facts_html(document: Mapping) -> str:
    """Target (base URLs, never secrets), profile, seed, suite version and contract hashes."""
    target = document["target"]
    hashes = document["contract_sha256"]
    specs = ", ".join(
        f"{escape(Path(p).name)} {h[:12]}" for p, h in hashes["specs"].items() if p.endswith("yaml")
    )
    seed = document["seed"]
    facts = [
        (
            "Target",
            f"{escape(target['name'])} ({escape(Path(target['file']).name)}"
            f" sha256 {str(target.get('sha256') or '')[:12]})",
        ),
        ("Base URLs", _base_urls(target["products"])),
        ("Profile", escape(document["profile"])),
        (
            "Seed",
            f"{seed} (repeat: conformance run --seed {seed} --profile "
            f"{escape(document['profile'])})",
        ),
        ("Suite version", escape(document["suite_version"])),
        ("Started", escape(document["started_at"])),
        ("Spec sha256", specs),
        (
            "Scenarios sha256",
            f"{len(hashes['scenarios'])} files, combined "
            f"{_scenario_digest(hashes['scenarios'])[:12]}",
        ),
    ]
    cells = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in facts)
    return f'<dl class="facts">{cells}</dl>'


def failures_html(document: Mapping, statuses: tuple[str, ...], title: str, anchor: str) -> str:
    """Every failing rule's recorded failures with their evidence (summary.json's `failures`)."""
    parts = []
    rendered: dict[tuple, str] = {}  # exchange already shown in full -> the rule it is under
    for rule in (r for r in document["rules"] if r["status"] in statuses):
        shown = rule.get("failures") or []
        parts.append(
            f'<h3 id="evidence-{escape(rule["id"])}">{escape(rule["id"])} ({rule["level"]},'
            f" {escape(rule['status'])}) · {matrix.citation_html(rule['citation'])}</h3>"
        )
        if rule.get("reason") and rule["status"] == "waived":
            parts.append(f"<p>{escape(rule['reason'])}</p>")
        for index, failure in enumerate(shown):
            key = (failure.get("case_id"), tuple(e.get("curl") for e in failure["exchanges"]))
            if index < FULL_PER_RULE and key not in rendered:
                rendered[key] = rule["id"]
                parts.append(evidence.failure_html(rule["id"], failure))
                continue
            where = (f' (its exchange is shown under <a href="#evidence-{escape(rendered[key])}">'
                     f"{escape(rendered[key])}</a>)" if key in rendered else "")
            parts.append(f'<div class="failure" data-rule="{escape(rule["id"])}"><p class="note">'
                         f"case <code>{escape(failure.get('case_id') or failure['source'])}"
                         f"</code>{where}</p>{evidence.message_html(failure.get('message', ''))}"
                         "</div>")
        more = rule.get("failure_count", len(shown)) - len(shown)
        if more > 0:
            parts.append(
                f'<p class="note">… and {more} more failure(s) of this rule: each test row'
                " below carries its own evidence</p>"
            )
    if not parts:
        return ""
    return f'<div class="report-section" id="{anchor}"><h2>{title}</h2>{"".join(parts)}</div>'


def page_prefix(document: Mapping) -> list[str]:
    """What the page opens on: verdict, facts, then the rule matrix."""
    return [
        f"<style>{stylesheet()}</style>",
        verdict_html(document),
        facts_html(document),
        matrix.matrix_html(document["rules"]),
    ]


def preflight_html(document: Mapping) -> str:
    """Every request the pre-flight sent (method, URL, answer), its problems and notes."""
    rows, lines = [], []
    for product, checks in (document.get("preflight") or {}).items():
        lines += [f'<li class="problem">[{escape(product)}] {escape(p)}</li>'
                  for p in checks["problems"]]
        lines += [f'<li>[{escape(product)}] {escape(n)}</li>' for n in checks["notes"]]
        for exchange in checks["exchanges"]:
            answer = exchange.get("status_code") or exchange.get("transport_error") or ""
            rows.append(f"<tr><td>{escape(product)}</td><td>{escape(exchange['method'])}</td>"
                        f"<td>{escape(exchange['url'])}</td><td>{escape(str(answer))}</td></tr>")
    if not rows and not lines:
        return ""
    return (
        '<div class="report-section" id="preflight"><h2>Pre-flight</h2>'
        f'<ul>{"".join(lines)}</ul><table><thead><tr><th>Product</th><th>Method</th>'
        f'<th>URL</th><th>Answer</th></tr></thead>{"".join(rows)}</table></div>'
    )


def page_postfix(document: Mapping) -> list[str]:
    """After the matrix: changes since the baseline, waivers, failures, waived deviations,
    the pre-flight's requests."""
    parts = [preflight_html(document)]
    if document.get("baseline"):
        parts.append(changes.baseline_html(document["baseline"]))
    if document.get("waivers"):
        parts.append(changes.waivers_html(document["waivers"]))
    parts.append(
        failures_html(document, ("failed", "warning"), "Failures and evidence", "failures")
    )
    parts.append(failures_html(document, ("waived",), "Waived deviations", "waived"))
    parts.append(written_html(document.get("written")))
    if not any(c["problems"] for c in (document.get("preflight") or {}).values()):
        parts.append(parts.pop(0))  # a clean pre-flight last: a reader wants failures first
    return [p for p in parts if p]


SHOWN_RECORDS = 200  # records listed per product in the page; written.json has them all


def written_html(written: Mapping | None) -> str:
    """What the run wrote into the target (written.json), per product, with the run marker."""
    if not written:
        return ""
    parts = [
        f"<p>Every write (scripted scenarios and generated cases) carries the run marker <code>"
        f"{escape(str(written.get('run_marker')))}</code> at the start of a free-text field"
        " where its body has one; written.json in the report directory lists the same records"
        " (and a PO's sourceTxnIds).</p>"
    ]
    for product, entry in written.get("products", {}).items():
        records = entry.get("records") or []
        parts.append(f"<h3>[{escape(product)}] {len(records)} record(s) written,"
                     f" {entry.get('writes_accepted', 0)} write call(s) accepted</h3>")
        if "calls_writing_records" in entry:  # how the accepted calls add up (written.FIGURES)
            parts.append(
                f'<p class="note">{entry["calls_writing_records"]} of them wrote the records'
                f" below ({entry['record_writes']} record writes: a call naming several counts"
                f" for each), {entry['calls_naming_no_record']} named no record (an empty"
                f" list), {entry['calls_confirming_no_record']} were answered as writing"
                " none</p>")
        if records:
            rows = "".join(
                f"<tr><td>{escape(r['operation'])}</td><td>{escape(r['record'])}</td>"
                f"<td>{r['calls']}</td></tr>" for r in records[:SHOWN_RECORDS]
            )
            parts.append(f"<table><tr><th>operation</th><th>record</th><th>calls</th></tr>"
                         f"{rows}</table>")
            if len(records) > SHOWN_RECORDS:
                parts.append(f'<p class="note">… and {len(records) - SHOWN_RECORDS} more</p>')
    return (f'<div class="report-section" id="written"><h2>Written into the target</h2>'
            f'{"".join(parts)}</div>')


class HtmlReport:
    """pytest-html hooks of a certification run; `summary(session)` returns the session's final
    summary document (pytest-html asks from its own sessionfinish, maybe before the run's).

    The target's redactor is asked anew for each string: OAuth tokens fetched during the run
    are secrets it knows only from then on.
    """

    def __init__(self, summary: Callable[[pytest.Session], dict | None], target):
        self._summary, self._target = summary, target

    def _safe(self, html: str) -> str:
        return self._target.redactor().text(html) or ""

    @pytest.hookimpl(trylast=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        """pytest-metadata's environment table (Python, platform, plugins, environment
        variables) is boilerplate to a vendor and may hold what it should not: the page has
        the run's own facts instead, so the table is emptied (and hidden by report.css)."""
        try:
            from pytest_metadata.plugin import metadata_key
        except ImportError:
            return
        metadata = session.config.stash.get(metadata_key, None)
        if metadata is not None:
            metadata.clear()

    def pytest_html_report_title(self, report) -> None:
        report.title = self._safe(f"Conformance report · {self._target.name}")

    def pytest_html_results_summary(self, prefix, summary, postfix, session) -> None:
        document = self._summary(session)
        if document is None:
            return
        prefix.extend(self._safe(part) for part in page_prefix(document))
        postfix.extend(self._safe(part) for part in page_postfix(document))

    def pytest_html_results_table_header(self, cells) -> None:
        cells.insert(2, "<th>Failed rules</th>")
        cells[:] = [c for c in cells if ">Links<" not in c]  # we attach no links: no empty column

    def pytest_html_results_table_row(self, report, cells) -> None:
        outcomes = getattr(report, "conformance_outcomes", None) or []
        failed = dict.fromkeys(o["rule_id"] for o in outcomes if o.get("status") == "failed")
        cells.insert(2, f'<td class="col-rules">{escape(", ".join(failed))}</td>')
        cells[:] = [c for c in cells if 'class="col-links"' not in c]

    def pytest_html_results_table_html(self, report, data) -> None:
        """A failure is shown once, as its evidence card: not again as pytest's raw log (the
        JUnit text). Other rows keep their log (a skip says why)."""
        outcomes = getattr(report, "conformance_outcomes", None) or []
        if any(o.get("status") == "failed" for o in outcomes):
            data.clear()

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """A failed item's row names its failed rules, each linked to its evidence card under
        "Failures and evidence": a failure is shown in full once, in the page's own section."""
        outcomes = getattr(report, "conformance_outcomes", None) or []
        failed = [o for o in outcomes if o.get("status") == "failed"]
        if report.when != "call" or not failed:
            return
        rules = load_rules()
        first: dict[str, Mapping] = {}
        count: Counter = Counter()
        for outcome in failed:
            first.setdefault(outcome["rule_id"], outcome)
            count[outcome["rule_id"]] += 1
        lines = []
        for rule_id, outcome in first.items():
            rule = rules.get(rule_id)
            level = f" ({rule.level})" if rule else ""
            said = (outcome.get("message") or "")[:300]
            lines.append(
                f'<p class="failure-ref"><a href="#evidence-{escape(rule_id)}">'
                f"{escape(rule_id)}</a>{level} · {count[rule_id]} failed judgement(s): "
                f"{escape(said)}</p>"
            )
        html = "".join(lines)
        report.extras = [*getattr(report, "extras", []), extras.html(self._safe(html))]
