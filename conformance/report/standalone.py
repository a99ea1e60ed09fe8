"""The report files pytest did not write, rendered from summary.json's document.

pytest writes junit.xml and (through pytest-html) report.html at the end of its session; a run
that stops before that (interrupted while collecting, a usage error once the report directory
was chosen) still leaves all three files, so CI always has a junit.xml to publish and a person
always has a page to open. These are the same sections the pytest-html page opens on.
"""

from collections.abc import Mapping
from html import escape
from pathlib import Path
from xml.etree import ElementTree

from conformance.report import html


def junit_xml(document: Mapping) -> str:
    """A JUnit file with one error test case per suite error (none: an empty test suite)."""
    errors = list(document.get("suite_errors") or [])
    suites = ElementTree.Element("testsuites")
    suite = ElementTree.SubElement(
        suites, "testsuite", name="conformance", tests=str(len(errors)), errors=str(len(errors)),
        failures="0", skipped="0",
    )  # fmt: skip
    for n, error in enumerate(errors, 1):
        case = ElementTree.SubElement(suite, "testcase", classname="conformance", name=f"run-{n}")
        ElementTree.SubElement(case, "error", message=error).text = error
    return ElementTree.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def report_html(document: Mapping) -> str:
    """A self-contained page: verdict, run facts, rule matrix and evidence, no test table."""
    title = f"Conformance report · {document['target']['name']}"
    body = "".join([*html.page_prefix(document), *html.page_postfix(document)])
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head>"
        f'<body><h1 id="title">{escape(title)}</h1>{body}</body></html>\n'
    )


def write_missing(report_dir: Path, document: Mapping) -> list[str]:
    """Write junit.xml and report.html where they are missing; returns the names written."""
    written = []
    for name, render in (("junit.xml", junit_xml), ("report.html", report_html)):
        path = Path(report_dir) / name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(render(document), encoding="utf-8")
            written.append(name)
    return written
