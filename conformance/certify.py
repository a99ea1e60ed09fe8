"""`conformance run`: certify a target (the embedded reference mock when none is named).

A thin adapter: it validates the options and the target file (so a mistake is one line and exit
2, before any request), starts the mock when there is no target, and runs pytest with the
plugin (`conformance.plugin`) — the same run `pytest --pyargs conformance.suite
--conformance-target FILE` gives. The exit code is the verdict's, read back from summary.json.
"""

import argparse
import contextlib
import dataclasses
import ipaddress
import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from conformance import summary
from conformance.contract_files import targets_dir
from conformance.errors import EXIT_USAGE, UsageError
from conformance.stopping import STOP, stop_on_signals
from conformance.suite import options as run_options
from conformance.suite import settings as run_settings
from conformance.suite import written
from conformance.verdict import EXIT_CODES, INCONCLUSIVE

EXIT_INCONCLUSIVE = EXIT_CODES[INCONCLUSIVE]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    run_options.add_to_cli(parser)
    parser.add_argument("-n", "--workers", metavar="N", help="pytest-xdist workers (e.g. 2, auto)")
    parser.add_argument(
        "--mock-fault", action="append", default=[], metavar="NAME",
        help="embedded mock only: plant a defect (repeatable), for a failing report to look at;"
        " `conformance mock --list-faults` names them",
    )  # fmt: skip
    parser.add_argument(
        "--mock-variant", choices=("reference", "alternate"),
        help="embedded mock only: which correct target it is (default reference)",
    )  # fmt: skip


def _pytest_args(
    args: argparse.Namespace, target_file: Path | None, base_url: str | None, seed: int
) -> list[str]:
    from conformance.plugin import main_args

    values = {**vars(args), "target": target_file, "base_url": base_url, "seed": seed}
    # -qq --no-summary: pytest shows progress only; the run's own lines (printed after pytest
    # returns) end the output, so the verdict is the last line and the report path is said once
    argv = [*main_args(), *run_options.as_pytest_args(values), "-qq", "--no-summary"]
    if args.workers:
        argv += ["-n", str(args.workers)]
    return argv


def _settings(args: argparse.Namespace, target_file: Path | None, base_url: str | None, **extra):
    return run_settings.build(
        target=str(target_file) if target_file else None,
        base_url=base_url,
        api=args.api,
        profile=args.profile,
        waivers=args.waivers,
        baseline=args.baseline,
        fail_on=args.fail_on,
        rate_limit=args.rate_limit,
        max_requests=args.max_requests,
        retry_after_max=args.retry_after_max,
        concurrency=args.concurrency,
        dry_run=args.dry_run,
        **{"seed": 0, "report_dir": args.report_dir or ".", "default_report_dir": False, **extra},
    )


@dataclasses.dataclass
class _Ending:
    """How a run ends, once the embedded mock (if any) is stopped: `code`, or the summary to
    print (`document`, its reports in `report_dir`) and its exit code."""

    code: int | None = None
    document: dict | None = None
    report_dir: Path | None = None
    default_dir: bool = False


def _end(ending: _Ending) -> int:
    """The verdict printed last. A signal that came after the last item (`STOP.defer`: it was
    remembered, not raised), the mock's shutdown included, makes the run a stop: the reports
    are rewritten so (`summary.rewrite_stopped_late`) and the run exits 3."""
    document = ending.document
    if document is None or ending.report_dir is None:
        return ending.code or 0
    if STOP.requested() and not document.get("stopped"):
        document = summary.rewrite_stopped_late(ending.report_dir, document)
        if ending.default_dir:
            run_settings.copy_to_latest(ending.report_dir)
    for line in summary.screen_lines(document):
        print(line)
    return int(document.get("exit_code", EXIT_CODES[document["verdict"]]))


