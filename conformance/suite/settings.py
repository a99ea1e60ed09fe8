"""The settings of one certification run, read from the pytest options the plugin adds.

Kept apart from the plugin so that the suite module (imported during collection) and the
controller's reporting read the same values; under xdist every worker rebuilds them from the
options the controller sent (seed and report directory included, so all agree).
"""

import dataclasses
import os
import random
import shutil
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from conformance import target_data
from conformance.catalog import PRODUCTS, load_rules
from conformance.contract_files import targets_dir
from conformance.errors import UsageError
from conformance.records import MARKER_PREFIX
from conformance.report import baseline as baseline_file
from conformance.report import waivers as waiver_file
from conformance.suite.options import DEFAULT_CONCURRENCY, MAX_CONCURRENCY, PROFILES
from conformance.target import Target, load_target
from conformance.transport import RunLedger, RunLimits, configure_run, parse_rate

# a scenario's profile -> the first run profile that includes it
_RANK = {profile: rank for rank, profile in enumerate(PROFILES)}
PRODUCT_CHOICES = PRODUCTS


@dataclass(frozen=True)
class RunSettings:
    target: Target
    target_file: Path
    profile: str
    seed: int
    report_dir: Path
    default_report_dir: bool  # also copied to reports/latest when True
    waivers: waiver_file.WaiverFile | None = None  # known deviations of this target
    baseline: dict | None = None  # the summary.json this run is compared with
    baseline_file: Path | None = None
    fail_on: str = "failures"  # "failures" | "new-failures": what makes the exit code 1
    require_all: bool = False  # conformant with MUST rules not tested exits 6, not 0
    # target data that cannot enable the rule it is there for (target_data.warnings)
    data_warnings: tuple[str, ...] = ()
    # --rate-limit, --max-requests, --retry-after-max, --dry-run
    limits: RunLimits = field(default_factory=RunLimits)
    concurrency: int = 1  # requests in flight (conformance.suite.concurrency)

    def includes_profile(self, profile: str) -> bool:
        """smoke < standard < deep: a deep run also runs the smoke and standard items."""
        return _RANK[profile] <= _RANK[self.profile]


def parse_api(value: str | None) -> list[str] | None:
    """--api gep,po -> ["gep", "po"]; None selects every product of the target file."""
    if value is None:
        return None
    products = [part.strip() for part in value.split(",") if part.strip()]
    if not products:
        raise UsageError(f"--api {value!r}: names no product — use gep, po and/or smat, or"
                         " leave --api out to run every product of the target file")
    for product in products:
        if product not in PRODUCT_CHOICES:
            raise UsageError(f"--api {product}: unknown product — use gep, po and/or smat")
    return products


def run_marker(seed: int) -> str:
    """conformance-run-<seed>: the same in every xdist worker of a run and in a repeat of it
    (`--seed N` repeats a run exactly, bodies included, so a rerun stays idempotent)."""
    return f"{MARKER_PREFIX}{seed}"


def concurrency_of(value: int | None, profile: str) -> int:
    """--concurrency N, or the profile's default; a UsageError outside 1..MAX_CONCURRENCY."""
    if value is None:
        return DEFAULT_CONCURRENCY.get(profile, 1)
    if not 1 <= value <= MAX_CONCURRENCY:
        raise UsageError(
            f"--concurrency {value}: out of range — give 1 (one request at a time)"
            f" to {MAX_CONCURRENCY}"
        )
    return value


def new_seed() -> int:
    return random.SystemRandom().randrange(2**31)


