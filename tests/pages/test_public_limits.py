"""PUBLIC_APPEAL_RATE_LIMIT (SPEC §5.5–§5.6): anonymous appeals per client address and 代表码 (with a
ceiling per address across codes), objections per client address and assessment."""
import pytest

from tests.conftest import make_app


@pytest.fixture()
def limited_app(db):
    from extensions import limiter
    app = make_app(RATELIMIT_ENABLED=True, PUBLIC_APPEAL_RATE_LIMIT="3 per hour",
                   RATELIMIT_STORAGE_URI="memory://")
    limiter.reset()
    yield app
    # The Limiter object is shared by every app of the test session: switch it back off.
    limiter.reset()
    limiter.enabled = False


def _api_post(client, code, addr="10.0.0.1", **extra):
    return client.post(f"/api/v1/public/representatives/{code}/appeals",
                       json={"category": "policy", "content": "建议", **extra},
                       environ_base={"REMOTE_ADDR": addr})


def test_default_limit_is_thirty_per_hour_with_a_tenfold_ceiling(app):
    from services.appeals.limits import address_ceiling, times
    assert app.config["PUBLIC_APPEAL_RATE_LIMIT"] == "30 per hour"
    with app.test_request_context():
        assert address_ceiling() == "300 per 1 hour"
    assert times("3/minute;100 per day", 10) == "30 per 1 minute;1000 per 1 day"


def test_api_over_the_limit_answers_429_rate_limited(limited_app, world):
    client = limited_app.test_client()
    codes = [_api_post(client, world.rep_a.public_code).status_code for _ in range(3)]
    assert codes == [201, 201, 201]
    resp = _api_post(client, world.rep_a.public_code)
    assert resp.status_code == 429
    assert resp.get_json()["error"]["code"] == "rate_limited"


def test_limit_is_per_client_address(limited_app, world):
    client = limited_app.test_client()
    for _ in range(3):
        _api_post(client, world.rep_a.public_code, addr="10.0.0.1")
    assert _api_post(client, world.rep_a.public_code, addr="10.0.0.1").status_code == 429
    assert _api_post(client, world.rep_a.public_code, addr="10.0.0.2").status_code == 201


