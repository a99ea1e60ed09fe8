"""The evidence of one failure as HTML: message, case id, request, answer and a curl line.

Everything rendered here is already redacted (exchanges are recorded masked); the HTML plugin
still passes the result through the target's redactor before writing, as a second net.
"""

import json
from collections.abc import Mapping, Sequence
from html import escape

BODY_CHARS = 4000  # a body longer than this is cut in the HTML (summary.json keeps more)
SHOWN_EXCHANGES = 4  # a multi-step scenario shows its last steps: the failing one is last


def _pretty(body: str | None) -> str:
    """JSON bodies indented (easier to read and to quote), others as sent; cut when long."""
    if body is None or body == "":
        return "(no body)"
    try:
        text = json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):  # not JSON, or too deep or too long to read
        text = body
    if len(text) > BODY_CHARS:
        text = text[:BODY_CHARS] + f"\n… [{len(text) - BODY_CHARS} more characters cut]"
    return text


def _headers(headers: Mapping[str, str] | None) -> str:
    return "\n".join(f"{name}: {value}" for name, value in (headers or {}).items())


def message_html(message: str) -> str:
    """`Received: … / Documented: …` on two lines, so the contrast is what one reads."""
    received, sep, documented = (message or "").partition(" / Documented: ")
    if not sep:
        return f'<p class="message">{escape(message or "")}</p>'
    return (
        f'<p class="message"><b>{escape(received)}</b><br>'
        f"<b>Documented:</b> {escape(documented)}</p>"
    )


def exchange_html(exchange: Mapping) -> str:
    status = exchange.get("status_code")
    answer = (
        f"HTTP {status}"
        if status is not None
        else f"no answer: {exchange.get('transport_error') or 'unknown'}"
    )
    parts = [
        '<div class="exchange">',
        f'<p class="request-line"><code>{escape(exchange.get("method", ""))} '
        f"{escape(exchange.get('url', ''))}</code> → <b>{escape(answer)}</b></p>",
        '<div class="exchange-sides">',
        "<div><h5>Request</h5>"
        f'<pre class="headers">{escape(_headers(exchange.get("request_headers")))}</pre>'
        f'<pre class="body">{escape(_pretty(exchange.get("request_body")))}</pre></div>',
        "<div><h5>Response</h5>"
        f'<pre class="headers">{escape(_headers(exchange.get("response_headers")))}</pre>'
        f'<pre class="body">{escape(_pretty(exchange.get("response_body")))}</pre></div>',
        "</div>",
    ]
    if exchange.get("curl"):
        parts.append(
            '<p class="curl-label">Reproduce (credentials from environment variables)'
            ' <button type="button" onclick="navigator.clipboard.writeText('
            'this.parentNode.nextElementSibling.textContent)">copy</button></p>'
            f'<pre class="curl">{escape(exchange["curl"])}</pre>'
        )
    parts.append("</div>")
    return "".join(parts)


def failure_html(rule_id: str, failure: Mapping, headings: Sequence[str] = ()) -> str:
    """One failure: a summary.json `failures` entry, or an outcome dict (`source_id`); the
    headings name the rule(s) it breaks (one exchange can break several)."""
    source = failure.get("source") or failure.get("source_id") or ""
    exchanges = list(failure.get("exchanges") or [])
    cut = len(exchanges) - SHOWN_EXCHANGES
    case = failure.get("case_id") or source
    lines = [
        f'<div class="failure" data-rule="{escape(rule_id)}">',
        f"<h4>{'<br>'.join(escape(h) for h in headings or [rule_id])}"
        f' <span class="case">case <code>{escape(case)}</code></span></h4>',
        message_html(failure.get("message", "")),
    ]
    if cut > 0:
        lines.append(f'<p class="note">{cut} earlier step(s) of this scenario not shown</p>')
    lines += [exchange_html(e) for e in exchanges[-SHOWN_EXCHANGES:]]
    lines.append("</div>")
    return "".join(lines)
