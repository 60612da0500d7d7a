"""Shared fixtures, and the rule that a test needing a real service may skip locally but fails in CI."""

from __future__ import annotations

import os
import socket
from urllib.parse import urlparse

import pytest

from tests import factories

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, reason: str) -> None:
    """Skip when a real service is missing — except in CI, where that is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI must run this test for real, but: {reason}")
    pytest.skip(reason)


def tcp_reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(autouse=True)
def _fast_and_eager(settings):
    """Fast password hashing; Celery tasks in-process unless a test asks for a real worker."""
    from config.celery import app

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def org(db):
    return factories.tree()


@pytest.fixture
def users(org):
    """One user of each role, placed in the fixture tree (the clerk in ``community``)."""
    return {
        "district_admin": factories.user("district_admin", org["district"], "qu_admin"),
        "district_reviewer": factories.user("district_reviewer", org["district"], "qu_gongan", department="police"),
        "street_staff": factories.user("street_staff", org["street"], "xi_staff"),
        "other_street_staff": factories.user("street_staff", org["other_street"], "cn_staff"),
        "community_clerk": factories.user("community_clerk", org["community"], "clerk"),
        "other_clerk": factories.user("community_clerk", org["other_community"], "other_clerk"),
    }


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


def api_as(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def notice_env(settings, tmp_path):
    """Fonts and poppler present, notices stored under a temporary MEDIA_ROOT."""
    from elections.notices import fonts
    from tests.elections.notice_helpers import tool

    require(fonts.system_cjk_font_available(), "no Noto CJK SC font installed (fonts-noto-cjk)")
    tool("pdftotext")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path
