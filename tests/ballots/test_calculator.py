"""The results calculator (计票试算): POST /api/v1/results/calculate/ and the page /results/calculator/.

The engine's rules are tested in test_rules.py; here: the API's contract (API.md "Results calculator"), its
400 shapes and access, and the page's form, line parsing, result and translation."""

from __future__ import annotations

import copy

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from ballots.forms import CountLinesField
from elections import rules as election_rules
from elections.models import Event
from tests import factories
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

URL = "/api/v1/results/calculate/"
PAGE = "/results/calculator/"

# the example body of API.md
EXAMPLE = {
    "rulebook": "rc-general", "rule_overrides": {},
    "round": "first",
    "registered": 1000,
    "present": None,
    "seats": [{"position": "member", "count": 3}],
    "ballots_issued": 600, "ballots_returned": 598, "ballots_invalid": 10,
    "votes": [{"candidate": "张三", "position": "member", "count": 400}],
    "write_ins": [{"name": "李四", "position": "member", "count": 5}],
}


def body(**changes):
    data = copy.deepcopy(EXAMPLE)
    data.update(changes)
    return data


def party(present, **changes):
    """A party meeting: 50 members expected, ``present`` of them vote; two members to elect."""
    data = {
        "rulebook": "party-general", "round": "first", "registered": 50, "present": present,
        "seats": [{"position": "member", "count": 2}],
        "ballots_issued": present, "ballots_returned": present, "ballots_invalid": 0,
        "votes": [{"candidate": "赵一", "position": "member", "count": 30},
                  {"candidate": "钱二", "position": "member", "count": 25},
                  {"candidate": "孙三", "position": "member", "count": 10}],
    }
    data.update(changes)
    return data


@pytest.fixture
def clerk(org):
    return factories.user("community_clerk", org["community"], "clerk")


@pytest.fixture
def api(clerk):
    return api_as(clerk)


def post(api, data):
    return api.post(URL, data, format="json")


# --------------------------------------------------------------------------------------------
# API
# --------------------------------------------------------------------------------------------


def test_the_api_md_example_is_valid_elects_zhang_san_and_calls_a_runoff(api):
    response = post(api, EXAMPLE)

    assert response.status_code == 200, response.json()
    data = response.json()
    assert set(data) == {"valid", "reason", "positions", "next_action", "explanation"}
    assert data["valid"] is True
    assert "598" in data["reason"] and "1000" in data["reason"]
    assert data["positions"] == [{"position": "member", "seats": 3, "elected": [{"candidate": "张三", "votes": 400}],
                                  "unfilled": 2, "tied": []}]
    assert data["next_action"] == "runoff"
    lines = data["explanation"]
    # the round's lines first, then the position's one line per candidate
    assert lines[1] == data["reason"]
    assert lines[-2].startswith("张三 得 400 票") and "当选" in lines[-2]
    assert lines[-1].startswith("李四（另选他人） 得 5 票") and "未当选" in lines[-1]
    assert any("另行选举" in line for line in lines[:-2])


def test_the_calculation_writes_nothing_and_records_no_event(api, django_assert_num_queries):
    before = Event.objects.count()

    with django_assert_num_queries(0):
        response = post(api, EXAMPLE)

    assert response.status_code == 200
    assert Event.objects.count() == before


def test_a_filled_committee_needs_no_further_vote(api):
    votes = [{"candidate": n, "position": "member", "count": c} for n, c in [("甲", 500), ("乙", 450), ("丙", 320)]]

    data = post(api, body(votes=votes, write_ins=[])).json()

    assert [e["candidate"] for e in data["positions"][0]["elected"]] == ["甲", "乙", "丙"]
    assert data["positions"][0]["unfilled"] == 0
    assert data["next_action"] == "none"


def test_too_few_voters_void_the_election(api):
    data = post(api, body(ballots_issued=500, ballots_returned=500, ballots_invalid=0)).json()

    assert data["valid"] is False
    assert data["next_action"] == "repeat"
    assert data["positions"][0]["elected"] == []


