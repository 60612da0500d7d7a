"""Vetting through the services: configuration, reviews at the three levels, the street's decision on 不宜
rejections, publicity, objections and reports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from candidates import services as candidate_services
from candidates.models import Candidate, CandidateList, Nomination
from elections.errors import ApplicationError, Conflict
from elections.models import Event
from tests import factories
from tests.vetting.conftest import TODAY, nominate
from vetting import rules, selectors, services
from vetting.grounds import sync_default_grounds
from vetting.models import Ground, Report, Review, ReviewDepartment

pytestmark = pytest.mark.django_db


def reload(nomination: Nomination) -> Nomination:
    return Nomination.objects.get(pk=nomination.pk)


def submit(actor, nomination, level, decision="pass", grounds=(), **kw):
    return services.review_submit(actor=actor, nomination=reload(nomination), level=level, decision=decision,
                                  grounds=list(grounds), **kw)


def to_district(nomination, users):
    submit(users["community_clerk"], nomination, "community")
    submit(users["street_staff"], nomination, "street")
    return reload(nomination)


def queue_ids(user, **filters):
    return [row.nomination.pk for row in selectors.review_queue(user=user, filters=filters)]


# --------------------------------------------------------------------------------------------
# Default grounds and configuration
# --------------------------------------------------------------------------------------------


def test_default_grounds_are_synced_once():
    assert Ground.objects.filter(district__isnull=True).count() == len(rules.DEFAULT_GROUNDS) == 25
    Ground.objects.filter(code="ineligible-02a", district__isnull=True).update(text="改过", active=False)
    sync_default_grounds()
    sync_default_grounds()
    assert Ground.objects.filter(district__isnull=True).count() == 25
    restored = Ground.objects.get(code="ineligible-02a", district__isnull=True)
    assert (restored.text, restored.department, restored.active) == ("受过刑事处罚的", "court", True)


def test_a_district_customises_its_grounds(org, users):
    admin = users["district_admin"]
    assert len(selectors.grounds_for(org["district"])) == 25
    copied = services.grounds_customise(actor=admin, district=org["district"])
    assert len(copied) == 25
    with pytest.raises(Conflict):
        services.grounds_customise(actor=admin, district=org["district"])
    added = services.ground_save(actor=admin, district=org["district"], kind="unsuitable", text="长期不在社区居住的",
                                 department="", source="区换届办 2026 年通知")
    assert added.code == "unsuitable-09" and added.order == 9
    services.ground_save(actor=admin, district=org["district"], code="ineligible-02a", kind="ineligible",
                         text="受过刑事处罚的", department="court", active=False)
    own = {g.code: g for g in selectors.grounds_for(org["district"])}
    assert len(own) == 26 and not own["ineligible-02a"].active
    assert "ineligible-02a" not in {g.code for g in selectors.grounds_for(org["district"], active_only=True)}
    # the defaults are untouched; another district still uses them
    other = factories.jurisdiction("濉溪县", "district")
    assert {g.district_id for g in selectors.grounds_for(other)} == {None}
    events = Event.objects.filter(action__startswith="vetting.ground").order_by("id")
    assert [e.jurisdiction_id for e in events] == [org["district"].pk] * 3


def test_ground_save_copies_the_defaults_first_and_checks_its_input(org, users):
    admin = users["district_admin"]
    ground = services.ground_save(actor=admin, district=org["district"], code="unsuitable-05", kind="unsuitable",
                                  text="在重点工程中不支持、不配合的", department="")
    assert ground.district_id == org["district"].pk
    assert Ground.objects.filter(district=org["district"]).count() == 25
    with pytest.raises(ApplicationError) as error:
        services.ground_save(actor=admin, district=org["district"], kind="maybe", text="", department="army")
    assert set(error.value.errors) == {"kind", "text", "department"}
    with pytest.raises(ApplicationError) as error:
        services.ground_save(actor=admin, district=org["district"], code="nope", kind="unsuitable", text="x")
    assert "code" in error.value.errors
    with pytest.raises(PermissionDenied):
        services.ground_save(actor=users["street_staff"], district=org["district"], kind="unsuitable", text="x")
    with pytest.raises(ApplicationError):
        services.ground_save(actor=admin, district=org["street"], kind="unsuitable", text="x")


def test_departments_set(org, users):
    admin = users["district_admin"]
    assert selectors.departments_for(org["district"]) == [c for c, _ in rules.DEPARTMENTS]
    assert services.departments_set(actor=admin, district=org["district"], codes=["court", "police"]) == [
        "police", "court"]
    assert ReviewDepartment.objects.filter(district=org["district"]).count() == 8
    assert selectors.departments_for(org["district"]) == ["police", "court"]
    with pytest.raises(ApplicationError) as error:
        services.departments_set(actor=admin, district=org["district"], codes=[])
    assert "codes" in error.value.errors
    with pytest.raises(ApplicationError):
        services.departments_set(actor=admin, district=org["district"], codes=["army"])
    other_admin = factories.user("district_admin", factories.jurisdiction("濉溪县", "district"))
    with pytest.raises(PermissionDenied):
        services.departments_set(actor=other_admin, district=org["district"], codes=["court"])
    event = Event.objects.filter(action="vetting.departments_set").last()
    assert event.jurisdiction_id == org["district"].pk and event.after == {"departments": ["police", "court"]}


def test_dropping_the_last_pending_department_approves_waiting_nominations(org, users, reviewers, departments,
                                                                           vetting_election):
    n = to_district(nominate(vetting_election), users)
    submit(reviewers["civil_affairs"], n, "district")
    submit(reviewers["police"], n, "district")
    assert reload(n).status == "reviewing"
    services.departments_set(actor=users["district_admin"], district=org["district"], codes=["civil_affairs", "police"])
    assert reload(n).status == "approved"


# --------------------------------------------------------------------------------------------
# The review flow
# --------------------------------------------------------------------------------------------


def test_a_clean_nomination_passes_every_level(users, reviewers, departments, vetting_election):
    n = nominate(vetting_election)
    submit(users["community_clerk"], n, "community")
    assert (reload(n).status, reload(n).level) == ("reviewing", "street")
    assert reload(n).outcome == "社区初审通过，待街道全面审查。"
    submit(users["street_staff"], n, "street")
    assert (reload(n).status, reload(n).level) == ("reviewing", "district")
    version = reload(n).version
    submit(reviewers["police"], n, "district", version=version)
    submit(reviewers["court"], n, "district", version=version)  # a department pass leaves the version alone
    assert (reload(n).status, reload(n).version) == ("reviewing", version)
    submit(reviewers["civil_affairs"], n, "district", version=version)
    done = reload(n)
    assert (done.status, done.level, done.decided_at is not None) == ("approved", "", True)
    assert [r.department for r in Review.objects.filter(nomination=n, level="district")] == [
        "police", "court", "civil_affairs"]
    events = list(Event.objects.filter(action="vetting.review").order_by("id"))
    assert len(events) == 5  # one per review
    assert events[2].summary.endswith("区级联审（公安局）通过；尚待民政局、法院联审")


def test_a_department_rejecting_after_two_passed_rejects_and_leaves_every_queue(users, reviewers, departments,
                                                                                 vetting_election):
    n = to_district(nominate(vetting_election, "李四"), users)
    submit(reviewers["police"], n, "district")
    submit(reviewers["court"], n, "district")
    assert queue_ids(reviewers["civil_affairs"]) == [n.pk]
    submit(reviewers["civil_affairs"], n, "district", "reject", ["ineligible-06a"], note="侵占集体资产")
    rejected = reload(n)
    assert (rejected.status, rejected.level) == ("rejected", "")
    assert rejected.outcome == "区级联审（民政局）不通过，不得情形：有严重危害集体利益和群众合法权益行为的。"
    for user in [reviewers["civil_affairs"], reviewers["police"], reviewers["court"], users["street_staff"],
                 users["community_clerk"], users["district_admin"]]:
        assert n.pk not in queue_ids(user)
    # 逐级反馈: the community sees why
    [row] = selectors.vetting_overview(user=users["community_clerk"])
    assert row.where == "未通过" and "民政局" in row.nomination.outcome
    assert row.departments_passed == ["police", "court"]


def test_an_unsuitable_ground_at_the_district_held_then_overruled_continues(users, reviewers, departments,
                                                                             vetting_election):
    n = to_district(nominate(vetting_election, "王五"), users)
    submit(reviewers["police"], n, "district")
    review = submit(reviewers["civil_affairs"], n, "district", "reject", ["unsuitable-05"])
    held = reload(n)
    assert (held.status, held.level) == ("held", "district")
    assert held.outcome.startswith("区级联审（民政局）认为存在不宜情形：在重点工程和中心工作中不支持")
    assert queue_ids(reviewers["court"]) == []  # nothing to sign while the street decides
    assert queue_ids(users["street_staff"]) == [n.pk]
    [row] = selectors.review_queue(user=users["street_staff"])
    assert row.held_review == review and row.where == "不宜情形待街道决定"
    with pytest.raises(ApplicationError) as error:
        services.held_decide(actor=users["street_staff"], review=review, decision="overrule", reason=" ")
    assert "reason" in error.value.errors
    with pytest.raises(PermissionDenied):
        services.held_decide(actor=users["community_clerk"], review=review, decision="overrule", reason="x")
    services.held_decide(actor=users["street_staff"], review=review, decision="overrule",
                         reason="工作推进不力系客观原因所致")
    moved = reload(n)
    assert (moved.status, moved.level) == ("reviewing", "district")
    assert moved.outcome.endswith("（理由：工作推进不力系客观原因所致），待法院联审。")
    assert queue_ids(reviewers["court"]) == [n.pk]
    assert queue_ids(reviewers["civil_affairs"]) == []  # its say is spent
    submit(reviewers["court"], n, "district")
    assert reload(n).status == "approved"  # the overruled rejection counted as 民政局's pass
    review.refresh_from_db()
    assert (review.street_decision, review.street_decided_by) == ("overrule", users["street_staff"])
    with pytest.raises(Conflict):
        services.held_decide(actor=users["street_staff"], review=review, decision="uphold", reason="again")


def test_an_unsuitable_ground_at_the_community_overruled_goes_to_the_street(users, vetting_election):
    n = nominate(vetting_election)
    review = submit(users["community_clerk"], n, "community", "reject", ["unsuitable-07"])
    assert (reload(n).status, reload(n).level) == ("held", "community")
    assert queue_ids(users["community_clerk"]) == []
    services.held_decide(actor=users["street_staff"], review=review, decision="overrule", reason="二人并非近亲属")
    assert (reload(n).status, reload(n).level) == ("reviewing", "street")
    assert "待街道全面审查" in reload(n).outcome


def test_an_unsuitable_ground_upheld_by_the_street_rejects(users, reviewers, departments, vetting_election):
    n = to_district(nominate(vetting_election), users)
    review = submit(reviewers["court"], n, "district", "reject", ["unsuitable-08"])
    services.held_decide(actor=users["street_staff"], review=review, decision="uphold", reason="群众反映较多")
    rejected = reload(n)
    assert (rejected.status, rejected.level) == ("rejected", "")
    assert "街道维持" in rejected.outcome and "群众反映较多" in rejected.outcome


def test_an_ineligible_ground_at_the_community_rejects_at_once(users, vetting_election):
    n = nominate(vetting_election)
    # the community may cite any ground, a department's too
    submit(users["community_clerk"], n, "community", "reject", ["ineligible-09", "ineligible-02a"])
    rejected = reload(n)
    assert (rejected.status, rejected.level) == ("rejected", "")
    assert rejected.outcome == ("社区初审不通过，不得情形：受过刑事处罚的；因身体健康等原因，无法正常履行相应职责的。")
    assert queue_ids(users["street_staff"]) == []


def test_the_street_rejects_even_for_an_unsuitable_ground(users, vetting_election):
    n = nominate(vetting_election)
    submit(users["community_clerk"], n, "community")
    submit(users["street_staff"], n, "street", "reject", ["unsuitable-06"])
    assert reload(n).status == "rejected"


def test_a_rejection_removes_the_nominee_from_the_formal_list(users, vetting_election):
    n = nominate(vetting_election)
    Candidate.objects.create(election=vetting_election, nomination=n, person=n.person, position=n.position,
                             added_by=users["street_staff"])
    submit(users["community_clerk"], n, "community", "reject", ["ineligible-10"])
    assert not Candidate.objects.filter(nomination=n).exists()


def test_a_department_cannot_cite_another_departments_ground(users, reviewers, departments, vetting_election):
    n = to_district(nominate(vetting_election), users)
    with pytest.raises(ApplicationError) as error:
        submit(reviewers["police"], n, "district", "reject", ["ineligible-06b"])
    assert error.value.errors == {"grounds": ["公安局不能引用由法院审查的情形“当前被法院纳入失信被执行人名单的”。"]}
    submit(reviewers["police"], n, "district", "reject", ["ineligible-02b", "ineligible-10"])  # own + shared
    assert reload(n).status == "rejected"


@pytest.mark.parametrize("decision, grounds, message", [
    ("reject", [], "审查不通过须至少引用一项不得或不宜情形。"),
    ("pass", ["ineligible-09"], "审查通过时不能引用不得、不宜情形：如存在情形，请选择“不通过”。"),
    ("reject", ["ineligible-99"], "情形代码“ineligible-99”不存在。"),
])
def test_grounds_are_checked(users, vetting_election, decision, grounds, message):
    n = nominate(vetting_election)
    with pytest.raises(ApplicationError) as error:
        submit(users["community_clerk"], n, "community", decision, grounds)
    assert error.value.errors == {"grounds": [message]}
    assert not Review.objects.exists()


def test_a_stale_version_is_a_conflict(users, vetting_election):
    n = nominate(vetting_election)
    seen = n.version
    submit(users["community_clerk"], n, "community", version=seen)
    with pytest.raises(Conflict) as error:
        submit(users["street_staff"], n, "street", version=seen)
    assert error.value.status == 409 and "已被他人处理" in error.value.message
    with pytest.raises(ApplicationError) as error:
        submit(users["street_staff"], n, "street", version="abc")
    assert "version" in error.value.errors
    submit(users["street_staff"], n, "street", version=f'"{seen + 1}"')  # an If-Match ETag as sent


def test_each_level_acts_only_on_its_own_queue(org, users, reviewers, departments, vetting_election):
    n = nominate(vetting_election)
    with pytest.raises(PermissionDenied):
        submit(users["community_clerk"], n, "street")
    with pytest.raises(Conflict) as error:
        submit(users["street_staff"], n, "street")
    assert "待社区初审" in error.value.message
    with pytest.raises(PermissionDenied):
        submit(users["other_clerk"], n, "community")  # another community's clerk
    with pytest.raises(PermissionDenied):
        submit(reviewers["police"], n, "community")
    to_district(n, users)
    with pytest.raises(PermissionDenied):
        submit(users["street_staff"], n, "district")
    with pytest.raises(PermissionDenied):
        submit(users["other_street_staff"], n, "street")
    # a 公安局 reviewer signs as 公安局, once, and never for 法院
    review = submit(reviewers["police"], n, "district")
    assert review.department == "police"
    with pytest.raises(Conflict):
        submit(reviewers["police"], n, "district")
    assert queue_ids(reviewers["police"]) == [] and queue_ids(reviewers["court"]) == [n.pk]
    # a department that takes no part in this district's joint review
    with pytest.raises(PermissionDenied) as error:
        submit(reviewers["organization"], n, "district")
    assert "不是相山区的联审部门" in str(error.value)
    assert queue_ids(reviewers["organization"]) == []
    # another district's reviewer
    elsewhere = factories.user("district_reviewer", factories.jurisdiction("濉溪县", "district"), department="court")
    with pytest.raises(PermissionDenied):
        submit(elsewhere, n, "district")
    assert queue_ids(elsewhere) == []


def test_reviews_only_in_the_review_stages(users, org):
    e = factories.election(org["community"], stage="preparation")
    n = nominate(e)
    with pytest.raises(Conflict) as error:
        submit(users["community_clerk"], n, "community")
    assert "资格审查只能在" in error.value.message
    e.stage = "publicity"  # 递补 replacements are still reviewed during publicity
    e.save()
    submit(users["community_clerk"], n, "community")


def test_batch_pass_skips_flagged_and_unclean_nominations(users, vetting_election):
    clean = nominate(vetting_election, "甲")
    flagged = nominate(vetting_election, "乙", education="junior_high")
    reported = nominate(vetting_election, "丙")
    elsewhere = nominate(vetting_election, "丁", level="street")
    Report.objects.create(election=vetting_election, nomination=reported, content="x", received_on=TODAY,
                          due_on=TODAY, categories=["specific"], recorded_by=users["street_staff"])
    result = services.review_batch_pass(actor=users["community_clerk"], nominations=[clean, flagged, reported, elsewhere],
                                        level="community")
    assert [r.nomination_id for r in result.passed] == [clean.pk]
    skipped = {n.pk: reason for n, reason in result.skipped}
    assert skipped[flagged.pk] == "有提示事项，请逐一审查：学历低于要求"
    assert skipped[reported.pk] == "有未办结的异议或举报，请逐一审查。"
    assert "待街道全面审查" in skipped[elsewhere.pk]
    assert (reload(clean).level, reload(flagged).level) == ("street", "community")
    assert Event.objects.filter(action="vetting.review").count() == 1


# --------------------------------------------------------------------------------------------
# Publicity and objections
# --------------------------------------------------------------------------------------------


@pytest.fixture
def publicity_election(org):
    return factories.election(org["community"], stage="publicity")


def test_publicity_of_exactly_the_minimum_is_accepted_and_one_day_less_refused(users, publicity_election):
    clerk = users["community_clerk"]
    with pytest.raises(ApplicationError) as error:
        services.publicity_set(actor=clerk, election=publicity_election, starts_on=TODAY,
                               ends_on=TODAY + dt.timedelta(days=3))
    assert "少于规定的 5 天" in error.value.errors["ends_on"][0]
    p = services.publicity_set(actor=clerk, election=publicity_election, starts_on=TODAY,
                               ends_on=TODAY + dt.timedelta(days=4), place="社区公示栏")
    assert rules.publicity_days(p.starts_on, p.ends_on) == 5
    again = services.publicity_set(actor=clerk, election=publicity_election, starts_on=TODAY,
                                   ends_on=TODAY + dt.timedelta(days=6))
    assert again.pk == p.pk and selectors.publicity_for(election=publicity_election).ends_on == dt.date(2026, 3, 8)
    assert Event.objects.filter(action="publicity.set").count() == 2


def test_publicity_cannot_change_once_over(users, publicity_election, time_machine):
    clerk = users["community_clerk"]
    services.publicity_set(actor=clerk, election=publicity_election, starts_on=TODAY - dt.timedelta(days=6),
                           ends_on=TODAY - dt.timedelta(days=1))
    with pytest.raises(Conflict) as error:
        services.publicity_set(actor=clerk, election=publicity_election, starts_on=TODAY,
                               ends_on=TODAY + dt.timedelta(days=4))
    assert "已于 2026-03-01 结束" in error.value.message


def approve(nomination, users, reviewers, departments):
    to_district(nomination, users)
    for code in departments:
        submit(reviewers[code], nomination, "district")
    return reload(nomination)


def test_a_finished_publicity_is_set_again_for_a_replacement_approved_after_it_began(users, reviewers, departments,
                                                                                     publicity_election):
    clerk = users["community_clerk"]
    services.publicity_set(actor=clerk, election=publicity_election, starts_on=TODAY - dt.timedelta(days=10),
                           ends_on=TODAY - dt.timedelta(days=5))
    listed = factories.formal_list(publicity_election)
    Nomination.objects.filter(election=publicity_election).update(
        decided_at=dt.datetime(2026, 2, 1, 9, 0, tzinfo=dt.UTC))
    with pytest.raises(Conflict):  # nothing new to publicise: a finished publicity stays as it was
        services.publicity_set(actor=clerk, election=publicity_election, starts_on=TODAY,
                               ends_on=TODAY + dt.timedelta(days=4))
    gone = listed[-1].nomination
    candidate_services.nomination_withdraw(actor=clerk, nomination=gone, reason="本人申请退出")
    replacement = candidate_services.nomination_submit(
        actor=clerk, election=publicity_election, person=factories.nominee(publicity_election.community, name="韩递补"),
        position=gone.position, channel="party_org", replaces=reload(gone))
    approve(replacement, users, reviewers, departments)
    with pytest.raises(ApplicationError) as error:  # it must show the replacement: from the day of the approval
        services.publicity_set(actor=clerk, election=publicity_election, starts_on=TODAY - dt.timedelta(days=1),
                               ends_on=TODAY + dt.timedelta(days=4))
    assert error.value.errors["starts_on"] == ["重新公示须在递补人选审查通过后开始：韩递补，开始日期最早为 2026-03-02。"]
    again = services.publicity_set(actor=clerk, election=publicity_election, starts_on=TODAY,
                                   ends_on=TODAY + dt.timedelta(days=4))
    assert (again.starts_on, again.ends_on) == (TODAY, dt.date(2026, 3, 6))
    event = Event.objects.filter(action="publicity.set").last()
    assert event.summary.startswith("为递补人选（韩递补）重新公示：2026-03-02 至 2026-03-06")
    assert event.before["starts_on"] == "2026-02-20"


def test_an_upheld_objection_voids_the_approval_and_the_publication_of_the_party_list(org, users):
    clerk = users["community_clerk"]
    party = factories.election(org["community"], body="party_committee", stage="publicity")
    listed = factories.formal_list(party)
    CandidateList.objects.filter(election=party).update(published_on=TODAY, published_by=clerk)
    objection = services.objection_register(actor=clerk, election=party, nomination=listed[-1].nomination,
                                            objector="李四", content="曾受过刑事处罚", received_on=TODAY)
    services.objection_resolve(actor=clerk, objection=objection, status="upheld", finding="经核实属实")
    cl = CandidateList.objects.get(election=party)
    assert (cl.approval, cl.approval_on, cl.published_on, cl.published_by) == ("", None, None, None)
    event = Event.objects.get(election=party, action="vetting.objection_upheld")
    assert "名单已变动，须重新报街道批复" in event.summary
    assert "已于 2026-03-02 公布的正式候选人名单已变动，须重新公布" in event.summary
    assert event.after["candidate_list"] == {"approval": "", "approval_on": None, "published_on": None}


def test_a_report_in_the_voting_stage_clears_the_publication(users, reviewers, org):
    election = factories.election(org["community"], stage="voting")
    listed = factories.formal_list(election)
    CandidateList.objects.create(election=election, published_on=TODAY)
    report = services.report_register(actor=users["street_staff"], election=election, nomination=listed[0].nomination,
                                      reporter="王五", content="贿选", categories=["vote_buying"], received_on=TODAY)
    services.report_close(actor=reviewers["discipline"], report=report, status="substantiated", finding="查实",
                          rejects_nominee=True)
    assert not Candidate.objects.filter(nomination=listed[0].nomination).exists()
    assert CandidateList.objects.get(election=election).published_on is None
    assert "须重新公布" in Event.objects.get(election=election, action="vetting.report_rejects").summary


def test_publicity_only_in_its_stage_and_scope(users, org, vetting_election, publicity_election):
    with pytest.raises(Conflict):
        services.publicity_set(actor=users["community_clerk"], election=vetting_election, starts_on=TODAY,
                               ends_on=TODAY + dt.timedelta(days=4))
    with pytest.raises(PermissionDenied):
        services.publicity_set(actor=users["other_clerk"], election=publicity_election, starts_on=TODAY,
                               ends_on=TODAY + dt.timedelta(days=4))
    with pytest.raises(PermissionDenied):
        services.publicity_set(actor=users["district_reviewer"], election=publicity_election, starts_on=TODAY,
                               ends_on=TODAY + dt.timedelta(days=4))


def test_an_upheld_objection_rejects_the_nomination(users, publicity_election):
    clerk = users["community_clerk"]
    n = nominate(publicity_election, status="approved", level="")
    Candidate.objects.create(election=publicity_election, nomination=n, person=n.person, position=n.position,
                             added_by=clerk)
    objection = services.objection_register(actor=clerk, election=publicity_election, nomination=n, objector="李四",
                                            contact="13800000000", content="曾受过刑事处罚", received_on=TODAY)
    assert objection.status == "open"
    services.objection_resolve(actor=clerk, objection=objection, status="upheld", finding="经核实，2015 年受过刑事处罚",
                               resolved_on=TODAY)
    rejected = reload(n)
    assert rejected.status == "rejected" and "经核实" in rejected.outcome
    assert not Candidate.objects.filter(nomination=n).exists()
    assert list(Event.objects.filter(election=publicity_election).values_list("action", flat=True).order_by("id"))[-3:] == [
        "objection.register", "objection.resolve", "vetting.objection_upheld"]
    with pytest.raises(Conflict):
        services.objection_resolve(actor=clerk, objection=objection, status="dismissed", finding="x")


def test_a_dismissed_objection_keeps_the_nomination(users, publicity_election):
    clerk = users["community_clerk"]
    n = nominate(publicity_election, status="approved", level="")
    objection = services.objection_register(actor=clerk, election=publicity_election, nomination=n, objector="匿名",
                                            content="反映不实", received_on=TODAY)
    services.objection_resolve(actor=clerk, objection=objection, status="dismissed", finding="经核实不属实")
    assert reload(n).status == "approved"
    assert list(selectors.objection_list(election=publicity_election)) == [objection]


def test_objection_input_is_checked(users, publicity_election, vetting_election):
    clerk = users["community_clerk"]
    with pytest.raises(ApplicationError) as error:
        services.objection_register(actor=clerk, election=publicity_election, objector="", content="",
                                    received_on=TODAY + dt.timedelta(days=1))
    assert set(error.value.errors) == {"objector", "content", "received_on"}
    stranger = nominate(vetting_election)
    with pytest.raises(ApplicationError) as error:
        services.objection_register(actor=clerk, election=publicity_election, nomination=stranger, objector="甲",
                                    content="x", received_on=TODAY)
    assert "nomination" in error.value.errors


# --------------------------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------------------------


def test_report_deadline_defaults_to_the_rulebook(users, vetting_election):
    n = nominate(vetting_election)
    report = services.report_register(actor=users["community_clerk"], election=vetting_election, nomination=n,
                                      reporter="李四", channel="letter", content="给选民送购物卡",
                                      categories=["vote_buying"], received_on=TODAY)
    assert report.due_on == dt.date(2026, 3, 17)
    assert report.categories == ["named", "vote_buying"]
    vetting_election.rule_overrides = {"report_deadline_days": 7}
    vetting_election.save()
    other = services.report_register(actor=users["community_clerk"], election=vetting_election, content="线索",
                                      categories=[], received_on=TODAY)
    assert (other.due_on, other.categories, other.reporter) == (dt.date(2026, 3, 9), [], "")
    given = services.report_register(actor=users["community_clerk"], election=vetting_election, content="线索",
                                      received_on=TODAY, due_on=dt.date(2026, 3, 5))
    assert given.due_on == dt.date(2026, 3, 5)


def test_overdue_reports(users, vetting_election, time_machine):
    report = services.report_register(actor=users["street_staff"], election=vetting_election, content="拉票",
                                      categories=["specific"], received_on=TODAY)
    assert list(selectors.report_list(user=users["street_staff"], filters={"overdue": True})) == []
    time_machine.move_to(dt.datetime(2026, 3, 18, 9, 0, tzinfo=dt.UTC))
    assert list(selectors.report_list(user=users["street_staff"], filters={"overdue": True})) == [report]
    assert list(selectors.report_list(user=users["other_street_staff"])) == []
    services.report_close(actor=users["street_staff"], report=report, status="unsubstantiated", finding="查无实据")
    assert list(selectors.report_list(user=users["street_staff"], filters={"overdue": True})) == []
    assert "逾期办结" in Event.objects.filter(action="report.close").last().summary


def test_a_substantiated_report_rejects_the_nominee(users, reviewers, vetting_election):
    n = nominate(vetting_election, status="approved", level="")
    report = services.report_register(actor=users["community_clerk"], election=vetting_election, nomination=n,
                                      content="拉票贿选", categories=["vote_buying"], received_on=TODAY)
    with pytest.raises(PermissionDenied):
        services.report_close(actor=users["community_clerk"], report=report, status="substantiated", finding="x")
    with pytest.raises(PermissionDenied):
        services.report_close(actor=reviewers["police"], report=report, status="substantiated", finding="x")
    with pytest.raises(ApplicationError) as error:
        services.report_close(actor=reviewers["discipline"], report=report, status="filed", finding="存档")
    assert "status" in error.value.errors
    with pytest.raises(ApplicationError) as error:
        services.report_close(actor=reviewers["discipline"], report=report, status="unsubstantiated", finding="不属实",
                              rejects_nominee=True)
    assert "rejects_nominee" in error.value.errors
    services.report_close(actor=reviewers["discipline"], report=report, status="substantiated",
                          finding="查实送购物卡 20 张", rejects_nominee=True)
    assert reload(n).status == "rejected" and "查实送购物卡" in reload(n).outcome
    with pytest.raises(Conflict):
        services.report_close(actor=reviewers["discipline"], report=report, status="partly", finding="x")


def test_rejects_nominee_needs_a_linked_nomination(users, vetting_election):
    report = services.report_register(actor=users["street_staff"], election=vetting_election, content="x",
                                      categories=["widely_reported"], received_on=TODAY)
    with pytest.raises(ApplicationError) as error:
        services.report_close(actor=users["street_staff"], report=report, status="substantiated", finding="查实",
                              rejects_nominee=True)
    assert error.value.errors == {"rejects_nominee": ["该举报未关联被提名人，不能取消候选资格。"]}


def test_reports_from_nomination_on(users, org):
    e = factories.election(org["community"], stage="preparation")
    with pytest.raises(Conflict):
        services.report_register(actor=users["community_clerk"], election=e, content="x", received_on=TODAY)
    with pytest.raises(ApplicationError) as error:
        e.stage = "nomination"
        e.save()
        services.report_register(actor=users["community_clerk"], election=e, content="", channel="fax",
                                 categories=["gossip"], received_on=TODAY)
    assert set(error.value.errors) == {"content", "channel", "categories"}


def test_editing_a_ground_later_does_not_rewrite_the_reasons_of_past_reviews(org, users, vetting_election):
    n = nominate(vetting_election)
    submit(users["community_clerk"], n, "community", "reject", ["ineligible-09"])
    services.ground_save(actor=users["district_admin"], district=org["district"], code="ineligible-09",
                         kind="unsuitable", text="（已改写）另一情形", department="")
    review = Review.objects.get(nomination=n)
    row = selectors.nomination_row(nomination=reload(n))
    assert row.ground_texts(review) == ["因身体健康等原因，无法正常履行相应职责的"]
    assert review.cited_grounds()[0].kind == "ineligible"
