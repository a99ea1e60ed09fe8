"""Fixtures: both mock variants on 127.0.0.1 free ports, and their target files loaded."""

import pytest

from conformance.contract_files import targets_dir
from conformance.target import load_target

VARIANTS = {"reference": "reference.toml", "alternate": "mock-alternate.toml"}


@pytest.fixture(scope="session")
def mock_targets():
    """One running mock per variant (the module's own state) with its target file loaded."""
    from conformance.mock import ALTERNATE_DEMO_CREDENTIALS, DEMO_CREDENTIALS
    from conformance.mock.server import start_in_thread

    credentials = {"reference": DEMO_CREDENTIALS, "alternate": ALTERNATE_DEMO_CREDENTIALS}
    monkeypatch = pytest.MonkeyPatch()
    started, targets = [], {}
    try:
        for variant, file_name in VARIANTS.items():
            for name, value in credentials[variant].items():
                monkeypatch.setenv(name, value)
            mock = start_in_thread("127.0.0.1", 0, variant=variant)
            started.append(mock)
            targets[variant] = load_target(targets_dir() / file_name, base_url=mock.base_url)
        yield targets
    finally:
        for mock in started:
            mock.stop()
        monkeypatch.undo()
