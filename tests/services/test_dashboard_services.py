"""Dashboard aggregates (services/dashboard.py) against counts worked out by hand on prepared data:
verified vs not, year boundaries (31 Dec / 1 Jan, in Asia/Shanghai for appeals), other Homes
excluded, city / unit kind / theme filters, co-organised activities counted once."""
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from extensions import db
from models import Assessment
from models.enums import (
    ActivityStatus,
    AppealStatus,
    AssessmentStatus,
    Grade,
    HomeStatus,
    Kind,
    Theme,
    UnitKind,
)
from services import dashboard
from services.dashboard import Scope
from tests.conftest import count_statements
from tests.support import factories as f

V = ActivityStatus.VERIFIED
Y = 2026


def _act(rep, theme, kind, day, status=V, participants=0, **kw):
    return f.activity(rep, theme=theme, kind=kind, date=day, status=status,
                      participants=participants, **kw)


@pytest.fixture()
def data(world):
    """Home A (南京市 city association), B (苏州市 city association), C (a provincial society),
    D (an enterprise association, expired), with activities, contacts, appeals and assessments."""
    w = world
    home_c = f.home(f.unit(name="省物理学会", kind=UnitKind.PROVINCIAL_SOCIETY),
                    expires_on=date(2027, 6, 1))
    home_d = f.home(f.unit(name="某企业科协", kind=UnitKind.ENTERPRISE_ASSOCIATION),
                    status=HomeStatus.EXPIRED, recognized_on=date(2024, 3, 10),
                    expires_on=date(2026, 3, 10))
    w.home_a.expires_on = date(2026, 4, 15)
    w.home_b.expires_on = date(2026, 5, 1)
    rep_c = f.representative(home_c, name="代表丁")
    f.representative(w.home_a, name="已停用代表", active=False)

    # Activities. Counted (verified, dated in 2026):
    _act(w.rep_a, Theme.WINDOW, Kind.EXCHANGE, date(2026, 1, 1), participants=10)
    _act(w.rep_a, Theme.PARTY_BUILDING, Kind.THEORY_STUDY, date(2026, 12, 31), participants=5)
    co = _act(w.rep_a2, Theme.NEIGHBORHOOD, Kind.COMMUNITY, date(2026, 3, 20), participants=30)
    co.co_organizers.append(w.rep_a)  # co-organised: still ONE activity
    _act(w.rep_b, Theme.WINDOW, Kind.EXCHANGE, date(2026, 3, 1), participants=7)
    _act(w.rep_b, Theme.WINDOW, Kind.ASSISTANCE, date(2026, 3, 2), participants=7)
    _act(rep_c, Theme.INNOVATION, Kind.SALON, date(2026, 6, 1), participants=100)
    # Not counted: other years, not verified.
    _act(w.rep_a, Theme.WINDOW, Kind.EXCHANGE, date(2025, 12, 31), participants=1000)
    _act(w.rep_a, Theme.WINDOW, Kind.EXCHANGE, date(2027, 1, 1), participants=1000)
    for status in (ActivityStatus.DRAFT, ActivityStatus.SUBMITTED, ActivityStatus.RETURNED):
        _act(w.rep_a2, Theme.INNOVATION, Kind.SALON, date(2026, 5, 5), status=status,
             participants=1000)

    # Contacts: rep_a 5 distinct workers in 2026 (compliant); rep_a2 4 in 2026 + 1 on 31 Dec
    # 2025; rep_b 5 records but only 4 distinct workers; rep_c none.
    for _ in range(5):
        f.contact(w.rep_a, f.worker(linked_by=w.rep_a), date(2026, 2, 1))
    for _ in range(4):
        f.contact(w.rep_a2, f.worker(linked_by=w.rep_a2), date(2026, 12, 31))
    f.contact(w.rep_a2, f.worker(linked_by=w.rep_a2), date(2025, 12, 31))
    workers_b = [f.worker(linked_by=w.rep_b) for _ in range(4)]
    for wk in workers_b:
        f.contact(w.rep_b, wk, date(2026, 1, 1))
    f.contact(w.rep_b, workers_b[0], date(2026, 7, 1))

    # Appeals (created_at is UTC; the year is Asia/Shanghai's, UTC+8).
    def appeal(rep, status, when):
        return f.appeal(rep, status=status, created_at=when)
    appeal(w.rep_a, AppealStatus.RECEIVED, datetime(2026, 2, 1, 3, tzinfo=UTC))
    appeal(w.rep_a, AppealStatus.RECEIVED, datetime(2025, 12, 31, 16, 30, tzinfo=UTC))  # 1 Jan 00:30
    appeal(w.rep_a2, AppealStatus.FORWARDED, datetime(2026, 5, 1, tzinfo=UTC))
    appeal(w.rep_a2, AppealStatus.RESOLVED, datetime(2026, 5, 2, tzinfo=UTC))
    appeal(w.rep_a, AppealStatus.CLOSED, datetime(2026, 5, 3, tzinfo=UTC))
    appeal(w.rep_a, AppealStatus.RESOLVED, datetime(2025, 12, 31, 15, 30, tzinfo=UTC))  # 2025
    appeal(w.rep_a, AppealStatus.RECEIVED, datetime(2026, 12, 31, 16, 30, tzinfo=UTC))  # 2027
    appeal(w.rep_b, AppealStatus.RECEIVED, datetime(2026, 3, 1, tzinfo=UTC))

    # Assessments.
    db.session.add_all([
        Assessment(home_id=w.home_a.id, year=2026, total=Decimal("88.00"), grade=Grade.GOOD,
                   status=AssessmentStatus.PUBLISHED),
        Assessment(home_id=w.home_b.id, year=2026, total=Decimal("50.00"), grade=Grade.FAIL,
                   status=AssessmentStatus.DRAFT),
        Assessment(home_id=home_c.id, year=2025, total=Decimal("95.00"), grade=Grade.EXCELLENT,
                   status=AssessmentStatus.PUBLISHED),
    ])
    db.session.commit()
    return SimpleNamespace(w=w, home_c=home_c, home_d=home_d, rep_c=rep_c)


