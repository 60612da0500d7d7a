"""The election's 工作移交 tab, its forms, its Excel export and the printable 移交清单."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from elections import services
from elections.models import Event, HandoverItem
from tests import factories

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 14, 9, 0, tzinfo=SHANGHAI))


@pytest.fixture
def election(org):
    return factories.election(org["community"], stage="handover", prepared=False)


@pytest.fixture
def clerk(client, users):
    client.force_login(users["community_clerk"])
    return client


def tab(client, election, extra=""):
    return client.get(f"/elections/{election.pk}/?tab=handover{extra}")


def test_the_tab_lists_items_with_the_deadline_and_marks_overdue_ones(clerk, users, election):
    actor = users["community_clerk"]
    services.took_office_set(actor=actor, election=election, took_office_on=dt.date(2026, 3, 1))
    done = services.handover_item_add(actor=actor, election=election, kind="seal", description="居委会公章",
                                      handed_by="老主任", received_by="新主任", witness="街道干部",
                                      done_on=dt.date(2026, 3, 5))
    open_item = services.handover_item_add(actor=actor, election=election, kind="archive",
                                           description="<b>档案</b> 12 盒")
    response = tab(clerk, election)
    html = response.content.decode()
    assert response.status_code == 200
    assert "工作移交" in html and "须于 2026-03-11 前（含当日）完成" in html
    assert 'id="handover-overdue"' in html and "已逾期 3 天" in html
    assert f'id="handover-item-{done.pk}"' in html and "老主任" in html and "街道干部" in html
    assert f'data-item="{open_item.pk}" data-kind="archive" data-complete="0" class="overdue"' in html
    assert "缺移交人、接收人、监交人、移交日期" in html
    assert "&lt;b&gt;档案&lt;/b&gt;" in html and "<b>档案</b>" not in html  # user text escaped
    assert "三资台账、办公场所" in html  # the kinds not yet recorded
    assert 'id="handover-add-form"' in html and 'id="took-office-form"' in html
    assert 'id="handover-delay-form"' not in html  # the street's, not the community's


def test_add_edit_delete_through_the_forms(clerk, election):
    base = f"/elections/{election.pk}/handover/"
    response = clerk.post(base + "took-office/", {"took_office_on": "2026-03-10"})
    assert response.status_code == 302 and "tab=handover" in response["Location"]
    response = clerk.post(base + "items/add/", {"kind": "seal", "description": "公章", "handed_by": "甲",
                                                "received_by": "甲"})
    assert response.status_code == 200 and "移交人和接收人不能是同一人" in response.content.decode()
    assert not HandoverItem.objects.exists()
    response = clerk.post(base + "items/add/", {"kind": "seal", "description": "公章", "handed_by": "甲"})
    assert response.status_code == 302
    item = HandoverItem.objects.get()
    response = clerk.post(base + f"items/{item.pk}/edit/", {
        "kind": "seal", "description": "公章", "handed_by": "甲", "received_by": "乙", "witness": "丙",
        "done_on": "2026-03-12", "version": "1"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.witness, item.done_on, item.version) == ("丙", dt.date(2026, 3, 12), 2)
    response = clerk.post(base + f"items/{item.pk}/delete/", {"reason": ""})
    assert response.status_code == 200 and HandoverItem.objects.filter(pk=item.pk).exists()
    response = clerk.post(base + f"items/{item.pk}/delete/", {"reason": "录入错误"})
    assert response.status_code == 302 and not HandoverItem.objects.exists()
    assert list(Event.objects.filter(election=election).order_by("seq").values_list("action", flat=True)) == [
        "handover.took_office", "handover_item.create", "handover_item.update", "handover_item.delete"]


def test_the_street_may_explain_a_late_handover(client, users, election):
    services.took_office_set(actor=users["community_clerk"], election=election, took_office_on=dt.date(2026, 3, 1))
    client.force_login(users["street_staff"])
    assert 'id="handover-delay-form"' in tab(client, election).content.decode()
    response = client.post(f"/elections/{election.pk}/handover/delay/", {"delay_note": "新主任住院"})
    assert response.status_code == 302
    assert "新主任住院" in tab(client, election).content.decode()


def test_a_reviewer_sees_the_tab_without_forms_and_cannot_post(client, users, election):
    client.force_login(users["district_reviewer"])
    html = tab(client, election).content.decode()
    assert 'id="handover-items"' in html and 'id="handover-add-form"' not in html
    response = client.post(f"/elections/{election.pk}/handover/items/add/", {"kind": "seal", "description": "公章"})
    assert response.status_code == 403 and not HandoverItem.objects.exists()


def test_other_communities_get_404(client, users, election):
    client.force_login(users["other_clerk"])
    assert client.get(f"/elections/{election.pk}/handover/print/").status_code == 404
    assert client.post(f"/elections/{election.pk}/handover/items/add/", {"kind": "seal"}).status_code == 404


def test_outside_the_stage_the_tab_shows_no_forms(clerk, org):
    counting = factories.election(org["community"], stage="counting", prepared=False)
    html = tab(clerk, counting).content.decode()
    assert 'id="handover-not-stage"' in html and 'id="handover-add-form"' not in html


def test_excel_export_is_safe_against_formulas(clerk, users, election):
    services.handover_item_add(actor=users["community_clerk"], election=election, kind="assets",
                               description="=HYPERLINK(\"x\")", handed_by="甲")
    response = tab(clerk, election, "&export=xlsx")
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "类别", "移交内容")
    assert rows[1][1] == "三资台账" and rows[1][2].startswith("'=") and "缺接收人" in rows[1][7]


def test_the_printable_list_has_every_item_and_signature_lines(clerk, users, election):
    services.took_office_set(actor=users["community_clerk"], election=election, took_office_on=dt.date(2026, 3, 10))
    services.handover_item_add(actor=users["community_clerk"], election=election, kind="premises",
                               description="居委会办公楼", handed_by="老主任")
    response = clerk.get(f"/elections/{election.pk}/handover/print/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "工作移交清单" in html and "居委会办公楼" in html and "老主任" in html
    assert "2026年3月20日前" in html and "监交人（街道）（签字）" in html and "移交方（原班子）负责人（签字）" in html
    assert 'class="printdoc"' in html  # extends print_base.html
