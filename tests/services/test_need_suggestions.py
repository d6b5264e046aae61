"""Suggested representatives for a need (SPEC §5.11): jieba words of speciality and work unit
against the need's field, title and description, on a fixed set of specialities."""
from extensions import db
from models.enums import NeedStatus
from services import needs
from tests.support import factories
from tests.support.needs import need

SPECIALITIES = {
    "材料": ("复合材料与热处理工艺", "东南大学材料科学与工程学院"),
    "电池": ("锂电池储能系统", "南京某新能源公司"),
    "医药": ("中医药与生物医药", "江苏省中医院"),
    "软件": ("人工智能与机器视觉", "南京某软件公司"),
    "农业": ("水稻种植与土壤改良", "江苏省农业科学院"),
}


def _reps(home):
    return {key: factories.representative(home, name=f"{key}专家", speciality=spec, work_unit=unit)
            for key, (spec, unit) in SPECIALITIES.items()}


def test_a_materials_need_ranks_the_materials_specialist_first(world):
    reps = _reps(world.home_a)
    row = need(NeedStatus.DISPATCHED, world.home_a, field="新材料",
               title="碳纤维复合材料热处理后强度不稳定",
               description="我们生产复合材料构件，希望改进热处理工艺，提高强度。")
    db.session.commit()
    ranked = needs.suggest(world.manager_a, row)
    assert ranked[0].representative_id == reps["材料"].id
    assert {"复合材料", "热处理", "工艺"} <= set(ranked[0].matched)
    assert all(s.representative_id != reps["医药"].id for s in ranked)
    assert all(s.score > 0 for s in ranked) and len(ranked) <= needs.SUGGESTIONS_MAX
    assert [s.score for s in ranked] == sorted((s.score for s in ranked), reverse=True)


def test_a_battery_need_ranks_the_battery_specialist_first(world):
    reps = _reps(world.home_a)
    row = need(NeedStatus.DISPATCHED, world.home_a, field="新能源", title="锂电池储能柜热失控预警",
               description="储能电站需要锂电池安全监测方案")
    db.session.commit()
    ranked = needs.suggest(world.admin, row)
    assert ranked[0].representative_id == reps["电池"].id
    assert "锂电池" in ranked[0].matched and "储能" in ranked[0].matched


def test_before_dispatch_the_office_gets_the_citys_representatives(world):
    nanjing = factories.representative(world.home_a, name="南京材料专家", speciality="复合材料")
    suzhou = factories.representative(world.home_b, name="苏州材料专家", speciality="复合材料")
    row = need(city="南京市", title="复合材料开裂")
    db.session.commit()
    ids = [s.representative_id for s in needs.suggest(world.admin, row)]
    assert nanjing.id in ids and suzhou.id not in ids


def test_inactive_representatives_are_not_suggested(world):
    gone = factories.representative(world.home_a, speciality="复合材料", active=False)
    row = need(NeedStatus.DISPATCHED, world.home_a, title="复合材料开裂")
    db.session.commit()
    assert gone.id not in [s.representative_id for s in needs.suggest(world.manager_a, row)]


def test_suggestions_api_shape(api, world):
    reps = _reps(world.home_a)
    row = need(NeedStatus.DISPATCHED, world.home_a, field="新材料", title="复合材料热处理")
    db.session.commit()
    resp = api(world.manager_a).get(f"/needs/{row.id}/suggestions")
    assert resp.status_code == 200
    first = resp.get_json()["items"][0]
    assert first["representative_id"] == reps["材料"].id and first["name"] == "材料专家"
    assert first["score"] > 0 and "复合材料" in first["matched"]


def test_words_leave_out_common_words():
    got = needs.words("我们公司希望解决复合材料的技术问题")
    assert "复合材料" in got
    assert not {"我们", "公司", "希望", "技术", "问题", "的"} & got


def test_jieba_is_not_loaded_at_start_up():
    import subprocess
    import sys
    code = ("import sys; from app import create_app; create_app(); import services.needs; "
            "sys.exit(1 if 'jieba' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_messages_outside_the_app_carry_no_need_text():
    from services.notifications import kind_of
    for code in ("need_received", "need_dispatched", "need_assigned", "need_returned"):
        kind = kind_of(code)
        assert kind.topic == "needs"
        text = kind.external_text({"count": 2})
        assert "2" in text and "复合材料" not in text