@pytest.mark.parametrize(("present", "valid", "action"), [(40, True, "none"), (39, False, "repeat")])
def test_a_party_meeting_needs_four_fifths_present_at_least(api, present, valid, action):
    data = post(api, party(present)).json()

    assert data["valid"] is valid
    assert data["next_action"] == action
    assert "50" in data["reason"] and str(present) in data["reason"]
    if valid:  # more than half of the 40 present: 21 votes
        assert data["positions"][0]["elected"] == [{"candidate": "赵一", "votes": 30},
                                                   {"candidate": "钱二", "votes": 25}]
    else:
        assert data["positions"][0]["elected"] == []


def test_rule_overrides_apply_a_strict_quorum(api):
    data = post(api, party(40, rule_overrides={"quorum_operator": ">"})).json()

    assert data["valid"] is False
    assert data["next_action"] == "repeat"


def test_write_ins_are_candidates_like_any_other(api):
    elected = post(api, body(write_ins=[{"name": "王五", "position": "member", "count": 450}])).json()
    tied = post(api, body(votes=[{"candidate": "甲", "position": "member", "count": 450},
                                 {"candidate": "张三", "position": "member", "count": 350}],
                          write_ins=[{"name": "王五", "position": "member", "count": 350}],
                          seats=[{"position": "member", "count": 2}])).json()

    assert elected["positions"][0]["elected"] == [{"candidate": "王五", "votes": 450},
                                                  {"candidate": "张三", "votes": 400}]
    assert tied["positions"][0]["elected"] == [{"candidate": "甲", "votes": 450}]
    assert sorted(tied["positions"][0]["tied"]) == sorted(["张三", "王五"])
    assert tied["next_action"] == "revote"


def test_a_runoff_is_a_round_of_its_own(api):
    # a residents' run-off: the most votes win with at least a third of the ballots returned (200 of 598)
    runoff = post(api, body(round="runoff", votes=[{"candidate": "张三", "position": "member", "count": 200}],
                            write_ins=[], seats=[{"position": "member", "count": 1}])).json()

    assert runoff["positions"][0]["elected"] == [{"candidate": "张三", "votes": 200}]
    assert runoff["next_action"] == "none"


def _errors(response):
    assert response.status_code == 400, response.content
    data = response.json()
    assert isinstance(data["detail"], str) and data["detail"]
    assert all(isinstance(m, str) for ms in data["errors"].values() for m in ms)
    return data["errors"]


@pytest.mark.parametrize(("changes", "field"), [
    ({"ballots_invalid": -1}, "ballots_invalid"),
    ({"registered": -5}, "registered"),
    ({"votes": [{"candidate": "张三", "position": "member", "count": -3}]}, "votes.0.count"),
    ({"seats": [{"position": "member", "count": -1}]}, "seats.0.count"),
    ({"ballots_invalid": 599}, "ballots_invalid"),
    ({"seats": [{"position": "secretary", "count": 1}]}, "seats"),
    ({"seats": [{"position": "member", "count": 2}, {"position": "member", "count": 1}]}, "seats"),
    ({"votes": [{"candidate": "张三", "position": "vice_chair", "count": 10}]}, "votes"),
    ({"write_ins": [{"name": "李四", "position": "deputy_secretary", "count": 1}]}, "write_ins"),
    ({"votes": [{"candidate": "张三", "position": "member", "count": 590}]}, "votes"),
    ({"rulebook": "nowhere-general"}, "rulebook"),
    ({"round": "final"}, "round"),
    ({"rule_overrides": {"quorum": "abc"}}, "rule_overrides"),
    ({"rule_overrides": {"no_such_rule": 1}}, "rule_overrides"),
    ({"rule_overrides": {"committee_size_min": 9, "committee_size_max": 5}}, "rule_overrides"),
    ({"seats": []}, "seats"),
])
def test_inconsistent_input_is_a_400_naming_the_field(api, changes, field):
    errors = _errors(post(api, body(**changes)))

    assert field in errors, errors


def test_a_missing_field_is_a_400(api):
    data = body()
    del data["rulebook"]

    assert "rulebook" in _errors(post(api, data))


def test_a_party_round_without_members_present_is_a_400(api):
    errors = _errors(post(api, {**party(40), "present": None}))

    assert list(errors) == ["present"]
    assert "实到人数" in errors["present"][0]


def test_the_errors_speak_chinese(api):
    errors = _errors(post(api, body(ballots_invalid=599, rulebook="rc-general")))

    assert "无效票" in errors["ballots_invalid"][0]
    assert "未知的选举办法" in _errors(post(api, body(rulebook="x")))["rulebook"][0]


