"""代表码 (SPEC §5.5): public codes, the public page and its form, receipts, the API, the honeypot."""
import re

import pytest
import sqlalchemy as sa

from models import Appeal, AuditLog, Notification
from models.enums import AppealSource, AppealStatus
from tests.support import factories as f

RECEIPT_RE = re.compile(r'data-testid="receipt">([A-Z0-9]+)<')


def _appeals():
    from extensions import db
    return list(db.session.scalars(sa.select(Appeal).order_by(Appeal.id)))


def _post_page(client, code, **data):
    """POST the public form; an accepted one must answer 303 to /r/{code}/done, which is then
    fetched (GET) and returned, as a browser does (Post/Redirect/Get)."""
    form = {"category": "policy", "content": "建议设立青年科技人才专项。"}
    form.update(data)
    resp = client.post(f"/r/{code}", data=form)
    if resp.status_code in (301, 302, 303, 307, 308):
        assert resp.status_code == 303
        assert resp.headers["Location"].endswith(f"/r/{code}/done")
        resp = client.get(resp.headers["Location"])
    return resp


# --- Codes -------------------------------------------------------------------------------------

def test_every_new_representative_gets_a_random_url_safe_code(world):
    codes = [world.rep_a.public_code, world.rep_a2.public_code, world.rep_b.public_code]
    for rep, code in zip((world.rep_a, world.rep_a2, world.rep_b), codes, strict=True):
        assert code and len(code) >= 8
        assert re.fullmatch(r"[A-Za-z0-9_-]+", code)
        assert code != str(rep.id) and str(rep.id) != code.lstrip("0")
    assert len(set(codes)) == 3
    assert world.manager_a.public_code is None and world.admin.public_code is None


def test_representative_created_through_the_api_has_a_code(world, api):
    resp = api(world.manager_a).post("/users", json={
        "username": "newrep", "password": "Long-enough-password", "name": "新代表",
        "role": "representative", "home_id": world.home_a.id, "level": "city"})
    assert resp.status_code == 201, resp.get_json()
    client = api().client  # the new representative signs in and reads /me
    token = client.post("/api/v1/tokens", json={
        "username": "newrep", "password": "Long-enough-password"}).get_json()["token"]
    body = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert len(body["public_code"]) >= 8 and body["public_code"] != str(body["id"])


def test_me_includes_public_code_for_a_representative_only(world, api):
    assert api(world.rep_a).get("/me").get_json()["public_code"] == world.rep_a.public_code
    assert api(world.manager_a).get("/me").get_json()["public_code"] is None


# --- The public page ---------------------------------------------------------------------------

