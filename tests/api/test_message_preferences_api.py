"""GET and PUT /api/v1/notifications/preferences: the caller's e-mail choice per topic (in-app
always), for every role; a topic of another role or a value that is not a boolean is 422 naming
`email`."""
import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import MessagePreference
from models.enums import Role
from tests.support import factories


def test_a_representative_reads_and_changes_their_topics(world, api):
    client = api(world.rep_a)
    resp = client.get("/notifications/preferences")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["in_app"] is True and body["mail_configured"] is False
    assert [t["code"] for t in body["topics"]] == ["activity_review", "reminders", "appeals", "needs",
                                                  "other"]
    assert all(t["email"] for t in body["topics"])
    resp = client.put("/notifications/preferences", json={"email": {"reminders": False}})
    assert resp.status_code == 200, resp.get_json()
    topics = {t["code"]: t["email"] for t in resp.get_json()["topics"]}
    assert topics == {"activity_review": True, "reminders": False, "appeals": True, "needs": True,
                      "other": True}
    stored = dict(_db.session.execute(sa.select(MessagePreference.topic, MessagePreference.email)
                                      .where(MessagePreference.user_id == world.rep_a.id)).all())
    assert stored["reminders"] is False and stored["activity_review"] is True


@pytest.mark.parametrize("body", [
    {"email": {"queue": False}},           # a manager's topic
    {"email": {"reminders": "off"}},       # not a boolean
    {"email": {"nonsense": True}},
])
def test_bad_choices_name_the_field(world, api, body):
    resp = api(world.rep_a).put("/notifications/preferences", json=body)
    assert resp.status_code == 422
    assert "email" in resp.get_json()["error"]["fields"]


def test_missing_body_is_422(world, api):
    resp = api(world.rep_a).put("/notifications/preferences", json={})
    assert resp.status_code == 422 and "email" in resp.get_json()["error"]["fields"]


@pytest.mark.parametrize("role", [Role.HOME_MANAGER, Role.PROVINCIAL_ADMIN, Role.SYSTEM_ADMIN,
                                  Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_every_role_keeps_its_own_choice(world, api, role):
    user = {Role.HOME_MANAGER: world.manager_a, Role.PROVINCIAL_ADMIN: world.admin}.get(role) \
        or factories.user(role, username=f"u_{role.value}")
    _db.session.commit()
    client = api(user)
    codes = [t["code"] for t in client.get("/notifications/preferences").get_json()["topics"]]
    assert "other" in codes and ("queue" in codes) == (role == Role.HOME_MANAGER)
    resp = client.put("/notifications/preferences", json={"email": {"other": False}})
    assert resp.status_code == 200


def test_anonymous_is_401(client, db):
    assert client.get("/api/v1/notifications/preferences").status_code == 401
