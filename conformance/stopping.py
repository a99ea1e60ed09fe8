"""Ctrl-C and SIGTERM stop a run, wherever they land.

A signal becomes a KeyboardInterrupt in whatever frame happens to run, and some frames a run
passes through swallow it (a library's `except BaseException` that records a failure, a
callback whose exceptions are only logged): the run then went on to a verdict as if nothing
had happened. So a signal is also remembered here (`STOP`): the transport refuses to send once
it is set (`STOP.check` before every request, token requests included), and the plugin raises
the interrupt again between items and counts the run stopped, whatever became of the first.
An interrupt that landed where Python can only report it (a garbage-collector callback: "Exception
ignored in ...") is not reported (`quiet_swallowed_interrupts`): the stop is carried out anyway.
"""

import contextlib
import signal
import sys
import threading


class StopRequest:
    """A stop asked for by a signal: set once, read by every sending thread."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.signal_name = ""
        self.deferred = False  # the reports are being written: remember a signal, raise none

    def request(self, signal_name: str) -> None:
        self.signal_name = signal_name
        self._event.set()

    def requested(self) -> bool:
        return self._event.is_set()

    def clear(self) -> None:
        self._event.clear()
        self.signal_name = ""
        self.deferred = False

    def defer(self) -> None:
        """From now on a signal is remembered, not raised: the run is writing its reports,
        which an interrupt would leave half written (or, landing after pytest returned, have
        replaced with "nothing was sent"). The run reads `requested()` at its end."""
        self.deferred = True

    def check(self) -> None:
        """Raise KeyboardInterrupt when a stop was asked for: nothing more is sent."""
        if self._event.is_set():
            raise KeyboardInterrupt(self.signal_name)


STOP = StopRequest()


def _stop(signum: int, frame) -> None:
    name = signal.Signals(signum).name
    STOP.request(name)
    if not STOP.deferred:
        raise KeyboardInterrupt(name)


def stop_on_signals() -> None:
    """SIGINT and SIGTERM stop the run (`STOP`, and a KeyboardInterrupt where they land), as
    Ctrl-C does: what ran is kept and all three reports are written, instead of the process
    dying with nothing written (`timeout`, a CI job cancelled). A signal the process was told
    to ignore (a job started in the background) stays ignored; off the main thread nothing is
    changed (Python delivers signals to the main thread only)."""
    defaults = {signal.SIGINT: signal.default_int_handler, signal.SIGTERM: signal.SIG_DFL}
    for signum, default in defaults.items():
        with contextlib.suppress(ValueError):  # not the main thread
            if signal.getsignal(signum) in (default, _stop):
                signal.signal(signum, _stop)


def quiet_swallowed_interrupts() -> None:
    """Wrap `sys.unraisablehook` (pytest's, once it has set it): a KeyboardInterrupt of a stop
    that landed where it could not be raised (a garbage-collector callback) is not printed as a
    warning with a traceback, nor turned into a collection error; anything else goes on to the
    hook as before."""
    previous = sys.unraisablehook

    def hook(unraisable) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt) and STOP.requested():
            return
        previous(unraisable)

    sys.unraisablehook = hook
