"""pytest plugin for tests: a Ctrl-C after INTERRUPT_AFTER items of a certification run, or
during collection when INTERRUPT_AT=collection."""

import os

_calls = 0


def pytest_collection_modifyitems(items):
    if os.environ.get("INTERRUPT_AT") == "collection":
        raise KeyboardInterrupt


def pytest_runtest_call(item):
    global _calls
    _calls += 1
    if _calls > int(os.environ.get("INTERRUPT_AFTER", "1000000")):
        raise KeyboardInterrupt
