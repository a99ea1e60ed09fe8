"""The controller's side of a certification run: pre-flight, outcome folding, the verdict.

Lives on the controller only (never on xdist workers): it receives every test report in
`pytest_runtest_logreport`, rebuilds the outcomes the items recorded, and at the end writes
summary.json and prints the one-screen summary. `settle_report` (run on whichever process ran
the item) turns an item's outcomes into its pass/fail/skip.
"""

import datetime
import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest
from _pytest.junitxml import xml_key  # pytest's JUnit writer (LogXML) in config.stash

from conformance import preflight, summary
from conformance.catalog import PRODUCTS, load_rules
from conformance.outcomes import Outcome, SourceKind, Status
from conformance.report import junit, standalone, waivers
from conformance.stopping import STOP
from conformance.suite import written
from conformance.transport import run_ledger, share_ledger
from conformance.verdict import (
    INCONCLUSIVE,
    NON_CONFORMANT,
    fold_verdict,
    judge_rules,
    outcome_from_dict,
    settle_answers,
)


def settle_report(report: pytest.TestReport, outcomes: list[Outcome], run, item) -> None:
    """Attach the outcomes (as JSON) and make the item fail/skip the way its outcomes say."""
    redactor = run.target.redactor()
    masked: dict[int, dict] = {}  # the judges of one case share its exchange: mask it once

    def plain(outcome: Outcome) -> dict:
        data = outcome.to_dict()
        for exchange, as_dict in zip(outcome.exchanges, data["exchanges"], strict=True):
            if id(exchange) not in masked:
                masked[id(exchange)] = redactor.data(as_dict)
        data["exchanges"] = [masked[id(e)] for e in outcome.exchanges]
        return {k: v if k == "exchanges" else redactor.data(v) for k, v in data.items()}

    # plain JSON values (no enums): execnet carries them from xdist workers
    report.conformance_outcomes = json.loads(
        json.dumps([plain(o) for o in outcomes], default=str)
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


def attach_transport_records(report: pytest.TestReport, run, source: str | None) -> None:
    """What the item planned (--dry-run) and wrote, as JSON on its report (xdist carries it)."""
    planned, writes = [], []
    for name, product in run.target.products.items():
        more_planned, more_writes = product.transport.drain()
        planned += [{"product": name, "source": source, **e} for e in more_planned]
        writes += [{"product": name, **e} for e in more_writes]
    redactor = run.target.redactor()
    report.conformance_planned = redactor.data(planned)
    report.conformance_writes = redactor.data(writes)


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
        self.planned: list[dict] = []  # --dry-run: every request the run would send
        self.writes: list[dict] = []  # every write a target accepted (written.json)
        self.written: dict | None = None  # written.json's content, once written
        self._finished = False  # the summary of the finished session has been written
        self.stopped: str | None = None  # why the run ended early (interrupt, stop), if it did
        self.interrupted = False  # Ctrl-C (or SIGTERM) reached pytest (plugin.py says so)
        self.stop_message: str | None = None  # what summary.json's `stopped` says of it
        self.preflight: dict[str, preflight.ProductCheck] = {}
        self.preflight_failed = False  # a setup problem: no item runs, the reports say why
        self.ledger_dir: Path | None = None  # the run's budgets and pacing, shared with workers
        self.session: pytest.Session | None = None  # its exit status, set again by a late stop

    # ---------------------------------------------------------------- before anything runs
    def run_preflight(self) -> set[str]:
        """conformance.preflight per product (it replaces a GET / probe). A product that answers
        nothing is left out of the run (its rules skipped, naming the cause; the run is
        inconclusive) while the others run; a setup problem stops the whole run before any item
        (exit 2; the reports are still written, listing every pre-flight call). Returns the
        products left out.

        Its requests go through the run's sessions like any other: they count against the
        request budget and, under --dry-run, are planned (listed and counted) and not sent; a
        dry run then finds neither problems nor unreachable products."""
        for warning in self.run.data_warnings:
            print(f"conformance: warning: {warning}", file=sys.stderr)
        if not self.run.limits.dry_run and self._credentials_fail():
            return set()
        self.preflight = preflight.run(self.run.target, self.run.seed)
        holder = type("Report", (), {})()  # its requests: planned (dry run), writes
        attach_transport_records(holder, self.run, source="pre-flight")
        self.planned += holder.conformance_planned
        self.writes += holder.conformance_writes
        if self.run.limits.dry_run:
            return set()
        for name, check in self.preflight.items():
            if check.unreachable:
                self.unreachable[name] = check.unreachable
        problems = [(n, p) for n, c in self.preflight.items() for p in c.problems]
        self.preflight_failed = bool(problems)
        for name, problem in problems:
            print(f"conformance: pre-flight [{name}] {problem}", file=sys.stderr)
        return set(self.unreachable)  # the run's summary names each, once

    def _credentials_fail(self) -> bool:
        """Every credential source obtained before the first request: one that fails (a token
        command exiting 1, a token URL that does not answer) stops the run before anything is
        sent, a setup problem like the pre-flight's (exit 2, the reports say why)."""
        checks = {name: preflight.check_credentials(product)
                  for name, product in self.run.target.products.items()}
        self.preflight = {name: check for name, check in checks.items() if check.problems}
        self.preflight_failed = bool(self.preflight)
        for name, check in self.preflight.items():
            for problem in check.problems:
                print(f"conformance: pre-flight [{name}] {problem}; nothing was sent",
                      file=sys.stderr)
        return self.preflight_failed

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node) -> None:
        """pytest-xdist: every worker gets the controller's seed and report directory."""
        node.workerinput["conformance_seed"] = self.run.seed
        node.workerinput["conformance_report_dir"] = str(self.run.report_dir)
        node.workerinput["conformance_ledger"] = str(self.shared_ledger())
        node.workerinput["conformance_left_out"] = sorted(self.unreachable)
        node.workerinput["conformance_preflight_failed"] = self.preflight_failed
        option = self.config.option
        node.workerinput["conformance_target"] = option.conformance_target
        node.workerinput["conformance_base_url"] = option.conformance_base_url

    def shared_ledger(self) -> Path:
        """The file the run's budgets and pacing move into when the first worker starts (what
        the pre-flight sent counted in), in a directory of its own (`remove_ledger`)."""
        if self.ledger_dir is None:
            self.ledger_dir = Path(tempfile.mkdtemp(prefix="conformance-ledger-"))
            share_ledger(self.run.target.products.values(), self.ledger_dir / "ledger.json")
        return self.ledger_dir / "ledger.json"

    def remove_ledger(self) -> None:
        if self.ledger_dir is not None:
            shutil.rmtree(self.ledger_dir, ignore_errors=True)
            self.ledger_dir = None

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self) -> None:
        """xdist's status line ("bringing up nodes...") is printed by its terminal reporter at
        set-up and again when collection is done; once is enough when not on a terminal."""
        reporter = self.config.pluginmanager.get_plugin("terminaldistreporter")
        if reporter is not None and not getattr(reporter, "_isatty", True):
            self.config.pluginmanager.unregister(reporter)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node, error) -> None:
        """xdist's terminal reporter said this; it is not registered (see sessionstart)."""
        manager = self.config.pluginmanager
        reporter = manager.get_plugin("terminalreporter")
        if error and reporter is not None and not manager.has_plugin("terminaldistreporter"):
            reporter.write_line(f"[{node.gateway.id}] node down: {error}")

    # ---------------------------------------------------------------- while items run
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for data in getattr(report, "conformance_outcomes", None) or []:
            outcome = outcome_from_dict(data)
            self.outcomes.append(outcome)
            if outcome.source_kind is SourceKind.SUITE_ERROR:  # a judge raised: our bug
                self.suite_errors.append(
                    f"{outcome.source_id} ({outcome.case_id}) {outcome.rule_id}: {outcome.message}"
                )
        self.planned += getattr(report, "conformance_planned", None) or []
        self.writes += getattr(report, "conformance_writes", None) or []
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
            if self.run.limits.dry_run and session.exitstatus in (0, 5):
                session.exitstatus = 0
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
        self.session = session
        STOP.defer()  # a signal from here on is a stop the reports say, not a half-written set
        holder = type("Report", (), {})()  # the controller's own requests (the probe)
        attach_transport_records(holder, self.run, source="pre-flight")
        self.planned += holder.conformance_planned
        self.writes += holder.conformance_writes
        if self.run.limits.dry_run:
            plan = "\n".join(self.plan_lines()) + "\n"
            (self.run.report_dir / "dry-run.txt").write_text(plan, encoding="utf-8")
            return None
        self.written = written.write(self.run.report_dir / "written.json", self.run, self.writes)
        if session.exitstatus == pytest.ExitCode.INTERRUPTED or self.interrupted or (
                STOP.requested()):
            # What ran is kept in every report, but it is no verdict on the whole target.
            self.stopped = "interrupted"
            self.stop_message = (
                f"interrupted after {len(self.items_done)} of {session.testscollected} items: "
                "the results cover only what ran"
            ) if self.items_done else summary.INTERRUPTED_STARTING
            self.suite_errors.append(self.stop_message)
        self.write_summary()
        return self.summary

    def plan_lines(self) -> list[str]:
        """The --dry-run listing, its total counted under the run's budgets."""
        products = self.run.target.products
        return written.plan_lines(
            self.planned, self.run.limits.max_requests,
            {name: product.transport.file_max for name, product in products.items()},
            written.credential_lines(self.run.target))

    def request_figures(self) -> dict | None:
        """summary.json `requests`: what the run sent to the target (token requests aside) and
        the requests a budget refused (a scenario stops at its first: its later steps are not
        counted), from the run's ledger (every xdist worker's counted)."""
        ledger = run_ledger(self.run.target.products.values())
        if ledger is None or self.run.limits.dry_run:
            return None
        try:
            sent, refused = ledger.used(), ledger.refused()
        except OSError:  # the shared file is gone: no figures rather than wrong ones
            return None
        return {"sent": sent, "refused_by_a_budget": refused,
                "max_requests": self.run.limits.max_requests,
                "max_requests_per_product": {name: product.transport.file_max
                                             for name, product in self.run.target.products.items()
                                             if product.transport.file_max is not None}}

    def stopped_late(self) -> None:
        """A signal reached the run after its last item, while its reports were written
        (`STOP.defer`: remembered, not raised): the reports say it was stopped, and the run
        exits 3, as a stop at any other moment."""
        if not STOP.requested() or self.summary is None or self.summary.get("stopped"):
            return
        self.summary = summary.rewrite_stopped_late(self.run.report_dir, self.summary)
        if self.session is not None:
            self.session.exitstatus = self.summary["exit_code"]

    def complete_reports(self, cause: str) -> None:
        """All three report files exist afterwards: a run stopped before its session ended
        (interrupted while collecting, a usage error after the report directory was chosen)
        gets an inconclusive summary naming `cause`, and the JUnit and HTML files pytest did
        not write are rendered from the summary."""
        if self.summary is None:
            self.stopped = self.stop_message = cause
            self.suite_errors.append(cause)
            if self.written is None and not self.run.limits.dry_run:  # what it wrote, all the same
                self.written = written.write(self.run.report_dir / "written.json", self.run,
                                             self.writes)
            self.write_summary()
        assert self.summary is not None
        standalone.write_missing(self.run.report_dir, self.summary)

    def write_summary(self) -> None:
        not_run = {
            p: "not in the target file or not selected (--api)"
            for p in PRODUCTS
            if p not in self.run.target.products
        }
        not_run.update({p: "not run: the product did not answer" for p in self.unreachable})
        if self.preflight_failed:  # nothing was certified: one reason, not one per rule
            not_run.update({p: "not certified: the pre-flight stopped the run"
                            for p in self.run.target.products if p not in self.unreachable})
        # xdist delivers items in any order; sorted by source (stable), the evidence kept per
        # rule is a serial run's
        answered_before = {name: sum(e.status_code is not None for e in check.exchanges)
                           for name, check in self.preflight.items()}
        outcomes, lost = settle_answers(sorted(self.outcomes, key=lambda o: o.source_id),
                                        answered_before)
        unreachable = {**self.unreachable, **lost}
        results = judge_rules(load_rules(), outcomes, not_run)
        if self.stopped:  # a rule nothing reached was not run: it "needs" nothing
            for result in results:
                # a rule of a product left out keeps that reason; one that "needs" data or
                # that nothing exercised was simply not reached
                if result.status == "skipped" and not result.sources and (
                    result.reason.startswith(("needs ", "no scenario or check"))
                ):
                    result.reason = (
                        "not run: the run was interrupted first"
                        if self.stopped == "interrupted"
                        else f"not run: {self.stopped}"
                    )
        results, waiver_section = waivers.apply(results, self.run.waivers, _today())
        verdict = fold_verdict(results, unreachable)
        if self.preflight_failed:  # a setup problem: nothing was certified
            verdict = INCONCLUSIVE
        if self.suite_errors and verdict != NON_CONFORMANT:
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
            setup_failed=self.preflight_failed,
        )
        if self.written is not None:
            self.summary["written"] = self.written
        requests = self.request_figures()
        if requests is not None:
            self.summary["requests"] = requests
        if self.stop_message:
            self.summary["stopped"] = self.stop_message
        summary.write(self.run.report_dir / "summary.json", self.summary)

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.run.limits.dry_run:
            for line in self.plan_lines():
                terminalreporter.write_line(line)
            return
        if self.summary is None:
            return
        redactor = self.run.target.redactor()
        for line in summary.screen_lines(self.summary):
            terminalreporter.write_line(redactor.text(line) or "")
