"""What changed since a baseline and which waivers did what: banner lines and detail tables.

Both read summary.json's `baseline` and `waivers` sections (see baseline.py and waivers.py), so
the HTML, the terminal and the file report the same regressions and the same waivers.
"""

from collections.abc import Mapping
from html import escape

from conformance.report.baseline import CATEGORIES

CATEGORY_TITLES = {
    "new_failures": "new failures",
    "fixed": "fixed",
    "still_failing": "still failing",
    "newly_skipped": "newly skipped",
}
WAIVER_STATES = {
    "applied": "applied: the failure reads waived",
    "expired": "expired: the failure counts again",
    "stale": "stale: the rule passes, remove the waiver",
    "unused": "unused: the rule was not failing in this run",
}


def baseline_counts(section: Mapping) -> str:
    """ "2 new failures · 1 fixed · 3 still failing · 0 newly skipped"."""
    counts = {c: len(section[c]) for c in CATEGORIES}
    return " · ".join(
        f"{n} {'new failure' if n == 1 and c == 'new_failures' else CATEGORY_TITLES[c]}"
        for c, n in counts.items()
    )


def waiver_counts(section: Mapping) -> str:
    tally: dict[str, int] = {}
    for entry in section["entries"]:
        tally[entry["state"]] = tally.get(entry["state"], 0) + 1
    return " · ".join(f"{n} {state}" for state, n in tally.items()) or "no entries"


def banner_lines(document: Mapping) -> list[str]:
    """Short lines under the verdict: the regression and waiver counts, linked to details."""
    lines = []
    if document.get("baseline"):
        base = document["baseline"]
        lines.append(
            f'<a href="#baseline">Since the baseline</a> ({escape(str(base.get("started_at")))},'
            f" {escape(str(base.get('verdict')))}): {baseline_counts(base)}"
        )
    if document.get("waivers"):
        lines.append(f'<a href="#waivers">Waivers</a>: {waiver_counts(document["waivers"])}')
    return lines


def baseline_html(section: Mapping) -> str:
    rows = []
    for category in CATEGORIES:
        for item in section[category]:
            rows.append(
                f'<tr class="change-{category}"><td>{CATEGORY_TITLES[category]}</td>'
                f'<td><a href="#rule-{escape(item["id"])}">{escape(item["id"])}</a></td>'
                f"<td>{escape(item['level'])}</td><td>{escape(str(item['was']))} → "
                f"{escape(item['now'])}</td></tr>"
            )
    body = "".join(rows) or '<tr><td colspan="4">no rule changed status</td></tr>'
    return (
        '<div class="report-section" id="baseline"><h2>Compared with the baseline</h2>'
        f"<p>{escape(str(section.get('file')))} · {baseline_counts(section)}</p>"
        "<table><tr><th>change</th><th>rule</th><th>level</th><th>was → now</th></tr>"
        f"{body}</table></div>"
    )


def waivers_html(section: Mapping) -> str:
    rows = "".join(
        f'<tr class="waiver-{escape(e["state"])}"><td>{escape(e["rule"])}</td>'
        f"<td>{escape(WAIVER_STATES.get(e['state'], e['state']))}</td>"
        f"<td>{escape(e['rule_status'])}</td><td>{escape(e['reason'])}</td>"
        f"<td>{escape(e['owner'])}</td><td>{escape(e['expires'])}</td></tr>"
        for e in section["entries"]
    )
    return (
        '<div class="report-section" id="waivers"><h2>Waivers (known deviations)</h2>'
        f"<p>{escape(section['file'])} · {waiver_counts(section)}</p>"
        "<table><tr><th>rule</th><th>state</th><th>rule status this run</th><th>reason</th>"
        f"<th>owner</th><th>expires</th></tr>{rows}</table></div>"
    )
