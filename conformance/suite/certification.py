"""The controller's side of a certification run: pre-flight, outcome folding, the verdict.

Lives on the controller only (never on xdist workers): it receives every test report in
`pytest_runtest_logreport`, rebuilds the outcomes the items recorded, and at the end writes
summary.json and prints the one-screen summary. `settle_report` (run on whichever process ran
the item) turns an item's outcomes into its pass/fail/skip.
"""

import datetime
import json
import sys
import time
from collections import Counter

import pytest
from _pytest.junitxml import xml_key  # pytest's JUnit writer (LogXML) in config.stash

from conformance import preflight, summary
from conformance.catalog import load_rules
from conformance.outcomes import Outcome, Status
from conformance.report import junit, waivers
from conformance.verdict import (
    INCONCLUSIVE,
    fold_verdict,
    judge_rules,
    outcome_from_dict,
    settle_answers,
)


def settle_report(report: pytest.TestReport, outcomes: list[Outcome], run, item) -> None:
    """Attach the outcomes (as JSON) and make the item fail/skip the way its outcomes say."""
    redactor = run.target.redactor()
    # plain JSON values (no enums): execnet carries them from xdist workers
    report.conformance_outcomes = json.loads(
        json.dumps([redactor.data(o.to_dict()) for o in outcomes], default=str)
    )
    if not report.passed or not outcomes:
        return
    rules = load_rules()
    must_failed = [
        o
        for o in outcomes
        if o.status == Status.FAILED and rules.get(o.rule_id) and rules[o.rule_id].level == "MUST"
    ]
    waived = waivers.active(getattr(run, "waivers", None), _today())
    if must_failed and all(o.rule_id in waived for o in must_failed):
        path, line, _ = item.location
        report.outcome = "skipped"  # shown apart: JUnit and pytest-html list it as skipped
        report.longrepr = (str(path), (line or 0) + 1, junit.waived_text(must_failed, waived))
        return
    if must_failed:
        report.outcome = "failed"
        report.longrepr = junit.failure_text(must_failed, rules, redactor)
        return
    statuses = {o.status for o in outcomes}
    if statuses <= {Status.SKIPPED, Status.INCONCLUSIVE}:
        why = "; ".join(dict.fromkeys(redactor.text(o.message) or "" for o in outcomes))
        prefix = "inconclusive: " if Status.INCONCLUSIVE in statuses else ""
        path, line, _ = item.location
        report.outcome = "skipped"
        report.longrepr = (str(path), (line or 0) + 1, f"Skipped: {prefix}{why}"[:500])


def _today() -> datetime.date:
    """Waivers expire by the UTC date."""
    return datetime.datetime.now(datetime.UTC).date()


