"""设区市科协 (city_admin, SPEC §4, §5.12) as a permission matrix over every route of the app (pages
and API, read from app.url_map): read-only over the Homes of its city.

- every change (any method but GET/HEAD) answers 403 before anything is looked up, except its own
  account, the routes every account has and the one-click reminder to a representative;
- the read routes of a Home's things answer 200 for an object of its city and 404 for the same
  kind of object of another city; the office's and managers' own work pages answer 403.
"""
from datetime import date

import pytest

from extensions import db as _db
from models import Assessment
from models.enums import ActivityStatus, AssessmentStatus, Role
from tests.conftest import login_form, token_body
from tests.pages.test_separation_matrix import _routes
from tests.support import factories

#: What a city admin may change (its own account, common routes, the reminder).
CHANGES = {"dashboard.remind", "account.otp", "account.otp_confirm"}
COMMON_BLUEPRINTS = {"auth", "public", "api_tokens", "api_me", "api_notifications",
                     "notifications", "api-docs", "api_public", "bootstrap", "pwa",
                     "signin_public", "api_signin_public", "survey_public", "api_public_surveys"}
COMMON_ENDPOINTS = {"static", "favicon", "main.index", "main.healthz", "account.profile",
                    "account.first_password", "account.messages", "account.messages_test",
                    "qr.page", "qr.track_form", "qr.track"}


def _common(endpoint):
    blueprint = endpoint.rsplit(".", 1)[0] if "." in endpoint else None
    return endpoint in COMMON_ENDPOINTS or blueprint in COMMON_BLUEPRINTS


def _things(home, rep, manager):
    """One of each scoped object of a Home: {url parameter: id}."""
    worker = factories.worker(rep, mobile=f"1381234{rep.id:04d}")
    factories.contact(rep, worker)
    activity = factories.activity(rep, status=ActivityStatus.VERIFIED, date=date(2026, 3, 2))
    appeal = factories.appeal(rep)
    assessment = Assessment(home_id=home.id, year=2025, status=AssessmentStatus.DRAFT)
    _db.session.add(assessment)
    _db.session.flush()
    return {"home_id": home.id, "activity_id": activity.id, "appeal_id": appeal.id,
            "assessment_id": assessment.id, "worker_id": worker.id,
            "representative_id": rep.id, "user_id": rep.id, "unit_id": home.unit_id}


@pytest.fixture()
def city(world):
    world.city_admin = factories.user(Role.CITY_ADMIN, username="nanjing_city", city="南京市")
    world.inside = _things(world.home_a, world.rep_a, world.manager_a)
    world.outside = _things(world.home_b, world.rep_b, world.manager_b)
    _db.session.commit()
    return world


def _callers(app, user):
    client = app.test_client()
    assert login_form(client, user).status_code == 302
    resp = app.test_client().post("/api/v1/tokens", json=token_body(user))
    assert resp.status_code == 201, resp.get_json()
    return client, {"Authorization": f"Bearer {resp.get_json()['token']}"}


def _fill(url_template, ids):
    import re

    def value(match):
        name = match.group(2)
        if name in ids:
            return str(ids[name])
        converter = match.group(1) or ""
        if converter.startswith("int"):
            return "1"
        if converter.startswith("any"):
            return re.split(r"[(,)'\s]+", converter)[1]
        return "x1"
    return re.sub(r"<(?:([^:>]+):)?([^>]+)>", value, url_template)


def _rule_routes(app):
    out = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, method, rule.rule))
    return out


def _call(client, headers, method, url):
    kwargs = {"headers": headers} if url.startswith("/api/") else {}
    if method in ("POST", "PUT", "PATCH"):
        kwargs["json" if url.startswith("/api/") else "data"] = {}
    return getattr(client, method.lower())(url, **kwargs)
