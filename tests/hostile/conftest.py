"""Fixtures of the hostile-target tests: the reference mock as upstream, a hostile server in
front of it, a target file with small timeouts. Every server is stopped by the test."""

import re
import sys
from pathlib import Path

import pytest
from hostile_server import HostileServer

from conformance.contract_files import targets_dir
from conformance.mock.server import start_in_thread

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def upstream():
    """The reference mock on a free loopback port: what a correct target answers."""
    with start_in_thread() as running:
        yield running.base_url


@pytest.fixture
def hostile():
    """hostile(behave, upstream=None, tls=None) -> a started HostileServer, stopped after."""
    started: list[HostileServer] = []

    def start(behave, upstream=None, tls=None) -> HostileServer:
        server = HostileServer(behave, upstream, tls)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def target_file(tmp_path):
    """target_file(base_url, timeout, extra=...) -> reference.toml's data pointed at base_url,
    every timeout_seconds set to `timeout`; `replace` maps regexes to replacements."""

    def write(base_url: str, timeout: float, replace: dict[str, str] | None = None) -> Path:
        text = (targets_dir() / "reference.toml").read_text(encoding="utf-8")
        text = text.replace('base_url = ""', f'base_url = "{base_url}"')
        text = re.sub(r"timeout_seconds = \d+", f"timeout_seconds = {timeout}", text)
        for pattern, replacement in (replace or {}).items():
            text, count = re.subn(pattern, replacement, text, flags=re.S)
            assert count, pattern
        path = tmp_path / "hostile.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return write
