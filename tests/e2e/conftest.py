"""Fixtures for the end-to-end suite; they live in tests/support/fixtures.py."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))

from fixtures import client, server, start_server  # noqa: E402,F401  (pytest finds fixtures by name)
