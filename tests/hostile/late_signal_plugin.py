"""Loaded into a run by a test (`PYTEST_PLUGINS`): a real SIGINT after the last item, while the
reports are written (`LATE_SIGNAL_AT=sessionfinish`) or once pytest is done with them
(`unconfigure`, the last hook before `conformance run` prints the verdict)."""

import os
import signal

import pytest


def _signal(moment: str) -> None:
    if os.environ.get("LATE_SIGNAL_AT") == moment:
        os.kill(os.getpid(), signal.SIGINT)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session) -> None:
    _signal("sessionfinish")


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config) -> None:
    _signal("unconfigure")
