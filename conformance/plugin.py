"""pytest plugin of the certification run: options, the run's items, outcomes -> verdict.

Registered through the `pytest11` entry point, so it stays inert unless --conformance-target or
--conformance-base-url is given. Items record `Outcome`s; the outcomes travel on the test
reports (JSON, so pytest-xdist carries them from workers) and are folded on the controller only,
in `pytest_runtest_logreport`, into the verdict and summary.json.
"""

import contextlib
import dataclasses
import tempfile
from pathlib import Path

import pytest

from conformance.errors import UsageError
from conformance.stopping import STOP, quiet_swallowed_interrupts, stop_on_signals

OUTCOMES = pytest.StashKey[list]()
_BATCH = pytest.StashKey[object]()  # the generated cases of a fuzz item (concurrency.CaseBatch)
_RUN = None  # the RunSettings of the run in this process (the suite module reads it at import)
_CONFIG = None  # the pytest config of an active run, from the start of pytest_configure
_SENDER = None  # the run's concurrency.Sender, while the run loop runs


def pytest_addoption(parser: pytest.Parser) -> None:
    from conformance.suite import options

    group = parser.getgroup("conformance", "certification of a target (see `conformance run`)")
    options.add_to_pytest(group)


def _active(config: pytest.Config) -> bool:
    return bool(config.getoption("conformance_target") or config.getoption("conformance_base_url"))


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def current_run():
    """The RunSettings of this process's certification run (None outside one)."""
    return _RUN


def _runs_the_suite(config: pytest.Config) -> bool:
    """The session collects conformance.suite (by --pyargs or by its path)."""
    suite = Path(__file__).parent / "suite"
    for arg in config.args:
        name = arg.split("::")[0]
        if name == "conformance.suite" or name.startswith("conformance.suite."):
            return True
        path = Path(name).absolute()
        if path == suite or suite in path.parents:
            return True
    return False


def _certify_the_embedded_mock(config: pytest.Config) -> None:
    """Plain `pytest --pyargs conformance.suite`: the embedded mock, as `conformance run`
    without a target (never a green run that certified nothing)."""
    from conformance.certify import embedded_mock

    running = embedded_mock()
    target_file, base_url = running.__enter__()
    config.stash[_MOCK] = running
    config.option.conformance_target = str(target_file)
    config.option.conformance_base_url = base_url
    print(f"conformance: no --conformance-target: certifying the embedded mock at {base_url}",
          flush=True)


_MOCK = pytest.StashKey[object]()


def _as_pytest_option(message: str) -> str:
    """A usage error in the words of the pytest entry point: `--api foo: ...` names
    `--conformance-api`, the option this user typed."""
    import re

    from conformance.suite.options import RUN_OPTIONS

    names = "|".join(re.escape(name) for name, _ in RUN_OPTIONS)
    return re.sub(rf"(?<![\w-])--({names})(?![\w-])", r"--conformance-\1", message)


def _check_options_first(option) -> None:
    """The options no target is needed to judge, before the embedded mock starts."""
    from conformance.suite import settings as run_settings

    try:
        run_settings.refuse_empty({name: getattr(option, f"conformance_{name}", None)
                                   for name in run_settings.OPTIONS_NEVER_EMPTY},
                                  prefix="--conformance-")
        run_settings.check_options(
            api=option.conformance_api, waivers=option.conformance_waivers,
            baseline=option.conformance_baseline, fail_on=option.conformance_fail_on,
            rate_limit=option.conformance_rate_limit,
            max_requests=option.conformance_max_requests,
            retry_after_max=option.conformance_retry_after_max,
            concurrency=option.conformance_concurrency)
    except UsageError as error:
        raise pytest.UsageError(_as_pytest_option(str(error))) from None


