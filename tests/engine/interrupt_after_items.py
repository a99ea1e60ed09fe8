"""pytest plugin for tests: a Ctrl-C after INTERRUPT_AFTER items of a certification run."""

import os

_calls = 0


def pytest_runtest_call(item):
    global _calls
    _calls += 1
    if _calls > int(os.environ["INTERRUPT_AFTER"]):
        raise KeyboardInterrupt
