"""written.json (what a run wrote into the target) and the --dry-run plan, from the requests the
transport recorded (`ProductTransport.writes`, `.planned`).

written.json: per product, every record a 2xx answer accepted a write of (`records.written_by`;
a PO body sent in XML read as the object it writes), the operation, how many calls wrote it (and
for a PO the sourceTxnIds they carried), and the run marker carried in the free-text fields
(`records.MARKER_FIELDS`), so that a vendor can find and clean up what the run left.

The figures reconcile (`FIGURES`): every accepted write call either wrote records
(`calls_writing_records`), or named none (`calls_naming_no_record`: an empty list, items without
identifiers, a body that is no object of the operation) or was confirmed writing none by its
answer (`calls_confirming_no_record`: GEP errorDetails keys, a PO processStatus other than
SUCCESS); the three add up to `writes_accepted`. A record's `calls` count the calls that wrote
it, so a call naming three events counts once for each: they add up to `record_writes`.
"""

import json
import textwrap
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, NamedTuple

from conformance.records import (
    MARKER_FIELDS,
    operation_of,
    records_of,
    request_body,
    route_of,
    written_by,
)

FIGURES = ("writes_accepted = calls_writing_records + calls_naming_no_record"
           " + calls_confirming_no_record; record_writes = the sum of records[].calls (a call"
           " that wrote several records counts once for each)")
_CALLS = ("calls_writing_records", "calls_naming_no_record", "calls_confirming_no_record")


def _product_entry(base_url: str | None = None) -> dict:
    entry = {"records": [], "writes_accepted": 0, **dict.fromkeys(_CALLS, 0), "record_writes": 0}
    return {"base_url": base_url, **entry} if base_url is not None else entry


def _records_of_write(write: dict) -> tuple[str, list[str], str | None]:
    """(operation, the records one accepted write call wrote, and when it wrote none which
    kind of call it was: one of `_CALLS`)."""
    operation = operation_of(write["method"], write["url"])
    body = request_body(write.get("body"))
    if operation is None and (route := route_of(write["url"])) is not None and body is not None:
        # another method to a write path, accepted: it may have written what its body names
        named = records_of(route, body, write["url"])
        label = f"{route} (sent as {write['method']})"
        return (label, named, None) if named else (label, [], "calls_naming_no_record")
    if operation is None:
        return "(not a documented operation)", [write["url"]], None
    if body is None:
        return operation, ["(body neither JSON nor XML: see the report's evidence)"], None
    named = records_of(operation, body, write["url"])
    if not named:
        return operation, [], "calls_naming_no_record"
    records = written_by(operation, body, write["url"], write.get("answer"))
    return operation, records, None if records else "calls_confirming_no_record"


def document(run, writes: list[dict]) -> dict:
    products: dict[str, dict] = {}
    for name, product in run.target.products.items():
        products[name] = _product_entry(product.base_url)
    tally: dict[str, Counter] = defaultdict(Counter)
    # a PO's writes by their sourceTxnId (003 § Request), the id a PO service logs them under
    transactions: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for write in writes:
        entry = products.setdefault(write["product"], _product_entry())
        entry["writes_accepted"] += 1
        operation, records, none_written = _records_of_write(write)
        entry[none_written or "calls_writing_records"] += 1
        entry["record_writes"] += len(records)
        txn = _transaction(write) if records else None
        for record in records:
            tally[write["product"]][(operation, record)] += 1
            if operation == "modifyPurchaseOrder" and txn:
                transactions[(write["product"], operation, record)].add(txn)
    for name, counts in tally.items():
        products[name]["records"] = [
            {"operation": operation, "record": record, "calls": calls,
             **({"source_txn_ids": sorted(transactions[(name, operation, record)])}
                if transactions.get((name, operation, record)) else {})}
            for (operation, record), calls in sorted(counts.items())  # any sending order
        ]
    marker = run.limits.marker
    return {
        "run_marker": marker,
        "marker_fields": {op: [f for _, fields in places for f in fields]
                          for op, places in MARKER_FIELDS.items()},
        "note": f"every write (scripted scenarios and generated cases) carries {marker} at the"
                " start of one of the free-text fields named per operation, where its body has"
                " one and the field is not the one under test; an event or a POR item without"
                " one gets ShortDesc or sourceSystemName holding it, except the documents'"
                " sample event body and calls that must leave a locked event or an approved"
                " agreement as it is; ContactInterfaceStatus and OrgManagers bodies have no"
                " free-text field",
        "figures": FIGURES,
        "products": products,
    }


