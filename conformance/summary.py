"""summary.json: the machine-readable record of a run (schema: specs/schemas/summary.schema.json).

Built from the rule results and the run settings, then passed through the target's redactor as
a whole, so no secret can reach the file whatever a scenario or check put in a message.
"""

import hashlib
import json
import re
import textwrap
import time
from collections import Counter
from pathlib import Path

from conformance import __version__
from conformance.catalog import PRODUCT_OF_OPERATION, PRODUCTS
from conformance.contract_files import specs_dir
from conformance.errors import EXIT_USAGE  # a pre-flight setup problem exits as a usage error
from conformance.outcomes import EVIDENCE_PER_RULE, Outcome
from conformance.report import baseline as baseline_diff
from conformance.report import terminal
from conformance.verdict import (
    CONFORMANT,
    EXIT_CODES,
    INCONCLUSIVE,
    UNTESTED,
    RuleResult,
    counts,
    untested_must,
    verdict_exit_code,
    verdict_line,
)

SCHEMA_VERSION = 1
# `stopped` of a run interrupted before its first item ran (README, "Reports"): before pytest
# started (the embedded mock starting, the target file read), or while it was starting (loading,
# the pre-flight, collecting)
INTERRUPTED_BEFORE = "interrupted before the run started: nothing was sent"
INTERRUPTED_STARTING = "interrupted while the run was starting, before its first item"
# `stopped` of a run a signal reached once every item had run (its reports being written)
INTERRUPTED_FINISHING = ("interrupted once every item had run, while the reports were written:"
                         " the results are whole, but the run was stopped")
_LATER_BODY_CHARS = 1000  # body characters kept in a rule's second and third failure


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def contract_hashes() -> dict[str, dict[str, str]]:
    """sha256 of every spec and scenario file the run read, by path relative to specs/."""
    root = specs_dir()
    specs = sorted([*root.glob("*.yaml"), *root.glob("schemas/*.json")])
    scenarios = sorted((root / "scenarios").glob("**/*.yaml"))
    return {
        "specs": {str(p.relative_to(root)): _sha256(p) for p in specs},
        "scenarios": {str(p.relative_to(root)): _sha256(p) for p in scenarios},
    }


def _credential_names(product) -> list[str]:
    """Environment variable names (never values) the product's credentials come from."""
    return sorted({name for auth in product.auths.values() for name in auth.env_names()})


def _bounded(exchange: dict, full: bool) -> dict:
    """The first failure of a rule keeps its bodies as recorded; later ones are cut short, so
    a target failing everything gives a summary of bounded size."""
    if full:
        return exchange
    cut = dict(exchange)
    for key in ("request_body", "response_body"):
        body = cut.get(key)
        if isinstance(body, str) and len(body) > _LATER_BODY_CHARS:
            cut[key] = body[:_LATER_BODY_CHARS] + f"... [{len(body) - _LATER_BODY_CHARS} more cut]"
    return cut


def _rule_entry(result: RuleResult) -> dict:
    rule = result.rule
    entry = {
        "id": rule.id,
        "level": rule.level,
        "status": result.status,
        "statement": rule.statement,
        "operations": list(rule.operations),
        "citation": {
            "title": rule.source.title,
            "doc": rule.source.doc,
            "section": rule.source.section,
            "quote": rule.source.quote,
        },
        "decided_by": [
            {
                "source": source,
                "kind": "check" if ":" in source else "scenario",
                "counts": dict(sorted(tally.items())),
            }
            for source, tally in sorted(result.sources.items())
        ],
    }
    if result.reason:
        entry["reason"] = result.reason
    if result.failures:
        entry["failures"] = [
            {
                "source": o.source_id,
                "message": o.message,
                "case_id": o.case_id,
                "exchanges": [_bounded(vars(e), full=n == 0) for e in o.exchanges],
            }
            for n, o in enumerate(result.failures[:EVIDENCE_PER_RULE])
        ]
        entry["failure_count"] = len(result.failures)
    return entry


