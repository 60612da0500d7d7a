"""Chinese is the default UI language; English is opt-in through the language cookie only.

The English catalog (locale/en/LC_MESSAGES/django.mo) is committed, so these tests need no gettext.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests import factories

HAN = re.compile(r"[\u4e00-\u9fff]")


def _english(client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _han_outside_language_picker(html: str) -> list[str]:
    """Chinese characters left on an English page, ignoring the language picker (it names 简体中文 on purpose)."""
    return HAN.findall(html.replace("简体中文", ""))


def test_login_is_chinese_by_default_even_for_an_english_browser(db, client):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    html = response.content.decode()
    assert response.status_code == 200
    assert "登录" in html
    assert "用户名" in html
    assert "Sign in" not in html
    assert response.headers["Content-Language"] == "zh-hans"


def test_login_is_english_with_the_language_cookie(db, client):
    _english(client)

    response = client.get("/login/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Sign in" in html
    assert "Username" in html
    assert "Password" in html
    assert "用户名" not in html
    assert "登录" not in html
    assert _han_outside_language_picker(html) == []
    assert '<html lang="en">' in html
    assert response.headers["Content-Language"] == "en"


def test_unknown_language_cookie_falls_back_to_chinese(db, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    html = client.get("/login/").content.decode()

    assert "登录" in html


def test_setlang_sets_the_language_cookie(db, client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})

    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    # the test client keeps the cookie, so the next page is English
    assert "Sign in" in client.get("/login/").content.decode()


def test_setlang_back_to_chinese(db, client):
    _english(client)

    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/login/"})

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert "用户名" in client.get("/login/").content.decode()


@pytest.fixture
def signed_in(client, users):
    client.force_login(users["district_admin"])
    return client


@pytest.fixture
def pages(org):
    """An election, its campaign and a person — enough to render every translated page."""
    campaign = factories.campaign(org["district"], milestones=[("完成选民登记", factories.dt.date(2030, 1, 1))])
    election = factories.election(org["community"], campaign)
    person = factories.person(org["community"])
    return {
        "home": reverse("home"),
        "campaign": reverse("campaign-detail", args=[campaign.pk]),
        "election": reverse("election-detail", args=[election.pk]),
        "rules": reverse("election-detail", args=[election.pk]) + "?tab=rules",
        "events": reverse("election-detail", args=[election.pk]) + "?tab=events",
        "people": reverse("person-list"),
        "person": reverse("person-detail", args=[person.pk]),
        "notifications": reverse("notifications"),
    }


ENGLISH_MARKERS = {
    "home": ["Dashboard", "All elections", "Export to Excel"],
    "campaign": ["Milestones", "Organizing unit: ", "Applies to"],
    "election": ["Current stage: ", "Seat plan", "Approved by the district (", "Election day: "],
    "rules": ["Rules for this election", "Category"],
    "events": ["Activity log (tamper-evident hash chain)"],
    "people": ["People", "ID card number"],
    "person": ["Basic information", "(age ", "Near relatives"],
    "notifications": ["Reminders", "Sent at"],
}


@pytest.mark.parametrize("page", sorted(ENGLISH_MARKERS))
def test_pages_render_in_english(signed_in, pages, page):
    _english(signed_in)

    response = signed_in.get(pages[page])

    html = response.content.decode()
    assert response.status_code == 200
    for marker in ENGLISH_MARKERS[page]:
        assert marker in html, marker


@pytest.mark.parametrize("page", sorted(ENGLISH_MARKERS))
def test_pages_render_in_chinese(signed_in, pages, page):
    response = signed_in.get(pages[page])

    assert response.status_code == 200
    assert "工作台" in response.content.decode()
