"""Progress pay events: finding the one sent in an answer, and comparing field values.

Events are matched consistently by PpeId, AttpId or PpeCode (a target may key on any of them;
scenarios send all three consistently). An integer PpeCode may come back as a string, numbers
as decimals (4 == 4.0), dates with any offset (compared as instants).
"""

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

MATCH_FIELDS = ("AttpId", "PpeCode", "PpeId")


def value_events(body: Any) -> list[dict[str, Any]] | None:
    value = body.get("value") if isinstance(body, dict) else None
    if isinstance(value, list) and all(isinstance(e, dict) for e in value):
        return value
    return None


def sent_events(sent: Any) -> list[dict[str, Any]]:
    events = sent.get("PPE") if isinstance(sent, dict) else None
    return [e for e in events if isinstance(e, dict)] if isinstance(events, list) else []


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return None


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def same_value(sent: Any, got: Any) -> bool:
    """Equal as the documents' latitude reads them: numbers, dates and codes by meaning."""
    if sent is None or got is None:
        return sent is got
    sent_n, got_n = _number(sent), _number(got)
    if sent_n is not None and got_n is not None:
        return sent_n == got_n
    sent_t, got_t = _instant(sent), _instant(got)
    if sent_t is not None and got_t is not None and (sent_t.tzinfo is None) == (
        got_t.tzinfo is None
    ):
        return sent_t == got_t
    return str(sent) == str(got)


def is_match(event: dict[str, Any], wanted: dict[str, Any]) -> bool:
    return any(
        wanted.get(name) is not None and event.get(name) is not None
        and same_value(wanted[name], event[name])
        for name in MATCH_FIELDS
    )


def same_record(event: dict[str, Any], known: dict[str, Any]) -> bool:
    """The same event by every identity both show (AttpId, PpeCode, PpeId), not just one: a
    target matching events by PpeCode alone may hold two events with one AttpId."""
    shared = [n for n in MATCH_FIELDS if event.get(n) is not None and known.get(n) is not None]
    return bool(shared) and all(same_value(known[n], event[n]) for n in shared)


def matches(events: list[dict[str, Any]], wanted: dict[str, Any]) -> list[dict[str, Any]]:
    return [event for event in events if is_match(event, wanted)]


def history_key(event: dict[str, Any]) -> str:
    """The key under which a runner remembers an event it has seen (AttpId, else PpeCode)."""
    if event.get("AttpId") is not None:
        return f"AttpId:{_number(event['AttpId']) or event['AttpId']}"
    return f"PpeCode:{event.get('PpeCode')}"


def earlier(before: dict[str, dict[str, Any]], wanted: dict[str, Any]) -> dict[str, Any] | None:
    """The event as an earlier step of the scenario saw it, if one did."""
    found = matches(list(before.values()), wanted)
    return found[-1] if found else None
