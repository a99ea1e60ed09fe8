"""`conformance run`: certify a target (the embedded reference mock when none is named).

A thin adapter: it validates the options and the target file (so a mistake is one line and exit
2, before any request), starts the mock when there is no target, and runs pytest with the
plugin (`conformance.plugin`) — the same run `pytest --pyargs conformance.suite
--conformance-target FILE` gives. The exit code is the verdict's, read back from summary.json.
"""

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path

from conformance.contract_files import targets_dir
from conformance.errors import UsageError
from conformance.suite import options as run_options
from conformance.suite import settings as run_settings
from conformance.verdict import EXIT_CODES

EXIT_USAGE, EXIT_INCONCLUSIVE = 2, 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    run_options.add_to_cli(parser)
    parser.add_argument("-n", "--workers", metavar="N", help="pytest-xdist workers (e.g. 2, auto)")
    parser.add_argument(
        "--mock-fault", action="append", default=[], metavar="NAME", help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--mock-variant", choices=("reference", "alternate"), help=argparse.SUPPRESS
    )


def _pytest_args(
    args: argparse.Namespace, target_file: Path, base_url: str | None, seed: int
) -> list[str]:
    from conformance.plugin import main_args

    values = {**vars(args), "target": target_file, "base_url": base_url, "seed": seed}
    argv = [*main_args(), *run_options.as_pytest_args(values), "-q", "-rN"]
    if args.workers:
        argv += ["-n", str(args.workers)]
    return argv


def _run_pytest(args: argparse.Namespace, target_file: Path, base_url: str | None) -> int:
    import pytest

    # validate before pytest starts: a wrong target file is one line and exit 2
    run_settings.build(
        target=str(target_file),
        base_url=base_url,
        api=args.api,
        profile=args.profile,
        seed=0,
        report_dir=args.report_dir or ".",
        default_report_dir=False,
        waivers=args.waivers,
        baseline=args.baseline,
        fail_on=args.fail_on,
    )
    seed = args.seed if args.seed is not None else run_settings.new_seed()
    print(f"conformance: seed {seed} (repeat with --seed {seed})", flush=True)
    default_dir = args.report_dir is None
    if default_dir:
        args.report_dir = str(run_settings.timestamped_report_dir())
    status = pytest.main(_pytest_args(args, target_file, base_url, seed))
    summary_file = Path(args.report_dir) / "summary.json"
    if default_dir:
        run_settings.copy_to_latest(Path(args.report_dir))
    if status == pytest.ExitCode.USAGE_ERROR:
        return EXIT_USAGE
    try:
        document = json.loads(summary_file.read_text(encoding="utf-8"))
        return int(document.get("exit_code", EXIT_CODES[document["verdict"]]))
    except (OSError, ValueError, KeyError, TypeError):
        print(
            f"conformance: inconclusive — no verdict was written ({summary_file})", file=sys.stderr
        )
        return EXIT_INCONCLUSIVE


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


@contextlib.contextmanager
def embedded_mock(variant: str = "reference", faults: tuple[str, ...] = ()):
    """The reference mock on a free loopback port, its demo credentials in the environment:
    yields (its target file, its base URL); stopped on exit."""
    from conformance import mock
    from conformance.mock.faults import UnknownFault
    from conformance.mock.server import start_in_thread

    if variant == "alternate":
        target_file = targets_dir() / "mock-alternate.toml"
        credentials = getattr(mock, "ALTERNATE_DEMO_CREDENTIALS", mock.DEMO_CREDENTIALS)
    else:
        target_file = targets_dir() / "reference.toml"
        credentials = mock.DEMO_CREDENTIALS
    try:
        running = start_in_thread(host="127.0.0.1", port=0, faults=faults, variant=variant)
    except UnknownFault as error:
        raise UsageError(
            f"--mock-fault: {error} — `conformance mock --list-faults` names them"
        ) from None
    with _environment(dict(credentials)), running:
        yield target_file, running.base_url


def _certify_mock(args: argparse.Namespace) -> int:
    variant = args.mock_variant or "reference"
    with embedded_mock(variant, tuple(args.mock_fault)) as (target_file, base_url):
        print(
            f"conformance: certifying the embedded mock ({variant}) at {base_url}",
            flush=True,
        )
        return _run_pytest(args, target_file, base_url)


def main(args: argparse.Namespace) -> int:
    run_settings.check_options(  # a wrong option is refused before a mock starts
        api=args.api,
        waivers=args.waivers,
        baseline=args.baseline,
        fail_on=args.fail_on,
        report_dir=args.report_dir,
    )
    mock_options = args.mock_fault or args.mock_variant
    if (args.target or args.base_url) and mock_options:
        raise UsageError(
            "--mock-fault/--mock-variant: only without --target and --base-url"
            " — drop them, or drop the target"
        )
    if args.target or args.base_url:
        return _run_pytest(args, run_settings.target_file_of(args.target), args.base_url)
    return _certify_mock(args)
