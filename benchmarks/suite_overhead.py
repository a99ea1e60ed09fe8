"""Suite overhead: `conformance run` (standard profile, the embedded mock) against bare
`schemathesis run` on the same three specs, phases, example count and seed.

    .venv/bin/python benchmarks/suite_overhead.py [--rounds 5] [--seed 1] [--concurrency N]

Alternating rounds, median wall time of each and their ratio (target: <= 1.1). The suite also
runs the scripted scenarios, judges with its own checks and writes three reports; bare
schemathesis runs its default checks against `conformance mock` in its own process, one
`st run` per spec (schemathesis takes one spec per run), with the mock's demo credentials as
headers and the Smart Materials path parameters from targets/reference.toml.
"""

import argparse
import sys
import tempfile
from pathlib import Path

from bench_common import (
    PYTHON,
    ROOT,
    conformance_run,
    machine_line,
    median,
    start_mock,
    stop_process,
    timed,
)

from conformance import mock
from conformance.fuzz import BUDGETS, OPERATIONS_OF_PRODUCT

SPECS = {"gep": "gep-smart.yaml", "po": "po-service.yaml", "smat": "smart-materials.yaml"}


def _headers(product: str) -> list[str]:
    creds = mock.DEMO_CREDENTIALS
    token = {"gep": "CONFORMANCE_GEP_TOKEN", "po": "CONFORMANCE_PO_TOKEN",
             "smat": "CONFORMANCE_SMAT_TOKEN"}[product]
    headers = [f"Authorization: Bearer {creds[token]}"]
    if product == "po":
        headers += [f"userId: {creds['CONFORMANCE_PO_USER_ID']}",
                    f"appId: {creds['CONFORMANCE_PO_APP_ID']}"]
    return [arg for header in headers for arg in ("-H", header)]


def _config_file(directory: Path) -> Path:
    """schemathesis.toml: the Smart Materials path parameters of targets/reference.toml."""
    path = directory / "schemathesis.toml"
    path.write_text('[parameters]\nproject = "RS"\ndiscipline = "PIPING"\nlanguage = "English"\n'
                    "key = 8042\n", encoding="utf-8")
    return path


def bare_schemathesis(base_url: str, seed: int, config: Path) -> tuple[float, int]:
    budget = BUDGETS["standard"]
    seconds, worst = 0.0, 0
    for product, spec in SPECS.items():
        argv = [PYTHON, "-m", "schemathesis.cli", "--config-file", str(config), "run",
                str(ROOT / "specs" / spec), "--url", base_url,
                "--phases", ",".join(budget.phases), "--max-examples", str(budget.max_examples),
                "--seed", str(seed), "--mode", "all", "--no-shrink",
                "--generation-database", "none", *_headers(product)]
        for operation in OPERATIONS_OF_PRODUCT[product]:
            argv += ["--include-operation-id", operation]
        took, code, _ = timed(argv, cwd=config.parent)  # its .schemathesis/ cache goes there
        seconds += took
        worst = max(worst, code)
    return seconds, worst


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--concurrency", type=int, help="the suite's (default: the profile's)")
    args = parser.parse_args()
    print(machine_line())
    suite_times, bare_times = [], []
    with tempfile.TemporaryDirectory() as scratch:
        config = _config_file(Path(scratch))
        process, base_url = start_mock()
        try:
            for round_number in range(1, args.rounds + 1):
                extra = ["--concurrency", str(args.concurrency)] if args.concurrency else []
                suite, code, tail = conformance_run(
                    "--profile", "standard", "--seed", str(args.seed), *extra,
                    "--report-dir", str(Path(scratch) / f"suite-{round_number}"))
                if code != 0:
                    print(tail, file=sys.stderr)
                bare, bare_code = bare_schemathesis(base_url, args.seed, config)
                suite_times.append(suite)
                bare_times.append(bare)
                print(f"round {round_number}: suite {suite:6.2f} s (exit {code})   "
                      f"bare schemathesis {bare:6.2f} s (worst exit {bare_code})", flush=True)
        finally:
            stop_process(process)
    suite_median, bare_median = median(suite_times), median(bare_times)
    print(f"median: suite {suite_median:.2f} s, bare schemathesis {bare_median:.2f} s, "
          f"ratio {suite_median / bare_median:.2f} (target <= 1.1)")
    print(machine_line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