def _run_pytest(
    args: argparse.Namespace, target_file: Path | None, base_url: str | None, note: str = ""
) -> _Ending:
    """`target_file` None: reference.toml's data on `base_url` (someone's server); `note` is
    printed once the options are known to be good."""
    import pytest

    _settings(args, target_file, base_url)  # a wrong target file is one line and exit 2
    if note:
        print(note, flush=True)
    seed = args.seed
    print(f"conformance: seed {seed} (repeat with --seed {seed})", flush=True)
    default_dir = args.report_dir is None
    if default_dir:
        args.report_dir = str(run_settings.timestamped_report_dir())
    report_dir = Path(args.report_dir).absolute()
    status = None
    started = time.time()
    try:
        status = pytest.main(_pytest_args(args, target_file, base_url, seed))
    except KeyboardInterrupt:  # while pytest was loading, before its session: a stop all the same
        status = pytest.ExitCode.INTERRUPTED
    finally:  # whatever stopped pytest, the three files (the cause, if it wrote no summary)
        cause = (summary.INTERRUPTED_STARTING if status == pytest.ExitCode.INTERRUPTED else
                 f"the run stopped before writing its verdict ({report_dir / 'summary.json'})")
        document = {} if args.dry_run else _complete_reports(
            args, target_file, base_url, seed, report_dir, cause
        )
        if default_dir and not args.dry_run:  # a dry run leaves the last real run's reports
            run_settings.copy_to_latest(report_dir)
    if status == pytest.ExitCode.USAGE_ERROR:
        return _Ending(EXIT_USAGE)
    if args.dry_run:  # the plan the run wrote; no verdict
        plan = report_dir / "dry-run.txt"
        if status == pytest.ExitCode.INTERRUPTED or STOP.requested():
            # a part of a plan would undercount what a run sends: none of its files is left
            _remove_written_since(report_dir, started, ("dry-run.txt", "junit.xml",
                                                        "report.html"))
            print("conformance: the dry run was interrupted before its plan was complete:"
                  " nothing was sent, no plan written — run it again to the end", file=sys.stderr)
            return _Ending(EXIT_INCONCLUSIVE)
        if plan.is_file():
            print("\n".join(written.screen_plan(plan.read_text(encoding="utf-8"))))
            print(f"conformance: the whole plan, every record touched listed: {plan}")
        return _Ending(0 if status == pytest.ExitCode.OK else EXIT_INCONCLUSIVE)
    return _Ending(document=document, report_dir=report_dir, default_dir=default_dir)


def _remove_written_since(folder: Path, since: float, names: tuple[str, ...]) -> None:
    """The files of `names` this run wrote into `folder` (none older: someone's reports), and
    the folder when that leaves it empty."""
    for name in names:
        path = folder / name
        with contextlib.suppress(OSError):
            if path.stat().st_mtime >= since - 1:
                path.unlink()
    with contextlib.suppress(OSError):  # not empty: left as it is
        folder.rmdir()


