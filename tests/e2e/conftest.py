"""Shared browser fixtures for the end-to-end tests."""

from tests.e2e.test_browser import browser_page  # noqa: F401  (a fixture, registered by importing it here)
