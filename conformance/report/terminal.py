"""Terminal lines of the regression view and the waivers, for the one-screen end of a run."""

from collections.abc import Mapping

from conformance.report.changes import baseline_counts, waiver_counts

_BASELINE_LABELS = (
    ("new_failures", "NEW FAILURE"),
    ("fixed", "FIXED"),
    ("newly_skipped", "NEWLY SKIPPED"),
)
_WAIVER_LABELS = {
    "applied": "WAIVED",
    "expired": "WAIVER EXPIRED",
    "stale": "STALE WAIVER",
    "unused": "WAIVER UNUSED",
}
_WAIVER_NOTES = {
    "applied": "until {expires} ({owner}): {reason}",
    "expired": "expired {expires} ({owner}): the failure counts again",
    "stale": "the rule passes now: remove the waiver",
    "unused": "the rule was {rule_status} in this run",
}


def lines(document: Mapping) -> list[str]:
    """Regression and waiver lines (none when the run had neither --baseline nor --waivers)."""
    out = []
    base = document.get("baseline")
    if base:
        out.append(
            f"  since baseline {base.get('file')} ({base.get('started_at')},"
            f" {base.get('verdict')}): {baseline_counts(base)}"
        )
        for category, label in _BASELINE_LABELS:
            for item in base[category]:
                out.append(f"  {label:17} {item['id']:38} {item['was']} -> {item['now']}")
    waivers = document.get("waivers")
    if waivers:
        out.append(f"  waivers {waivers['file']}: {waiver_counts(waivers)}")
        for entry in waivers["entries"]:
            note = _WAIVER_NOTES[entry["state"]].format(**entry)
            out.append(f"  {_WAIVER_LABELS[entry['state']]:17} {entry['rule']:38} {note}")
    return out
