"""Read-only viewers are shown no action they cannot take (SPEC §4, §5.12, §5.13).

A city administrator reads its city's Homes and changes nothing but its own account and the
one-click reminder; the separated administrators (三员分立) reach only their duty. Each walks every
page it can reach by following links from its navigation (tests/support/crawl.py): every
`<form method=post>` on those pages must be one the separation gate lets it send, and no link it is
shown may answer 403.
"""
from datetime import date

import pytest

from extensions import db as _db
from models import Assessment
from models.enums import (
    ActivityStatus,
    AssessmentStatus,
    Grade,
    NeedStatus,
    Role,
)
from services import clock, signin
from tests.conftest import login_form
from tests.support import factories, survey_data
from tests.support.crawl import crawl
from tests.support.needs import need

#: The only changes a city admin may send (its own account, common routes, the reminder).
CITY_POSTS = {"dashboard.remind", "auth.logout", "account.profile", "account.otp",
              "account.otp_confirm", "account.messages", "account.messages_test",
              "notifications.mark_read", "notifications.mark_all_read", "notifications.read",
              "notifications.read_all"}


@pytest.fixture()
def busy(world):
    """A city with everything a page can act on: an activity of today with sign-in open, one
    waiting for review, a verified one, an appeal, a need, a published survey and assessment."""
    world.city_admin = factories.user(Role.CITY_ADMIN, username="nanjing_city", city="南京市")
    today = clock.today()
    world.today_activity = factories.activity(world.rep_a, date=today,
                                              status=ActivityStatus.DRAFT, title="今日座谈会")
    world.today_activity.co_organizers = [world.rep_a2]
    factories.activity(world.rep_a, status=ActivityStatus.SUBMITTED, title="待审核活动")
    factories.activity(world.rep_a2, status=ActivityStatus.VERIFIED, title="已审核活动",
                       date=date(2026, 3, 2))
    # 苏州's activity co-organised by 南京's rep_a: in Home A's 台账 as 联合开展.
    joint = factories.activity(world.rep_b, status=ActivityStatus.VERIFIED, title="跨市联合活动",
                               date=today.replace(day=1))
    joint.co_organizers = [world.rep_a]
    worker = factories.worker(world.rep_a)
    factories.contact(world.rep_a, worker)
    factories.appeal(world.rep_a)
    need(NeedStatus.DISPATCHED, home=world.home_a)
    _db.session.add(Assessment(home_id=world.home_a.id, year=2025,
                               status=AssessmentStatus.PUBLISHED, grade=Grade.GOOD,
                               publicity_start=date(2026, 1, 5), publicity_end=date(2026, 1, 12)))
    _db.session.commit()
    signin.open_signin(world.rep_a, world.today_activity)
    _db.session.commit()
    world.survey = survey_data.published(world.admin)
    return world


def _signed_in(app, user):
    client = app.test_client()
    assert login_form(client, user).status_code == 302
    return client


def _start(client) -> list[str]:
    html = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "退出" in html
    return ["/", "/account", "/notifications"]


def test_a_city_admin_is_shown_no_action_that_would_403(app, busy):
    from blueprints.separation import permits
    client = _signed_in(app, busy.city_admin)
    found = crawl(app, client, _start(client))
    assert len(found.pages) > 15, found.pages
    # It reached the pages that hold actions for others.
    opened = " ".join(found.pages)
    assert f"/me/activities/{busy.today_activity.id}" in opened
    assert f"/me/activities/{busy.today_activity.id}/attendance" in opened
    assert "/surveys/" in opened and "/home/" in opened and "/needs/" in opened
    ledger = client.get(f"/records/ledger/{busy.home_a.id}").get_data(as_text=True)
    assert "跨市联合活动" in ledger and 'data-testid="ledger-withdraw"' not in ledger
    assert f"/surveys/{busy.survey.id}/results" in opened
    assert f"/surveys/{busy.survey.id}/completion" in opened
    wrong = [(page, action, endpoint) for page, action, endpoint in found.forms
             if endpoint not in CITY_POSTS or not permits(busy.city_admin, endpoint, "POST")]
    assert wrong == []
    assert found.refused == []
    # The reminder is the one change its pages offer, and they do offer it.
    assert {e for _, _, e in found.forms} - {"auth.logout", "account.profile",
                                               "account.messages"} == {"dashboard.remind"}


@pytest.mark.parametrize("role", [Role.AUDIT_ADMIN, Role.SECURITY_ADMIN, Role.SYSTEM_ADMIN])
def test_a_separated_admin_is_shown_no_action_outside_its_duty(app, busy, role):
    from blueprints.separation import permits
    user = factories.user(role, username=f"sep_{role.value}")
    _db.session.commit()
    client = _signed_in(app, user)
    found = crawl(app, client, _start(client))
    assert len(found.pages) >= 3, found.pages
    wrong = [(page, action, endpoint) for page, action, endpoint in found.forms
             if endpoint is None or not permits(user, endpoint, "POST")]
    assert wrong == []
    assert found.refused == []


@pytest.mark.parametrize("role, endpoint, method, expected", [
    (Role.CITY_ADMIN, "homes.update_profile", "POST", False),  # the gate: a change
    (Role.CITY_ADMIN, "dashboard.remind", "POST", True),  # its one change
    (Role.CITY_ADMIN, "surveys.results", "GET", True),
    (Role.CITY_ADMIN, "surveys.new", "GET", False),  # roles_required: the office only
    (Role.CITY_ADMIN, "channels.index", "GET", False),
    (Role.HOME_MANAGER, "homes.update_profile", "POST", True),
    (Role.HOME_MANAGER, "surveys.new", "GET", False),
    (Role.PROVINCIAL_ADMIN, "surveys.new", "GET", True),
    (Role.AUDIT_ADMIN, "audit.index", "GET", True),
    (Role.AUDIT_ADMIN, "dashboard.remind", "POST", False),  # 三员分立
    (Role.SECURITY_ADMIN, "security.users", "GET", True),
    (Role.SECURITY_ADMIN, "sysadmin.users", "GET", False),
    (Role.PROVINCIAL_ADMIN, "no.such_endpoint", "POST", False),
])
def test_may_reads_the_gate_and_the_views_roles(app, world, role, endpoint, method, expected):
    """`may(endpoint, method)` answers as the request would: 403 before the view ⇔ False."""
    from flask_login import login_user

    from blueprints.template_helpers import may
    user = {Role.HOME_MANAGER: world.manager_a, Role.PROVINCIAL_ADMIN: world.admin}.get(role) \
        or factories.user(role, city="南京市" if role == Role.CITY_ADMIN else None)
    _db.session.commit()
    with app.test_request_context("/"):
        login_user(user)
        assert may(endpoint, method) is expected
