"""`conformance selftest`: certify the mock clean and once per mutant; print and write the score.

Order of work, `--jobs` processes at a time: every mutant first gets the scenario fold
(`certifying.fold_scenarios`, about a second); a mutant the fold catches with its rule is
caught by every profile. The rest, and the two clean variants, get a whole `conformance run`
(`--api` the mutant's product, the chosen profile). `--whole-runs` skips the fold. A generated
mutant the reference mock never let act is then planted in the alternate variant (fold, then
whole run); only one neither variant lets act is "not planted". Exit 0 only when every mutant is
caught with its rule and both clean variants pass every rule.
"""

from __future__ import annotations

import argparse
import fnmatch
import multiprocessing
import os
import time
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path

from conformance import __version__
from conformance.errors import UsageError
from conformance.selftest import certifying, report
from conformance.selftest.certifying import Certification
from conformance.selftest.mutants import Mutant, all_mutants
from conformance.selftest.score import (
    CAUGHT,
    NOT_PLANTED,
    MutantResult,
    VariantResult,
    perfect,
    score,
)

EXIT_PERFECT, EXIT_NOT_PERFECT = 0, 1
VARIANTS = ("reference", "alternate")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from conformance.suite.options import PROFILES

    parser.add_argument("--profile", choices=PROFILES, default="standard",
                        help="the profile of the whole runs (default standard)")
    parser.add_argument("--seed", type=int, default=1,
                        help="the seed of every certification (default 1)")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                        help="certifications at a time, each in its own process (default: cores)")
    parser.add_argument("--only", metavar="PATTERNS",
                        help="comma-separated mutant ids or shell patterns ('po-*,*/echo/*');"
                        " the clean variants always run")
    parser.add_argument("--whole-runs", action="store_true",
                        help="certify every mutant with a whole run (no scenario fold first)")
    parser.add_argument("--report-dir", metavar="DIR", default="reports/selftest",
                        help="where selftest.json, selftest.html and each run's reports go"
                        " (default reports/selftest)")
    parser.add_argument("--list", action="store_true",
                        help="list the mutants with what each breaks, then exit")


def select(mutants: list[Mutant], only: str | None) -> list[Mutant]:
    """The mutants `--only` names; a pattern that names none is a usage error."""
    if not only:
        return mutants
    patterns = [p.strip() for p in only.split(",") if p.strip()]
    unmatched = [p for p in patterns if not any(fnmatch.fnmatchcase(m.id, p) for m in mutants)]
    if unmatched:
        raise UsageError(f"--only: {', '.join(unmatched)} names no mutant"
                         " — `conformance selftest --list` lists them")
    return [m for m in mutants if any(fnmatch.fnmatchcase(m.id, p) for p in patterns)]


def _report_dir(text: str) -> Path:
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise UsageError(f"--report-dir: {path} is a file — name a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"--report-dir: cannot create {path} ({error.strerror})"
                         " — name a folder you can write") from None
    return path


class _Progress:
    def __init__(self, total: int) -> None:
        self.done, self.total = 0, total

    def line(self, status: str, name: str, detail: str) -> None:
        self.done += 1
        width = len(str(self.total))
        print(f"[{self.done:{width}}/{self.total}] {status:14} {name}  {detail}", flush=True)


def _detail(result: MutantResult) -> str:
    if result.status == CAUGHT:
        return f"by {', '.join(result.caught_by)} ({result.certification.by})"
    if result.certification.error:
        return result.certification.error
    if result.other_failing:
        return f"ought to be {result.mutant.rules[0]}; failed {', '.join(result.other_failing)}"
    return f"ought to be {result.mutant.rules[0]}; no rule failed ({result.certification.by})"


def _fold_first(mutants: list[Mutant], args: argparse.Namespace, progress: _Progress,
                results: dict[str, MutantResult]) -> list[Mutant]:
    """The scenario fold for every mutant; the caught ones go to `results`, the rest back."""
    if args.whole_runs or not mutants:
        return list(mutants)
    pending = []
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=args.jobs, mp_context=context) as pool:
        futures = {pool.submit(certifying.fold_in_worker, m.to_dict(), args.profile,
                               args.seed): m for m in mutants}
        for future in as_completed(futures):
            mutant = futures[future]
            data = future.result()
            if "error" in data and "statuses" not in data:
                pending.append(mutant)
                continue
            result = MutantResult(mutant, Certification(**data))
            if result.status == CAUGHT:
                results[mutant.id] = result
                progress.line(result.status, _label(mutant), _detail(result))
            else:
                pending.append(mutant)  # the whole run decides
    return pending


def _label(mutant: Mutant) -> str:
    return mutant.id if mutant.variant == "reference" else f"{mutant.id} ({mutant.variant} mock)"


def _mutant_folder(out: Path, mutant: Mutant) -> Path:
    suffix = "" if mutant.variant == "reference" else f"__{mutant.variant}"
    return out / "mutants" / (mutant.id.replace("/", "__") + suffix)