def test_anonymous_callers_are_refused(api_client):
    response = api_client.post(URL, EXAMPLE, format="json")

    assert response.status_code == 401
    assert "detail" in response.json()


def test_a_session_without_login_is_refused_too(client):
    response = client.post(URL, EXAMPLE, content_type="application/json")

    assert response.status_code == 401  # the token authenticator answers first, with WWW-Authenticate
    assert "WWW-Authenticate" in response.headers


@pytest.mark.parametrize("role", ["district_admin", "district_reviewer", "street_staff", "community_clerk"])
def test_every_role_may_calculate(org, role):
    where = org["district"] if role.startswith("district") else org["street"] if role == "street_staff" \
        else org["community"]
    user = factories.user(role, where, f"u_{role}", department="police" if role == "district_reviewer" else "")

    assert post(api_as(user), EXAMPLE).status_code == 200


def test_get_is_not_allowed(api):
    assert api.get(URL).status_code == 405


# --------------------------------------------------------------------------------------------
# Page
# --------------------------------------------------------------------------------------------

FORM = {
    "rulebook": "rc-general", "round": "first", "revote_of": "first",
    "registered": "1000", "present": "",
    "ballots_issued": "600", "ballots_returned": "598", "ballots_invalid": "10",
    "seats": "委员 3",
    "votes": "张三 委员 400\n赵六\tmember\t120\n",
    "write_ins": "李四 委员 5",
}


@pytest.fixture
def signed_in(client, clerk):
    client.force_login(clerk)
    return client


