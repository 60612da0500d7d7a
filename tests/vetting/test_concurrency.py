"""Department sign-offs racing each other and a change of the district's departments, on real PostgreSQL row
locks (SQLite ignores SELECT … FOR UPDATE, so these run only there; in CI they must)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from candidates.models import Nomination
from tests import factories
from tests.conftest import require
from tests.vetting.conftest import nominate
from vetting import services
from vetting.models import Review, ReviewDepartment

pytestmark = pytest.mark.postgres
THREE = ("civil_affairs", "police", "court")


def _in_thread(fn, errors: list[str]) -> threading.Thread:
    def run() -> None:
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - reported through the list
            errors.append(repr(exc))
        finally:
            connections.close_all()

    return threading.Thread(target=run)


@pytest.fixture
def case(transactional_db):
    require(connection.vendor == "postgresql", f"row locks need PostgreSQL, not {connection.vendor}")
    org = factories.tree()
    district = org["district"]
    for code in ("organization", "civil_affairs", "discipline", "political_legal", "petition", "police",
                 "procuratorate", "court"):
        ReviewDepartment.objects.create(district=district, code=code, active=code in THREE)
    reviewers = {c: factories.user("district_reviewer", district, f"rev_{c}", department=c) for c in THREE}
    admin = factories.user("district_admin", district, "qu_admin")
    clerk = factories.user("community_clerk", org["community"], "clerk")
    election = factories.election(org["community"], stage="vetting")
    nomination = nominate(election, "张三", level="district")
    Review.objects.create(nomination=nomination, level="community", decision="pass", reviewer=clerk)
    return reviewers, admin, nomination


def _fresh(nomination: Nomination) -> Nomination:
    return Nomination.objects.get(pk=nomination.pk)


def test_the_last_two_departments_signing_at_once_approve_once(case):
    reviewers, _admin, nomination = case
    services.review_submit(actor=reviewers["civil_affairs"], nomination=_fresh(nomination), level="district",
                           decision="pass")
    barrier, errors = threading.Barrier(2), []

    def sign(code: str):
        def go() -> None:
            n = _fresh(nomination)
            barrier.wait()
            services.review_submit(actor=reviewers[code], nomination=n, level="district", decision="pass")
        return go

    threads = [_in_thread(sign(c), errors) for c in ("police", "court")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert _fresh(nomination).status == "approved"
    assert Review.objects.filter(nomination=nomination, level="district").count() == 3


def test_a_change_of_departments_never_overwrites_a_rejection_in_flight(case):
    """法院 rejects on a 不得 ground; before it commits, the district office drops 法院 from the joint review.
    The office's change waits for the rejection and then leaves it standing."""
    reviewers, admin, nomination = case
    for code in ("civil_affairs", "police"):
        services.review_submit(actor=reviewers[code], nomination=_fresh(nomination), level="district",
                               decision="pass")
    rejected, errors = threading.Event(), []

    def court() -> None:
        with transaction.atomic():
            services.review_submit(actor=reviewers["court"], nomination=_fresh(nomination), level="district",
                                   decision="reject", grounds=["ineligible-02a"])
            rejected.set()
            time.sleep(1.0)  # still uncommitted while the office saves

    def office() -> None:
        rejected.wait(10)
        services.departments_set(actor=admin, district=admin.jurisdiction, codes=["civil_affairs", "police"])

    threads = [_in_thread(court, errors), _in_thread(office, errors)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    fresh = _fresh(nomination)
    assert fresh.status == "rejected", fresh.outcome


def test_a_sign_off_and_a_change_of_departments_leave_nothing_stranded(case):
    """公安局 signs while 法院 is dropped: whichever commits first, the nomination ends approved (both remaining
    departments passed), never waiting at the district with nobody left to sign."""
    reviewers, admin, nomination = case
    services.review_submit(actor=reviewers["civil_affairs"], nomination=_fresh(nomination), level="district",
                           decision="pass")
    barrier, errors = threading.Barrier(2), []

    def police() -> None:
        n = _fresh(nomination)
        barrier.wait()
        services.review_submit(actor=reviewers["police"], nomination=n, level="district", decision="pass")

    def office() -> None:
        barrier.wait()
        services.departments_set(actor=admin, district=admin.jurisdiction, codes=["civil_affairs", "police"])

    threads = [_in_thread(police, errors), _in_thread(office, errors)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    fresh = _fresh(nomination)
    assert (fresh.status, fresh.level) == ("approved", "")