def build(
    *,
    run,
    results: list[RuleResult],
    verdict: str,
    outcomes: list[Outcome],
    unreachable: dict[str, str],
    suite_errors: list[str],
    started: float,
    item_seconds: dict[str, float],
    waivers: dict | None = None,
    preflight: dict | None = None,
    setup_failed: bool = False,
) -> dict:
    """The document; `waivers` is the section report.waivers.apply made, `preflight` the
    pre-flight's per product (`setup_failed`: it found a problem, exit 2), the baseline (an
    earlier summary.json) and the exit-code gate come from the run settings."""
    target = run.target
    untested = untested_must(results)
    require_all = bool(getattr(run, "require_all", False))
    document = {
        "schema_version": SCHEMA_VERSION,
        "verdict": verdict,
        "verdict_line": verdict_line(verdict, len(untested)),
        "exit_code": EXIT_CODES[verdict],
        "untested_must": untested,
        "require_all": require_all,
        "preflight": preflight or {},
        "data_warnings": list(getattr(run, "data_warnings", ())),
        "suite_version": __version__,
        "profile": run.profile,
        "seed": run.seed,
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "durations": {
            "total_seconds": round(time.time() - started, 2),
            "items_seconds": {k: round(v, 2) for k, v in sorted(item_seconds.items())},
        },
        "target": {
            "name": target.name,
            "file": str(run.target_file),
            "sha256": _sha256(run.target_file) if run.target_file.is_file() else None,
            "products": {
                name: {
                    "base_url": p.base_url,
                    "credentials_from": _credential_names(p),
                    "has_low_privilege": p.has_low_privilege,
                }
                for name, p in target.products.items()
            },
        },
        "unreachable": unreachable,
        "suite_errors": suite_errors,
        "counts": {
            "rules": {**counts(results), "waived": sum(r.status == "waived" for r in results)},
            "outcomes": dict(Counter(str(o.status) for o in outcomes)),
        },
        "rules": [_rule_entry(r) for r in results],
        "contract_sha256": contract_hashes(),
        "reports": {
            "dir": str(run.report_dir),
            "junit": str(run.report_dir / "junit.xml"),
            "html": str(run.report_dir / "report.html"),
        },
    }
    if waivers is not None:
        document["waivers"] = waivers
    baseline = getattr(run, "baseline", None)
    if baseline is not None:
        document["baseline"] = baseline_diff.diff(baseline, document, str(run.baseline_file))
    document["fail_on"] = getattr(run, "fail_on", "failures")
    document["exit_code"] = baseline_diff.exit_code(
        verdict, document.get("baseline"), document["fail_on"]
    )
    if document["exit_code"] == 0 and verdict == CONFORMANT:
        document["exit_code"] = verdict_exit_code(verdict, len(untested), require_all)
    if setup_failed and not unreachable:
        document["exit_code"] = EXIT_USAGE
    return target.redactor().data(document)


def stopped_late(document: dict) -> dict:
    """The summary of a run a signal reached after its last item (`INTERRUPTED_FINISHING`): as
    any stop, no verdict on the target (inconclusive, exit 3), the results kept as they are."""
    late = dict(document)
    late["stopped"] = INTERRUPTED_FINISHING
    late["suite_errors"] = [*document.get("suite_errors", []), INTERRUPTED_FINISHING]
    late["verdict"] = INCONCLUSIVE
    late["verdict_line"] = verdict_line(INCONCLUSIVE, len(document.get("untested_must", [])))
    late["exit_code"] = EXIT_CODES[INCONCLUSIVE]
    return late


def rewrite_stopped_late(report_dir: Path, document: dict) -> dict:
    """`stopped_late`, written over the run's reports: summary.json, and the JUnit and HTML
    files rendered again from it (`report.standalone`). A folder gone is left as it is."""
    from conformance.report import standalone

    late = stopped_late(document)
    try:
        write(report_dir / "summary.json", late)
        for name in ("junit.xml", "report.html"):
            (report_dir / name).unlink(missing_ok=True)
        standalone.write_missing(report_dir, late)
    except OSError:
        pass
    return late