def themes(party=0, window=0, neighborhood=0, innovation=0):
    return {"party_building": party, "window": window, "neighborhood": neighborhood,
            "innovation": innovation}


def months(**by_month):
    out = {m: 0 for m in range(1, 13)}
    out.update({int(k[1:]): v for k, v in by_month.items()})
    return out


def test_province_activities_by_theme_and_month(data):
    stats = dashboard.activity_stats(Scope(Y))
    assert stats.by_theme == themes(party=1, window=3, neighborhood=1, innovation=1)
    assert stats.by_month == months(m1=1, m3=3, m6=1, m12=1)
    assert stats.total == 6
    assert stats.participants == 10 + 5 + 30 + 7 + 7 + 100
    assert stats.by_theme_month["window"] == [1, 0, 2] + [0] * 9


def test_year_boundaries(data):
    assert dashboard.activities_by_theme(Scope(2025)) == themes(window=1)
    assert dashboard.activities_by_month(Scope(2025)) == months(m12=1)
    assert dashboard.activities_by_month(Scope(2027)) == months(m1=1)
    assert dashboard.participants_reached(Scope(2025)) == 1000


def test_unverified_never_counted(data):
    # The draft, submitted and returned innovation activities of May 2026 are ignored.
    assert dashboard.activities_by_month(Scope(Y))[5] == 0
    assert dashboard.verified_activities(Scope(Y, home_id=data.w.home_a.id)) == 3


def test_home_scope_excludes_other_homes(data):
    a = Scope(Y, home_id=data.w.home_a.id)
    assert dashboard.activities_by_theme(a) == themes(party=1, window=1, neighborhood=1)
    assert dashboard.participants_reached(a) == 45
    b = Scope(Y, home_id=data.w.home_b.id)
    assert dashboard.activities_by_theme(b) == themes(window=2)
    assert dashboard.activities_by_month(b) == months(m3=2)


def test_city_unit_kind_and_theme_filters(data):
    assert dashboard.activities_by_theme(Scope(Y, city="南京市")) == themes(
        party=1, window=1, neighborhood=1)
    assert dashboard.activities_by_theme(Scope(Y, city="苏州市")) == themes(window=2)
    assert dashboard.activities_by_theme(Scope(Y, city="无锡市")) == themes()
    assert dashboard.activities_by_theme(
        Scope(Y, unit_kind=UnitKind.PROVINCIAL_SOCIETY.value)) == themes(innovation=1)
    assert dashboard.activities_by_theme(
        Scope(Y, unit_kind=UnitKind.CITY_ASSOCIATION.value)) == themes(party=1, window=3,
                                                                      neighborhood=1)
    assert dashboard.activities_by_theme(
        Scope(Y, city="南京市", unit_kind=UnitKind.PROVINCIAL_SOCIETY.value)) == themes()
    window = Scope(Y, theme="window")
    assert dashboard.activities_by_theme(window) == themes(window=3)
    assert dashboard.activities_by_month(window) == months(m1=1, m3=2)
    assert dashboard.participants_reached(window) == 24
    assert dashboard.kpis(Scope(Y, city="苏州市"))["homes_active"] == 1


