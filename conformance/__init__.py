"""Conformance suite for five procure-to-pay integration APIs.

The package is the engine; the contract it enforces (OpenAPI specs, rule catalog, scenarios)
is data under ``specs/`` at the repository root, shipped inside the wheel as package data.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("p2p-conformance")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
