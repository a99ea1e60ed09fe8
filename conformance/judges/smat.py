"""Judges of Smart Materials CreateUpdateProgressPayEvents (004) and of its documented latitude.

Accepted: 200 or 201. Rejected: any 4xx. "Cannot update" (a locked event, an approved
agreement): a 4xx, or a 2xx whose returned event keeps its protected values. `value` may hold
all of the PO's events or only the sent ones; CostValue is never required to be echoed.
"""

import re
from urllib.parse import urlsplit

from conformance.judges import Context, Failure, NotApplicable, judge
from conformance.judges.events import (
    MATCH_FIELDS,
    earlier,
    is_match,
    matches,
    same_record,
    same_value,
    sent_events,
    value_events,
)
from conformance.judges.spec_types import Documented, documented_properties, json_type
from conformance.notation import shown

NEVER_ECHOED = {"CostValue"}  # may be derived from PaymentPercent (see the sample)
INDICATORS = ("LockedInd", "DeliveryInd", "ManualInd", "PaidInd")
EVENT_SCHEMA = "ProgressPayEventState"  # the spec's schema of one event of an answer's value
# OData JSON Format v4.0 §3.2: with IEEE754Compatible=true, Edm.Int64 and Edm.Decimal values
# are written as strings ("10000143788", "170.4"); a string of another kind is no number
_NUMERIC_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")


def _ok(ctx: Context) -> bool:
    return ctx.answer.status in (200, 201)


def _events(ctx: Context) -> list[dict]:
    return value_events(ctx.answer.json) or []


def _wanted(ctx: Context) -> list[dict]:
    """The events an expectation is about: its `event` argument, else every event sent."""
    event = ctx.args.get("event")
    return [event] if isinstance(event, dict) else sent_events(ctx.sent)


def _name(event: dict) -> str:
    return ", ".join(f"{k}={shown(event[k])}" for k in ("AttpId", "PpeCode", "PpeId") if k in event)


@judge("accepted", "smat")
def accepted(ctx: Context) -> Failure | None:
    """The target took the request: a 2xx (the documented 200/201 is success_answer's)."""
    if 200 <= ctx.answer.status < 300:
        return None
    return Failure(ctx.answer.brief(), "the request accepted: a 2xx")


@judge("success_answer", "smat", only_if="accepted")
def success_answer(ctx: Context) -> Failure | None:
    """The documented form of a success (200 or 201); a refusal is not judged here."""
    return None if _ok(ctx) else Failure(ctx.answer.brief(), "200 or 201")


def is_context_url(value: object) -> bool:
    """An OData context URL: absolute (http or https, with a host) or relative to the service
    root such as `$metadata#...` (OData JSON Format v4.0 §4.5.1); document 004 states no form."""
    if not isinstance(value, str) or not value or any(c.isspace() for c in value):
        return False
    parts = urlsplit(value)
    if parts.scheme:
        return parts.scheme in ("http", "https") and bool(parts.netloc)
    return "$metadata" in value


@judge("rejected", "smat", not_on_server_error=True)
@judge("rejection_answer", "smat", not_on_server_error=True)
def rejected(ctx: Context) -> Failure | None:
    if 400 <= ctx.answer.status < 500:
        return None
    return Failure(ctx.answer.brief(), "a 4xx (400, 403, 404, 409, 422...)")


def _event_fields() -> dict[str, Documented]:
    return documented_properties("smat", EVENT_SCHEMA)


def fits(value: object, documented: Documented) -> bool:
    """A field value of the type the spec documents, as the latitude reads it: absent or null
    always; any JSON number (never a boolean) where a number or integer is documented (numbers
    may be decimals); a numeric string where an Int64 (`format: int64`) or a decimal (`number`)
    is (OData's IEEE754Compatible); a string where one is documented (an integer PpeCode may come
    back as one; a date is any string). A number where only a string is documented does not."""
    kind = json_type(value)
    if kind == "null" or kind in documented.types:
        return True
    if kind in ("integer", "number"):
        return documented.numeric
    if kind == "string" and (documented.format == "int64" or "number" in documented.types):
        return _NUMERIC_TEXT.fullmatch(str(value)) is not None
    return False


def _kind(documented: Documented) -> str:
    return " or ".join(sorted(documented.types - {"null"})) + " (or null)"


