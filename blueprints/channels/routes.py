"""Group robot settings pages: /channels/homes/<id> for a Home, /channels/office for the office.

Role first (403), then the Home's scope (404), then the form (422 with the field named). Saving
and the test message go through the service; the test message is queued, never sent here.
"""
from flask import redirect, render_template, url_for
from flask_login import current_user

from blueprints.channels import bp
from blueprints.channels.forms import RobotForm
from blueprints.decorators import roles_required
from blueprints.template_helpers import may
from blueprints.web import commit_operation
from models import Home
from models.enums import DeliveryChannel, Role
from services import notifications
from services.errors import Conflict, NotFound, ValidationFailed
from services.scope import get_scoped

HOME_EDITORS = (Role.HOME_MANAGER, Role.PROVINCIAL_ADMIN)
PROVIDER = "<any(wecom, dingtalk):provider>"


@bp.route("/")
@roles_required(*HOME_EDITORS)
def index():
    """The manager's own Home's robots; the office's for provincial admins; 404 for a manager
    whose unit has no Home yet (an applicant)."""
    target = _own_channels_url()
    if target is None:
        raise NotFound()
    return redirect(target)


def _own_channels_url() -> str | None:
    """The robots page of the signed-in editor: the office's (provincial admin), their Home's
    (a manager), None when the manager's unit has no Home yet."""
    if current_user.role == Role.PROVINCIAL_ADMIN:
        return url_for("channels.office")
    home_id = current_user.scope_home_id
    return url_for("channels.home", home_id=home_id) if home_id is not None else None


@bp.app_template_global("channels_url")
def channels_url() -> str | None:
    """Template global: where a 群机器人推送 link goes for the signed-in user, or None when
    /channels/ would answer no page (a role without it: 403; a manager without a Home: 404) —
    the page then shows no link."""
    if not may("channels.index", "GET"):
        return None
    return _own_channels_url()


def _forms(home, robots, posted=None):
    forms = {}
    for provider in notifications.PROVIDERS:
        if posted is not None and posted[0] == provider:
            forms[provider] = posted[1]
            continue
        robot = robots.get(provider)
        form = RobotForm(formdata=None, prefix=provider.value)
        if robot is not None:
            form.message_format.data = robot.message_format.value
            form.enabled.data = robot.enabled
        forms[provider] = form
    return forms


def _render(home, posted=None, status=200):
    robots = notifications.robots_of(home)
    return render_template(
        "channels/robots.html", home=home, robots=robots, forms=_forms(home, robots, posted),
        providers=notifications.PROVIDERS, masked_url=notifications.masked_url,
        masked_secret=notifications.masked_secret,
        recent=notifications.recent_deliveries(home), DINGTALK=DeliveryChannel.DINGTALK,
        here=_here(home)), status


def _here(home):
    return url_for("channels.home", home_id=home.id) if home is not None else url_for("channels.office")


def _save(home, provider_value):
    provider = notifications.provider_of(provider_value)
    form = RobotForm(prefix=provider.value)
    if form.validate_on_submit() and commit_operation(
            lambda: notifications.save_robot(current_user, home, provider, {
                "webhook_url": form.webhook_url.data, "secret": form.secret.data,
                "clear_secret": form.clear_secret.data,
                "message_format": form.message_format.data, "enabled": form.enabled.data}),
            form=form, success=f"{provider.label}已保存", errors=(ValidationFailed, Conflict)):
        return redirect(_here(home))
    return _render(home, posted=(provider, form), status=422)


def _test(home, provider_value):
    provider = notifications.provider_of(provider_value)
    commit_operation(lambda: notifications.queue_test(current_user, home, provider),
                     success="测试消息已排队，一分钟左右发出；结果见下方“最近的消息”", errors=())
    return redirect(_here(home))


def _delete(home, provider_value):
    provider = notifications.provider_of(provider_value)
    commit_operation(lambda: notifications.delete_robot(current_user, home, provider),
                     success=lambda removed: f"{provider.label}已删除" if removed else "没有可删除的机器人",
                     errors=())
    return redirect(_here(home))


def _home(home_id) -> Home:
    return get_scoped(Home, home_id, current_user)


@bp.route("/homes/<int:home_id>")
@roles_required(*HOME_EDITORS)
def home(home_id):
    """A Home's robots."""
    return _render(_home(home_id))


@bp.route(f"/homes/<int:home_id>/{PROVIDER}", methods=["POST"])
@roles_required(*HOME_EDITORS)
def home_save(home_id, provider):
    return _save(_home(home_id), provider)


@bp.route(f"/homes/<int:home_id>/{PROVIDER}/test", methods=["POST"])
@roles_required(*HOME_EDITORS)
def home_test(home_id, provider):
    return _test(_home(home_id), provider)


@bp.route(f"/homes/<int:home_id>/{PROVIDER}/delete", methods=["POST"])
@roles_required(*HOME_EDITORS)
def home_delete(home_id, provider):
    return _delete(_home(home_id), provider)


@bp.route("/office")
@roles_required(Role.PROVINCIAL_ADMIN)
def office():
    """The office's robots."""
    return _render(None)


@bp.route(f"/office/{PROVIDER}", methods=["POST"])
@roles_required(Role.PROVINCIAL_ADMIN)
def office_save(provider):
    return _save(None, provider)


@bp.route(f"/office/{PROVIDER}/test", methods=["POST"])
@roles_required(Role.PROVINCIAL_ADMIN)
def office_test(provider):
    return _test(None, provider)


@bp.route(f"/office/{PROVIDER}/delete", methods=["POST"])
@roles_required(Role.PROVINCIAL_ADMIN)
def office_delete(provider):
    return _delete(None, provider)