class Certification:
    """Registered on the controller of an active run."""

    def __init__(self, config: pytest.Config, run):
        self.config, self.run = config, run
        self.outcomes: list[Outcome] = []
        self.suite_errors: list[str] = []
        self.unreachable: dict[str, str] = {}
        self.started = time.time()
        self.item_seconds: Counter = Counter()
        self.items_done: set[str] = set()
        self.summary: dict | None = None
        self._finished = False  # the summary of the finished session has been written
        self.preflight: dict[str, preflight.ProductCheck] = {}
        self.stopped = False  # the pre-flight failed: no item runs, the reports say why

    # ---------------------------------------------------------------- before anything runs
    def run_preflight(self) -> None:
        """conformance.preflight per product; a problem or an unreachable product stops the
        run before any item (the reports are still written, listing every pre-flight call)."""
        for warning in self.run.data_warnings:
            print(f"conformance: warning: {warning}", file=sys.stderr)
        self.preflight = preflight.run(self.run.target, self.run.seed)
        for name, check in self.preflight.items():
            if check.unreachable:
                self.unreachable[name] = check.unreachable
        problems = [(n, p) for n, c in self.preflight.items() for p in c.problems]
        self.stopped = bool(self.unreachable or problems)
        if self.unreachable:
            first = next(iter(self.unreachable.items()))
            print(f"conformance: inconclusive — [{first[0]}] base_url {first[1]}", file=sys.stderr)
        for name, problem in problems:
            print(f"conformance: pre-flight [{name}] {problem}", file=sys.stderr)

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node) -> None:
        """pytest-xdist: every worker gets the controller's seed and report directory."""
        node.workerinput["conformance_seed"] = self.run.seed
        node.workerinput["conformance_report_dir"] = str(self.run.report_dir)
        node.workerinput["conformance_stopped"] = self.stopped
        option = self.config.option
        node.workerinput["conformance_target"] = option.conformance_target
        node.workerinput["conformance_base_url"] = option.conformance_base_url


    # ---------------------------------------------------------------- while items run
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for data in getattr(report, "conformance_outcomes", None) or []:
            self.outcomes.append(outcome_from_dict(data))
        self.item_seconds[report.nodeid.split("[")[0]] += report.duration
        if report.when == "call" or report.skipped:
            self.items_done.add(report.nodeid)
        if report.failed and not getattr(report, "conformance_outcomes", None):
            cause = str(report.longrepr).strip().splitlines()[-1:] if report.longrepr else []
            self.suite_errors.append(f"{report.nodeid} ({report.when}): {' '.join(cause)}"[:300])

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.suite_errors.append(f"collection of {report.nodeid or 'the suite'} failed")

    # ---------------------------------------------------------------- at the end
    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        """The verdict's exit code, and the verdict on the JUnit file too (global properties,
        which xunit2 allows), before pytest's JUnit writer runs."""
        document = self.finish(session)
        if not document:
            return
        session.exitstatus = document["exit_code"]
        xml = session.config.stash.get(xml_key, None)
        if xml is not None:
            for name, value in junit.verdict_properties(document):
                xml.add_global_property(name, value)

    def finish(self, session: pytest.Session) -> dict | None:
        """Write the session's summary once and return it: pytest-html asks for it from its own
        sessionfinish, which may run before this one."""
        if self._finished:
            return self.summary
        self._finished = True
        if session.exitstatus == pytest.ExitCode.INTERRUPTED:
            # What ran is kept in every report, but it is no verdict on the whole target.
            self.suite_errors.append(
                f"interrupted after {len(self.items_done)} of {session.testscollected} items: "
                "the results cover only what ran"
            )
        self.write_summary()
        return self.summary

    def write_summary(self) -> None:
        not_run = {
            p: "not in the target file or not selected (--api)"
            for p in ("gep", "po", "smat")
            if p not in self.run.target.products
        }
        if self.stopped:  # nothing was certified: one reason, not one per rule
            not_run.update(dict.fromkeys(self.run.target.products, "not certified: the"
                                         " pre-flight stopped the run"))
        # xdist delivers items in any order; sorted by source (stable), the evidence kept per
        # rule is a serial run's
        outcomes, lost = settle_answers(sorted(self.outcomes, key=lambda o: o.source_id))
        unreachable = {**self.unreachable, **lost}
        results = judge_rules(load_rules(), outcomes, not_run)
        results, waiver_section = waivers.apply(results, self.run.waivers, _today())
        verdict = fold_verdict(results, unreachable)
        if self.stopped:  # the pre-flight found a problem: nothing was certified
            verdict = INCONCLUSIVE
        if self.suite_errors and verdict != "non-conformant":
            verdict = INCONCLUSIVE
        self.summary = summary.build(
            run=self.run,
            results=results,
            verdict=verdict,
            outcomes=outcomes,
            unreachable=unreachable,
            suite_errors=self.suite_errors,
            started=self.started,
            item_seconds=dict(self.item_seconds),
            waivers=waiver_section,
            preflight={name: check.to_dict() for name, check in self.preflight.items()},
            setup_failed=self.stopped,
        )
        summary.write(self.run.report_dir / "summary.json", self.summary)

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.summary is None:
            return
        redactor = self.run.target.redactor()
        for line in summary.screen_lines(self.summary):
            terminalreporter.write_line(redactor.text(line) or "")
