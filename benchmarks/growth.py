"""Growth: wall time of the standard profile at 12, 25, 50, 100 and 200 examples per operation.

    .venv/bin/python benchmarks/growth.py [--examples 12,25,50,100,200] [--seed 1]

Each point is one `conformance run` against the embedded mock with the standard profile's
example budget replaced (`--as-run N` below is how a point runs: the budget table is patched in
that process only; the product has no such option). Prints wall time, the outcomes judged and
the seconds per 1,000 outcomes: cost grows linearly when that last column stays flat. The
coverage and examples phases do not depend on the example count, so the fixed part of a run
(start-up, spec loading, scenarios, coverage cases) is the intercept of the fitted line.
"""

import argparse
import sys
import tempfile
from pathlib import Path

from bench_common import PYTHON, machine_line, summary, timed


def as_run(examples: int, argv: list[str]) -> int:
    """One certification run with `examples` per operation in the standard profile."""
    from conformance import cli, fuzz

    fuzz.BUDGETS["standard"] = fuzz.Budget(examples, fuzz.BUDGETS["standard"].phases)
    return cli.main(["run", "--profile", "standard", *argv])


def _fit(points: list[tuple[int, float]]) -> tuple[float, float]:
    """Least squares: seconds = intercept + slope * examples."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sum(
        (x - mean_x) ** 2 for x, _ in points)
    return mean_y - slope * mean_x, slope


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--as-run":
        return as_run(int(sys.argv[2]), sys.argv[3:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", default="12,25,50,100,200")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=1)
    args = parser.parse_args()
    print(machine_line())
    print(f"{'examples':>8} {'wall s':>8} {'outcomes':>9} {'s/1000 outcomes':>16}  verdict")
    points = []
    with tempfile.TemporaryDirectory() as scratch:
        for examples in (int(x) for x in args.examples.split(",")):
            report_dir = Path(scratch) / str(examples)
            seconds, _, tail = timed(
                [PYTHON, __file__, "--as-run", str(examples), "--seed", str(args.seed),
                 "--concurrency", str(args.concurrency), "--report-dir", str(report_dir)])
            try:
                document = summary(report_dir)
            except OSError:
                print(tail, file=sys.stderr)
                return 1
            outcomes = sum(document["counts"]["outcomes"].values())
            points.append((examples, seconds))
            print(f"{examples:>8} {seconds:>8.1f} {outcomes:>9} {1000 * seconds / outcomes:>16.2f}"
                  f"  {document['verdict']}", flush=True)
    if len({x for x, _ in points}) < 2:
        print("fit: needs two example counts or more (--examples 12,25,...)")
    else:
        intercept, slope = _fit(points)
        worst = max(abs(y - (intercept + slope * x)) / y for x, y in points)
        print(f"fit: {intercept:.1f} s + {slope:.3f} s per example per operation; "
              f"largest deviation from the line {100 * worst:.0f}%")
    print(machine_line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