def test_the_page_needs_a_login(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_page_renders_the_form_and_the_menu_links_it(signed_in):
    response = signed_in.get(PAGE)

    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("results-calculator") == PAGE
    assert 'id="nav-calculator"' in html and "计票试算" in html
    for name in ("rulebook", "round", "registered", "present", "seats", "ballots_issued", "ballots_returned",
                 "ballots_invalid", "votes", "write_ins"):
        assert f'name="{name}"' in html, name
    for preset in election_rules.PRESETS.values():
        assert preset["name"] in html
    assert 'id="result"' not in html


def test_posting_shows_the_result_and_the_explanation(signed_in):
    response = signed_in.post(PAGE, FORM)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="result"' in html
    assert "选举有效" in html
    assert "超过登记选民的半数" in html  # the reason
    assert "应选名额未选足：对不足的名额另行选举。" in html  # the next action in words
    table = html.split('data-position="member"')[1].split("</table>")[0]
    assert table.index("张三") < table.index("赵六") < table.index("李四")
    assert table.count('status-done">当选</span>') == 1  # 张三 only
    assert table.count('<span class="muted">未当选</span>') == 2
    assert "另选他人" in table
    explanation = html.split('<ol id="explanation">')[1].split("</ol>")[0]
    # the round's lines (figures, validity, threshold, what next), then one line per candidate
    assert explanation.index("超过登记选民的半数") < explanation.index("下一步") < explanation.index("<li>张三 得 400 票")
    assert explanation.count("<li>") >= 6
    assert Event.objects.count() == 0


def test_the_page_shows_a_tie_and_a_void_election(signed_in):
    tie = signed_in.post(PAGE, {**FORM, "seats": "委员 2", "votes": "甲 委员 450\n张三 委员 350\n王五 委员 350",
                                "write_ins": ""}).content.decode()
    void = signed_in.post(PAGE, {**FORM, "ballots_returned": "500", "ballots_issued": "500"}).content.decode()

    assert tie.count("得票相等，须重新投票") == 2
    assert "末位得票相等：对得票相等的候选人重新投票。" in tie
    assert "选举无效" in void and "本次选举无效：须重新组织选举。" in void


def test_a_party_meeting_on_the_page(signed_in):
    html = signed_in.post(PAGE, {**FORM, "rulebook": "party-general", "registered": "50", "present": "40",
                                 "ballots_issued": "40", "ballots_returned": "40", "ballots_invalid": "0",
                                 "seats": "书记 1\n委员 2",
                                 "votes": "赵一 书记 35\n赵一 委员 30\n钱二 委员 25\n孙三 委员 10",
                                 "write_ins": ""}).content.decode()

    assert "选举有效" in html
    assert 'data-position="secretary"' in html
    assert "无需再投票：可以宣布选举结果。" in html


def _field_errors(html, field):
    return [chunk.split("</p>")[0] for chunk in html.split(f'<p class="error" data-field="{field}">')[1:]]


def test_bad_lines_are_reported_with_their_numbers(signed_in):
    html = signed_in.post(PAGE, {**FORM, "votes": "张三 委员 400\n\n李四 委员 abc\n王五 校长 3\n赵六 400",
                                 "seats": "委员 三"}).content.decode()

    votes = _field_errors(html, "votes")
    assert any(e.startswith("第 3 行：") and "abc" in e for e in votes), votes
    assert any(e.startswith("第 4 行：未知的职位“校长”") for e in votes), votes
    assert any(e.startswith("第 5 行：请按“姓名 职位 票数”填写。") for e in votes), votes
    assert _field_errors(html, "seats") == ["第 1 行：“三”不是非负整数。"]
    assert 'id="result"' not in html


def test_positions_of_another_body_and_repeated_names_are_line_errors(signed_in):
    html = signed_in.post(PAGE, {**FORM, "votes": "张三 委员 400\n李四 书记 3\n张三 委员 1"}).content.decode()

    votes = _field_errors(html, "votes")
    assert "第 2 行：居民委员会没有“书记”这一职位。" in votes
    assert "第 3 行：与第 1 行重复。" in votes


def test_inconsistent_figures_are_shown_on_their_field(signed_in):
    html = signed_in.post(PAGE, {**FORM, "ballots_invalid": "599"}).content.decode()

    [error] = _field_errors(html, "ballots_invalid")
    assert "599" in error and "598" in error
    assert 'id="result"' not in html


def test_a_vote_for_a_position_without_seats_is_an_error(signed_in):
    html = signed_in.post(PAGE, {**FORM, "votes": "张三 副主任 10"}).content.decode()

    assert any("不在本轮应选职位之中" in e for e in _field_errors(html, "votes"))


def test_the_page_in_english(signed_in):
    signed_in.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    form = signed_in.get(PAGE).content.decode()
    result = signed_in.post(PAGE, {**FORM, "seats": "Member 3\nvice_chair 1",
                                   "votes": "Zhang San Member 400\n张三 Vice chair 360"}).content.decode()
    bad = signed_in.post(PAGE, {**FORM, "votes": "Zhang San Member 400\nLi Si Headmaster 3"}).content.decode()

    assert "Results calculator" in form and "计票试算" not in form
    assert "Residents&#x27; committee general election (standard)" in form
    assert "Registered voters / members expected" in form
    assert "Candidates&#x27; votes" in form and "Seats to fill" in form
    assert "Election valid" in result and "Elected" in result and "Write-in" in result
    assert "Seats left unfilled: hold a run-off for them." in result
    assert "How it was calculated" in result
    assert "Vice chair" in result and "Zhang San" in result
    assert _field_errors(bad, "votes") == [
        "Line 2: Unknown position “Headmaster”; use one of: Secretary, Deputy secretary, Chair, Vice chair, Member."]


def test_every_preset_rulebook_has_an_english_name():
    with translation.override("en"):
        missing = [p["name"] for p in election_rules.PRESETS.values() if translation.gettext(p["name"]) == p["name"]]

    assert missing == []


@pytest.mark.parametrize(("line", "parsed"), [
    ("张三 委员 400", ("张三", "member", 400)),
    ("张三\t副主任\t12", ("张三", "vice_chair", 12)),
    ("张三,deputy_secretary,7", ("张三", "deputy_secretary", 7)),
    ("张三，书记，０", ("张三", "secretary", 0)),
    ("Zhang San vice chair 3", ("Zhang San", "vice_chair", 3)),
])
def test_count_lines_parse_names_positions_and_counts(line, parsed):
    with translation.override("en"):
        rows = CountLinesField().clean(line)

    assert rows == [(1, *parsed)]


def test_seat_lines_have_no_name():
    assert CountLinesField(with_name=False).clean("委员 3\n\n主任 1") == [(1, "", "member", 3), (3, "", "chair", 1)]


def test_a_body_that_is_not_an_object_is_a_400(api):
    assert "non_field_errors" in _errors(api.post(URL, [1, 2], format="json"))
    assert "seats" in _errors(post(api, body(seats="member 3")))
