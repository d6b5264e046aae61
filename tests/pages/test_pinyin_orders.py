"""Names are listed in pinyin order (as Chinese readers expect), not by code point: a
representative's linked workers on /me/ and in every worker picker (contacts, appeals, the
activity form), the 各代表 list of a survey's completion, and the weekly compliance digest."""
from datetime import date

import pytest

from extensions import db as _db
from jobs.runner import run_job
from models import Notification
from services import surveys
from tests.support import factories as f
from tests.support.survey_data import INSIDE, published

#: Code-point order would be 安 < 张 < 曾 < 李; pinyin order is an, li, zeng, zhang.
NAMES = ["张伟", "曾文", "安然", "李娜"]
PINYIN = ["安然", "李娜", "曾文", "张伟"]


def _in_page_order(html: str, names) -> list[str]:
    found = [(html.find(n), n) for n in names]
    assert all(i >= 0 for i, _n in found), found
    return [n for _i, n in sorted(found)]


@pytest.fixture()
def workers(world):
    made = [f.worker(world.rep_a, name=n) for n in NAMES]
    _db.session.commit()
    return made


def test_worker_pickers_and_the_contacted_list_are_in_pinyin_order(world, workers, login):
    client = login(world.rep_a)
    for path in ("/me/contacts/new", "/me/activities/new"):
        resp = client.get(path)
        assert resp.status_code == 200, path
        assert _in_page_order(resp.get_data(as_text=True), NAMES) == PINYIN, path
    year = date.today().year
    for w in workers:
        f.contact(world.rep_a, w, date(year, 1, 2))
    _db.session.commit()
    me = client.get("/me/").get_data(as_text=True)
    listed = me.split("本年度已联系（")[1]
    assert _in_page_order(listed, NAMES) == PINYIN


def test_the_appeal_form_lists_reporters_in_pinyin_order(world, workers, login):
    client = login(world.rep_a)
    html = client.get("/me/appeals").get_data(as_text=True)
    assert _in_page_order(html, NAMES) == PINYIN


def test_survey_completion_lists_representatives_in_pinyin_order(world, monkeypatch):
    monkeypatch.setattr("services.clock.today", lambda: INSIDE)
    reps = [f.representative(world.home_a, name=n) for n in NAMES]
    _db.session.commit()
    survey = published(world.admin)
    done = surveys.completion(world.admin, survey, world.home_a.id, per_page=50)
    ours = [r["name"] for r in done.representatives if r["id"] in {u.id for u in reps}]
    assert ours == PINYIN


def test_the_compliance_digest_lists_names_in_pinyin_order(world):
    for n in NAMES:
        f.representative(world.home_a, name=n)
    _db.session.commit()
    assert run_job("compliance_sweep", date(2026, 3, 4)).status.value == "success"
    digest = _db.session.query(Notification).filter_by(
        kind="compliance_digest", user_id=world.manager_a.id).one()
    assert _in_page_order(digest.body, NAMES) == PINYIN
