"""Certifying the mock with one mutant planted: the quick scenario fold, or a whole run.

`fold_scenarios` runs, in this process, the scripted scenarios a run of the profile sends for the
mutant's operations (each with the rng a run gives it) against the mock variant the mutant is
planted in (`Mutant.variant`) and folds them with `conformance.verdict`,
the code a run uses. Every profile runs those scenarios, so a rule they fail is failed by the
whole run too: a mutant they catch with its rule is caught. Anything else gets a whole
`conformance run --api PRODUCT --profile P` in a child process (`python -m
conformance.selftest.certifying ...`), which also certifies the two clean variants.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conformance.selftest.mutants import Mutant

FAILING = ("failed", "warning")  # a MUST rule failed, a SHOULD rule failed
ALL_PRODUCTS = ("gep", "po", "smat")
RUN_TIMEOUT_SECONDS = 600


@dataclass
class Certification:
    """What one certification of the mock (clean, or with a mutant) showed."""

    statuses: dict[str, str]  # rule id -> status
    verdict: str
    applied: int | None  # generated mutants: answers changed; None otherwise
    by: str  # "scenarios" (the fold) or "run" (a whole conformance run)
    seconds: float
    report_dir: str | None = None
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def failing(self) -> list[str]:
        return sorted(rule for rule, status in self.statuses.items() if status in FAILING)


@contextlib.contextmanager
def serving(mutant: Mutant | None, variant: str):
    """The mock of `variant` on a free loopback port, with `mutant` planted; yields (url, layer)."""
    from conformance.certify import mock_environment
    from conformance.mock.app import create_app  # the mock's start-up API, as certify uses it
    from conformance.mock.server import serve_in_thread
    from conformance.selftest.mutating import MutatingApp

    faults = (mutant.fault,) if mutant and mutant.fault else ()
    app: Any = create_app(faults=faults, variant=variant)
    layer = None
    if mutant and mutant.origin == "generated":
        app = layer = MutatingApp(app, mutant)
    with mock_environment(variant), serve_in_thread(app, "127.0.0.1", 0) as running:
        yield running.base_url, layer


def _profiles_up_to(profile: str) -> set[str]:
    from conformance.suite.options import PROFILES

    return set(PROFILES[: PROFILES.index(profile) + 1])


def fold_scenarios(mutant: Mutant, profile: str, seed: int) -> Certification:
    """The scripted scenarios of the mutant's operations against the mutated mock, folded.

    A subset of what a run of `profile` sends, judged by the same code: a rule failed here is
    failed by the run too.
    """
    from conformance.catalog import load_rules
    from conformance.certify import mock_target
    from conformance.scenarios import load_scenarios, run_scenario
    from conformance.target import load_target
    from conformance.verdict import fold_verdict, judge_rules

    began = time.monotonic()
    product, wanted = mutant.product, _profiles_up_to(profile)
    scenarios = sorted((s for s in load_scenarios()
                        if s.operation in mutant.operations and s.profile in wanted),
                       key=lambda s: s.id)
    with serving(mutant, mutant.variant) as (base_url, layer):
        target = load_target(mock_target(mutant.variant)[0], base_url=base_url,
                             products=[product])
        outcomes = [o for s in scenarios
                    for o in run_scenario(s, target, random.Random(f"{seed}:{s.id}"))]
    not_run = {p: "not in this run" for p in ALL_PRODUCTS if p != product}
    results = judge_rules(load_rules(), outcomes, not_run)
    return Certification(
        statuses={r.rule.id: r.status for r in results}, verdict=fold_verdict(results, {}),
        applied=layer.applied if layer else None, by="scenarios",
        seconds=time.monotonic() - began)


def fold_in_worker(mutant_data: dict, profile: str, seed: int) -> dict:
    """`fold_scenarios` for a process pool: plain data in and out."""
    try:
        result = fold_scenarios(Mutant.from_dict(mutant_data), profile, seed)
    except Exception as error:  # a suite error is reported with the mutant, never lost
        return {"error": f"{type(error).__name__}: {error}"}
    return result.__dict__


def whole_run(mutant: Mutant | None, variant: str, profile: str, seed: int,
              report_dir: Path) -> Certification:
    """`conformance run` in a child process against the (mutated) mock; its summary read back."""
    began = time.monotonic()
    report_dir.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "conformance.selftest.certifying", "--variant", variant,
            "--profile", profile, "--seed", str(seed), "--report-dir", str(report_dir)]
    if mutant:
        argv += ["--mutant", json.dumps(mutant.to_dict())]
    log = report_dir / "run.log"
    with log.open("w", encoding="utf-8") as out, contextlib.suppress(subprocess.TimeoutExpired):
        subprocess.run(argv, stdout=out, stderr=subprocess.STDOUT,
                       timeout=RUN_TIMEOUT_SECONDS, check=False)
    seconds = time.monotonic() - began
    try:
        summary = json.loads((report_dir / "summary.json").read_text(encoding="utf-8"))
        planted = json.loads((report_dir / "mutant.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return Certification({}, "inconclusive", None, "run", seconds, str(report_dir),
                             error=f"no summary was written ({error}); see {log}")
    return Certification(
        statuses={rule["id"]: rule["status"] for rule in summary["rules"]},
        verdict=summary["verdict"], applied=planted.get("applied"), by="run",
        seconds=seconds, report_dir=str(report_dir),
        extra={"suite_errors": summary.get("suite_errors") or []})


def _child_main(argv: list[str]) -> int:
    """The child of `whole_run`: serve the mutated mock, run `conformance run` against it."""
    from conformance import certify
    from conformance.certify import mock_target

    parser = argparse.ArgumentParser(prog="conformance.selftest.certifying")
    parser.add_argument("--variant", default="reference")
    parser.add_argument("--profile", required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--report-dir", required=True)
    parser.add_argument("--mutant")
    args = parser.parse_args(argv)
    mutant = Mutant.from_dict(json.loads(args.mutant)) if args.mutant else None
    run_argv = ["--profile", args.profile, "--seed", str(args.seed),
                "--report-dir", args.report_dir, "--target", str(mock_target(args.variant)[0])]
    if mutant:
        run_argv += ["--api", mutant.product]
    run_parser = argparse.ArgumentParser()
    certify.add_arguments(run_parser)
    with serving(mutant, args.variant) as (base_url, layer):
        code = certify.main(run_parser.parse_args([*run_argv, "--base-url", base_url]))
        applied = layer.applied if layer else None
    Path(args.report_dir, "mutant.json").write_text(
        json.dumps({"mutant": mutant.id if mutant else None, "applied": applied}),
        encoding="utf-8")
    return code


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1:]))