@pytest.hookimpl(trylast=True)  # after pytest's own unraisable-exception hook is set
def pytest_sessionstart(session: pytest.Session) -> None:
    if _RUN is not None:
        quiet_swallowed_interrupts()


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    global _RUN
    if _is_worker(config):  # the controller's target (the embedded mock's, when it chose it)
        for name in ("conformance_target", "conformance_base_url"):
            if config.workerinput.get(name):
                setattr(config.option, name, config.workerinput[name])
    elif not _active(config) and _runs_the_suite(config):
        _check_options_first(config.option)  # a mistake is refused before the mock starts
        _certify_the_embedded_mock(config)
    if not _active(config):
        return
    global _CONFIG
    _CONFIG = config
    stop_on_signals()  # `pytest` run directly too: SIGTERM stops it as Ctrl-C does
    STOP.deferred = False  # an earlier run in this process wrote its reports; this one starts
    from conformance.suite import settings as run_settings

    _keep_hypothesis_files_out_of_the_working_directory()
    _draw_from_the_specs_only()
    option = config.option
    ledger = None
    if _is_worker(config):  # the controller's choices (seed, report dir), not a fresh draw
        option.conformance_seed = config.workerinput["conformance_seed"]
        option.conformance_report_dir = config.workerinput["conformance_report_dir"]
        # the run's budgets and pacing, shared with the controller and the other workers
        ledger = config.workerinput.get("conformance_ledger")
    else:
        if option.conformance_seed is None:
            option.conformance_seed = run_settings.new_seed()
        option.conformance_default_report_dir = option.conformance_report_dir is None
        if option.conformance_report_dir is None:
            option.conformance_report_dir = str(run_settings.timestamped_report_dir())
        report_dir = Path(option.conformance_report_dir).absolute()
        option.conformance_report_dir = str(report_dir)
        option.xmlpath = option.xmlpath or str(report_dir / "junit.xml")
        if getattr(option, "htmlpath", "unset") is None and not option.conformance_dry_run:
            # a dry run's page would only say "still tests running": its plan is dry-run.txt
            option.htmlpath = str(report_dir / "report.html")
            option.self_contained_html = True
    try:
        _RUN = run_settings.build(
            target=option.conformance_target,
            base_url=option.conformance_base_url,
            api=option.conformance_api,
            profile=option.conformance_profile,
            seed=option.conformance_seed,
            report_dir=option.conformance_report_dir,
            default_report_dir=getattr(option, "conformance_default_report_dir", False),
            waivers=option.conformance_waivers,
            baseline=option.conformance_baseline,
            fail_on=option.conformance_fail_on,
            require_all=option.conformance_require_all,
            rate_limit=option.conformance_rate_limit,
            max_requests=option.conformance_max_requests,
            retry_after_max=option.conformance_retry_after_max,
            dry_run=option.conformance_dry_run,
            ledger=ledger,
            concurrency=option.conformance_concurrency,
        )
    except UsageError as error:  # pytest's usage error (exit 4): no report folder left
        if getattr(option, "conformance_default_report_dir", False):
            _remove_if_empty(Path(option.conformance_report_dir))
        raise pytest.UsageError(_as_pytest_option(str(error))) from None
    if not _is_worker(config):
        _RUN.report_dir.mkdir(parents=True, exist_ok=True)
        from conformance.suite.certification import Certification

        certification = Certification(config, _RUN)
        config.pluginmanager.register(certification, "conformance-certification")
        if config.pluginmanager.hasplugin("html"):
            from conformance.report.html import HtmlReport

            report = HtmlReport(certification.finish, _RUN.target)
            config.pluginmanager.register(report, "conformance-html")
        _RUN = _without(_RUN, certification.run_preflight())
    else:
        _RUN = _without(_RUN, config.workerinput.get("conformance_left_out", ()))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A failed pre-flight deselects every item: nothing is certified, the reports say why. A
    run without scenarios (every product left out) has no scenario item, not pytest's skipped
    placeholder for an empty parameter set. The suite collected outside a run is refused."""
    if _RUN is None:
        if any(item.nodeid and _in_suite(item) for item in items):
            raise pytest.UsageError(
                "conformance.suite: no certification run — give --conformance-target FILE"
                " (or --conformance-base-url URL)")
        return
    empty = [i for i in items if i.name.startswith("test_scenario[") and "NOTSET" in i.name]
    if empty:
        items[:] = [i for i in items if i not in empty]
        config.hook.pytest_deselected(items=empty)
    if _is_worker(config):
        stopped = config.workerinput.get("conformance_preflight_failed", False)
    else:
        certification = config.pluginmanager.get_plugin("conformance-certification")
        stopped = bool(certification and certification.preflight_failed)
    if stopped and items:
        config.hook.pytest_deselected(items=list(items))
        items[:] = []
    if _RUN.concurrency > 1 and not _RUN.limits.dry_run and not _is_worker(config):
        # the pool runs the scenarios from the start: generate the cases meanwhile
        # (conformance.suite.concurrency, "Order of items")
        items.sort(key=lambda item: item.name.startswith("test_scenario["))


def _in_suite(item: pytest.Item) -> bool:
    suite = Path(__file__).parent / "suite"
    return suite in Path(str(item.path)).parents


def _without(run, products):
    """The run without the products left out (unreachable): their items are not collected."""
    if not products:
        return run
    kept = {k: v for k, v in run.target.products.items() if k not in set(products)}
    return dataclasses.replace(run, target=dataclasses.replace(run.target, products=kept))


def _remove_if_empty(report_dir: Path) -> None:
    """The timestamped folder made for a run that was refused, and reports/ if it was new."""
    for folder in (report_dir, report_dir.parent):
        with contextlib.suppress(OSError):  # not empty: someone's reports
            folder.rmdir()


def _keep_hypothesis_files_out_of_the_working_directory() -> None:
    """Hypothesis caches into ./.hypothesis/ by default; a certification run keeps its cache in
    the temp directory instead, so the directory the user ran from stays clean."""
    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "conformance-hypothesis")


def _draw_from_the_specs_only() -> None:
    """Hypothesis also draws the literals of every loaded module outside site-packages (its
    "local constants"): the suite's own source when installed with `pip install -e`, and
    whatever else a process happened to import. Generated cases would then depend on the suite's
    source text and differ between an xdist worker and a serial run at the same seed, and carry
    rule ids and placeholders as input. A run draws from the specs only. Hypothesis has no
    setting for it: its private hook is replaced when it exists, and left alone otherwise."""
    try:
        from hypothesis.internal.conjecture import providers
    except ImportError:  # pragma: no cover - a Hypothesis without the module
        return
    if callable(getattr(providers, "_get_local_constants", None)) and callable(
            getattr(providers, "Constants", None)):
        providers._get_local_constants = providers.Constants  # an empty set of constants


@pytest.hookimpl(tryfirst=True)  # before the terminal reporter formats the traceback
def pytest_keyboard_interrupt(excinfo) -> None:
    """Ctrl-C (or SIGTERM), however early in the run: the verdict names it (`STOPPED`,
    summary.json `stopped`), so pytest's own block (a row of !, the frame that happened to run, a
    hint about --full-trace) is left out; --full-trace still shows the traceback."""
    config = _CONFIG
    if config is None:
        return
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and not config.option.fulltrace:
        reporter._report_keyboardinterrupt = lambda: None  # pytest has no option for it
        # pytest formats the traceback all the same; a signal landing where Python 3.11 keeps
        # no line number (tb_lineno None) broke that formatting, with a TypeError and no
        # verdict: the frame pytest's session loop runs in is all it gets
        excinfo.traceback = excinfo.traceback[:1]
    STOP.defer()  # a second Ctrl-C does not break the reports of the first
    certification = config.pluginmanager.get_plugin("conformance-certification")
    if certification is not None:
        certification.interrupted = True
    from conformance.transport import run_ledger

    ledger = run_ledger(_RUN.target.products.values()) if _RUN is not None else None
    if ledger is not None and not _is_worker(config):  # workers the signal did not reach too
        with contextlib.suppress(OSError):  # the shared file already gone: nothing to tell
            ledger.interrupt(STOP.signal_name or "SIGINT")


def pytest_unconfigure(config: pytest.Config) -> None:
    """Whatever stopped the run, its report directory holds all three files; reports/latest is
    replaced only by such a complete set."""
    global _RUN, _CONFIG
    _CONFIG = None
    running = config.stash.get(_MOCK, None)
    if running is not None:
        running.__exit__(None, None, None)
    run, _RUN = _RUN, None
    if run is None or _is_worker(config):
        return
    certification = config.pluginmanager.get_plugin("conformance-certification")
    if certification is not None and not run.limits.dry_run:
        from conformance.summary import INTERRUPTED_STARTING

        certification.complete_reports(INTERRUPTED_STARTING if certification.interrupted
                                       else "the run stopped before its session ended")
        certification.stopped_late()  # a signal while the reports were written
    if certification is not None:  # the workers are done with it, the summary has its figures
        certification.remove_ledger()
    if run.limits.dry_run:  # a plan, not a run: no verdict files, reports/latest left alone
        return
    if run.default_report_dir:
        from conformance.suite.settings import copy_to_latest

        copy_to_latest(run.report_dir)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "conformance_scenario" not in metafunc.fixturenames:
        return
    if _RUN is None:  # collected outside a certification run: nothing to run
        metafunc.parametrize("conformance_scenario", [])
        return
    from conformance.suite.selection import scenarios_for

    chosen = scenarios_for(_RUN)
    metafunc.parametrize("conformance_scenario", chosen, ids=[s.id for s in chosen])


@pytest.fixture(scope="session")
def conformance_run():
    if _RUN is None:
        pytest.skip("not a certification run (no --conformance-target / --conformance-base-url)")
    return _RUN


@pytest.hookimpl(wrapper=True)
def pytest_runtestloop(session: pytest.Session):
    """The run's sending pool lives as long as the run loop; scenarios start in it at once."""
    global _SENDER
    if _RUN is None or session.config.option.collectonly:
        return (yield)
    from conformance.suite.concurrency import Sender

    _SENDER = Sender(_RUN, _RUN.concurrency)
    try:
        if not _is_worker(session.config):  # a worker gets its items one at a time
            _SENDER.start_scenarios(
                item.callspec.params["conformance_scenario"]
                for item in session.items
                if "conformance_scenario" in getattr(item, "fixturenames", ())
            )
        return (yield)
    finally:
        STOP.defer()  # the items are done: a signal from here on is a stop the reports say
        sender, _SENDER = _SENDER, None
        sender.close()


