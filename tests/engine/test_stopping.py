"""Ctrl-C and SIGTERM stop a run wherever they land (conformance.stopping)."""

import signal
import sys
from types import SimpleNamespace

import pytest

from conformance.stopping import STOP, quiet_swallowed_interrupts, stop_on_signals


@pytest.fixture
def clean_stop(monkeypatch):
    """The signal handlers, sys.unraisablehook and STOP as they were."""
    monkeypatch.setattr(sys, "unraisablehook", sys.unraisablehook)
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    yield
    STOP.clear()
    for signum, handler in saved.items():
        signal.signal(signum, handler)


def test_a_signal_is_remembered_and_raised_where_it_lands(clean_stop):
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    stop_on_signals()
    with pytest.raises(KeyboardInterrupt, match="SIGTERM"):
        signal.raise_signal(signal.SIGTERM)
    assert STOP.requested() and STOP.signal_name == "SIGTERM"
    with pytest.raises(KeyboardInterrupt, match="SIGTERM"):
        STOP.check()  # the next request, the next item: stopped again


def test_a_signal_the_process_was_told_to_ignore_stays_ignored(clean_stop):
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a job started in the background
    stop_on_signals()
    assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    signal.raise_signal(signal.SIGINT)
    assert not STOP.requested()


def test_an_interrupt_that_landed_where_it_cannot_be_raised_is_not_reported(clean_stop):
    """A garbage-collector callback: Python can only report it ("Exception ignored in"); pytest
    would print it with its traceback. Once a stop is asked for, it is not reported; anything
    else still is."""
    reported = []
    sys.unraisablehook = reported.append
    quiet_swallowed_interrupts()
    interrupt = SimpleNamespace(exc_value=KeyboardInterrupt("SIGINT"))
    sys.unraisablehook(interrupt)
    assert reported == [interrupt]  # no stop asked for: an interrupt of someone else's
    STOP.request("SIGINT")
    sys.unraisablehook(interrupt)
    other = SimpleNamespace(exc_value=ValueError("a real bug"))
    sys.unraisablehook(other)
    assert reported == [interrupt, other]
