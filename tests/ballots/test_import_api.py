"""The import API: upload (202 with the job), follow the job, decide the held rows; 404 outside the caller's
jurisdiction, 403 for a role that may not, 400 for bad input."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ballots.models import HeldRow, Voter
from elections.models import Job
from tests import factories
from tests.ballots.import_factories import media, people, run_import, voter, xlsx  # noqa: F401
from tests.conftest import api_as

pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def election(org):
    return factories.election(org["community"], stage="voting")


def _upload(user, election, content: bytes, name: str = "名单.xlsx", capture=None):
    file = SimpleUploadedFile(name, content)
    if capture is None:
        return api_as(user).post(f"/api/v1/elections/{election.pk}/voters/import/", {"file": file}, format="multipart")
    with capture(execute=True):
        return api_as(user).post(f"/api/v1/elections/{election.pk}/voters/import/", {"file": file}, format="multipart")


def test_upload_answers_202_with_the_job_and_the_job_reports_everything(election, users,
                                                                        django_capture_on_commit_callbacks):
    rows = people(3)
    rows.append([rows[0][0], rows[0][1], "第3居民小组", ""])
    rows.append(["", "123", "1组", ""])

    response = _upload(users["community_clerk"], election, xlsx(rows), capture=django_capture_on_commit_callbacks)

    assert response.status_code == 202
    job_id = response.json()["job"]
    data = api_as(users["community_clerk"]).get(f"/api/v1/jobs/{job_id}/").json()
    assert {k: data[k] for k in ("id", "kind", "state", "progress", "stage", "imported", "rows", "election")} == {
        "id": job_id, "kind": "voter_import", "state": "done", "progress": 100, "stage": "已完成", "imported": 3,
        "rows": 5, "election": election.pk}
    assert data["errors"] == [{"row": 6, "field": "name", "message": "姓名为空。"},
                              {"row": 6, "field": "id_number", "message": "身份证号码应为 18 位，现为 3 位。"}]
    assert [(d["row"], d["kind"], d["other"]) for d in data["duplicates"]] == [(5, "in_file", "第 2 行")]
    assert "*" in data["duplicates"][0]["id_number"]
    [held] = data["held"]
    assert {k: held[k] for k in ("row", "kind", "name", "other", "decision")} == {
        "row": 5, "kind": "in_file", "name": rows[0][0], "other": "第 2 行", "decision": ""}
    assert data["message"] == "" and data["errors_count"] == 2 and data["held_count"] == 1


def test_a_queued_job_shows_its_progress(election, users):
    response = _upload(users["community_clerk"], election, xlsx(people(2)))  # not run: still queued

    data = api_as(users["community_clerk"]).get(f"/api/v1/jobs/{response.json()['job']}/").json()

    assert (data["state"], data["progress"], data["imported"], data["errors"]) == ("queued", 0, None, [])


def test_limit_and_offset_page_the_lists(election, users):
    rows = [["", f"{i}", "", ""] for i in range(5)]
    job = run_import(users["community_clerk"], election, xlsx(people(1) + rows))
    client = api_as(users["community_clerk"])

    progress_only = client.get(f"/api/v1/jobs/{job.pk}/?limit=0").json()
    page = client.get(f"/api/v1/jobs/{job.pk}/?offset=2&limit=3").json()

    assert progress_only["errors"] == [] and progress_only["errors_count"] == 15
    assert [e["row"] for e in page["errors"]] == [3, 4, 4]  # three problems a row
    assert client.get(f"/api/v1/jobs/{job.pk}/?limit=x").status_code == 400


def test_a_failed_job_says_why(election, users):
    job = run_import(users["community_clerk"], election, xlsx([["张三"]], headers=["姓名"]))

    data = api_as(users["community_clerk"]).get(f"/api/v1/jobs/{job.pk}/").json()

    assert data["state"] == "failed"
    assert "缺少必需的列：“身份证号”、“居民小组”" in data["message"]


def test_jobs_are_listed_in_scope(election, users, org):
    run_import(users["community_clerk"], election, xlsx(people(1)))
    other = factories.election(org["other_community"], stage="voting")
    run_import(users["other_clerk"], other, xlsx(people(1, start=50)))

    mine = api_as(users["community_clerk"]).get("/api/v1/jobs/").json()
    street = api_as(users["street_staff"]).get(f"/api/v1/jobs/?election={election.pk}").json()

    assert [j["election"] for j in mine["results"]] == [election.pk]
    assert street["count"] == 1 and street["results"][0]["errors"] == []


# ------------------------------------------------------------------------------------- refusals


def test_a_job_outside_the_jurisdiction_is_not_found(election, users):
    job = run_import(users["community_clerk"], election, xlsx(people(1)))

    assert api_as(users["other_clerk"]).get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    assert api_as(users["other_street_staff"]).get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    assert api_as(users["street_staff"]).get(f"/api/v1/jobs/{job.pk}/").status_code == 200
    assert api_as(users["district_reviewer"]).get(f"/api/v1/jobs/{job.pk}/").status_code == 200  # may watch


def test_a_job_of_no_election_is_its_creators(users):
    job = Job.objects.create(kind="notice", created_by=users["street_staff"])

    assert api_as(users["street_staff"]).get(f"/api/v1/jobs/{job.pk}/").status_code == 200
    assert api_as(users["community_clerk"]).get(f"/api/v1/jobs/{job.pk}/").status_code == 404


def test_uploading_outside_the_jurisdiction_is_not_found(election, users):
    response = _upload(users["other_clerk"], election, xlsx(people(1)))

    assert response.status_code == 404
    assert not Job.objects.exists()


def test_a_district_reviewer_may_not_import(election, users):
    response = _upload(users["district_reviewer"], election, xlsx(people(1)))

    assert response.status_code == 403
    assert not Job.objects.exists()


def test_bad_uploads_are_400_on_file(election, users):
    client = api_as(users["community_clerk"])
    url = f"/api/v1/elections/{election.pk}/voters/import/"

    missing = client.post(url, {}, format="multipart")
    wrong = _upload(users["community_clerk"], election, b"%PDF-1.4", name="名单.pdf")

    assert missing.status_code == 400 and "file" in missing.json()["errors"]
    assert wrong.status_code == 400
    assert "只能导入 .xlsx 或 .csv" in wrong.json()["errors"]["file"][0]


def test_no_upload_once_counting_starts(org, users):
    election = factories.election(org["community"], stage="counting")

    response = _upload(users["community_clerk"], election, xlsx(people(1)))

    assert response.status_code == 409


# ------------------------------------------------------------------------------------- decisions


@pytest.fixture
def held(election, users):
    rows = people(2)
    rows.append(list(rows[1]))
    job = run_import(users["community_clerk"], election, xlsx(rows))
    return HeldRow.objects.get(job=job)


def test_deciding_a_held_row(held, users):
    client = api_as(users["community_clerk"])

    response = client.post(f"/api/v1/held-rows/{held.pk}/decide/", {"decision": "discard", "reason": "重复"},
                           format="json")

    assert response.status_code == 200
    assert response.json()["decision"] == "discarded" and response.json()["decided_by"]
    job = client.get(f"/api/v1/jobs/{held.job_id}/").json()
    assert job["held"][0]["decision"] == "discarded"
    again = client.post(f"/api/v1/held-rows/{held.pk}/decide/", {"decision": "discard", "reason": "重复"},
                        format="json")
    assert again.status_code == 409


def test_a_decision_without_a_reason_or_of_an_unknown_kind_is_400(held, users):
    client = api_as(users["community_clerk"])

    blank = client.post(f"/api/v1/held-rows/{held.pk}/decide/", {"decision": "discard"}, format="json")
    unknown = client.post(f"/api/v1/held-rows/{held.pk}/decide/", {"decision": "keep", "reason": "x"}, format="json")

    assert blank.status_code == 400 and blank.json()["errors"] == {"reason": ["请填写处理说明。"]}
    assert unknown.status_code == 400 and "decision" in unknown.json()["errors"]


def test_registering_a_held_row_that_conflicts_is_409(held, users):
    response = api_as(users["community_clerk"]).post(f"/api/v1/held-rows/{held.pk}/decide/",
                                                     {"decision": "register", "reason": "x"}, format="json")

    assert response.status_code == 409
    assert "不能重复登记" in response.json()["detail"]


def test_deciding_outside_the_jurisdiction(held, users):
    other = api_as(users["other_clerk"]).post(f"/api/v1/held-rows/{held.pk}/decide/",
                                              {"decision": "discard", "reason": "x"}, format="json")
    reviewer = api_as(users["district_reviewer"]).post(f"/api/v1/held-rows/{held.pk}/decide/",
                                                       {"decision": "discard", "reason": "x"}, format="json")

    assert other.status_code == 404
    assert reviewer.status_code == 403
    assert HeldRow.objects.get(pk=held.pk).decision == ""


def test_the_street_moves_a_registration_through_the_api(org, election, users):
    sibling = factories.election(org["sibling"], camp=election.campaign, stage="voting")
    rows = people(1)
    there = voter(sibling, name=rows[0][0], number=rows[0][1])
    job = run_import(users["community_clerk"], election, xlsx(rows))
    held = HeldRow.objects.get(job=job)

    response = api_as(users["street_staff"]).post(f"/api/v1/held-rows/{held.pk}/decide/",
                                                  {"decision": "register", "reason": "已迁入"}, format="json")

    assert response.status_code == 200
    assert Voter.objects.get(pk=there.pk).status == "removed"
    assert Voter.objects.get(id_number=rows[0][1], status="active").election == election


def test_the_schema_lists_the_import_endpoints(client, users):
    client.force_login(users["community_clerk"])

    text = client.get("/api/schema/").content.decode()

    for path in ["/api/v1/elections/{election_pk}/voters/import/", "/api/v1/jobs/{id}/",
                 "/api/v1/held-rows/{id}/decide/"]:
        assert path in text, path