def test_co_organised_counts_once(data):
    w = data.w
    # Province and Home: the neighborhood activity of rep_a2, co-organised by rep_a, is one.
    assert dashboard.activities_by_theme(Scope(Y))["neighborhood"] == 1
    assert dashboard.verified_activities(Scope(Y, home_id=w.home_a.id)) == 3
    # Each representative sees it once among their own.
    assert dashboard.activities_by_theme(Scope(Y, representative_id=w.rep_a.id)) == themes(
        party=1, window=1, neighborhood=1)
    assert dashboard.activities_by_theme(Scope(Y, representative_id=w.rep_a2.id)) == themes(
        neighborhood=1)
    # The heat map counts an activity for its organiser only.
    heat = {r["name"]: r["months"] for r in dashboard.representative_month_counts(
        Scope(Y, home_id=w.home_a.id))}
    assert heat == {"代表甲": [1] + [0] * 10 + [1], "代表乙": [0, 0, 1] + [0] * 9}


def test_home_theme_counts(data):
    rows = {r["name"]: (r["themes"], r["total"])
            for r in dashboard.home_theme_counts(Scope(Y))}
    w = data.w
    assert rows[w.home_a.name] == (themes(party=1, window=1, neighborhood=1), 3)
    assert rows[w.home_b.name] == (themes(window=2), 2)
    assert rows[data.home_c.name] == (themes(innovation=1), 1)
    assert data.home_d.name not in rows  # expired, and nothing counted
    only_b = dashboard.home_theme_counts(Scope(Y, city="苏州市"))
    assert [r["name"] for r in only_b] == [w.home_b.name]


def test_compliance_per_home_and_rate(data):
    w = data.w
    rows = {r["home_id"]: r for r in dashboard.compliance_by_home(Scope(Y))}
    assert (rows[w.home_a.id]["compliant"], rows[w.home_a.id]["total"]) == (1, 2)
    assert rows[w.home_a.id]["rate"] == 0.5
    assert (rows[w.home_b.id]["compliant"], rows[w.home_b.id]["total"]) == (0, 1)
    assert rows[data.home_c.id]["rate"] == 0
    assert data.home_d.id not in rows
    assert list(rows)[-1] == w.home_a.id  # sorted lowest rate first
    assert dashboard.compliance_rate(Scope(Y)) == 0.25
    assert dashboard.compliance_rate(Scope(Y, home_id=w.home_a.id)) == 0.5
    assert dashboard.compliance_rate(Scope(Y, city="苏州市")) == 0
    assert dashboard.compliance_rate(Scope(2025, home_id=w.home_a.id)) == 0


def test_kpis_derive_the_same_figures_as_the_separate_aggregates(data):
    """kpis() reuses a page's activity stats and compliance instead of counting again."""
    w = data.w
    for scope in (Scope(Y), Scope(Y, home_id=w.home_a.id), Scope(Y, city="苏州市"),
                  Scope(Y, theme="window"), Scope(2025, home_id=w.home_a.id)):
        k = dashboard.kpis(scope)
        assert k["compliance_rate"] == dashboard.compliance_rate(scope), scope
        assert k["representatives"] == dashboard.active_representatives(scope), scope
        assert k["activities"] == dashboard.verified_activities(scope), scope
        page = (dashboard.home_overview(scope) if scope.home_id is not None
                else dashboard.province_overview(scope))
        assert page["kpis"] == k, scope


def test_contacts_per_representative(data):
    w = data.w
    rows = {r.representative.name: (r.contacted_count, r.compliant)
            for r in dashboard.contacts_per_representative(Scope(Y, home_id=w.home_a.id))}
    assert rows == {"代表甲": (5, True), "代表乙": (4, False)}  # inactive representative left out
    assert [r.representative.name for r in dashboard.below_threshold(
        Scope(Y, home_id=w.home_a.id))] == ["代表乙"]
    b = dashboard.contacts_per_representative(Scope(Y, home_id=w.home_b.id))
    assert [(r.contacted_count, r.compliant) for r in b] == [(4, False)]  # distinct workers