@pytest.fixture(scope="session")
def conformance_sender(conformance_run):
    """The run's sending pool (`conformance.suite.concurrency.Sender`)."""
    if _SENDER is None:
        pytest.skip("no run loop: nothing is sent")
    return _SENDER


@pytest.fixture(scope="session")
def conformance_cases(request: pytest.FixtureRequest, conformance_sender):
    """Session-scoped (Hypothesis): `add(product, case)` hands a generated case of the item
    running now to the pool; the plugin judges the item's cases when its test returns."""

    def add(product: str, case) -> None:
        item = request.session.stash[_CURRENT]
        if _BATCH not in item.stash:
            item.stash[_BATCH] = conformance_sender.cases(product)
        item.stash[_BATCH].add(case)

    return add


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem):
    """Between items, a stop asked for by a signal stops the run (`stopping.STOP`), though a
    frame the interrupt landed in swallowed it."""
    result = yield
    if _RUN is not None:
        STOP.check()
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    result = yield  # an interrupted or broken item leaves its cases unjudged
    batch = item.stash.get(_BATCH, None)
    if batch is not None:
        item.stash.setdefault(OUTCOMES, []).extend(batch.judged())
    return result


@pytest.fixture(scope="session")
def conformance_target(conformance_run):
    return conformance_run.target