def test_public_page_shows_the_representative_and_the_qr_code(world, client):
    resp = client.get(f"/r/{world.rep_a.public_code}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "代表甲" in html and "南京市科协代表之家" in html
    assert "<svg" in html and 'name="website"' in html
    assert 'name="viewport"' in html


@pytest.mark.parametrize("code", ["unknown-code-123", "x", "a" * 100])
def test_unknown_code_is_404(world, client, code):
    assert client.get(f"/r/{code}").status_code == 404
    assert client.post(f"/r/{code}", data={"category": "policy", "content": "x"}).status_code == 404


def test_deactivated_representative_page_is_404_and_takes_nothing(world, client, api, db):
    code = world.rep_a.public_code
    world.rep_a.active = False
    db.session.commit()
    assert client.get(f"/r/{code}").status_code == 404
    assert _post_page(client, code).status_code == 404
    resp = api().post(f"/public/representatives/{code}/appeals",
                      json={"category": "policy", "content": "x"})
    assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "not_found"
    assert _appeals() == []


def test_page_submission_stores_a_qr_appeal_and_shows_the_receipt(world, client):
    resp = _post_page(client, world.rep_a.public_code, name="王工", contact="13900001111")
    assert resp.status_code == 200
    receipt = RECEIPT_RE.search(resp.get_data(as_text=True)).group(1)
    [appeal] = _appeals()
    assert appeal.source == AppealSource.QR and appeal.status == AppealStatus.RECEIVED
    assert appeal.representative_id == world.rep_a.id and appeal.home_id == world.home_a.id
    assert appeal.receipt == receipt and len(receipt) >= 10
    assert appeal.submitter_name == "王工" and appeal.submitter_contact == "13900001111"
    assert appeal.worker_id is None


def test_reloading_the_receipt_page_shows_the_same_receipt_and_files_nothing(world, client):
    """Phones reload a tab after switching apps: the receipt page is a GET, so a reload repeats
    nothing."""
    code = world.rep_a.public_code
    resp = client.post(f"/r/{code}", data={"category": "policy", "content": "建议设立专项。"})
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/r/{code}/done")
    first = client.get(f"/r/{code}/done")
    assert first.status_code == 200
    receipt = RECEIPT_RE.search(first.get_data(as_text=True)).group(1)
    assert "政策" in first.get_data(as_text=True) or "诉求建议" in first.get_data(as_text=True)
    for _ in range(3):
        again = client.get(f"/r/{code}/done")
        assert again.status_code == 200
        assert RECEIPT_RE.search(again.get_data(as_text=True)).group(1) == receipt
    assert [a.receipt for a in _appeals()] == [receipt]


def test_the_receipt_page_shows_nothing_to_another_browser_or_another_code(world, client, app):
    code = world.rep_a.public_code
    _post_page(client, code)
    other = app.test_client()
    resp = other.get(f"/r/{code}/done")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/r/{code}")
    resp = client.get(f"/r/{world.rep_b.public_code}/done")
    assert resp.status_code == 302 and 'data-testid="receipt"' not in resp.get_data(as_text=True)
    assert client.get("/r/unknown-code-123/done").status_code == 404


def test_submission_notifies_the_representative_and_the_homes_managers_and_is_audited(world, client):
    _post_page(client, world.rep_a.public_code)
    from extensions import db
    notified = set(db.session.scalars(sa.select(Notification.user_id)))
    assert notified == {world.rep_a.id, world.manager_a.id}
    [entry] = db.session.scalars(sa.select(AuditLog).where(AuditLog.object_type == "appeals"))
    assert entry.action == "create_public" and entry.actor_id is None


@pytest.mark.parametrize("data,field", [
    ({"content": ""}, "content"),
    ({"content": "   "}, "content"),
    ({"content": "长" * 5001}, "content"),
    ({"category": "nonsense"}, "category"),
    ({"category": ""}, "category"),
    ({"name": "名" * 51}, "name"),
    ({"contact": "1" * 101}, "contact"),
    ({"content": "a\x00b"}, "content"),
])
def test_bad_input_names_the_field_and_stores_nothing(world, client, api, data, field):
    resp = _post_page(client, world.rep_a.public_code, **data)
    assert resp.status_code == 422
    if "\x00" in data.get("content", ""):
        # Control characters are refused before any view by the one input rule (issue 11),
        # with a Chinese page naming the field.
        assert "content" in resp.get_data(as_text=True) or "内容" in resp.get_data(as_text=True)
    else:
        assert "is-invalid" in resp.get_data(as_text=True)
    body = {"category": "policy", "content": "x", **data}
    resp = api().post(f"/public/representatives/{world.rep_a.public_code}/appeals", json=body)
    assert resp.status_code == 422
    assert field in resp.get_json()["error"]["fields"]
    assert _appeals() == []


def test_content_of_exactly_5000_and_of_one_character_is_accepted(world, api):
    for content in ("长" * 5000, "好"):
        resp = api().post(f"/public/representatives/{world.rep_a.public_code}/appeals",
                          json={"category": "other", "content": content})
        assert resp.status_code == 201
    assert len(_appeals()) == 2


@pytest.mark.parametrize("trap", ["http://spam.example", "x"])
def test_honeypot_is_answered_as_accepted_and_stores_nothing(world, client, api, trap):
    resp = _post_page(client, world.rep_a.public_code, website=trap)
    assert resp.status_code == 200
    receipt = RECEIPT_RE.search(resp.get_data(as_text=True)).group(1)
    resp = api().post(f"/public/representatives/{world.rep_a.public_code}/appeals",
                      json={"category": "policy", "content": "x", "website": trap})
    assert resp.status_code == 201 and len(resp.get_json()["receipt"]) >= 10
    assert _appeals() == []
    from extensions import db
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0
    assert client.get(f"/track/{receipt}").status_code == 404


# --- API ---------------------------------------------------------------------------------------

def test_api_answers_201_with_the_receipt_only(world, api):
    resp = api().post(f"/public/representatives/{world.rep_a.public_code}/appeals",
                      json={"category": "career", "content": "职称评审", "name": None})
    assert resp.status_code == 201
    body = resp.get_json()
    assert set(body) == {"receipt"}
    [appeal] = _appeals()
    assert appeal.receipt == body["receipt"] and appeal.source == AppealSource.QR


def test_api_ignores_a_token(world, api):
    resp = api(world.manager_b).post(f"/public/representatives/{world.rep_a.public_code}/appeals",
                                     json={"category": "career", "content": "职称评审"})
    assert resp.status_code == 201
    assert _appeals()[0].representative_id == world.rep_a.id


def test_receipt_shows_only_category_status_dates_and_response(world, api, client):
    receipt = api().post(f"/public/representatives/{world.rep_a.public_code}/appeals",
                         json={"category": "career", "content": "秘密内容", "name": "王工",
                               "contact": "13900001111"}).get_json()["receipt"]
    resp = api().get(f"/public/appeals/{receipt}")
    assert resp.status_code == 200
    body = resp.get_json()
    assert set(body) == {"category", "status", "received_on", "resolved_on", "response"}
    assert body["category"] == "career" and body["status"] == "received"
    assert body["resolved_on"] is None and body["response"] == ""
    html = client.get(f"/track/{receipt}").get_data(as_text=True)
    for secret in ("秘密内容", "王工", "13900001111", "代表甲"):
        assert secret not in html
    assert "职业发展" in html and "已受理" in html


def test_receipt_follows_the_appeal_to_its_resolution(world, api, client):
    receipt = api().post(f"/public/representatives/{world.rep_a.public_code}/appeals",
                         json={"category": "career", "content": "职称评审"}).get_json()["receipt"]
    [appeal] = _appeals()
    resp = api(world.manager_a).patch(f"/appeals/{appeal.id}",
                                      json={"status": "resolved", "response": "已协调人社部门。"})
    assert resp.status_code == 200
    body = api().get(f"/public/appeals/{receipt}").get_json()
    assert body["status"] == "resolved" and body["response"] == "已协调人社部门。"
    assert body["resolved_on"] is not None and body["resolved_on"] >= body["received_on"]
    html = client.get(f"/track/{receipt.lower()}").get_data(as_text=True)
    assert "已办结" in html and "已协调人社部门。" in html


@pytest.mark.parametrize("receipt", ["ABCDEFGHJKMN", "short", "x" * 80, "%00"])
def test_unknown_receipt_is_404_revealing_nothing(world, api, client, receipt):
    resp = api().get(f"/public/appeals/{receipt}")
    # A NUL in the path is refused as odd input (422) before any lookup: nothing is revealed.
    odd = receipt == "%00"
    assert resp.status_code == (422 if odd else 404)
    assert resp.get_json()["error"]["code"] == ("validation_error" if odd else "not_found")
    assert client.get(f"/track/{receipt}").status_code == (422 if odd else 404)


def test_track_form_goes_to_the_receipt_page(world, client, api):
    receipt = api().post(f"/public/representatives/{world.rep_a.public_code}/appeals",
                         json={"category": "career", "content": "职称评审"}).get_json()["receipt"]
    assert client.get("/track").status_code == 200
    resp = client.get("/track", query_string={"receipt": f" {receipt.lower()} "})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/track/{receipt}")


# --- Where the appeal shows up -----------------------------------------------------------------

def test_qr_appeal_reaches_the_representative_and_the_home_marked(world, api, login):
    api().post(f"/public/representatives/{world.rep_a.public_code}/appeals",
               json={"category": "career", "content": "职称评审", "name": "王工"})
    for user, path in ((world.rep_a, "/me/appeals"), (world.manager_a, "/manage/appeals")):
        html = login(user).get(path).get_data(as_text=True)
        assert "来自代表码" in html and "职称评审" in html and "王工" in html
    assert "职称评审" not in login(world.manager_b).get("/manage/appeals").get_data(as_text=True)
    items = api(world.rep_a).get("/appeals").get_json()["items"]
    assert [i["source"] for i in items] == ["qr"]
    assert api(world.rep_a2).get("/appeals").get_json()["items"] == []
    assert api(world.manager_b).get("/appeals").get_json()["items"] == []


# --- Cards -------------------------------------------------------------------------------------

def test_cards_access(world, client, login):
    rep_card = f"/cards/representatives/{world.rep_a.id}.pdf"
    home_cards = f"/cards/homes/{world.home_a.id}.pdf"
    assert client.get(rep_card).status_code == 302  # anonymous → login
    assert client.get(home_cards).status_code == 302
    c = login(world.rep_a)
    resp = c.get(rep_card)
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.data.startswith(b"%PDF")
    assert c.get(f"/cards/representatives/{world.rep_a2.id}.pdf").status_code == 404
    assert c.get(home_cards).status_code == 403
    c = login(world.manager_a)
    assert c.get(f"/cards/representatives/{world.rep_a2.id}.pdf").status_code == 200
    assert c.get(f"/cards/representatives/{world.rep_b.id}.pdf").status_code == 404
    assert c.get(f"/cards/representatives/{world.manager_a.id}.pdf").status_code == 404
    resp = c.get(home_cards)
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF")
    assert c.get(f"/cards/homes/{world.home_b.id}.pdf").status_code == 404
    c = login(world.admin)
    assert c.get(f"/cards/homes/{world.home_b.id}.pdf").status_code == 200
    assert c.get(f"/cards/representatives/{world.rep_b.id}.pdf").status_code == 200


def test_home_cards_hold_one_page_per_active_representative(world, db):
    from services import appeals as public_cards
    world.rep_a2.active = False
    db.session.commit()
    reps = public_cards.card_representatives(world.home_a.id)
    assert [r.id for r in reps] == [world.rep_a.id]
    pdf = public_cards.cards_pdf([public_cards.Card("甲", "市级", "之家", "http://h/r/x")] * 3)
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page>") + pdf.count(b"/Type /Page ") \
        == 3


def test_public_page_statement_count_is_constant(world, client):
    from tests.conftest import count_statements
    code = world.rep_a.public_code
    with count_statements() as first:
        client.get(f"/r/{code}")
    for _ in range(5):
        f.appeal(world.rep_a)
    from extensions import db
    db.session.commit()
    with count_statements() as second:
        client.get(f"/r/{code}")
    assert len(second) == len(first) <= 3


def test_a_mistyped_receipt_stays_on_the_form_with_the_reason(world, client):
    resp = client.get("/track?receipt=ABCD-EFGH-JKMN")
    assert resp.status_code == 404
    html = resp.get_data(as_text=True)
    assert 'data-testid="track-form"' in html and "没有找到这个查询码" in html
    assert 'value="ABCD-EFGH-JKMN"' in html

