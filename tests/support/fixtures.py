"""Fixtures shared by the end-to-end and client suites.

Every test starts its own server on a free loopback port and stops it at the
end, so tests never share state. Set E2E_AGAINST=redis to run the very same
tests against Debian's redis-server: that is how we check that a test encodes
what Redis really does, not what we think it does.
"""
import pytest

import servers


@pytest.fixture
def start_server():
    """start_server(*flags) -> a running servers.Server, stopped after the test."""
    started = []

    def start(*extra_args, port=None):
        server = servers.server_under_test(*extra_args, port=port)
        server.__enter__()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def server(start_server):
    """A server with default settings."""
    return start_server()


@pytest.fixture
def client(server):
    c = servers.RawClient(server.port)
    yield c
    c.close()