def timestamped_report_dir(root: Path = Path("reports")) -> Path:
    """reports/<UTC timestamp>/, never one that exists already."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    candidate, n = root / stamp, 1
    while True:  # made here, atomically: two runs started in the same second get two folders
        try:
            candidate.mkdir(parents=True)
            return candidate
        except FileExistsError:
            n += 1
            candidate = root / f"{stamp}-{n}"


REPORT_FILES = ("summary.json", "junit.xml", "report.html")


def copy_to_latest(report_dir: Path) -> bool:
    """reports/latest/ becomes a copy of the run's report directory, but only when that holds
    all three reports: the last complete set is never replaced by a partial one. The copy is
    made beside latest/ and renamed into place. Returns whether latest/ was replaced."""
    latest = report_dir.parent / "latest"
    if not all((report_dir / name).is_file() for name in REPORT_FILES):
        return False
    if report_dir.resolve() == latest.resolve():
        return True
    staging = report_dir.parent / f".latest-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(report_dir, staging)
    shutil.rmtree(latest, ignore_errors=True)
    staging.rename(latest)
    return True


def target_file_of(target: str | None) -> Path:
    """The file to read: the one named, or reference.toml for a --base-url run."""
    return Path(target) if target else targets_dir() / "reference.toml"


def target_name_of(target: str | None, base_url: str | None) -> str | None:
    """The name a run's reports give its target: the file's [target] name (or its stem); for
    `--base-url` alone (reference.toml's data on someone's URL) the URL, not "reference mock".
    None when the file cannot be read (loading it later says why)."""
    if target is None and base_url:
        return f"{base_url.rstrip('/')} (reference data)"
    path = target_file_of(target)
    try:
        meta = tomllib.loads(path.read_text(encoding="utf-8")).get("target")
    except (OSError, ValueError):
        return None
    name = meta.get("name") if isinstance(meta, dict) else None
    return name if isinstance(name, str) and name else path.stem


def _check_report_dir(report_dir: str) -> None:
    """The directory exists afterwards and can be written to (it is created here: only trying
    tells, /proc/x looks writable to root and is not)."""
    path = Path(report_dir).absolute()
    if path.exists() and not path.is_dir():
        raise UsageError(f"--report-dir {report_dir}: is a file — name a directory")
    existing = next(p for p in (path, *path.parents) if p.exists())
    fix = " — choose a directory you can write to"
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(f"--report-dir {report_dir}: {existing} is not a writable directory{fix}")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(
            f"--report-dir {report_dir}: cannot be created ({error.strerror}){fix}"
        ) from None


OPTIONS_NEVER_EMPTY = ("target", "base_url", "report_dir", "waivers", "baseline", "api",
                       "rate_limit")


def refuse_empty(values: dict, prefix: str = "--") -> None:
    """An option given with an empty value is a mistake, not the option left out: `--target
    "$TARGET"` with the variable unset certified the embedded mock and went green, and
    `--report-dir ''` wrote into the working directory."""
    for name in OPTIONS_NEVER_EMPTY:
        value = values.get(name)
        if isinstance(value, str) and not value.strip():
            option = prefix + name.replace("_", "-")
            raise UsageError(f"{option} {value!r}: empty — give a value, or leave {option} out")


def check_options(
    *,
    api: str | None,
    waivers: str | None,
    baseline: str | None,
    fail_on: str,
    report_dir: str | None = None,
    rate_limit: str | None = None,
    max_requests: int | None = None,
    retry_after_max: float | None = None,
    target_name: str | None = None,
    concurrency: int | None = None,
) -> None:
    """The options no running target is needed to judge: refused before a mock or a request
    starts (a waiver file is checked against `target_name` when it is given)."""
    parse_api(api)
    parse_rate(rate_limit)
    if max_requests is not None and max_requests < 1:  # as a target file's max_requests
        raise UsageError(f"--max-requests {max_requests}: give a number of requests, 1 or more "
                         "(--dry-run sends none)")
    if retry_after_max is not None and not 0 <= retry_after_max <= 3600:  # nan fails it too
        raise UsageError(f"--retry-after-max {retry_after_max:g}: give 0 to 3600 seconds")
    concurrency_of(concurrency, PROFILES[0])
    if max_requests is not None and concurrency is not None and concurrency > 1:
        raise _concurrency_with_budget(concurrency)
    if report_dir is not None:
        _check_report_dir(report_dir)
    if fail_on not in baseline_file.FAIL_ON:
        raise UsageError(f"--fail-on {fail_on}: use one of {', '.join(baseline_file.FAIL_ON)}")
    if fail_on == "new-failures" and not baseline:
        raise UsageError("--fail-on new-failures needs --baseline OLD/summary.json")
    if waivers:
        waiver_file.load(Path(waivers), load_rules(), target_name)
    if baseline:
        baseline_file.load(Path(baseline))


def build(
    *,
    target: str | None,
    base_url: str | None,
    api: str | None,
    profile: str,
    seed: int,
    report_dir: str,
    default_report_dir: bool,
    waivers: str | None = None,
    baseline: str | None = None,
    fail_on: str = "failures",
    require_all: bool = False,
    rate_limit: str | None = None,
    max_requests: int | None = None,
    retry_after_max: float | None = None,
    dry_run: bool = False,
    ledger: str | None = None,
    concurrency: int | None = None,
) -> RunSettings:
    """Raises UsageError for a bad target file, selection, waiver file, baseline or limit.
    `ledger`: the file an xdist worker shares the run's budgets and pacing through (None: this
    process keeps them; its controller shares them when workers start)."""
    check_options(
        api=api, waivers=waivers, baseline=baseline, fail_on=fail_on, report_dir=report_dir,
        rate_limit=rate_limit, max_requests=max_requests, retry_after_max=retry_after_max,
        concurrency=concurrency,
    )
    path = target_file_of(target)
    loaded = load_target(path, base_url=base_url, products=parse_api(api),
                         credentials=not dry_run)
    if target is None and base_url:  # reference.toml's data on someone's URL: name the URL
        loaded = dataclasses.replace(loaded, name=target_name_of(None, base_url))
    limits = RunLimits(
        marker=run_marker(seed),
        rate=parse_rate(rate_limit),
        max_requests=max_requests,
        retry_after_max=30.0 if retry_after_max is None else retry_after_max,
        dry_run=dry_run,
    )
    configure_run(loaded.products.values(), limits,
                  RunLedger(Path(ledger)) if ledger else None)
    return RunSettings(
        target=loaded,
        target_file=path,
        profile=profile,
        seed=seed,
        report_dir=Path(report_dir).absolute(),
        default_report_dir=default_report_dir,
        waivers=waiver_file.load(Path(waivers), load_rules(), loaded.name) if waivers else None,
        baseline=baseline_file.load(Path(baseline)) if baseline else None,
        baseline_file=Path(baseline).absolute() if baseline else None,
        fail_on=fail_on,
        require_all=require_all,
        data_warnings=tuple(w for name, product in loaded.products.items()
                            for w in target_data.warnings(name, product.data)),
        limits=limits,
        concurrency=_concurrency_under_budget(concurrency, profile, max_requests, loaded),
    )


def _concurrency_under_budget(value: int | None, profile: str, max_requests: int | None,
                              loaded) -> int:
    """The run's concurrency; 1 under a request budget (--max-requests, a target file's
    max_requests). Which requests a budget reaches is the serial order's only one at a time: in
    flight side by side it depends on timing, and a repeat at the same seed could judge other
    rules. The profile's default gives way to 1; an explicit N > 1 is a UsageError."""
    concurrency = concurrency_of(value, profile)
    budgeted = max_requests is not None or any(
        p.transport.file_max is not None for p in loaded.products.values())
    if not budgeted or concurrency == 1:
        return concurrency
    if value is not None:
        raise _concurrency_with_budget(value)
    return 1


def _concurrency_with_budget(value: int) -> UsageError:
    return UsageError(
        f"--concurrency {value} with a request budget (--max-requests or a target file's"
        " max_requests): which requests the budget reaches would depend on timing, so a"
        " repeat at the same seed could judge other rules — give --concurrency 1 (the"
        " default under a budget) or drop the budget")
