"""Forms read exactly the documented forms (issue 11 item 9): dates YYYY-MM-DD, whole numbers in
digits, with Chinese messages naming the field; nothing is written when refused."""
import pytest
import sqlalchemy as sa

from models import ApplicationRound


@pytest.mark.parametrize("field, value, message", [
    ("deadline", "2030-1-1", "日期格式应为 YYYY-MM-DD"),
    ("deadline", "20300101", "日期格式应为 YYYY-MM-DD"),
    ("deadline", "2030-W01-1", "日期格式应为 YYYY-MM-DD"),
    ("deadline", "2030-02-30", "日期格式应为 YYYY-MM-DD"),
    ("quota", "1.5", "请填写整数"),
    ("quota", "1e3", "请填写整数"),
    ("year", "2030.0", "请填写整数"),
])
def test_round_form_refuses_what_is_not_the_documented_form(world, login, db, field, value,
                                                            message):
    data = {"year": "2030", "deadline": "2030-06-30", "quota": "10", field: value}
    resp = login(world.admin).post("/province/rounds", data=data)
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(ApplicationRound.id))) == 0


def test_round_form_takes_the_documented_form(world, login, db):
    resp = login(world.admin).post("/province/rounds", data={
        "year": "2030", "deadline": "2030-06-30", "quota": " 12 "})
    assert resp.status_code == 302
    rnd = db.session.scalar(sa.select(ApplicationRound))
    assert (rnd.year, rnd.deadline.isoformat(), rnd.quota) == (2030, "2030-06-30", 12)


def test_plan_year_must_be_a_whole_number(world, login):
    resp = login(world.manager_a).post(f"/home/{world.home_a.id}/plans",
                                       data={"year": "2026.5", "plan": "计划", "funding": "100"})
    assert resp.status_code == 422 and "请填写整数" in resp.get_data(as_text=True)