def _transaction(write: dict) -> str | None:
    body = request_body(write.get("body"))
    txn = body.get("sourceTxnId") if isinstance(body, dict) else None
    return txn if isinstance(txn, str) and txn else None


def write(path: Path, run, writes: list[dict]) -> dict:
    content = run.target.redactor().data(document(run, writes))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")
    return content


def budgeted(planned: list[dict], max_requests: int | None,
             product_max: dict[str, int | None]) -> tuple[int, dict[str, int]]:
    """(requests a real run sends, and per product how many of its planned ones its own budget
    keeps back) under the run's budget and the target file's per product. Whatever the order
    requests go out in, each product sends at most its own budget and the run at most its
    budget: a request one budget refuses takes nothing from the other (`RunLedger.take`)."""
    per_product = Counter(entry["product"] for entry in planned)
    capped = {name: min(count, product_max.get(name) or count)
              for name, count in per_product.items()}
    kept_back = {name: per_product[name] - capped[name] for name in per_product
                 if capped[name] < per_product[name]}
    sent = sum(capped.values())
    return (sent if max_requests is None else min(sent, max_requests)), kept_back


def credential_lines(target) -> list[str]:
    """The --dry-run's word on credentials: per product and privilege, the source a real run
    obtains them from (none is obtained, no token command is run), and the variables a real
    run needs that are not set."""
    lines = ["  credentials a real run would use (a dry run obtains none):"]
    for name, product in target.products.items():
        for privilege, label in (("normal", ""), ("low", " low privilege")):
            auth = product.auths.get(privilege)
            if auth is not None and (privilege == "normal" or product.has_low_privilege):
                lines.append(f"    [{name}]{label}: {auth.source()}")
    if target.unset_variables:
        lines.append("    not set, a real run needs them: " + " ".join(target.unset_variables))
    return lines


TOUCHED_ON_SCREEN = 12  # records listed per operation on screen; dry-run.txt lists them all
_TOUCHED = "      records touched"


UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")  # the ones a write is recorded for


class _Planned(NamedTuple):
    """How the plan lists one planned request: its group, the operation whose body it carries
    (None: no records), "writes", "may write" or "none", and the body read once."""

    group: str
    operation: str | None
    kind: str
    body: Any


def _plan_group(entry: dict) -> _Planned:
    operation = operation_of(entry["method"], entry["url"])
    if operation is not None:
        return _Planned(operation, operation, "writes", request_body(entry.get("body")))
    if entry.get("source") == "pre-flight":
        return _Planned("pre-flight", None, "none", None)
    route = route_of(entry["url"])
    if route is None:
        return _Planned("other (a path outside the documented routes)", None, "none", None)
    group = f"{route}'s path, other methods"
    body = request_body(entry.get("body"))
    unsafe = entry["method"].upper() in UNSAFE_METHODS  # RFC 9110 §9.2.1: the rest are safe
    if unsafe and body is not None:
        return _Planned(group, route, "may write", body)
    return _Planned(group, None, "none", None)


_MAY_WRITE = ("      {n} may write: a {methods} with the operation's body writes only if the"
              " target takes a method the document does not give this path for a write;"
              " written.json names what it wrote")


