"""The options of a certification run, declared once: `conformance run --X` is pytest's
`--conformance-X`, so a person and a CI job that runs plain pytest get the same run.

Light on imports: pytest reads it in every session the plugin is installed in.
"""

import argparse
from typing import Any

from conformance.report.baseline import FAIL_ON

PROFILES = ("smoke", "standard", "deep")
# requests in flight when --concurrency is not given (conformance.suite.concurrency; README)
DEFAULT_CONCURRENCY = {"smoke": 4, "standard": 8, "deep": 8}
MAX_CONCURRENCY = 64

# (name, argparse/pytest keyword arguments); the pytest option is --conformance-<name>
RUN_OPTIONS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("target", {"metavar": "FILE",
                "help": "target file (TOML); without one (and without --base-url) the embedded"
                        " mock is certified"}),
    ("base-url", {"metavar": "URL",
                  "help": "fill every empty base_url (alone: reference.toml's data on one URL)"}),
    ("api", {"metavar": "LIST",
             "help": "products to run, e.g. gep,po leaves smat out (default: all in the file)"}),
    ("profile", {"choices": PROFILES, "default": "standard",
                 "help": "smoke: examples and scenarios; standard: + fuzzing; deep: more"}),
    ("concurrency", {"type": int, "metavar": "N",
                     "help": "requests in flight, same verdict as one at a time (default: "
                             + ", ".join(f"{p} {n}" for p, n in DEFAULT_CONCURRENCY.items())
                             + f"; 1 = one at a time; at most {MAX_CONCURRENCY}; 1 under a"
                             " request budget)"}),
    ("seed", {"type": int, "metavar": "N", "help": "reproduce a run exactly"}),
    ("report-dir", {"metavar": "DIR",
                    "help": "where reports go (default reports/<timestamp>/, copied to latest)"}),
    ("waivers", {"metavar": "FILE",
                 "help": "known deviations of this target (TOML, see docs/reports.md)"}),
    ("baseline", {"metavar": "FILE",
                  "help": "an earlier run's summary.json: new failures, fixed, still failing"}),
    ("fail-on", {"choices": FAIL_ON, "default": "failures",
                 "help": "failures: exit 1 on any MUST failure; new-failures: only on one the"
                         " baseline did not have (needs --baseline)"}),
    ("require-all", {"action": "store_true", "default": False,
                     "help": "acceptance runs: exit 6 when the target is conformant but some"
                             " MUST rules were not tested (their breaking side needs data)"}),
    # limits for a live instance (conformance.transport); a target file may set them per product
    ("rate-limit", {"metavar": "RATE",
                    "help": "at most this many requests per product, e.g. 5/s or 120/min"}),
    ("max-requests", {"type": int, "metavar": "N",
                      "help": "send at most N requests in the run; the rest is not tested"}),
    ("retry-after-max", {"type": float, "metavar": "SECONDS", "default": 30.0,
                         "help": "wait out 429/503 Retry-After up to this long per request,"
                                 " then the exchange is rate-limited (default 30)"}),
    ("dry-run", {"action": "store_true",
                 "help": "print what the run would send, per product and operation, and send"
                         " nothing"}),
)


def add_to_cli(parser: argparse.ArgumentParser) -> None:
    for name, options in RUN_OPTIONS:
        parser.add_argument(f"--{name}", **options)


def add_to_pytest(group) -> None:
    for name, options in RUN_OPTIONS:
        group.addoption(f"--conformance-{name}", **options)


def as_pytest_args(values: dict[str, Any]) -> list[str]:
    """{"base_url": "http://…", "seed": 7, …} -> ["--conformance-base-url", "http://…", …]."""
    argv = []
    for name, options in RUN_OPTIONS:
        value = values.get(name.replace("-", "_"))
        if options.get("action") == "store_true":
            argv += [f"--conformance-{name}"] if value else []
        elif value is not None:
            argv += [f"--conformance-{name}", str(value)]
    return argv