def test_appeals_by_status_and_handling_rate(data):
    w = data.w
    a = dashboard.appeals_by_status(Scope(Y, home_id=w.home_a.id))
    assert a["counts"] == {"received": 2, "forwarded": 1, "resolved": 1, "closed": 1}
    assert a["total"] == 5 and a["handled"] == 2 and a["handling_rate"] == 0.4
    assert dashboard.appeals_by_status(Scope(2025, home_id=w.home_a.id))["counts"] == {
        "received": 0, "forwarded": 0, "resolved": 1, "closed": 0}
    assert dashboard.appeals_by_status(Scope(2027))["counts"]["received"] == 1
    assert dashboard.appeals_by_status(Scope(Y))["total"] == 6
    none = dashboard.appeals_by_status(Scope(Y, home_id=data.home_c.id))
    assert none["total"] == 0 and none["handling_rate"] is None  # SPEC §5.5: null when none
    rep = dashboard.appeals_by_status(Scope(Y, representative_id=w.rep_a2.id))
    assert rep["counts"] == {"received": 0, "forwarded": 1, "resolved": 1, "closed": 0}
    # Open = received + forwarded now, whenever received.
    assert dashboard.appeals_open(Scope(Y, home_id=w.home_a.id)) == 4
    assert dashboard.appeals_open(Scope(Y)) == 5


def test_assessments_ranking_and_grades(data):
    w = data.w
    published = dashboard.assessments(Scope(Y))
    assert [(r["name"], r["total"], r["grade"]) for r in published["ranking"]] == [
        (w.home_a.name, 88.0, "good")]
    assert published["grades"] == {"excellent": 0, "good": 1, "pass": 0, "fail": 0}
    everything = dashboard.assessments(Scope(Y), include_unpublished=True)
    # The admin's ranking shows the draft with its status; its provisional grade is not a result.
    assert [(r["name"], r["status"]) for r in everything["ranking"]] == [
        (w.home_a.name, "published"), (w.home_b.name, "draft")]
    assert everything["grades"] == {"excellent": 0, "good": 1, "pass": 0, "fail": 0}
    assert dashboard.assessments(Scope(2025))["grades"]["excellent"] == 1
    suzhou = Scope(Y, city="苏州市")
    assert dashboard.assessments(suzhou, include_unpublished=True)["grades"]["fail"] == 0
    draft = db.session.scalar(sa.select(Assessment).where(Assessment.home_id == w.home_b.id))
    draft.status = AssessmentStatus.FINAL
    db.session.commit()
    assert dashboard.assessments(suzhou, include_unpublished=True)["grades"] == {
        "excellent": 0, "good": 0, "pass": 0, "fail": 1}
    assert dashboard.assessments(suzhou)["grades"]["fail"] == 0  # the public: published only


def test_homes_by_status_and_expiring(data):
    w = data.w
    assert dashboard.homes_by_status(Scope(Y)) == {"active": 3, "expired": 1, "revoked": 0}
    assert dashboard.homes_by_status(Scope(Y, unit_kind="enterprise_association")) == {
        "active": 0, "expired": 1, "revoked": 0}
    soon = dashboard.expiring_homes(Scope(Y), on=date(2026, 3, 1))
    assert [(r["name"], r["days_left"]) for r in soon] == [(w.home_a.name, 45)]
    assert [r["name"] for r in dashboard.expiring_homes(Scope(Y), on=date(2026, 3, 2))] == [
        w.home_a.name, w.home_b.name]  # 1 May is exactly 60 days after 2 March
    assert dashboard.expiring_homes(Scope(Y, city="苏州市"), on=date(2026, 3, 1)) == []


def test_kpis(data):
    assert dashboard.kpis(Scope(Y)) == {"homes_active": 3, "representatives": 4,
                                        "compliance_rate": 0.25, "activities": 6,
                                        "appeals_open": 5}
    a = dashboard.kpis(Scope(Y, home_id=data.w.home_a.id))
    assert a == {"homes_active": 1, "representatives": 2, "compliance_rate": 0.5,
                 "activities": 3, "appeals_open": 4}


def test_fixed_number_of_statements(data):
    """Each overview issues the same number of statements whatever the data (here: per year)."""
    counts = []
    for year in (2025, 2026):
        with count_statements() as stmts:
            dashboard.province_overview(Scope(year))
        counts.append(len(stmts))
    assert counts[0] == counts[1]
    home_counts = []
    for home_id in (data.w.home_a.id, data.home_c.id):
        with count_statements() as stmts:
            dashboard.home_overview(Scope(Y, home_id=home_id))
        home_counts.append(len(stmts))
    assert home_counts[0] == home_counts[1] <= 14


def test_latest_assessment_year(data):
    assert dashboard.latest_assessment_year(Scope(2027)) == 2026
    assert dashboard.latest_assessment_year(Scope(2026, home_id=data.home_c.id)) == 2025
    assert dashboard.latest_assessment_year(Scope(2026, home_id=data.w.home_b.id)) == 2026  # none
    assert dashboard.latest_assessment_year(Scope(2027, home_id=data.w.home_b.id),
                                            include_unpublished=True) == 2026
    latest = dashboard.latest_assessments(Scope(2027), include_unpublished=True)
    assert latest["year"] == 2026 and len(latest["ranking"]) == 2
