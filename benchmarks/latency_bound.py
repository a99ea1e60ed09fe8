"""Latency-bound target: the standard profile against the mock behind 50, 100 and 300 ms of added
latency per request, one request at a time against --concurrency 8 and 16.

    .venv/bin/python benchmarks/latency_bound.py [--latency-ms 50,100,300]
                                                 [--concurrency 1,8,16] [--seed 1]

The target is `conformance mock --latency-ms N` (the mock app behind an asyncio delay,
`conformance/mock/latency.py`, in its own process, fresh for every run so that every run meets
the seed data). Prints, per latency and
concurrency, the wall time, the verdict and whether summary.json equals the serial run's (times,
ports and report paths aside). Target: 100 ms, <= 25 s wall, same verdict as serial. The first
concurrency listed is the reference the others are compared with (put 1 first).
"""

import argparse
import sys
import tempfile
from pathlib import Path

from bench_common import (
    PYTHON,
    comparable,
    conformance_run,
    demo_environment,
    machine_line,
    start_process,
    stop_process,
    summary,
)


def _numbers(text: str, kind=int) -> list:
    return [kind(part) for part in text.split(",") if part.strip()]


def difference(reference: dict, other: dict) -> str:
    """Which rules' entries differ, and in what (for a DIFFERENT line)."""
    if reference.get("verdict") != other.get("verdict"):
        return f"verdict {reference.get('verdict')} against {other.get('verdict')}"
    theirs = {rule["id"]: rule for rule in other.get("rules", [])}
    differing = []
    for rule in reference.get("rules", []):
        if rule != theirs.get(rule["id"]):
            keys = [k for k in rule if rule[k] != theirs.get(rule["id"], {}).get(k)]
            differing.append(f"{rule['id']} ({', '.join(keys)})")
    rest = [k for k in reference if k != "rules" and reference[k] != other.get(k)]
    return "; ".join(differing[:5] + rest)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", default="50,100,300")
    parser.add_argument("--concurrency", default="1,8,16")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", default="standard")
    parser.add_argument("--keep", metavar="DIR", help="keep every run's reports under DIR")
    args = parser.parse_args()
    print(machine_line())
    print(f"{'latency':>8} {'concurrency':>11} {'wall s':>8}  verdict         summary")
    env = demo_environment()
    with tempfile.TemporaryDirectory() as temporary:
        scratch = args.keep or temporary
        for latency in _numbers(args.latency_ms, float):
            reference = None
            for concurrency in _numbers(args.concurrency):
                process, base_url = start_process(
                    [PYTHON, "-m", "conformance.cli", "mock", "--port", "0",
                     "--latency-ms", str(latency)])
                report_dir = Path(scratch) / f"{latency}-{concurrency}"
                try:
                    seconds, _, tail = conformance_run(
                        "--base-url", base_url, "--profile", args.profile, "--seed",
                        str(args.seed), "--concurrency", str(concurrency),
                        "--report-dir", str(report_dir), env=env)
                finally:
                    stop_process(process)
                try:
                    document = summary(report_dir)
                except OSError:
                    print(tail, file=sys.stderr)
                    return 1
                same = "reference"
                if reference is None:
                    reference = comparable(document)
                else:
                    same = "equal" if comparable(document) == reference else "DIFFERENT: " + (
                        difference(reference, comparable(document)))
                print(f"{latency:>6.0f}ms {concurrency:>11} {seconds:>8.1f}  "
                      f"{document['verdict']:<15} {same}", flush=True)
    print(machine_line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
