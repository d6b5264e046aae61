"""SPEC §5.4 automatic items, computed by hand for a prepared Home, and the query budget."""
from datetime import date
from decimal import Decimal

import pytest
from flask import current_app

from extensions import db as _db
from models import HomePlan, ServiceTeamMember
from models.enums import ActivityStatus, Grade, Kind, Theme
from services.assessments import scoring
from tests.conftest import count_statements
from tests.support import factories as f

D = Decimal
KIND = {Theme.PARTY_BUILDING: Kind.THEORY_STUDY, Theme.WINDOW: Kind.EXCHANGE,
        Theme.NEIGHBORHOOD: Kind.COMMUNITY, Theme.INNOVATION: Kind.SALON}


def act(rep, theme, day, status=ActivityStatus.VERIFIED, published=False):
    return f.activity(rep, theme=theme, kind=KIND[theme], date=day, status=status,
                      published=published)


def contacts(rep, n, day=date(2026, 5, 1)):
    for _ in range(n):
        f.contact(rep, f.worker(linked_by=rep), day)


@pytest.fixture()
def prepared(world):
    """Home A prepared so that every item has a hand-computed value (see each test)."""
    home = world.home_a
    # B1: venue and sign, no facilities → 4 + 3 + 0 = 7
    home.venue_address, home.has_sign, home.has_facilities = "南京市鼓楼区", True, False
    # B2: rules on file → 4
    home.management_rules = True
    # B3: plan for 2026 given, funding 0, one team member → 4 + 0 + 3 = 7
    _db.session.add(HomePlan(home_id=home.id, year=2026, plan="年度计划", funding=D("0")))
    _db.session.add(HomePlan(home_id=home.id, year=2025, plan="", funding=D("9000")))
    _db.session.add(ServiceTeamMember(home_id=home.id, name="王五", duty="联络"))

    # r: rep_a 5 distinct workers (compliant); rep_a2 5 distinct (compliant);
    # rep3 4 distinct in 2026 (one repeated, one in 2025) → not compliant;
    # rep4 compliant but deactivated → excluded from both numerator and denominator. r = 2/3.
    contacts(world.rep_a, 5)
    contacts(world.rep_a2, 5)
    rep3 = f.representative(home, username="rep3")
    contacts(rep3, 4)
    w = f.worker(linked_by=rep3)
    f.contact(rep3, w, date(2025, 12, 31))
    f.contact(world.rep_a, f.worker(), date(2026, 6, 1))  # rep_a already compliant
    rep4 = f.representative(home, username="rep4", active=False)
    contacts(rep4, 6)

    rep = world.rep_a
    # q: Q1 verified+published, Q3 verified+published (two), Q2 verified NOT published,
    # Q4 published but only submitted → q = 2
    act(rep, Theme.PARTY_BUILDING, date(2026, 3, 31), published=True)        # A1 #1, Q1
    act(rep, Theme.WINDOW, date(2026, 4, 1))                                  # A2 #1 (Q2, unpublished)
    act(rep, Theme.WINDOW, date(2026, 7, 1), published=True)                  # A2 #2, Q3
    act(rep, Theme.WINDOW, date(2026, 9, 30), published=True)                 # A2 #3, Q3
    act(rep, Theme.WINDOW, date(2026, 10, 1), status=ActivityStatus.SUBMITTED,
        published=True)                                                       # not counted
    act(rep, Theme.WINDOW, date(2026, 11, 1))                                 # A2 #4
    act(rep, Theme.WINDOW, date(2026, 12, 31))                                # A2 #5 (capped)
    # A3: two verified in 2026, one returned, one verified in 2025, one draft
    act(rep, Theme.NEIGHBORHOOD, date(2026, 1, 1))
    act(rep, Theme.NEIGHBORHOOD, date(2026, 2, 2))
    act(rep, Theme.NEIGHBORHOOD, date(2026, 2, 3), status=ActivityStatus.RETURNED)
    act(rep, Theme.NEIGHBORHOOD, date(2025, 12, 31), published=True)
    act(rep, Theme.NEIGHBORHOOD, date(2026, 2, 4), status=ActivityStatus.DRAFT)
    # A4: three verified in 2026; Home B's verified ones do not count
    for m in (5, 6, 8):
        act(rep, Theme.INNOVATION, date(2026, m, 15))
    for _ in range(3):
        act(world.rep_b, Theme.INNOVATION, date(2026, 5, 5), published=True)
        act(world.rep_b, Theme.PARTY_BUILDING, date(2026, 12, 5), published=True)
    _db.session.commit()
    return world


def test_items_by_hand(prepared):
    result = scoring.compute(prepared.home_a.id, 2026)
    # B2 = 4·1 + 4·(2/3) + 2·2/4 = 4 + 2.6667 + 1 = 7.6667 → 7.67
    # A1 = 17.5·1/4 = 4.375 → 4.38 (half up); A2 = 17.5·min(1, 5/4) = 17.5;
    # A3 = 17.5·2/4 = 8.75; A4 = 17.5·3/4 = 13.125 → 13.13
    assert result.items == {"B1": D("7.00"), "B2": D("7.67"), "B3": D("7.00"), "A1": D("4.38"),
                            "A2": D("17.50"), "A3": D("8.75"), "A4": D("13.13")}
    assert result.total == D("65.43")
    assert result.grade == Grade.PASS


