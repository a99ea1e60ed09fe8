"""Known deviations of one target (a TOML waiver file) applied to the rule results of a run.

A waiver names a rule, a reason, an owner and an expiry date. While it is valid, a failure of
that rule reads `waived` (shown apart, not counted against the verdict); once expired the
failure counts again; a waiver whose rule now passes is reported so that it can be removed.
Validation is strict and every mistake is one line naming the file, the entry, the key and the
fix, because a waiver file is edited by hand and must never silently waive nothing.
"""

import datetime
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from conformance.errors import UsageError
from conformance.verdict import RuleResult

KEYS = ("rule", "reason", "owner", "expires")
WAIVABLE = frozenset({"failed", "warning"})
# what became of a waiver in this run
APPLIED, EXPIRED, STALE, UNUSED = "applied", "expired", "stale", "unused"


@dataclass(frozen=True)
class Waiver:
    rule: str
    reason: str
    owner: str
    expires: datetime.date  # valid through this day (UTC)
    entry: str  # "waiver #2 (rule X)", for messages

    def expired(self, today: datetime.date) -> bool:
        return self.expires < today


@dataclass(frozen=True)
class WaiverFile:
    path: Path
    target: str | None  # the target these deviations belong to, when the file says
    waivers: tuple[Waiver, ...]


def _date(value, where: str) -> datetime.date:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise UsageError(f"{where}: expires = {value!r} is not a date — write it as 2026-12-31")


def _waiver(path: Path, number: int, entry, rule_ids: Iterable[str]) -> Waiver:
    where = f"{path}: waiver #{number}"
    if not isinstance(entry, dict):
        raise UsageError(f"{where}: not a table — write each waiver as a [[waiver]] table")
    if isinstance(entry.get("rule"), str):
        where += f" (rule {entry['rule']})"
    for key in entry:
        if key not in KEYS:
            raise UsageError(f"{where}: unknown key {key!r} — allowed: {', '.join(KEYS)}")
    for key in ("rule", "reason", "owner"):
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            raise UsageError(f"{where}: {key} is missing or empty — give a non-empty string")
    if "expires" not in entry:
        raise UsageError(f"{where}: expires is missing — add expires = 2026-12-31 (a date)")
    if entry["rule"] not in set(rule_ids):
        raise UsageError(
            f"{where}: rule {entry['rule']!r} is not in the rule catalog — use an id that"
            " `conformance rules` lists"
        )
    return Waiver(
        rule=entry["rule"],
        reason=entry["reason"].strip(),
        owner=entry["owner"].strip(),
        expires=_date(entry["expires"], where),
        entry=where.removeprefix(f"{path}: "),
    )


def load(path: Path, rule_ids: Iterable[str], target_name: str | None = None) -> WaiverFile:
    """Read and validate a waiver file; `target_name` must match its `target` when it has one."""
    path, rule_ids = Path(path), list(rule_ids)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(
            f"{path}: no such waiver file — check the path given to --waivers"
        ) from None
    except OSError as error:
        raise UsageError(f"{path}: cannot be read ({error.strerror}) — check the path") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: is not UTF-8 text (TOML files are UTF-8) — give the waiver"
                         " file written as text") from None
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{path}: not valid TOML ({error}) — fix the syntax there") from None
    for key in document:
        if key not in ("target", "waiver"):
            raise UsageError(f"{path}: unknown top-level key {key!r} — allowed: target, waiver")
    target = document.get("target")
    if target is not None and (not isinstance(target, str) or not target.strip()):
        raise UsageError(f"{path}: target must be the target's name (a string) — or leave it out")
    if target and target_name is not None and target != target_name:
        raise UsageError(
            f"{path}: the waivers are for target {target!r}, this run certifies"
            f" {target_name!r} — use that target's waiver file"
        )
    entries = document.get("waiver", [])
    if not isinstance(entries, list):
        raise UsageError(f"{path}: waiver must be a list of [[waiver]] tables")
    waivers, seen = [], {}
    for number, entry in enumerate(entries, start=1):
        waiver = _waiver(path, number, entry, rule_ids)
        if waiver.rule in seen:
            raise UsageError(
                f"{path}: {waiver.entry}: rule {waiver.rule} is already waived by waiver"
                f" #{seen[waiver.rule]} — keep one entry per rule"
            )
        seen[waiver.rule] = number
        waivers.append(waiver)
    return WaiverFile(path=path, target=target, waivers=tuple(waivers))


def active(waivers: WaiverFile | None, today: datetime.date) -> dict[str, Waiver]:
    """The waivers not expired today, by rule id (a test item whose failures they all cover
    is reported waived, not failed)."""
    if waivers is None:
        return {}
    return {w.rule: w for w in waivers.waivers if not w.expired(today)}


def _state(waiver: Waiver, status: str, today: datetime.date) -> str:
    if status == "passed":
        return STALE
    if waiver.expired(today):
        return EXPIRED
    return APPLIED if status in WAIVABLE else UNUSED


def apply(
    results: list[RuleResult], waivers: WaiverFile | None, today: datetime.date
) -> tuple[list[RuleResult], dict | None]:
    """Results with valid waivers applied (status `waived`), and the waivers section."""
    if waivers is None:
        return results, None
    by_rule: Mapping[str, Waiver] = {w.rule: w for w in waivers.waivers}
    status_of = {r.rule.id: r.status for r in results}
    entries = []
    for waiver in waivers.waivers:
        status = status_of.get(waiver.rule, "skipped")
        entries.append(
            {
                "rule": waiver.rule,
                "reason": waiver.reason,
                "owner": waiver.owner,
                "expires": waiver.expires.isoformat(),
                "state": _state(waiver, status, today),
                "rule_status": status,
            }
        )
    waived = []
    for result in results:
        waiver = by_rule.get(result.rule.id)
        if waiver and _state(waiver, result.status, today) == APPLIED:
            note = f"waived until {waiver.expires.isoformat()} ({waiver.owner}): {waiver.reason}"
            result = replace(result, status="waived", reason=note)
        waived.append(result)
    section = {"file": str(waivers.path), "target": waivers.target, "entries": entries}
    return waived, section
