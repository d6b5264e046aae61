"""blueprints.web.commit_operation, the one commit path of page views: what it commits, what it
rolls back, where the refusal's messages go, and what it lets through.

Each operation writes a real Unit row; whether that row was kept is read on a separate database
connection, so "committed" means committed, not merely present in the session.
"""
import pytest
import sqlalchemy as sa
from flask import get_flashed_messages
from flask_wtf import FlaskForm
from wtforms import StringField

from blueprints.web import commit_operation
from models import Unit
from models.enums import UnitKind
from services.errors import Conflict, NotFound, ValidationFailed


class NameForm(FlaskForm):
    name = StringField("名称")


def _stored(db, name: str) -> bool:
    """Whether a unit of this name is in the database, as another connection sees it."""
    with db.engine.connect() as conn:
        return conn.scalar(sa.select(sa.func.count()).select_from(Unit.__table__)
                           .where(Unit.__table__.c.name == name)) == 1


def _add_unit(db, name: str) -> Unit:
    unit = Unit(name=name, kind=UnitKind.PROVINCIAL_SOCIETY)
    db.session.add(unit)
    db.session.flush()
    return unit


def _refuse(db, name: str, error: Exception):
    """An operation that writes a unit, then refuses."""
    def operation():
        _add_unit(db, name)
        raise error
    return operation


@pytest.fixture()
def page(app, db):
    """A request context (flash needs the session) inside the test's app context."""
    with app.test_request_context("/", method="POST"):
        yield


def test_success_commits_and_flashes_the_message_built_from_the_result(db, page):
    outcome = commit_operation(lambda: _add_unit(db, "甲单位"),
                               success=lambda unit: f"已创建单位 {unit.name}")
    assert outcome and outcome.ok and outcome.error is None
    assert outcome.value.name == "甲单位"
    assert _stored(db, "甲单位")
    assert get_flashed_messages(with_categories=True) == [("success", "已创建单位 甲单位")]


def test_success_without_a_message_commits_and_flashes_nothing(db, page):
    assert commit_operation(lambda: _add_unit(db, "乙单位"))
    assert _stored(db, "乙单位")
    assert get_flashed_messages() == []


def test_a_refusal_with_a_form_rolls_back_and_names_the_fields_on_the_form(db, page):
    form = NameForm(meta={"csrf": False})
    error = ValidationFailed({"name": "名称已被使用", "city": ["城市不在本省"]})
    outcome = commit_operation(_refuse(db, "丙单位", error), form=form, success="不应出现")
    assert not outcome and outcome.error is error and outcome.value is None
    assert not _stored(db, "丙单位")
    assert db.session.scalar(sa.select(sa.func.count(Unit.id))) == 0  # the session forgot it too
    assert form.name.errors == ["名称已被使用"]
    assert form.form_errors == ["城市不在本省"]  # a field the form does not have
    assert get_flashed_messages() == []


def test_a_refusal_without_fields_goes_to_the_forms_own_errors(db, page):
    form = NameForm(meta={"csrf": False})
    outcome = commit_operation(_refuse(db, "丁单位", Conflict("申报已截止")), form=form)
    assert outcome.error.message == "申报已截止"
    assert not _stored(db, "丁单位")
    assert form.form_errors == ["申报已截止"] and not form.name.errors


def test_a_refusal_without_a_form_rolls_back_and_flashes_the_failure_with_the_messages(db, page):
    outcome = commit_operation(
        _refuse(db, "戊单位", ValidationFailed({"decision": "请选择审核结论",
                                                 "opinion": ["请填写审核意见"]})),
        success="不应出现", failure="审核未完成：")
    assert not outcome
    assert not _stored(db, "戊单位")
    assert get_flashed_messages(with_categories=True) == [
        ("danger", "审核未完成：请选择审核结论；请填写审核意见")]


def test_a_conflict_without_fields_is_flashed_by_its_message(db, page):
    outcome = commit_operation(_refuse(db, "己单位", Conflict("该联系记录已被引用")),
                               errors=(Conflict,))
    assert isinstance(outcome.error, Conflict)
    assert not _stored(db, "己单位")
    assert get_flashed_messages(with_categories=True) == [("danger", "该联系记录已被引用")]


def test_failure_none_rolls_back_and_leaves_the_refusal_to_the_caller(db, page):
    outcome = commit_operation(_refuse(db, "庚单位", ValidationFailed({"content": "请填写内容"})),
                               success="不应出现", failure=None)
    assert outcome.error.fields == {"content": ["请填写内容"]}
    assert not _stored(db, "庚单位")
    assert get_flashed_messages() == []


@pytest.mark.parametrize("error, errors", [
    (RuntimeError("a bug"), (ValidationFailed, Conflict)),
    (NotFound(), (ValidationFailed, Conflict)),     # a refusal the page does not correct
    (Conflict("已处理"), (ValidationFailed,)),       # not among the errors this view catches
    (ValidationFailed({"x": "y"}), ()),             # an operation with no correctable refusal
], ids=["bug", "not-found", "uncaught-conflict", "no-errors-caught"])
def test_other_exceptions_propagate_with_nothing_committed_or_flashed(db, page, error, errors):
    form = NameForm(meta={"csrf": False})
    with pytest.raises(type(error)) as raised:
        commit_operation(_refuse(db, "辛单位", error), form=form, success="不应出现",
                         errors=errors)
    assert raised.value is error
    assert not _stored(db, "辛单位")
    assert form.form_errors == [] and not form.name.errors
    assert get_flashed_messages() == []
    db.session.rollback()  # what the error handler does
    assert not _stored(db, "辛单位")


def test_no_errors_caught_still_commits_and_flashes_on_success(db, page):
    outcome = commit_operation(lambda: _add_unit(db, "壬单位") and 3,
                               success=lambda n: f"已将 {n} 条通知标为已读", errors=())
    assert outcome.value == 3
    assert _stored(db, "壬单位")
    assert get_flashed_messages(with_categories=True) == [("success", "已将 3 条通知标为已读")]