def plan_lines(planned: list[dict], max_requests: int | None = None,
               product_max: dict[str, int | None] | None = None,
               credentials: list[str] | None = None) -> list[str]:
    """The --dry-run listing: the credentials a real run would use (`credential_lines`), per
    product and operation, scenarios by id, generated cases by count, whether the calls write
    (a generated call with another method to a write path, sent with a body, may), every record
    they touch (one per line; `screen_plan` shortens the list on screen); then the total a real
    run with the same budgets sends (`--max-requests`, a target file's `max_requests` per
    product) and what the budgets leave out, not sent and so not tested."""
    groups: dict[tuple[str, str], list[tuple[dict, _Planned]]] = defaultdict(list)
    for entry in planned:
        listed = _plan_group(entry)
        groups[(entry["product"], listed.group)].append((entry, listed))
    lines = ["", "conformance: dry run — nothing was sent. The run would send:",
             *(credentials or [])]
    for (product, group), pairs in sorted(groups.items()):
        entries = [entry for entry, _ in pairs]
        kinds = Counter(listed.kind for _, listed in pairs)
        writes = ", each writes when accepted" if kinds["writes"] else (
            "" if kinds["may write"] else ", writes nothing")
        lines.append(f"  [{product}] {group}: {len(entries)} request(s){writes}")
        if group.endswith("other methods"):
            methods = Counter(e["method"].upper() for e in entries)
            lines.append("      methods: " + ", ".join(f"{m} ({n})" for m, n in
                                                        sorted(methods.items())))
        if kinds["may write"]:
            unsafe = sorted({e["method"].upper() for e, listed in pairs
                             if listed.kind == "may write"})
            lines += textwrap.wrap(_MAY_WRITE.format(n=kinds["may write"],
                                                     methods="/".join(unsafe)),
                                   100, subsequent_indent=" " * 8)
        scenarios = Counter(e["source"] for e in entries
                            if e.get("source") not in ("generated", "pre-flight", None))
        if scenarios:
            shown = ", ".join(f"{s} ({n})" if n > 1 else s for s, n in sorted(scenarios.items()))
            lines += textwrap.wrap(f"scenarios: {shown}", 100, initial_indent=" " * 6,
                                   subsequent_indent=" " * 8, break_on_hyphens=False)
        generated = sum(e.get("source") == "generated" for e in entries)
        if generated:
            lines.append(f"      generated cases: {generated}")
        preflight = sum(e.get("source") == "pre-flight" for e in entries)
        if group == "pre-flight":
            lines.append("      " + ", ".join(sorted({f"{e['method']} {e['url']}"
                                                       for e in entries})))
        elif preflight:
            lines.append(f"      pre-flight: {preflight}")
        touched = Counter(r for e, listed in pairs if listed.operation
                          for r in records_of(listed.operation, listed.body, e["url"]))
        if touched:
            accepted = ", if the target takes the method" if kinds["may write"] else ""
            lines.append(f"{_TOUCHED} ({len(touched)}{accepted}):")
            lines += [f"        {_printable(r)} ({n}x)" for r, n in touched.most_common()]
    sent, kept_back = budgeted(planned, max_requests, product_max or {})
    if sent == len(planned):
        lines.append(f"total: {len(planned)} request(s)")
        return lines
    for product, count in sorted(kept_back.items()):
        lines.append(f"  [{product}] max_requests {(product_max or {})[product]} (target file):"
                     f" {count} of its planned request(s) would not be sent")
    budget = f"--max-requests {max_requests}" if max_requests is not None and (
        sent == max_requests) else "the budgets above"
    lines.append(f"total: {sent} request(s), stopped by {budget}; {len(planned) - sent} of the"
                 f" {len(planned)} planned would not be sent, and what they judge would be"
                 " reported not tested")
    return lines


def _printable(text: str) -> str:
    """A generated identifier on one line: control and other unprintable characters escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def screen_plan(text: str, limit: int = TOUCHED_ON_SCREEN) -> list[str]:
    """dry-run.txt as printed: each operation's records touched shortened to the first `limit`,
    with how many more the file lists."""
    lines, shown, hidden = [], 0, -1
    for line in text.splitlines():
        if line.startswith(_TOUCHED):
            shown, hidden = 0, 0
        elif hidden >= 0 and line.startswith("        "):
            shown += 1
            if shown > limit:
                hidden += 1
                continue
        elif hidden >= 0:
            if hidden > 0:
                lines.append(f"        … and {hidden} more: dry-run.txt lists them all")
            hidden = -1
        lines.append(line)
    if hidden > 0:
        lines.append(f"        … and {hidden} more: dry-run.txt lists them all")
    return lines