def _complete_reports(args, target_file, base_url, seed: int, report_dir: Path,
                      cause: str) -> dict:
    """summary.json as the run wrote it; when pytest stopped before writing it, an
    inconclusive one saying why (`cause`), and the other two reports rendered from it."""
    summary_file = report_dir / "summary.json"
    try:
        return json.loads(summary_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    from conformance.suite.certification import Certification

    run = _settings(args, target_file, base_url, seed=seed, report_dir=str(report_dir))
    certification = Certification(None, run)
    certification.complete_reports(cause)
    return certification.summary or {}


@contextlib.contextmanager
def _environment(values: dict[str, str]):
    """Demo credentials of the mock, overriding, for the run only."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def mock_target(variant: str) -> tuple[Path, dict[str, str]]:
    """The target file describing the mock's `variant` and its demo credentials (env-var values)."""
    from conformance import mock

    if variant == "alternate":
        return targets_dir() / "mock-alternate.toml", dict(mock.ALTERNATE_DEMO_CREDENTIALS)
    return targets_dir() / "reference.toml", dict(mock.DEMO_CREDENTIALS)


@contextlib.contextmanager
def mock_environment(variant: str):
    """The variant's demo credentials in the environment, for the block only."""
    with _environment(mock_target(variant)[1]):
        yield


@contextlib.contextmanager
def embedded_mock(variant: str = "reference", faults: tuple[str, ...] = ()):
    """The reference mock on a free loopback port, in a process of its own (`mock.child`), its
    demo credentials in the environment: yields (its target file, its base URL); stopped on
    exit. A mock that does not start is a UsageError naming why."""
    from conformance.mock.child import MockProcess
    from conformance.mock.faults import UnknownFault

    target_file, credentials = mock_target(variant)
    try:
        running = MockProcess(variant, faults)  # its own process: the suite keeps its core
    except UnknownFault as error:
        raise UsageError(
            f"--mock-fault: {error} — `conformance mock --list-faults` names them"
        ) from None
    except RuntimeError as error:  # it printed why on its stderr; the last line says it
        raise UsageError(f"{error} — try `conformance mock` alone to see it fail") from None
    with _environment(dict(credentials)), running:
        yield target_file, running.base_url


def _certify_mock(args: argparse.Namespace) -> int:
    variant = args.mock_variant or "reference"
    with embedded_mock(variant, tuple(args.mock_fault)) as (target_file, base_url):
        print(
            f"conformance: certifying the embedded mock ({variant}) at {base_url}",
            flush=True,
        )
        ending = _run_pytest(args, target_file, base_url)
    return _end(ending)  # the mock stopped first: the verdict is the last line


def _mock_target_file(args: argparse.Namespace) -> str:
    """The target file of the embedded mock's variant."""
    return str(mock_target(args.mock_variant or "reference")[0])


REPORT_FILES = ("summary.json", "junit.xml", "report.html", "written.json")

def main(args: argparse.Namespace) -> int:
    try:
        return _main(args)
    except UsageError as error:
        # CI publishes the directory it named: it holds the cause too, unless it holds an
        # earlier run's reports (a baseline, say): bad input changes nothing
        earlier = args.report_dir and any(
            (Path(args.report_dir) / name).exists() for name in REPORT_FILES)
        if args.report_dir and args.report_dir.strip() and not earlier:  # ' ': no folder
            _refused_reports(args, f"usage error: {error}", EXIT_USAGE,
                             "not run: the run was refused (usage error, see suite_errors)")
        raise


def _interrupted_before_the_run(args: argparse.Namespace) -> int:
    """Ctrl-C (or SIGTERM) once the options were read, before pytest started (the embedded mock
    starting, the target file read): the documented stop, as later in a run. The three reports
    say it (`stopped`, verdict inconclusive), the verdict line ends the output, exit 3."""
    default_dir = args.report_dir is None
    if default_dir:
        args.report_dir = str(run_settings.timestamped_report_dir())
    document = _refused_reports(args, summary.INTERRUPTED_BEFORE, EXIT_INCONCLUSIVE,
                                f"not run: {summary.INTERRUPTED_BEFORE}", stopped=True)
    if default_dir:
        run_settings.copy_to_latest(Path(args.report_dir))
    for line in summary.screen_lines(document):
        print(line)
    return int(document.get("exit_code", EXIT_INCONCLUSIVE))


def _refused_reports(args: argparse.Namespace, cause: str, exit_code: int, reason: str,
                     stopped: bool = False) -> dict:
    """The three reports of a run that never reached pytest, in args.report_dir: refused (a
    usage error, exit 2) or stopped (interrupted, exit 3); the summary's suite error (and
    `stopped`), a JUnit error case and the page all say why, every rule `reason`."""
    from conformance.report import standalone
    from conformance.suite.certification import Certification
    from conformance.target import Target

    name = run_settings.target_name_of(args.target, args.base_url) or "target"
    run = run_settings.RunSettings(
        target=Target(name=name, path=None, products={}),
        target_file=run_settings.target_file_of(args.target),
        profile=args.profile,
        seed=args.seed or 0,
        report_dir=Path(args.report_dir).absolute(),
        default_report_dir=False,
    )
    certification = Certification(None, run)
    certification.stopped = cause
    if stopped:
        certification.stop_message = cause
    certification.suite_errors.append(cause)
    document: dict = {}
    try:
        if stopped:  # every stopped run names what it wrote: here nothing
            certification.written = written.write(run.report_dir / "written.json", run, [])
        certification.write_summary()
        document = {**(certification.summary or {}), "exit_code": exit_code}
        for rule in document.get("rules", []):
            rule["reason"] = reason
        summary.write(run.report_dir / "summary.json", document)
        for name in ("junit.xml", "report.html"):
            (run.report_dir / name).unlink(missing_ok=True)
        standalone.write_missing(run.report_dir, document)
    except OSError:  # the directory itself is the mistake: the message says so
        pass
    return document


def _check_workers(value: str | None) -> None:
    """-n: a number of pytest-xdist workers, 1 or more, or `auto` (one per core)."""
    if value is not None and value != "auto" and not (value.isdigit() and int(value) >= 1):
        raise UsageError(f"-n {value}: give a number of workers, 1 or more, or auto")


def _main(args: argparse.Namespace) -> int:
    STOP.clear()  # a new run (tests run several in one process)
    stop_on_signals()
    _check_workers(args.workers)
    run_settings.refuse_empty(vars(args))
    report_dir_existed = bool(args.report_dir) and Path(args.report_dir).exists()
    run_settings.check_options(  # a wrong option is refused before a mock starts
        api=args.api,
        waivers=args.waivers,
        baseline=args.baseline,
        fail_on=args.fail_on,
        report_dir=args.report_dir,
        rate_limit=args.rate_limit,
        max_requests=args.max_requests,
        retry_after_max=args.retry_after_max,
        concurrency=args.concurrency,
        target_name=run_settings.target_name_of(
            args.target or (None if args.base_url else _mock_target_file(args)), args.base_url
        ),
    )
    mock_options = args.mock_fault or args.mock_variant
    if (args.target or args.base_url) and mock_options:
        raise UsageError(
            "--mock-fault/--mock-variant: only without --target and --base-url"
            " — drop them, or drop the target"
        )
    if args.seed is None:  # known from here on: a report of an early stop names it too
        args.seed = run_settings.new_seed()
    try:
        return _start(args)
    except KeyboardInterrupt:  # options read, pytest not started: the documented stop
        if args.dry_run:  # a plan, not a run: no reports (cli: one line), no folder it made
            if args.report_dir and not report_dir_existed:
                with contextlib.suppress(OSError):
                    Path(args.report_dir).rmdir()
            raise
        return _interrupted_before_the_run(args)


def _start(args: argparse.Namespace) -> int:
    if args.target or args.base_url:
        target = Path(args.target) if args.target else None
        demo = _demo_credentials_for(args)
        note = (
            f"conformance: loopback --base-url: the reference mock's demo credentials stand in"
            f" for the {len(demo)} variable(s) not exported (docs/mock.md)"
        )
        with _environment(demo):
            ending = _run_pytest(args, target, args.base_url, note if demo else "")
        return _end(ending)
    return _certify_mock(args)


def _demo_credentials_for(args: argparse.Namespace) -> dict[str, str]:
    """`--base-url` on a loopback address with reference.toml's data is how one certifies a
    `conformance mock` started by hand: the mock's published demo credentials fill the
    variables the user has not exported (an exported value always wins). Any other URL, or a
    target file of one's own, gets nothing: its credentials are the user's."""
    if args.target or not args.base_url or not _is_loopback(args.base_url):
        return {}
    from conformance import mock

    return {k: v for k, v in mock.DEMO_CREDENTIALS.items() if not os.environ.get(k)}


def _is_loopback(url: str) -> bool:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:  # no URL: the target file's check says so, with the fix
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