def test_page_and_api_share_one_bucket_and_reading_is_not_limited(limited_app, world):
    client = limited_app.test_client()
    code = world.rep_a.public_code
    for _ in range(2):
        assert _api_post(client, code).status_code == 201
    resp = client.post(f"/r/{code}", data={"category": "policy", "content": "建议"},
                       environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/r/{code}/done")
    resp = client.post(f"/r/{code}", data={"category": "policy", "content": "建议"},
                       environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert resp.status_code == 429 and "请求过于频繁" in resp.get_data(as_text=True)
    for _ in range(5):
        assert client.get(f"/r/{code}", environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 200


def test_a_hall_on_one_network_reaches_two_representatives(db, world):
    """12 residents on one Wi-Fi (one address) appeal through two representatives' codes, half each,
    by page and API, with the default limits: every one is accepted."""
    from extensions import limiter
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    limiter.reset()
    try:
        client = app.test_client()
        hall = {"REMOTE_ADDR": "10.8.0.1"}
        answers = []
        for resident in range(12):
            code = (world.rep_a if resident % 2 else world.rep_b).public_code
            if resident % 3:
                answers.append(_api_post(client, code, addr="10.8.0.1").status_code)
            else:
                resp = client.post(f"/r/{code}", data={"category": "policy", "content": f"居民{resident}"},
                                   environ_base=hall)
                answers.append(resp.status_code)
        assert answers == [303 if r % 3 == 0 else 201 for r in range(12)]
    finally:
        limiter.reset()
        limiter.enabled = False


def test_limit_is_per_code_under_a_ceiling_per_address(db, world):
    """Per address and code: a full bucket for one code leaves another code open; the ceiling per
    address across all codes (PUBLIC_APPEAL_ADDRESS_LIMIT) stops one address trying many codes."""
    from extensions import limiter
    app = make_app(RATELIMIT_ENABLED=True, PUBLIC_APPEAL_RATE_LIMIT="3 per hour",
                   PUBLIC_APPEAL_ADDRESS_LIMIT="5 per hour", RATELIMIT_STORAGE_URI="memory://")
    limiter.reset()
    try:
        client = app.test_client()
        a, b = world.rep_a.public_code, world.rep_b.public_code
        assert [_api_post(client, a).status_code for _ in range(4)] == [201, 201, 201, 429]
        assert [_api_post(client, b).status_code for _ in range(2)] == [201, 201]
        resp = _api_post(client, b)  # 5 accepted from this address: the ceiling
        assert resp.status_code == 429 and resp.get_json()["error"]["code"] == "rate_limited"
        assert _api_post(client, "NO-SUCH-CODE").status_code == 429  # unknown codes count too
        assert _api_post(client, b, addr="10.0.0.2").status_code == 201
    finally:
        limiter.reset()
        limiter.enabled = False


def test_honeypot_submissions_count_against_the_limit(limited_app, world):
    client = limited_app.test_client()
    for _ in range(3):
        assert _api_post(client, world.rep_a.public_code, website="spam").status_code == 201
    assert _api_post(client, world.rep_a.public_code).status_code == 429


def test_objections_are_limited_per_address_and_assessment(limited_app, world, db, monkeypatch):
    from datetime import date
    from decimal import Decimal

    from models import Assessment
    from models.enums import AssessmentStatus, Grade
    from services import clock
    a = Assessment(home_id=world.home_a.id, year=2025, status=AssessmentStatus.PUBLISHED,
                   total=Decimal("80"), grade=Grade.GOOD, publicity_start=date(2026, 3, 1),
                   publicity_end=date(2026, 3, 7))
    db.session.add(a)
    db.session.commit()
    monkeypatch.setattr(clock, "today", lambda: date(2026, 3, 2))
    client = limited_app.test_client()
    body = {"name": "李四", "contact": "139", "text": "异议"}
    codes = [client.post(f"/api/v1/assessments/{a.id}/objections", json=body,
                         environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code for _ in range(4)]
    assert codes == [201, 201, 201, 429]
    resp = client.post("/public/results/objections", data={"assessment_id": a.id, **body},
                       environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert resp.status_code == 429
    resp = client.post(f"/api/v1/assessments/{a.id}/objections", json=body,
                       environ_base={"REMOTE_ADDR": "10.0.0.10"})
    assert resp.status_code == 201
    # Per assessment: another published assessment is still open to the same address.
    other = Assessment(home_id=world.home_b.id, year=2025, status=AssessmentStatus.PUBLISHED,
                       total=Decimal("70"), grade=Grade.PASS, publicity_start=date(2026, 3, 1),
                       publicity_end=date(2026, 3, 7))
    db.session.add(other)
    db.session.commit()
    resp = client.post("/public/results/objections", data={"assessment_id": other.id, **body},
                       environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert resp.status_code == 303  # accepted: to its receipt page
    assert client.post(f"/api/v1/assessments/{other.id}/objections", json=body,
                       environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 201


LONG_APPEAL = "建议设立青年科技工作者学术交流专项经费。\n" * 20


def test_a_page_form_over_the_limit_keeps_what_was_written(limited_app, world):
    """A worker on a network many share (a university, a company) meets the limit: the 429 page
    gives the appeal back in a form that posts it again later; nothing typed is lost."""
    client = limited_app.test_client()
    code = world.rep_a.public_code
    assert [_api_post(client, code).status_code for _ in range(3)] == [201, 201, 201]
    site = {"Origin": "http://localhost"}
    resp = client.post(f"/r/{code}", data={"category": "policy", "content": LONG_APPEAL,
                                           "name": "王工", "website": ""},
                       headers=site, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 429 and 'data-testid="rate-limited"' in html
    assert f'action="/r/{code}"' in html and "建议设立青年科技工作者学术交流专项经费。" in html
    assert 'value="王工"' in html and 'value="policy"' in html and "csrf_token" in html
    # From another site (or without Origin/Referer) the plain page: nothing is echoed.
    for headers in ({"Origin": "https://evil.example"}, {}):
        resp = client.post(f"/r/{code}", data={"category": "policy", "content": LONG_APPEAL},
                           headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.1"})
        html = resp.get_data(as_text=True)
        assert resp.status_code == 429 and "请求过于频繁" in html
        assert "学术交流专项经费" not in html


@pytest.fixture()
def lookup_app(db):
    from extensions import limiter
    app = make_app(RATELIMIT_ENABLED=True, RECEIPT_LOOKUP_RATE_LIMIT="3 per hour",
                   RATELIMIT_STORAGE_URI="memory://")
    limiter.reset()
    yield app
    limiter.reset()
    limiter.enabled = False


def test_receipt_lookups_are_limited_per_address_across_page_and_api(lookup_app, world):
    """RECEIPT_LOOKUP_RATE_LIMIT: /track?receipt=, /track/{receipt} and the API share one bucket
    per address; another address still looks up."""
    client = lookup_app.test_client()
    receipt = _api_post(client, world.rep_a.public_code).get_json()["receipt"]
    here = {"REMOTE_ADDR": "10.0.0.7"}
    assert client.get(f"/api/v1/public/appeals/{receipt}", environ_base=here).status_code == 200
    assert client.get(f"/track/{receipt}", environ_base=here).status_code == 200
    assert client.get("/track?receipt=WRONGWRONG1", environ_base=here).status_code == 404
    resp = client.get(f"/api/v1/public/appeals/{receipt}", environ_base=here)
    assert resp.status_code == 429 and resp.get_json()["error"]["code"] == "rate_limited"
    assert client.get(f"/track/{receipt}", environ_base=here).status_code == 429
    assert client.get(f"/track/{receipt}",
                      environ_base={"REMOTE_ADDR": "10.0.0.8"}).status_code == 200


def test_objection_receipts_share_the_lookup_bucket(lookup_app, world):
    """GET /public/objections/{receipt} counts in the same per-address bucket as /track."""
    client = lookup_app.test_client()
    here = {"REMOTE_ADDR": "10.0.0.9"}
    for _ in range(3):
        assert client.get("/api/v1/public/objections/WRONGWRONG1",
                          environ_base=here).status_code == 404
    resp = client.get("/api/v1/public/objections/WRONGWRONG1", environ_base=here)
    assert resp.status_code == 429 and resp.get_json()["error"]["code"] == "rate_limited"
    assert client.get("/track?receipt=WRONGWRONG1", environ_base=here).status_code == 429


def test_receipt_lookup_limit_default(app):
    assert app.config["RECEIPT_LOOKUP_RATE_LIMIT"] == "60 per hour"
    assert app.config["WORKER_CREATE_RATE_LIMIT"] == "60 per hour;300 per day"
