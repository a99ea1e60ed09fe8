"""Reading an answer's body the one way every judge reads it: strict where the standards are.

JSON is RFC 8259 JSON: UTF-8 (§8.1), no byte-order mark added by the sender (§8.1), and no
`NaN`, `Infinity` or `-Infinity` (§6 has no such literals, whatever a lenient parser accepts).
XML is decoded the way RFC 7303 §3 orders the sources of its encoding: a byte-order mark first
(it takes precedence over the charset parameter, a change from RFC 3023), then the media type's
`charset`, then the XML declaration's `encoding` (XML 1.0 §4.3.3), else UTF-8; it is parsed
through defusedxml (no entities, no DTDs). A body that cannot be read comes with the reason:
which byte, which literal, which declaration.

A body cut at the transport's read bound is read as far as it goes (`cut=True`): an error
where the text stops (a string, number or element the cut broke off) is no error of the
target's, and the read says so (`unfinished`); an error before it is judged as ever.
"""

import codecs
import json
import re
from typing import Any, NamedTuple
from xml.etree.ElementTree import Element, ParseError
from xml.parsers.expat import errors as expat_errors

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

NOT_JSON: Any = type("NotJson", (), {"__repr__": lambda self: "NOT_JSON"})()
UTF8_BOM = b"\xef\xbb\xbf"
_BOMS = ((UTF8_BOM, "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_DECLARATION = re.compile(rb"^<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")


class Read(NamedTuple):
    """What a reader made of a body: the value (NOT_JSON / None when unreadable) and why not.
    `unfinished`: a cut body that is well-formed as far as it was read (no verdict either way)."""

    value: Any
    problem: str | None = None
    unfinished: bool = False


# how near the end of a cut text an error counts as the cut's: a literal or a \uXXXX escape
# broken off (`tru`, `\u00`) is reported where it starts, a few characters back
_AT_THE_CUT = 6


# expat's errors that only running out of text gives (the rest, unread, may close them)
_AT_THE_END = {expat_errors.codes[message] for message in (
    expat_errors.XML_ERROR_NO_ELEMENTS, expat_errors.XML_ERROR_UNCLOSED_TOKEN,
    expat_errors.XML_ERROR_PARTIAL_CHAR, expat_errors.XML_ERROR_UNCLOSED_CDATA_SECTION)}


def _cut_decoding(content: bytes, error: UnicodeDecodeError, cut: bool) -> bool:
    """A multi-byte character the cut broke in two: the text read ends before it."""
    return cut and error.reason == "unexpected end of data" and error.end == len(content)


def _at_the_cut(text: str, position: int) -> bool:
    return position >= len(text.rstrip()) - _AT_THE_CUT


class _NotJsonLiteral(ValueError):
    pass


def _refuse_constant(literal: str) -> Any:
    raise _NotJsonLiteral(literal)


def read_json(content: bytes, cut: bool = False) -> Read:
    """The JSON value of a body (RFC 8259), or NOT_JSON and the reason it is not JSON.
    `cut`: the body went on past what was read; the part read is judged as far as it decides."""
    if not content.strip():  # cut: white space as far as read, the value may follow (RFC 8259 §2)
        return Read(NOT_JSON, "the body is empty", unfinished=cut)
    if content.startswith(UTF8_BOM):
        return Read(NOT_JSON, "the body starts with a UTF-8 byte-order mark (EF BB BF), which "
                              "a JSON sender must not add (RFC 8259 §8.1)")
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        if not _cut_decoding(content, error, cut):
            return Read(NOT_JSON, f"byte 0x{content[error.start]:02X} at offset {error.start}"
                                  " is not UTF-8, the encoding of JSON (RFC 8259 §8.1)")
        text = content[:error.start].decode("utf-8", errors="replace")
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
        # a whole value and then the cut: what came after it (more than whitespace?) is unread
        return Read(NOT_JSON, "the body was cut after a whole JSON value", True) if cut else (
            Read(value))
    except _NotJsonLiteral as literal:
        return Read(NOT_JSON, f"the literal {literal} is not JSON (RFC 8259 §6 has no NaN or "
                              "Infinity)")
    except json.JSONDecodeError as error:
        # an unterminated string runs to the end of the text, wherever it started
        unfinished = cut and (error.msg.startswith("Unterminated string")
                              or _at_the_cut(text, error.pos))
        return Read(NOT_JSON, f"not JSON: {error.msg} at line {error.lineno} column "
                              f"{error.colno} (RFC 8259)", unfinished)
    except RecursionError:
        return Read(NOT_JSON, "not readable JSON: nested too deeply")
    except ValueError as error:  # a number of more digits than Python converts (4,300)
        return Read(NOT_JSON, f"not readable JSON: {str(error).split(';')[0]}")


def xml_encoding(content: bytes, charset: str | None) -> tuple[str, str, int]:
    """(encoding, where it came from, length of the byte-order mark) per RFC 7303 §3."""
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            return encoding, "the byte-order mark", len(bom)
    if charset:
        return charset, f"the media type's charset={charset}", 0
    declared = _DECLARATION.match(content)
    if declared:
        name = declared.group(1).decode("ascii")
        return name, f'the XML declaration encoding="{name}"', 0
    return "utf-8", "the default (no charset, byte-order mark or declaration)", 0


def read_xml(content: bytes, charset: str | None = None, cut: bool = False) -> Read:
    """The root element of an XML body, or None and the reason it cannot be read.
    `cut`: the body went on past what was read; an error at the end of the text is the cut's."""
    if not content.strip():  # cut: white space as far as read, the document may follow
        return Read(None, "the body is empty", unfinished=cut)
    encoding, source, skip = xml_encoding(content, charset)
    try:
        codecs.lookup(encoding)
    except LookupError:
        return Read(None, f"unknown encoding {encoding!r} named by {source}")
    try:
        text = content[skip:].decode(encoding)
    except UnicodeDecodeError as error:
        offset = skip + error.start
        if not _cut_decoding(content, error, cut):
            return Read(None, f"byte 0x{content[offset]:02X} at offset {offset} is not "
                              f"{encoding}, the encoding {source} names (RFC 7303 §3)")
        text = content[skip:offset].decode(encoding, errors="replace")
    try:
        root = fromstring(text)  # a str: the declaration's encoding is not applied again
        return Read(None, "the body was cut after a whole XML element", True) if cut else (
            Read(root))
    except ParseError as error:
        return Read(None, f"not XML: {error} (decoded as {encoding}, from {source})",
                    cut and _xml_error_at_the_cut(error))
    except (DefusedXmlException, ValueError) as error:
        return Read(None, f"XML refused: {type(error).__name__} {error}")


def _xml_error_at_the_cut(error: ParseError) -> bool:
    """Expat's error is one only the end of the text gives: no root closed, a token unclosed."""
    return getattr(error, "code", None) in _AT_THE_END


def local_name(element: Element) -> str:
    return element.tag.rsplit("}", 1)[-1]
