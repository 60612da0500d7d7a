"""The import pages: upload, the job page (progress, counts, errors, held rows and their decisions), the template
and the error export."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from ballots import importer
from ballots.models import HeldRow, Voter
from elections.models import Job
from tests import factories
from tests.ballots.import_factories import csv_bytes, media, people, run_import, voter, xlsx  # noqa: F401

pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def election(org):
    return factories.election(org["community"], stage="voting")


def _login(client, user):
    client.force_login(user)
    return client


def test_the_upload_page_explains_the_columns_and_offers_the_template(client, users, election):
    html = _login(client, users["community_clerk"]).get(f"/elections/{election.pk}/voters/import/").content.decode()

    assert 'id="voter-import-form"' in html and 'enctype="multipart/form-data"' in html
    for text in ["姓名", "身份证号", "居民小组", "户籍类别", "公民身份号码", "所在小组", "文本", "未满 18 周岁"]:
        assert text in html, text
    assert "/voters/import/template/" in html
    assert "还没有导入过选民名单" in html


def test_the_template_is_an_xlsx_with_the_columns(client, users):
    response = _login(client, users["community_clerk"]).get("/voters/import/template/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book["选民名单"][1]] == ["姓名", "身份证号码", "居民小组", "户籍类别"]
    assert book["选民名单"]["B2"].number_format == "@"
    assert "填写说明" in book.sheetnames


def test_upload_then_the_job_page_shows_the_results(client, users, election, django_capture_on_commit_callbacks):
    rows = people(3)
    rows.append(list(rows[0]))
    rows.append(["王五", "3.40603198005171E+17", "1组", ""])
    _login(client, users["community_clerk"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/elections/{election.pk}/voters/import/",
                               {"file": SimpleUploadedFile("名单.xlsx", xlsx(rows))})

    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert 'id="job-summary"' in html and 'data-job-poll' not in html
    assert re.search(r'id="count-imported"><strong>3</strong>', html)
    assert re.search(r'<tr data-error-row="6" data-field="id_number"><td class="num">6</td><td class="nowrap">身份证号码</td>',
                     html)
    assert "超过 15 位的数字已丢失" in html
    held = HeldRow.objects.get()
    assert f'id="held-{held.pk}"' in html and "文件内重复" in html and "第 2 行" in html
    assert f'action="/held-rows/{held.pk}/decide/' in html
    # the page lists it among the election's imports
    history = client.get(f"/elections/{election.pk}/voters/import/").content.decode()
    assert f'data-job="{job.pk}"' in history and "名单.xlsx" in history


def test_a_running_job_page_follows_the_job(client, users, election):
    from ballots.services import voter_import as services

    job = services.voter_import_start(actor=users["community_clerk"], election=election, file_name="a.xlsx",
                                      content=xlsx(people(1)))  # queued: the on-commit hook does not run here

    html = _login(client, users["community_clerk"]).get(f"/jobs/{job.pk}/").content.decode()

    assert f'data-job-poll="/api/v1/jobs/{job.pk}/"' in html
    assert "js/jobs.js" in html and "<progress" in html


def test_a_failed_job_page_says_why(client, users, election):
    job = run_import(users["community_clerk"], election, xlsx([["张三", "1"]], headers=["姓名", "号码"]))

    html = _login(client, users["community_clerk"]).get(f"/jobs/{job.pk}/").content.decode()

    assert 'id="job-failed"' in html and "缺少必需的列" in html and "未导入任何选民" in html


def test_a_refused_upload_shows_the_reason_on_the_form(client, users, election):
    response = _login(client, users["community_clerk"]).post(
        f"/elections/{election.pk}/voters/import/", {"file": SimpleUploadedFile("名单.txt", b"abc")})

    assert response.status_code == 200
    assert "只能导入 .xlsx 或 .csv" in response.content.decode()
    assert not Job.objects.exists()


def test_the_errors_export_to_excel(client, users, election):
    job = run_import(users["community_clerk"], election,
                     csv_bytes(people(1) + [["=HYPERLINK(1)", "1", "", "=1+1"]]), name="名单.csv")

    response = _login(client, users["community_clerk"]).get(f"/jobs/{job.pk}/?export=errors")

    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in sheet.iter_rows() for c in row]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["行号", "列", "问题"]
    assert [v[:2] for v in values[1:]] == [[3, "身份证号码"], [3, "居民小组"], [3, "户籍类别"]]
    assert "“=1+1”无法识别" in values[3][2]
    assert all(c.data_type != "f" for c in cells)  # nothing the spreadsheet would run


def test_errors_are_paginated(client, users, election):
    bad = [["", f"{i}", "1组", ""] for i in range(60)]  # two problems a row: 120 problems
    job = run_import(users["community_clerk"], election, xlsx(people(1) + bad))
    _login(client, users["community_clerk"])

    first = client.get(f"/jobs/{job.pk}/").content.decode()
    second = client.get(f"/jobs/{job.pk}/?page=2").content.decode()

    assert first.count("data-error-row=") == 100 and second.count("data-error-row=") == 20
    assert "1 / 2" in first


# ------------------------------------------------------------------------------------- held rows


@pytest.fixture
def held(election, users):
    rows = people(2)
    rows.append(list(rows[1]))
    job = run_import(users["community_clerk"], election, xlsx(rows))
    return HeldRow.objects.get(job=job)


def test_discarding_a_held_row_on_the_page(client, users, held):
    _login(client, users["community_clerk"])

    response = client.post(f"/held-rows/{held.pk}/decide/", {"decision": "discard", "reason": "同一人"})

    assert response.status_code == 302 and response["Location"].endswith(f"#held-{held.pk}")
    html = client.get(f"/jobs/{held.job_id}/").content.decode()
    assert "不予登记" in html and "同一人" in html
    assert HeldRow.objects.get(pk=held.pk).decision == "discarded"


def test_a_decision_without_a_reason_shows_the_error_on_its_row(client, users, held):
    response = _login(client, users["community_clerk"]).post(f"/held-rows/{held.pk}/decide/",
                                                             {"decision": "discard", "reason": ""})

    assert response.status_code == 200
    assert 'data-field="reason"' in response.content.decode()
    assert HeldRow.objects.get(pk=held.pk).decision == ""


def test_a_refused_registration_is_explained(client, users, held):
    response = _login(client, users["community_clerk"]).post(f"/held-rows/{held.pk}/decide/",
                                                             {"decision": "register", "reason": "以本行为准"})

    assert response.status_code == 200
    assert "不能重复登记" in response.content.decode()
    assert HeldRow.objects.get(pk=held.pk).decision == ""


def test_the_street_sees_a_move_button_for_someone_registered_elsewhere(client, users, org, election):
    sibling = factories.election(org["sibling"], camp=election.campaign, stage="voting")
    rows = people(1)
    voter(sibling, name=rows[0][0], number=rows[0][1])
    job = run_import(users["community_clerk"], election, xlsx(rows))

    street = _login(client, users["street_staff"]).get(f"/jobs/{job.pk}/").content.decode()
    client.logout()
    clerk = _login(client, users["community_clerk"]).get(f"/jobs/{job.pk}/").content.decode()

    assert "迁至本社区登记" in street and "data-confirm" in street
    assert "迁至本社区登记" not in clerk and "西关社区" in clerk


# ------------------------------------------------------------------------------------- refusals


def test_pages_outside_the_jurisdiction_are_not_found(client, users, election, held):
    _login(client, users["other_clerk"])

    assert client.get(f"/elections/{election.pk}/voters/import/").status_code == 404
    assert client.get(f"/jobs/{held.job_id}/").status_code == 404
    assert client.post(f"/held-rows/{held.pk}/decide/", {"decision": "discard", "reason": "x"}).status_code == 404
    assert HeldRow.objects.get(pk=held.pk).decision == ""


def test_a_district_reviewer_sees_but_may_not_import_or_decide(client, users, election, held):
    _login(client, users["district_reviewer"])

    page = client.get(f"/elections/{election.pk}/voters/import/").content.decode()
    refused = client.post(f"/elections/{election.pk}/voters/import/",
                          {"file": SimpleUploadedFile("名单.xlsx", xlsx(people(1)))})
    decide = client.post(f"/held-rows/{held.pk}/decide/", {"decision": "discard", "reason": "x"})
    job_page = client.get(f"/jobs/{held.job_id}/").content.decode()

    assert 'id="import-not-allowed"' in page and 'id="voter-import-form"' not in page
    assert refused.status_code == 403 and decide.status_code == 403
    assert Job.objects.count() == 1 and HeldRow.objects.get(pk=held.pk).decision == ""
    assert "/decide/" not in job_page


def test_the_upload_form_is_closed_once_counting_starts(client, users, org):
    election = factories.election(org["community"], stage="counting")

    html = _login(client, users["community_clerk"]).get(f"/elections/{election.pk}/voters/import/").content.decode()

    assert 'id="import-closed"' in html and 'id="voter-import-form"' not in html
    assert Voter.objects.count() == 0


def test_the_import_page_renders_in_english(client, users, election):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = _login(client, users["community_clerk"]).get(f"/elections/{election.pk}/voters/import/")

    assert response.status_code == 200


def test_the_template_round_trips_through_the_importer():
    rows = importer.read_xlsx(importer.template_bytes(rows=5))

    assert rows[0] == ["姓名", "身份证号码", "居民小组", "户籍类别"]
