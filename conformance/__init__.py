"""Conformance suite for five procure-to-pay integration APIs.

The package is the engine; the contract it enforces (OpenAPI specs, rule catalog, scenarios)
is data under ``specs/`` at the repository root, shipped inside the wheel as package data.
"""

from functools import cache


@cache
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("p2p-conformance")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0+source"


def __getattr__(name: str) -> str:
    """`__version__`, read from the installed metadata when first asked for: importing
    `importlib.metadata` takes most of the package's import time, and `conformance run`
    handles Ctrl-C only once its own code runs (README, "Reports")."""
    if name == "__version__":
        return _version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
