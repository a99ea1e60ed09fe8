"""Fixtures of the engine's tests: local servers (stopped by the test that started them), files."""

from pathlib import Path

import pytest
from engine_support import Handler, LocalServer


@pytest.fixture
def serve():
    """serve(handler) -> LocalServer; every server started is stopped after the test."""
    started: list[LocalServer] = []

    def start(handler: Handler) -> LocalServer:
        server = LocalServer(handler)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def write_target(tmp_path: Path):
    """write_target(text, name) -> the path of a target file holding `text`."""

    def write(text: str, name: str = "target.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