def test_evidence(prepared):
    ev = scoring.compute(prepared.home_a.id, 2026).evidence
    assert ev["B2"]["quarters"] == [1, 3]
    assert (ev["B2"]["compliant"], ev["B2"]["representatives_total"]) == (2, 3)
    by_id = {r["id"]: r["compliant"] for r in ev["B2"]["representatives"]}
    rep3 = next(i for i in by_id if i not in (prepared.rep_a.id, prepared.rep_a2.id))
    assert by_id == {prepared.rep_a.id: True, prepared.rep_a2.id: True, rep3: False}
    assert {r["contacted_count"] for r in ev["B2"]["representatives"] if r["id"] == rep3} == {4}
    assert len(ev["B2"]["published_activities"]) == 3
    assert ev["A2"]["count"] == 5 and len(ev["A2"]["activities"]) == 5
    assert ev["A3"]["count"] == 2
    assert ev["A4"]["count"] == 3
    assert ev["B3"] == {"plan": True, "funding": D("0"), "team_size": 1}


def test_other_year_and_empty_home(prepared):
    result = scoring.compute(prepared.home_a.id, 2025)
    # 2025: venue+sign 7; rules 4 + r 0 + q: the one 2025 neighbourhood activity is verified and
    # published (Q4) → 0.5; plan "" → 0, funding 9000 → 3, team → 3
    assert result.items["B2"] == D("4.50")
    assert result.items["B3"] == D("6.00")
    assert result.items["A3"] == D("4.38")
    empty = f.home()
    assert scoring.compute(empty.id, 2026).items == {c: D("0.00") for c in
                                                      ("B1", "B2", "B3", "A1", "A2", "A3", "A4")}


def test_activity_target_from_config(prepared, monkeypatch):
    monkeypatch.setitem(current_app.config, "ACTIVITY_TARGET", 2)
    items = scoring.compute(prepared.home_a.id, 2026).items
    assert (items["A1"], items["A3"], items["A4"]) == (D("8.75"), D("17.50"), D("17.50"))


def test_full_marks(world):
    home = world.home_a
    home.venue_address, home.has_sign, home.has_facilities, home.management_rules = \
        "地址", True, True, True
    _db.session.add(HomePlan(home_id=home.id, year=2026, plan="计划", funding=D("0.01")))
    _db.session.add(ServiceTeamMember(home_id=home.id, name="甲"))
    contacts(world.rep_a, 5)
    contacts(world.rep_a2, 5)
    for theme in Theme:
        for month in (2, 5, 8, 11):
            act(world.rep_a, theme, date(2026, month, 1), published=True)
    result = scoring.compute(home.id, 2026)
    assert all(result.items[c] == m for c, m in
               {"B1": 10, "B2": 10, "B3": 10, "A1": D("17.5"), "A2": D("17.5"), "A3": D("17.5"),
                "A4": D("17.5")}.items())
    assert result.total == D("100.00") and result.grade == Grade.EXCELLENT


@pytest.mark.parametrize("total,grade", [
    ("100", Grade.EXCELLENT), ("90.00", Grade.EXCELLENT), ("89.99", Grade.GOOD),
    ("75", Grade.GOOD), ("74.99", Grade.PASS), ("60", Grade.PASS), ("59.99", Grade.FAIL),
    ("0", Grade.FAIL)])
def test_grade_thresholds(total, grade):
    assert scoring.grade_for(D(total)) == grade


@pytest.mark.parametrize("value,expected", [
    (D("4.375"), D("4.38")), (D("13.125"), D("13.13")), (D("2.664"), D("2.66"))])
def test_round_half_up(value, expected):
    from fractions import Fraction
    assert scoring.round2(Fraction(value)) == expected
    assert scoring.round2(value) == expected


def test_fixed_number_of_queries(prepared):
    _db.session.expire_all()
    with count_statements() as small:
        scoring.compute(prepared.home_b.id, 2026)
    for _ in range(10):
        rep = f.representative(prepared.home_b)
        contacts(rep, 6)
        for theme in Theme:
            act(rep, theme, date(2026, 4, 4), published=True)
    _db.session.commit()
    _db.session.expire_all()
    with count_statements() as large:
        scoring.compute(prepared.home_b.id, 2026)
    assert len(large) == len(small) <= 10


def test_batch_scoring_equals_one_by_one(prepared, world):
    """compute_many (behind create_for_all_active) gives each Home exactly what compute gives."""
    f.activity(world.rep_b, theme=Theme.INNOVATION, kind=Kind.SALON, date=date(2026, 7, 1),
               status=ActivityStatus.VERIFIED, published=True)
    contacts(world.rep_b, 5)
    empty = f.home()
    ids = [world.home_a.id, world.home_b.id, empty.id]
    batch = scoring.compute_many(ids, 2026)
    for home_id in ids:
        assert batch[home_id] == scoring.compute(home_id, 2026).items, home_id


def test_batch_scoring_query_count_does_not_grow_with_homes(world):
    few = [world.home_a.id, world.home_b.id]
    many = few + [f.home().id for _ in range(8)]
    with count_statements() as small:
        scoring.compute_many(few, 2026)
    with count_statements() as large:
        scoring.compute_many(many, 2026)
    assert len(small) == len(large)