def _plant_on_alternate(results: dict[str, MutantResult], args: argparse.Namespace, out: Path,
                        progress: _Progress) -> None:
    """A generated mutant the reference mock never let act (it answers no 201, no 200 with
    errors) is planted once more in the alternate variant, which gives those answers; it is
    left out of the score only when that variant never lets it act either."""
    retry = [replace(r.mutant, variant="alternate") for r in results.values()
             if r.status == NOT_PLANTED]
    if not retry:
        return
    progress.total += len(retry)
    print(f"{len(retry)} generated mutants never acted on the reference mock: planted once more"
          f" in the alternate variant ({progress.total} runs in all)", flush=True)
    again: dict[str, MutantResult] = {}
    pending = _fold_first(retry, args, progress, again)
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        runs = {pool.submit(certifying.whole_run, m, m.variant, args.profile, args.seed,
                            _mutant_folder(out, m)): m for m in pending}
        for future in as_completed(runs):
            mutant = runs[future]
            again[mutant.id] = MutantResult(mutant, future.result())
            progress.line(again[mutant.id].status, _label(mutant), _detail(again[mutant.id]))
    results.update(again)


def _certify_all(mutants: list[Mutant], args: argparse.Namespace, out: Path,
                 progress: _Progress) -> tuple[list[MutantResult], list[VariantResult]]:
    results: dict[str, MutantResult] = {}
    pending = _fold_first(mutants, args, progress, results)
    variants: dict[str, VariantResult] = {}
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        runs: dict[Future, tuple[str, Mutant | None]] = {}
        for variant in VARIANTS:
            runs[pool.submit(certifying.whole_run, None, variant, args.profile, args.seed,
                             out / "clean" / variant)] = (variant, None)
        for mutant in pending:
            runs[pool.submit(certifying.whole_run, mutant, mutant.variant, args.profile,
                             args.seed, _mutant_folder(out, mutant))] = (mutant.variant, mutant)
        for future in as_completed(runs):
            variant, maybe = runs[future]
            cert = future.result()
            if maybe is None:
                variants[variant] = VariantResult(variant, cert)
                failing = ", ".join(cert.failing) or cert.error or ""
                progress.line(variants[variant].status, f"clean mock ({variant})",
                              f"{cert.verdict} {failing}".strip())
            else:
                results[maybe.id] = MutantResult(maybe, cert)
                progress.line(results[maybe.id].status, _label(maybe), _detail(results[maybe.id]))
    _plant_on_alternate(results, args, out, progress)
    order = {m.id: i for i, m in enumerate(mutants)}
    return (sorted(results.values(), key=lambda r: order[r.mutant.id]),
            [variants[v] for v in VARIANTS])


def _print_summary(document: dict) -> None:
    s = document["score"]
    o = s["overall"]
    print(f"\nconformance selftest · profile {document['profile']} · seed {document['seed']}"
          f" · {document['wall_seconds']} s")
    for name, ratio in s["by_operation"].items():
        print(f"  {name:52} {ratio['caught']:3}/{ratio['total']:<3} {ratio['percent']}%")
    for name, ratio in {**s["by_origin"], **s["by_kind"]}.items():
        print(f"  {name:52} {ratio['caught']:3}/{ratio['total']:<3} {ratio['percent']}%")
    for variant in document["clean_variants"]:
        print(f"  clean mock ({variant['variant']}): {variant['status']}"
              f" {', '.join(variant['failing_rules'])}".rstrip())
    misses = [m for m in document["mutants"] if m["status"] != CAUGHT]
    for m in misses:
        print(f"  {m['status']:13} {m['id']}: {m['breaks']}")
    print(f"mutation score {o['percent']}% ({o['caught']}/{o['total']}, clean variants"
          f" included); false failures {s['false_failures']}")


def main(args: argparse.Namespace) -> int:
    mutants = all_mutants()
    if args.list:
        for m in mutants:
            print(f"{m.id:60} {m.rules[0] if m.rules else '':34} {m.breaks}")
        kinds = {o: sum(m.origin == o for m in mutants) for o in ("fault", "generated")}
        print(f"{len(mutants)} mutants: {kinds['fault']} named faults,"
              f" {kinds['generated']} generated from the specs")
        return 0
    if args.jobs < 1:
        raise UsageError("--jobs: give 1 or more")
    chosen = select(mutants, args.only)
    out = _report_dir(args.report_dir)
    began = time.monotonic()
    print(f"conformance selftest: {len(chosen)} mutants and 2 clean variants,"
          f" profile {args.profile}, seed {args.seed}, {args.jobs} at a time", flush=True)
    progress = _Progress(len(chosen) + len(VARIANTS))
    results, variants = _certify_all(chosen, args, out, progress)
    document = {
        "suite_version": __version__, "profile": args.profile, "seed": args.seed,
        "jobs": args.jobs, "wall_seconds": round(time.monotonic() - began, 1),
        "counts": {"named_faults": sum(m.origin == "fault" for m in chosen),
                   "generated": sum(m.origin == "generated" for m in chosen)},
        "score": score(results, variants),
        "clean_variants": [v.to_dict() for v in variants],
        "mutants": [r.to_dict() for r in results],
    }
    report.write_json(out / "selftest.json", document)
    report.write_html(out / "selftest.html", document)
    _print_summary(document)
    print(f"reports: {out / 'selftest.json'}, {out / 'selftest.html'}")
    return EXIT_PERFECT if perfect(document["score"]) else EXIT_NOT_PERFECT
