"""需求对接 pages (SPEC §5.11): the public form and tracking with the rating, the queue with
filters and keyset pages, a need's page for each role, the actions, and the Excel export."""
from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from extensions import db
from models import Need
from models.enums import NeedStatus
from tests.conftest import count_statements, make_app
from tests.support import factories
from tests.support.needs import body, need

S = NeedStatus


def _stored() -> list[Need]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Need)))


def test_public_form_files_a_need_and_shows_the_receipt(client, world):
    """Post/Redirect/Get: the POST answers 303 to the receipt page; a reload of that page shows the
    same receipt and files nothing more."""
    assert client.get("/needs/new").status_code == 200
    resp = client.post("/needs/new", data=body())
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/needs/new/done")
    [row] = _stored()
    for _ in range(2):  # the page and its reload
        page = client.get("/needs/new/done")
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert row.receipt in text and "需求已提交" in text
        assert f"/needs/track/{row.receipt}" in text
    assert len(_stored()) == 1
    track = client.get(f"/needs/track/{row.receipt}").get_data(as_text=True)
    assert "已受理" in track and "13912345678" not in track


def test_public_form_names_bad_fields_in_chinese(client, world):
    resp = client.post("/needs/new", data=body(title="", contact_mobile="123", city="北京市"))
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "请填写需求标题" in page and "联系手机应为11位中国大陆手机号" in page
    assert "所在设区市应为江苏省13个设区市之一" in page
    assert _stored() == []


def test_public_form_honeypot_stores_nothing(client, world):
    resp = client.post("/needs/new", data=body(website="x"), follow_redirects=True)
    assert resp.status_code == 200 and "需求已提交" in resp.get_data(as_text=True)
    assert [r.status_code for r in resp.history] == [303]  # answered like an accepted need
    assert _stored() == []


def test_the_receipt_page_without_a_filing_goes_to_the_form(client, world):
    resp = client.get("/needs/new/done")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/needs/new")
    # A refused form is no filing: the receipt page still has nothing to show.
    assert client.post("/needs/new", data=body(title="")).status_code == 422
    assert client.get("/needs/new/done").status_code == 302


def test_a_second_filing_shows_its_own_receipt(client, world):
    client.post("/needs/new", data=body())
    client.post("/needs/new", data=body(title="第二个需求"))
    second = db.session.scalar(sa.select(Need).where(Need.title == "第二个需求"))
    text = client.get("/needs/new/done").get_data(as_text=True)
    assert second.receipt in text and len(_stored()) == 2


def test_from_a_rep_code_page_the_representative_is_a_hint(client, world):
    code = world.rep_a.public_code
    assert f"/needs/new?rep={code}" in client.get(f"/r/{code}").get_data(as_text=True)
    page = client.get(f"/needs/new?rep={code}").get_data(as_text=True)
    assert world.rep_a.name in page
    client.post(f"/needs/new?rep={code}", data=body())
    assert _stored()[0].hint_representative_id == world.rep_a.id


def test_public_homes_page_links_to_the_form(client, world):
    page = client.get("/public/homes").get_data(as_text=True)
    assert "/needs/new?city=" in page


def test_shared_track_form_forwards_a_need_receipt(client, world):
    row = need()
    db.session.commit()
    resp = client.get(f"/track?receipt={row.receipt.lower()}")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/needs/track/{row.receipt}")
    assert client.get("/needs/track?receipt=ABCDEFGHJKMN").status_code == 404


def test_rating_on_the_tracking_page_once(client, world):
    row = need(S.FULFILLED, world.home_a, [world.rep_a])
    db.session.commit()
    page = client.get(f"/needs/track/{row.receipt}").get_data(as_text=True)
    assert "服务评价" in page and world.rep_a.name in page
    assert client.post(f"/needs/track/{row.receipt}", data={"score": ""}).status_code == 422
    resp = client.post(f"/needs/track/{row.receipt}", data={"score": "5", "comment": "好"})
    assert resp.status_code == 302
    assert _stored()[0].status == S.CLOSED
    resp = client.post(f"/needs/track/{row.receipt}", data={"score": "3"})
    assert resp.status_code == 409 and "只能评价一次" in resp.get_data(as_text=True)


def test_public_filing_is_limited_per_address(db, world):
    from extensions import limiter
    app = make_app(RATELIMIT_ENABLED=True, PUBLIC_APPEAL_RATE_LIMIT="2 per hour",
                   RATELIMIT_STORAGE_URI="memory://")
    limiter.reset()
    try:
        client = app.test_client()
        codes = [client.post("/api/v1/public/needs", json=body(),
                             environ_base={"REMOTE_ADDR": "10.0.0.7"}).status_code for _ in range(2)]
        assert codes == [201, 201]
        assert client.post("/needs/new", data=body(),
                           environ_base={"REMOTE_ADDR": "10.0.0.7"}).status_code == 429
        assert client.post("/api/v1/public/needs", json=body(),
                           environ_base={"REMOTE_ADDR": "10.0.0.8"}).status_code == 201
    finally:
        limiter.reset()
        limiter.enabled = False


def test_office_dispatches_with_the_citys_suggestions(client, login, world):
    spec = factories.representative(world.home_a, name="材料专家", speciality="复合材料热处理")
    row = need()
    db.session.commit()
    login(world.admin)
    page = client.get(f"/needs/{row.id}").get_data(as_text=True)
    assert "need-dispatch" in page and "need-suggestions" in page
    assert spec.name in page and "复合材料" in page
    resp = client.post(f"/needs/{row.id}/dispatch", data={"home_id": world.home_a.id})
    assert resp.status_code == 302
    assert _stored()[0].status == S.DISPATCHED
    resp = client.post(f"/needs/{row.id}/dispatch", data={"home_id": world.home_a.id})
    assert resp.status_code == 409


