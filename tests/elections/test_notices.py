"""Notices (文书): the kind registry, the personal-number guard, generating versions (never overwriting), the
SHA-256, permissions, the API and the 文书 tab. The documents' contents are tested in
tests/ballots/test_notice_documents.py."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from candidates.models import Candidate
from elections import services
from elections.errors import ApplicationError
from elections.models import Event, Notice
from elections.notices import kinds
from tests.ballots import counting_factories as cf
from tests.conftest import api_as
from tests.elections.notice_helpers import notice_bytes, pdf_text

# ------------------------------------------------------------------------- pure: the guard and the registry


@pytest.mark.parametrize("text", [
    "张三 340603198005170013",          # an 18-character ID
    "张三 34060319800517001X",
    "张三 340603800517001",             # a 15-digit ID
    "张三 3406**********001X",          # masked as the rest of the product masks it
    "电话 13812345678",
    "电话 138****5678",
])
def test_a_public_notice_refuses_id_and_phone_numbers(text):
    assert kinds.personal_numbers(text)
    with pytest.raises(kinds.PersonalDataInNotice):
        kinds.check_public(text)


@pytest.mark.parametrize("text", [
    "王主任 李主任 2030年1月10日 登记选民100人，参加投票80人，得票60",
    "SHA-256 3f2a9c0d1e", "第1居民小组", "2030-01-10",
])
def test_names_dates_and_figures_pass_the_guard(text):
    kinds.check_public(text)


def test_the_registry_knows_the_contract_kinds_and_offers_them_in_order():
    assert list(kinds.KIND_LABELS)[0] == "committee_announcement" and len(kinds.KIND_LABELS) == 13
    with pytest.raises(ValueError, match="unknown notice kind"):
        kinds.register("poster", "海报", lambda e: {})

    class _Election:
        body = "residents_committee"

    offered = [k.kind for k in kinds.available(_Election())]
    # registered by the candidates and ballots apps' ready()
    assert offered == ["voter_list", "candidate_list", "results_announcement"]


# ------------------------------------------------------------------------- the service

pytestmark = pytest.mark.django_db


@pytest.fixture
def election(org):
    return cf.counting_election(org["community"], registered=3)


@pytest.fixture
def clerk(users):
    return users["community_clerk"]


def test_generating_stores_a_pdf_with_its_hash_size_and_pages_and_records_one_event(notice_env, election, clerk):
    notice = services.notice_generate(actor=clerk, election=election, kind="candidate_list")

    data = notice_bytes(notice)
    assert data.startswith(b"%PDF-")
    assert (notice.version, notice.kind, notice.created_by) == (1, "candidate_list", clerk)
    assert notice.sha256 == hashlib.sha256(data).hexdigest() and notice.size == len(data) and notice.pages >= 1
    assert Path(notice.file.path).is_relative_to(Path(notice_env) / "media" / "notices")
    events = Event.objects.filter(election=election, action="notice.generate")
    assert events.count() == 1 and "正式候选人名单" in events.get().summary and "第1版" in events.get().summary


def test_regenerating_makes_version_2_and_keeps_version_1s_file_and_hash(notice_env, election, clerk):
    first = services.notice_generate(actor=clerk, election=election, kind="candidate_list")
    first_bytes = notice_bytes(first)
    Candidate.objects.filter(election=election, person__name="吴委员").delete()

    second = services.notice_generate(actor=clerk, election=election, kind="candidate_list")

    first.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert first.file.name != second.file.name
    assert notice_bytes(first) == first_bytes and hashlib.sha256(first_bytes).hexdigest() == first.sha256
    assert "吴委员" in pdf_text(first_bytes) and "吴委员" not in pdf_text(notice_bytes(second))
    assert second.sha256 == hashlib.sha256(notice_bytes(second)).hexdigest() != first.sha256
    assert Event.objects.filter(election=election, action="notice.generate").count() == 2


def test_the_kinds_version_counts_per_election_and_kind(notice_env, org, election, clerk):
    services.notice_generate(actor=clerk, election=election, kind="candidate_list")
    other = services.notice_generate(actor=clerk, election=election, kind="voter_list")
    assert other.version == 1


@pytest.mark.parametrize("kind", ["poster", "certificate", ""])
def test_an_unknown_or_unregistered_kind_is_refused(notice_env, election, clerk, kind):
    with pytest.raises(ApplicationError) as caught:
        services.notice_generate(actor=clerk, election=election, kind=kind)
    assert "kind" in caught.value.errors
    assert not Notice.objects.exists()


def test_a_builder_leaking_an_id_number_prints_nothing(notice_env, election, clerk, monkeypatch):
    leak = kinds.NoticeKind("pledge", "承诺书", lambda e: {"title": "承诺书", "paragraphs": ["张三 340603198005170013"]})
    monkeypatch.setitem(kinds._REGISTRY, "pledge", leak)
    with pytest.raises(kinds.PersonalDataInNotice):
        services.notice_generate(actor=clerk, election=election, kind="pledge")
    assert not Notice.objects.exists()
    assert not Event.objects.filter(action="notice.generate").exists()


@pytest.mark.parametrize("role", ["community_clerk", "street_staff", "district_admin"])
def test_election_workers_in_scope_generate(notice_env, election, users, role):
    assert services.notice_generate(actor=users[role], election=election, kind="candidate_list").version == 1


@pytest.mark.parametrize("role", ["district_reviewer", "other_clerk", "other_street_staff"])
def test_others_may_not_generate(notice_env, election, users, role):
    with pytest.raises(PermissionDenied):
        services.notice_generate(actor=users[role], election=election, kind="candidate_list")


# ------------------------------------------------------------------------- the API


def test_api_generates_lists_and_serves_the_file(notice_env, election, clerk):
    client = api_as(clerk)
    url = f"/api/v1/elections/{election.pk}/notices/"
    created = client.post(url, {"kind": "candidate_list"}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert set(body) >= {"id", "kind", "version", "created", "sha256", "url"}
    assert (body["kind"], body["version"]) == ("candidate_list", 1)
    assert body["url"].endswith(f"/api/v1/notices/{body['id']}/file/")

    client.post(url, {"kind": "candidate_list"}, format="json")
    listed = client.get(url)
    assert listed.status_code == 200
    assert [(n["kind"], n["version"]) for n in listed.json()["results"]] == [("candidate_list", 2),
                                                                           ("candidate_list", 1)]

    served = client.get(body["url"])
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
    data = b"".join(served.streaming_content)
    assert hashlib.sha256(data).hexdigest() == body["sha256"]
    assert client.get(f"/api/v1/notices/{body['id']}/").json()["sha256"] == body["sha256"]


def test_api_refuses_an_unknown_kind_with_400(notice_env, election, clerk):
    response = api_as(clerk).post(f"/api/v1/elections/{election.pk}/notices/", {"kind": "poster"}, format="json")
    assert response.status_code == 400 and "kind" in response.json()["errors"]
    response = api_as(clerk).post(f"/api/v1/elections/{election.pk}/notices/", {}, format="json")
    assert response.status_code == 400


def test_api_outside_the_jurisdiction_is_404_and_a_reviewer_gets_403(notice_env, election, clerk, users):
    notice = services.notice_generate(actor=clerk, election=election, kind="candidate_list")
    other = api_as(users["other_clerk"])
    assert other.get(f"/api/v1/elections/{election.pk}/notices/").status_code == 404
    assert other.post(f"/api/v1/elections/{election.pk}/notices/", {"kind": "candidate_list"},
                      format="json").status_code == 404
    assert other.get(f"/api/v1/notices/{notice.pk}/file/").status_code == 404
    assert other.get(f"/api/v1/notices/{notice.pk}/").status_code == 404

    reviewer = api_as(users["district_reviewer"])
    assert reviewer.post(f"/api/v1/elections/{election.pk}/notices/", {"kind": "candidate_list"},
                         format="json").status_code == 403
    assert reviewer.get(f"/api/v1/notices/{notice.pk}/file/").status_code == 200  # may read what it can see
    assert Notice.objects.count() == 1


# ------------------------------------------------------------------------- the 文书 tab


def test_the_tab_offers_the_kinds_and_lists_versions_with_download_links(notice_env, election, clerk, client):
    client.force_login(clerk)
    page = client.get(f"/elections/{election.pk}/?tab=notices").content.decode()
    assert 'id="notice-generate-candidate_list"' in page and 'id="notice-generate-voter_list"' in page

    response = client.post(f"/elections/{election.pk}/notices/generate/", {"kind": "candidate_list"})
    assert response.status_code == 302
    notice = Notice.objects.get()
    page = client.get(f"/elections/{election.pk}/?tab=notices").content.decode()
    assert f'href="/api/v1/notices/{notice.pk}/file/"' in page and notice.sha256[:12] in page
    assert clerk.display_name in page
    download = client.get(f"/api/v1/notices/{notice.pk}/file/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == notice_bytes(notice)


def test_the_tab_hides_the_button_from_a_reviewer_and_the_page_refuses_with_403(notice_env, election, users, client):
    client.force_login(users["district_reviewer"])
    page = client.get(f"/elections/{election.pk}/?tab=notices").content.decode()
    assert 'id="notices"' in page and "notice-generate-" not in page
    assert client.post(f"/elections/{election.pk}/notices/generate/", {"kind": "candidate_list"}).status_code == 403
    assert not Notice.objects.exists()