def write(path: Path, document: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")


def screen_lines(document: dict) -> list[str]:
    """The one-screen end of a run: failed MUST first, warnings, skipped, then a count."""
    rules = document["rules"]
    lines = [
        "",
        f"conformance: {document['target']['name']} · profile {document['profile']}"
        f" · seed {document['seed']}",
    ]
    products = document["target"]["products"]
    # a product ran when some judgement of one of its operations was made (an interrupted or
    # stopped run may have selected a product and sent it nothing)
    touched = {PRODUCT_OF_OPERATION.get(operation) for rule in rules if rule.get("decided_by")
               for operation in rule.get("operations", [])}
    ran = [p for p in products if p not in document["unreachable"] and p in touched]
    left_out = [f"{p} (unreachable)" for p in document["unreachable"]]
    left_out += [f"{p} (nothing judged)" for p in products
                 if p not in document["unreachable"] and p not in touched]
    left_out += [p for p in PRODUCTS if p not in products]
    lines.append(
        f"  products run: {', '.join(ran) or 'none'}"
        + (f"; not run: {', '.join(left_out)}" if left_out else "")
    )
    for cause in document["unreachable"].items():
        lines.append(f"  UNREACHABLE [{cause[0]}] {cause[1]}")
    for status, label in (
        ("failed", "FAILED (MUST)"),
        ("warning", "WARNING (SHOULD)"),
        ("inconclusive", "INCONCLUSIVE"),
    ):
        for rule in (r for r in rules if r["status"] == status):
            first = (rule.get("failures") or [{}])[0].get("message") or rule.get("reason", "")
            citation = rule["citation"]
            lines.append(
                f"  {label:17} {rule['id']:38} {citation.get('title', citation['doc'])},"
                f" § {citation['section']}"
            )
            if first:
                lines.append(f"  {'':17} {first[:200]}")
    setup_problem = any(c.get("problems") for c in (document.get("preflight") or {}).values())
    nothing_certified = setup_problem and not touched  # the pre-flight line says why
    if nothing_certified:
        lines.append(f"  {'skipped':17} {len(rules)} rule(s): nothing was certified"
                     " (summary.json lists them)")
    for status, label in () if nothing_certified else ((UNTESTED, "NOT TESTED"),
                                                       ("skipped", "skipped")):
        by_reason: dict[str, list[str]] = {}
        for rule in (r for r in rules if r["status"] == status):
            by_reason.setdefault(rule.get("reason", ""), []).append(rule["id"])
        for reason, ids in by_reason.items():
            lines.append(f"  {label:17} {len(ids)} rule(s): {reason[:140]}")
            wrapped = textwrap.wrap(", ".join(ids), 96, initial_indent=" " * 20,
                                    subsequent_indent=" " * 20, break_on_hyphens=False)
            lines += wrapped[:2] + ([" " * 20 + "..."] if len(wrapped) > 2 else [])
    for error in document["suite_errors"][:5]:
        first, *trace = error.splitlines() or [""]
        where = " (traceback in summary.json)" if trace else ""
        label = "STOPPED" if error == document.get("stopped") else "SUITE ERROR"
        lines.append(f"  {label:17} {first}{where}")
    requests = document.get("requests") or {}
    if requests.get("refused_by_a_budget"):
        budgets = [f"--max-requests {requests['max_requests']}"] if requests.get(
            "max_requests") is not None else []
        budgets += [f"[{p}] max_requests {n}"
                    for p, n in (requests.get("max_requests_per_product") or {}).items()]
        lines.append(f"  {'BUDGET':17} {requests['sent']} request(s) sent, then"
                     f" {', '.join(budgets)} refused {requests['refused_by_a_budget']} (a"
                     " scenario's later steps uncounted): rules are judged on what was sent")
    lines += terminal.lines(document)
    tally = document["counts"]["rules"]
    lines.append(
        f"  {tally['passed']} rules passed, {tally['failed']} failed, "
        f"{tally['warning']} warned, {tally.get('waived', 0)} waived,"
        f" {tally.get(UNTESTED, 0)} not tested, {tally['skipped']} skipped,"
        f" {tally['inconclusive']} inconclusive"
    )
    for warning in document.get("data_warnings", []):
        lines.append(f"  DATA WARNING      {warning}")
    for product, checks in document.get("preflight", {}).items():
        for problem in checks["problems"]:
            lines.append(f"  PRE-FLIGHT [{product}] {problem}")
    if document.get("untested_must") and document["verdict"] == CONFORMANT:
        gate = ("--require-all: exit 6" if document.get("require_all")
                else "--require-all makes this exit 6")
        lines.append(f"  not a clean pass: NOT TESTED above says what would test them; {gate}")
    # the last line: the verdict and where to read it, once
    shown = document.get("verdict_line") or document["verdict"]
    head, _, rest = shown.partition(",")
    lines.append(
        f"verdict: {head.upper()}{',' + rest if rest else ''}  (exit {document['exit_code']})"
        f" · report: {document['reports']['html']} (junit.xml, summary.json beside it)"
    )
    return lines


def comparable(document: dict) -> dict:
    """A summary.json without what differs between two runs of one target at one seed, so
    they can be compared whole: durations, start time, report paths, each exchange's send time
    and elapsed time, the answer's Date header, loopback ports (a mock on a free port), the
    random ids of generated cases."""
    varying = ("durations", "started_at", "reports")
    text = json.dumps({k: v for k, v in document.items() if k not in varying}, sort_keys=True)
    for report_path in sorted((document.get("reports") or {}).values(), key=len, reverse=True):
        text = text.replace(json.dumps(str(report_path))[1:-1], "REPORTS")
    text = re.sub(r'"elapsed_ms": [0-9.]+', '"elapsed_ms": 0', text)
    text = re.sub(r'"sent_at": "[^"]*"', '"sent_at": ""', text)
    text = re.sub(r'"date": "[^"]*"', '"date": ""', text)
    text = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", text)
    # schemathesis draws a random id per generated case (sent as X-Schemathesis-TestCaseId)
    text = re.sub(r'("case_id": "|"X-Schemathesis-TestCaseId": "|TestCaseId: )[A-Za-z0-9]+',
                  r"\1CASE", text)
    return json.loads(text)
