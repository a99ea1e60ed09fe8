"""Fixtures: mocks on 127.0.0.1 free ports, started and stopped here, state reset per test."""

import pytest
from mock_support import FaultRouter, MockClient

from conformance.mock.server import serve_in_thread, start_in_thread


@pytest.fixture(scope="session")
def reference_server():
    with start_in_thread("127.0.0.1", 0) as mock:
        yield mock


@pytest.fixture(scope="session")
def alternate_server():
    with start_in_thread("127.0.0.1", 0, variant="alternate") as mock:
        yield mock


@pytest.fixture(scope="session")
def fault_servers():
    """One server per variant; the x-mock-fault header picks an app with that fault on."""
    with serve_in_thread(FaultRouter("reference")) as ref, \
            serve_in_thread(FaultRouter("alternate")) as alt:
        yield {"reference": ref, "alternate": alt}


def _client(server, variant: str):
    client = MockClient(server.base_url, variant)
    client.store = server.app.state.mock.store  # to prove what a call did or did not write
    client.reset()
    return client


@pytest.fixture
def ref(reference_server):
    client = _client(reference_server, "reference")
    yield client
    client.close()


@pytest.fixture
def alt(alternate_server):
    client = _client(alternate_server, "alternate")
    yield client
    client.close()


@pytest.fixture(params=["reference", "alternate"])
def any_variant(request, reference_server, alternate_server):
    """A client of each correct target: rules must hold for both."""
    server = reference_server if request.param == "reference" else alternate_server
    client = _client(server, request.param)
    yield client
    client.close()