def test_manager_assigns_with_matched_words_and_returns(client, login, world):
    spec = factories.representative(world.home_a, name="材料专家", speciality="复合材料热处理")
    row = need(S.DISPATCHED, world.home_a)
    db.session.commit()
    login(world.manager_a)
    page = client.get(f"/needs/{row.id}").get_data(as_text=True)
    assert "need-assign" in page and "热处理" in page and "13912345678" in page
    resp = client.post(f"/needs/{row.id}/assign", data={"representative_ids": []})
    assert resp.status_code == 422 and "请选择1到5名接单代表" in resp.get_data(as_text=True)
    resp = client.post(f"/needs/{row.id}/assign", data={"representative_ids": [spec.id]})
    assert resp.status_code == 302
    assert [u.id for u in _stored()[0].representatives] == [spec.id]
    resp = client.post(f"/needs/{row.id}/return", data={"reason": "无法承接"})
    assert resp.status_code == 302 and _stored()[0].status == S.RECEIVED


def test_pages_keep_scope(client, login, world):
    row = need(S.DISPATCHED, world.home_a)
    db.session.commit()
    login(world.manager_b)
    assert client.get(f"/needs/{row.id}").status_code == 404
    assert client.post(f"/needs/{row.id}/assign", data={"representative_ids": [world.rep_b.id]}
                       ).status_code == 404
    assert client.post(f"/needs/{row.id}/dispatch", data={}).status_code == 403
    login(world.rep_a)
    assert client.get(f"/needs/{row.id}").status_code == 404
    assert client.post(f"/needs/{row.id}/decline", data={}).status_code == 403


def test_queue_filters_and_keyset_pages(client, login, world):
    from blueprints.needs import office
    for i in range(office.PER_PAGE + 3):
        need(title=f"需求{i}")
    need(kind="science", title="社区防灾科普", city="苏州市")
    db.session.commit()
    login(world.admin)
    first = client.get("/needs/").get_data(as_text=True)
    assert first.count('data-testid="need-row"') == office.PER_PAGE and "needs-next" in first
    nxt = first.split('data-testid="needs-next"')[0].rsplit('href="', 1)[1].split('"')[0]
    second = client.get(nxt.replace("&amp;", "&")).get_data(as_text=True)
    assert second.count('data-testid="need-row"') == 4
    page = client.get("/needs/?kind=science&city=苏州市").get_data(as_text=True)
    assert page.count('data-testid="need-row"') == 1 and "社区防灾科普" in page
    assert client.get("/needs/?status=bad").status_code == 400


@pytest.mark.parametrize("who", ["admin", "manager_a", "rep_a"])
def test_statements_per_queue_page_do_not_grow(client, login, world, who):
    need(S.ASSIGNED, world.home_a, [world.rep_a])
    db.session.commit()
    login(getattr(world, who))
    client.get("/needs/")
    with count_statements() as few:
        client.get("/needs/")
    for _ in range(12):
        need(S.ASSIGNED, world.home_a, [world.rep_a, world.rep_a2])
    db.session.commit()
    with count_statements() as many:
        assert client.get("/needs/").get_data(as_text=True).count('data-testid="need-row"') == 13
    assert len(many) == len(few)


def test_export_reads_back(client, login, world):
    need(S.CLOSED, world.home_a, [world.rep_a], rating=4)
    need(S.DISPATCHED, world.home_a)
    need()
    db.session.commit()
    login(world.admin)
    resp = client.get("/needs/export.xlsx")
    assert resp.status_code == 200
    ws = load_workbook(BytesIO(resp.data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:5] == ("范围", "收到需求", "已派单", "已完成", "完成率")
    assert rows[1][:4] == ("全省", 3, 2, 1)
    home_row = next(r for r in rows if r[0] == world.home_a.name)
    assert home_row[1:5] == (2, 2, 1, 0.5) and home_row[6] == 4
    login(world.manager_a)
    rows = list(load_workbook(BytesIO(client.get("/needs/export.xlsx").data)).active
                .iter_rows(values_only=True))
    assert [r[0] for r in rows] == ["范围", world.home_a.name]
    login(world.rep_a)
    assert client.get("/needs/export.xlsx").status_code == 403


def test_activity_form_offers_the_homes_needs(client, login, world):
    row = need(S.ASSIGNED, world.home_a, [world.rep_a], title="给学校做防溺水科普")
    db.session.commit()
    login(world.rep_a)
    page = client.get(f"/me/activities/new?need_id={row.id}").get_data(as_text=True)
    assert "need-picker" in page and "给学校做防溺水科普" in page


def test_dashboards_show_the_needs_block(client, login, world):
    need(S.CLOSED, world.home_a, [world.rep_a], rating=4)
    need()
    db.session.commit()
    login(world.admin)
    page = client.get("/dashboard/province").get_data(as_text=True)
    assert 'data-testid="needs-block"' in page and "平均评分" in page
    login(world.manager_a)
    page = client.get("/dashboard/home").get_data(as_text=True)
    assert 'data-testid="needs-block"' in page and "4.0" in page


def test_activity_page_names_the_need_it_serves(client, login, world):
    row = need(S.ASSIGNED, world.home_a, [world.rep_a], title="给学校做防溺水科普")
    activity = factories.activity(world.rep_a, need_id=row.id)
    db.session.commit()
    login(world.rep_a)
    page = client.get(f"/me/activities/{activity.id}").get_data(as_text=True)
    assert 'data-testid="activity-need"' in page and "给学校做防溺水科普" in page