@pytest.fixture(scope="session")
def conformance_recorder(request: pytest.FixtureRequest):
    """Session-scoped (Hypothesis forbids function-scoped fixtures next to `case`): appends
    outcomes to the item running now."""

    def record(outcomes) -> None:
        item = request.session.stash.get(_CURRENT, None)
        if item is not None:
            item.stash.setdefault(OUTCOMES, []).extend(outcomes)

    return record


_CURRENT = pytest.StashKey[pytest.Item]()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if _RUN is not None:
        item.session.stash[_CURRENT] = item
        item.stash[OUTCOMES] = []


@pytest.hookimpl(wrapper=True, tryfirst=True)  # outermost: other plugins see pytest's report
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if _RUN is None or call.when != "call":
        return report
    from conformance.suite.certification import attach_transport_records, settle_report

    settle_report(report, item.stash.get(OUTCOMES, []), _RUN, item)
    attach_transport_records(report, _RUN, source="generated" if "fuzz" in item.name else None)
    if _RUN.limits.dry_run and report.passed:  # planned, not sent: no JUnit pass to publish
        path, line, _ = item.location
        report.outcome = "skipped"
        report.longrepr = (str(path), (line or 0) + 1, "dry run: planned, nothing sent")
    return report


def main_args() -> list[str]:
    """The pytest arguments every certification run shares (used by `conformance run`)."""
    ini = Path(__file__).parent / "suite" / "pytest.ini"
    args = ["-c", str(ini), "--pyargs", "conformance.suite"]
    if not _registered_by_entry_point():  # a source tree that was never installed
        args = ["-p", "conformance.plugin", *args]
    return args


def _registered_by_entry_point() -> bool:
    from importlib.metadata import entry_points

    return any(ep.value == __name__ for ep in entry_points(group="pytest11"))
