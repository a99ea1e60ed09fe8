"""Suite overhead: `conformance run` (standard profile, the embedded mock) against bare
`schemathesis run` on the same three specs, phases, example count and seed.

    .venv/bin/python benchmarks/suite_overhead.py [--rounds 5] [--seed 1] [--concurrency N]

Alternating rounds, median wall time of each and their ratio (target: <= 1.1). Both sides send
the same generated cases: bare schemathesis runs with its `not_a_server_error` check only, which
the mock passes, because its default checks flag answers the documents allow and a failing check
stops schemathesis generating for that operation (with them it sent 189 of the 271 GEP cases).
Each round prints both case counts: the suite's (one answer-rule outcome per generated case, from
summary.json) and schemathesis' ("N generated"). The suite also runs the 177 scripted scenarios
and the pre-flight, realises and judges every case and writes three reports; bare schemathesis
runs against `conformance mock` in its own process, one `st run` per spec (schemathesis takes
one spec per run), with the mock's demo credentials as headers and the Smart Materials path
parameters from targets/reference.toml.
"""

import argparse
import re
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
    summary,
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


def bare_schemathesis(base_url: str, seed: int, config: Path) -> tuple[float, int, int]:
    """(wall seconds, worst exit code, test cases generated) of one `st run` per spec."""
    budget = BUDGETS["standard"]
    seconds, worst, cases = 0.0, 0, 0
    for product, spec in SPECS.items():
        argv = [PYTHON, "-m", "schemathesis.cli", "--config-file", str(config), "run",
                str(ROOT / "specs" / spec), "--url", base_url,
                "--phases", ",".join(budget.phases), "--max-examples", str(budget.max_examples),
                "--seed", str(seed), "--mode", "all", "--no-shrink",
                "--generation-database", "none", "--checks", "not_a_server_error",
                *_headers(product)]
        for operation in OPERATIONS_OF_PRODUCT[product]:
            argv += ["--include-operation-id", operation]
        took, code, tail = timed(argv, cwd=config.parent)  # its .schemathesis/ cache goes there
        seconds += took
        worst = max(worst, code)
        found = re.search(r"(\d+) generated", tail)
        cases += int(found.group(1)) if found else 0
    return seconds, worst, cases


def suite_cases(report_dir: Path) -> int:
    """Generated cases the suite sent: one answer-rule outcome each (`<operation>:transport`)."""
    return sum(sum(source["counts"].values()) for rule in summary(report_dir)["rules"]
               for source in rule.get("decided_by", []) if source["source"].endswith(":transport"))


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
                report_dir = Path(scratch) / f"suite-{round_number}"
                suite, code, tail = conformance_run(
                    "--profile", "standard", "--seed", str(args.seed), *extra,
                    "--report-dir", str(report_dir))
                if code != 0:
                    print(tail, file=sys.stderr)
                bare, bare_code, bare_cases = bare_schemathesis(base_url, args.seed, config)
                suite_times.append(suite)
                bare_times.append(bare)
                print(f"round {round_number}: suite {suite:6.2f} s (exit {code}, "
                      f"{suite_cases(report_dir)} cases)   bare schemathesis {bare:6.2f} s "
                      f"(worst exit {bare_code}, {bare_cases} cases)", flush=True)
        finally:
            stop_process(process)
    suite_median, bare_median = median(suite_times), median(bare_times)
    print(f"median: suite {suite_median:.2f} s, bare schemathesis {bare_median:.2f} s, "
          f"ratio {suite_median / bare_median:.2f} (target <= 1.1)")
    print(machine_line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