@judge("odata_response", "smat", only_if="accepted")
def odata_response(ctx: Context) -> Failure | None:
    """A success body: an @odata.context URL and a value list of events, each event's fields of
    the types the spec's ProgressPayEventState gives them (see `fits`); extra fields are
    allowed. The indicators' values are value_indicators_y_or_n's."""
    body = ctx.answer.json
    context = body.get("@odata.context") if isinstance(body, dict) else None
    events = value_events(body)
    if not is_context_url(context) or events is None:
        return Failure(ctx.answer.brief(), "{@odata.context: <context URL, absolute or "
                       "$metadata#...>, value: [events]}")
    for number, event in enumerate(events):
        for name, documented in _event_fields().items():
            if documented.enum is None and not fits(event.get(name), documented):
                got = event[name]
                return Failure(f"value[{number}].{name} {shown(got)} (a JSON {json_type(got)})",
                               f"{name} of type {_kind(documented)}, as {EVENT_SCHEMA} types it")
    return None


@judge("value_indicators_y_or_n", "smat", only_if="accepted")
def value_indicators_y_or_n(ctx: Context) -> Failure | NotApplicable | None:
    """The events an accepted call's value returns hold a documented value (Y or N, or null: any
    field may be null) in every indicator, as the spec's ProgressPayEventState lists them."""
    events = value_events(ctx.answer.json)
    if events is None:
        return NotApplicable("no value list of events: odata_response judges the body")
    for number, event in enumerate(events):
        for name, documented in _event_fields().items():
            allowed = documented.enum
            if allowed is None or name not in event:
                continue
            value = event[name]
            if not any(value == a and type(value) is type(a) for a in allowed):
                values = " or ".join(shown(a) for a in allowed)
                return Failure(f"value[{number}].{name} {shown(value)}", f"{name} {values}")
    return None


@judge("value_holds_sent_events", "smat", only_if="accepted")
def value_holds_sent_events(ctx: Context) -> Failure | None:
    """An accepted call's value holds every event sent (matched by AttpId, PpeId or PpeCode)."""
    if not _ok(ctx):
        return Failure(ctx.answer.brief(), "200 or 201 with every event sent in value")
    identified = [e for e in _wanted(ctx) if any(e.get(k) is not None for k in MATCH_FIELDS)]
    missing = [_name(e) for e in identified if not matches(_events(ctx), e)]
    if not missing:
        return None
    return Failure(f"value without the events {shown(missing)}", "value holding every event sent")


@judge("event_present_once", "smat")
def event_present_once(ctx: Context) -> Failure | None:
    """Once in value, and an event sent with its PpeId keeps it (a new PpeId is a new row).

    Scenarios send a PpeId only for events that exist (the target's, or seen in an earlier
    step), since a target may ignore one sent for an event that does not exist.
    """
    for wanted in _wanted(ctx):
        found = matches(_events(ctx), wanted)
        if len(found) != 1:
            return Failure(f"{len(found)} events matching {_name(wanted)}",
                           "the event exactly once: updated, not duplicated")
        sent_id, got_id = wanted.get("PpeId"), found[0].get("PpeId")
        if sent_id is not None and got_id is not None and not same_value(sent_id, got_id):
            return Failure(f"PpeId {shown(got_id)} for the event sent with PpeId {shown(sent_id)}",
                           "the existing event updated under its PpeId, not inserted anew")
    return None


@judge("event_updated", "smat")
def event_updated(ctx: Context) -> Failure | NotApplicable | None:
    """The returned event holds the sent values of `fields` (CostValue never compared).

    A field the answer leaves out or answers null states nothing (optional answer fields may be
    absent or null); when it states none of `fields`, there is nothing to judge.
    """
    fields = [f for f in ctx.args.get("fields", []) if f not in NEVER_ECHOED]
    stated = 0
    for wanted in _wanted(ctx):
        found = matches(_events(ctx), wanted)
        if not _ok(ctx) or not found:
            return Failure(ctx.answer.brief(), f"2xx with the event {_name(wanted)} in value")
        for field in fields:
            got = found[0].get(field)
            if field not in wanted or (got is None and wanted[field] is not None):
                continue
            stated += 1
            if not same_value(wanted[field], got):
                return Failure(f"{field} {shown(got)}", f"{field} {shown(wanted[field])}")
    if fields and not stated:
        return NotApplicable(f"the answer states none of {', '.join(fields)}")
    return None


