"""Pages offer only what answers: the office's account list shows 编辑 / 停用 only on accounts it
keeps (三员分立: administrator accounts say 由系统管理员维护, by the same rule as the 403), the
robot-settings link only when /channels/ has a page for the user, the co-organiser search only
representatives of other Homes, and a survey's publication one message."""
import sqlalchemy as sa

from extensions import db as _db
from models import Survey
from models.enums import Role, SurveyStatus
from services import surveys
from tests.support import factories
from tests.support.survey_data import body


def _row(html, user_id):
    return html.split(f'data-row-id="{user_id}"')[1].split("</tr>")[0]


# --- 4. administrator accounts in the office's list ------------------------------------------------

def test_office_list_offers_edit_and_deactivate_only_on_accounts_it_keeps(world, login):
    kept_by_sysadmin = [factories.user(role) for role in (
        Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)]
    kept_by_sysadmin.append(factories.user(Role.CITY_ADMIN, city="南京市"))
    kept_by_sysadmin.append(world.admin)
    _db.session.commit()
    client = login(world.admin)
    html = "".join(client.get(f"/admin/users?role={r}").get_data(as_text=True) for r in (
        "system_admin", "security_admin", "audit_admin", "city_admin", "provincial_admin",
        "representative", "home_manager"))
    for user in kept_by_sysadmin:
        row = _row(html, user.id)
        assert "由系统管理员维护" in row and "编辑" not in row and "/active" not in row
        # the rule the buttons follow is the one that answers 403
        assert client.get(f"/account/users/{user.id}").status_code == 403 or user.id == world.admin.id
        if user.id != world.admin.id:
            assert client.post(f"/admin/users/{user.id}/active",
                               data={"active": "0"}).status_code == 403
    for user in (world.rep_a, world.manager_a):
        row = _row(html, user.id)
        assert "由系统管理员维护" not in row
        assert f'href="/account/users/{user.id}"' in row and f"/admin/users/{user.id}/active" in row
        assert client.get(f"/account/users/{user.id}").status_code == 200


# --- 5. the robot-settings link --------------------------------------------------------------------

def test_channels_link_only_where_channels_answers_a_page(world, login):
    applicant = factories.user(Role.HOME_MANAGER, unit_id=factories.unit().id)
    _db.session.commit()
    cases = [(applicant, None), (world.manager_a, f"/channels/homes/{world.home_a.id}"),
             (world.admin, "/channels/office"), (world.rep_a, None)]
    for user, target in cases:
        client = login(user)
        index = client.get("/channels/")
        for page in ("/account/messages", "/notifications/", "/account/"):
            resp = client.get(page)
            assert resp.status_code == 200, (user.username, page)
            html = resp.get_data(as_text=True)
            if target is None:
                assert "/channels/" not in html, (user.username, page)
            else:
                assert f'href="{target}"' in html, (user.username, page)
        if target is None:
            assert index.status_code in (403, 404)
        else:
            assert index.status_code == 302 and index.headers["Location"].endswith(target)
            assert client.get(target).status_code == 200
    assert login(applicant).get("/channels/").status_code == 404


# --- 6. the co-organiser search leaves out the organiser's own Home ---------------------------------

def test_co_organiser_search_excludes_the_own_homes_representatives(world, login):
    other = factories.representative(world.home_b, username="rep_b2", name="代表戊")
    gone = factories.representative(world.home_b, username="rep_b3", name="代表己", active=False)
    _db.session.commit()
    for user in (world.rep_a, world.manager_a):
        found = login(user).get("/me/co-organizers/search?q=代表").get_json()["items"]
        ids = {item["id"] for item in found}
        assert ids == {world.rep_b.id, other.id}, user.username
        assert world.rep_a2.id not in ids and gone.id not in ids
        assert {item["home"] for item in found} == {world.home_b.name}
    # Home B's own search, the other way round
    found = login(world.rep_b).get("/me/co-organizers/search?q=代表").get_json()["items"]
    assert {item["id"] for item in found} == {world.rep_a.id, world.rep_a2.id}


def test_co_organiser_search_of_a_manager_without_home_still_answers(world, login):
    applicant = factories.user(Role.HOME_MANAGER, unit_id=factories.unit().id)
    _db.session.commit()
    found = login(applicant).get("/me/co-organizers/search?q=代表").get_json()["items"]
    assert {item["id"] for item in found} == {world.rep_a.id, world.rep_a2.id, world.rep_b.id}


# --- 7. publishing a survey: one message --------------------------------------------------------------

def test_publishing_a_survey_shows_one_message(world, login):
    client = login(world.admin)
    survey = surveys.create_survey(world.admin, body())
    _db.session.commit()
    resp = client.post(f"/surveys/{survey.id}/publish", follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert html.count("问卷已发布") == 1 and 'data-testid="survey-frozen"' in html
    assert _db.session.scalar(sa.select(Survey.status).where(Survey.id == survey.id)) \
        == SurveyStatus.PUBLISHED
    again = client.post(f"/surveys/{survey.id}/publish", follow_redirects=True)
    assert "操作未完成" in again.get_data(as_text=True)