@judge("cannot_update", "smat")
def cannot_update(ctx: Context) -> Failure | None:
    """A 4xx, or a 2xx whose returned event keeps the values of `fields` it had before.

    Without an earlier snapshot (a seeded event), "kept" means "not the fresh value just sent".
    An event the answer does not show was not shown changed, which is no evidence of a change.
    """
    if 400 <= ctx.answer.status < 500:
        return None
    if not _ok(ctx):
        return Failure(ctx.answer.brief(), "a 4xx, or a 2xx with the protected values kept")
    for wanted in _wanted(ctx):
        found = matches(_events(ctx), wanted)
        before = earlier(dict(ctx.before), wanted)
        for event in found[:1]:
            for field in ctx.args["fields"]:
                got = event.get(field)
                if before is not None and field in before:
                    kept = same_value(before[field], got)
                else:
                    kept = field not in wanted or not same_value(wanted[field], got)
                if not kept:
                    return Failure(f"{field} changed to {shown(got)} on {_name(wanted)}",
                                   f"{field} kept (a 4xx, or a 2xx showing it unchanged)")
    return None


@judge("event_defaults", "smat")
def event_defaults(ctx: Context) -> Failure | NotApplicable | None:
    """Indicators not sent come back N and an unsent PaymentPercent 0 (004 § Body: "default
    value is N", PaymentPercent "Default value is 0.").

    A field the answer leaves out, or answers null on every event it shows, states nothing
    (optional answer fields may be absent or null: Java and .NET serialisers write nulls); a
    null where the same answer states the field on another event is this event's value, and
    like any other value than N ("Y", "", "n") a default not applied. An answer stating no
    unsent default gives nothing to judge: the rule is not earned from it. `fields`
    (optional) names the defaults a case is about; the others are not judged there.
    """
    defaults = {**{field: "N" for field in INDICATORS}, "PaymentPercent": 0}
    if ctx.args.get("fields"):
        defaults = {f: v for f, v in defaults.items() if f in ctx.args["fields"]}
    events = _events(ctx)
    written = {f for e in events if isinstance(e, dict) for f, v in e.items() if v is not None}
    stated = 0
    for wanted in _wanted(ctx):
        for event in matches(events, wanted)[:1]:
            for field, default in defaults.items():
                if field in wanted or field not in written:
                    continue
                stated += 1
                if not same_value(default, event.get(field)):
                    return Failure(f"{field} {shown(event.get(field))}",
                                   f"{field} {shown(default)} by default")
    if not stated:
        return NotApplicable("the answer states none of the defaults of the fields not sent")
    return None


@judge("siblings_unchanged", "smat")
def siblings_unchanged(ctx: Context) -> Failure | NotApplicable | None:
    """The PO's other events, as an earlier step's value showed them, are as they were.

    An update lands on the event it names: every event seen before that the call did not send
    and that the answer's value shows again keeps every field value. A value holding only the
    sent events (latitude) shows no sibling: nothing to judge.
    """
    sent = _wanted(ctx)
    siblings = [e for e in ctx.before.values() if not any(is_match(e, w) for w in sent)]
    # the sibling itself: the one event agreeing on every identity both show (a target that
    # matches by PpeCode or PpeId alone may hold another event sharing one of them)
    in_answer = [(old, [e for e in _events(ctx) if same_record(e, old)]) for old in siblings]
    in_answer = [(old, found[0]) for old, found in in_answer if len(found) == 1]
    if not _ok(ctx) or not in_answer:
        return NotApplicable("the answer shows none of the PO's other events")
    for old, now in in_answer:
        for field, value in old.items():
            if field in now and not same_value(value, now[field]):
                return Failure(f"{field} {shown(now[field])} on the unsent event {_name(old)}",
                               f"{field} {shown(value)} kept: only the events sent change")
    return None


@judge("event_absent", "smat")
def event_absent(ctx: Context) -> Failure | None:
    """The `event` argument is not in value (vacuous when value holds only the sent events)."""
    found = matches(_events(ctx), ctx.args["event"])
    if not found:
        return None
    return Failure(f"value holding {shown(found[0])}", "no trace of the refused call's event")
