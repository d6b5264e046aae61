"""Group robots a Home's manager or the office configures: one 企业微信 and one 钉钉 robot per
owner, a webhook URL (a private deployment's intranet address is fine), 钉钉's signing secret,
Markdown or plain text, on or off; and a test message, queued like any other.

Who: a Home's robots — its managers and provincial admins (others: 403 by role, 404 for a Home out
of scope); the office's robots — provincial admins only. The URL (it holds the robot's key) and
the secret are secrets: pages show them masked, the audit log records only their masked form.
"""
from urllib.parse import parse_qsl, urlsplit

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from extensions import db
from models import OFFICE_OWNER, Delivery, Home, MessageRobot, User
from models.enums import DeliveryChannel, RobotFormat, Role
from services import audit
from services.errors import Conflict, NotFound, ValidationFailed
from services.notifications.kinds import kind_of
from services.notifications.outbox import absolute_link, forget_robots, home_owner
from services.scope import require_role

PROVIDERS = (DeliveryChannel.WECOM, DeliveryChannel.DINGTALK)
URL_MAX = 1000
SECRET_MAX = 200


def owner_of(home: Home | None) -> str:
    """The owner key: `home:<id>` for a Home, `office` for None."""
    return home_owner(home.id) if home is not None else OFFICE_OWNER


def require_configurer(actor: User, home: Home | None) -> None:
    """Forbidden unless the actor may configure these robots (the caller has already scoped the
    Home with get_scoped, so a manager of another Home never gets here)."""
    if home is None:
        require_role(actor, Role.PROVINCIAL_ADMIN)
    else:
        require_role(actor, Role.HOME_MANAGER, Role.PROVINCIAL_ADMIN)


def robots_of(home: Home | None) -> dict[DeliveryChannel, MessageRobot]:
    """The owner's robots by provider."""
    return {r.provider: r for r in db.session.scalars(
        sa.select(MessageRobot).where(MessageRobot.owner == owner_of(home)))}


def provider_of(value) -> DeliveryChannel:
    """The provider named in a URL (`wecom` or `dingtalk`); NotFound otherwise."""
    try:
        provider = DeliveryChannel(value)
    except ValueError:
        raise NotFound() from None
    if provider not in PROVIDERS:
        raise NotFound()
    return provider


def _keep_ends(value: str) -> str:
    return f"{value[:4]}…{value[-4:]}" if len(value) > 12 else "****"


def masked_url(url: str) -> str:
    """The URL with every query value and any user:password masked (`key=abcd…wxyz`): enough to
    recognise it, not to use it."""
    parts = urlsplit(url or "")
    query = "&".join(f"{k}={_keep_ends(v)}" for k, v in parse_qsl(parts.query,
                                                                    keep_blank_values=True))
    host = parts.netloc.rsplit("@", 1)[-1]
    if "@" in parts.netloc:
        host = "****@" + host
    return f"{parts.scheme}://{host}{parts.path}" + (f"?{query}" if query else "")


def host_allowed(url: str) -> bool:
    """Whether the URL's host is one WEBHOOK_ALLOWED_HOSTS admits (comma-separated host names; a
    leading dot admits the subdomains; empty: any host)."""
    allowed = [h.strip().lower() for h in
               (current_app.config.get("WEBHOOK_ALLOWED_HOSTS") or "").split(",") if h.strip()]
    if not allowed:
        return True
    host = (urlsplit(url or "").hostname or "").lower()
    return any(host == h or (h.startswith(".") and host.endswith(h)) for h in allowed)


def masked_secret(secret: str) -> str:
    """'已保存（…wxyz）' or '未设置'."""
    return f"已保存（…{secret[-4:]}）" if secret else "未设置"


def _public(robot: MessageRobot) -> dict:
    return {"owner": robot.owner, "provider": robot.provider.value,
            "webhook_url": masked_url(robot.webhook_url), "secret": masked_secret(robot.secret),
            "message_format": robot.message_format.value, "enabled": robot.enabled}


def _check_url(errors: dict, url: str) -> None:
    if len(url) > URL_MAX:
        errors["webhook_url"] = [f"Webhook 地址不能超过{URL_MAX}个字符"]
        return
    if not url.lower().startswith(("https://", "http://")):
        errors["webhook_url"] = ["Webhook 地址：请填写以 https:// 或 http:// 开头的完整地址"]
        return
    if any(ord(ch) < 33 for ch in url):
        errors["webhook_url"] = ["Webhook 地址不能含有空格或控制字符"]
        return
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        errors["webhook_url"] = ["Webhook 地址：请填写以 https:// 或 http:// 开头的完整地址"
                                 "（含主机名）"]
    elif not host_allowed(url):
        errors["webhook_url"] = ["Webhook 地址的主机不在平台允许的范围内"
                                 "（WEBHOOK_ALLOWED_HOSTS），请联系系统管理员"]


def save_robot(actor: User, home: Home | None, provider: DeliveryChannel, data: dict) -> MessageRobot:
    """Create or change the owner's robot of `provider`.

    data: webhook_url (required for a new robot; blank keeps the saved one), secret (钉钉 only;
    blank keeps the saved one; `clear_secret` removes it), message_format (`markdown`|`text`),
    enabled (bool). ValidationFailed naming the field; Forbidden by role.
    """
    require_configurer(actor, home)
    if provider not in PROVIDERS:
        raise NotFound()
    owner = owner_of(home)
    robot = db.session.scalar(sa.select(MessageRobot).where(
        MessageRobot.owner == owner, MessageRobot.provider == provider).with_for_update())
    errors: dict[str, list[str]] = {}
    url = (data.get("webhook_url") or "").strip()
    secret = (data.get("secret") or "").strip()
    if url:
        _check_url(errors, url)
    elif robot is None:
        errors["webhook_url"] = ["请填写 Webhook 地址"]
    if provider == DeliveryChannel.WECOM and secret:
        errors["secret"] = ["企业微信群机器人没有加签密钥，请留空"]
    elif len(secret) > SECRET_MAX or any(ord(ch) < 33 for ch in secret):
        errors["secret"] = [f"加签密钥不能超过{SECRET_MAX}个字符，且不能含有空格"]
    try:
        fmt = RobotFormat(data.get("message_format") or RobotFormat.MARKDOWN.value)
    except ValueError:
        errors["message_format"] = ["消息格式无效，可选：markdown、text"]
        fmt = RobotFormat.MARKDOWN
    if errors:
        raise ValidationFailed(errors)
    before = _public(robot) if robot is not None else None
    if robot is None:
        robot = MessageRobot(owner=owner, home_id=home.id if home is not None else None,
                             provider=provider, webhook_url=url)
        db.session.add(robot)
    elif url:
        robot.webhook_url = url
    if secret:
        robot.secret = secret
    elif data.get("clear_secret"):
        robot.secret = ""
    robot.message_format = fmt
    robot.enabled = bool(data.get("enabled", True))
    robot.updated_by_id = actor.id
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # another admin created it at the same moment
        raise Conflict("该机器人刚被他人保存，请刷新页面后再试") from None
    audit.record(actor, "update" if before else "create", robot, before=before,
                 after=_public(robot))
    forget_robots()
    return robot


def delete_robot(actor: User, home: Home | None, provider: DeliveryChannel) -> bool:
    """Remove the owner's robot of `provider` and its queued messages; False when there was none."""
    require_configurer(actor, home)
    robot = robots_of(home).get(provider)
    if robot is None:
        return False
    audit.record(actor, "delete", robot, before=_public(robot), after=None)
    db.session.delete(robot)
    forget_robots()
    return True


def queue_test(actor: User, home: Home | None, provider: DeliveryChannel) -> Delivery:
    """Queue a test message to the owner's robot (sent by the delivery job within a minute or
    so); NotFound when there is no such robot."""
    require_configurer(actor, home)
    robot = robots_of(home).get(provider)
    if robot is None:
        raise NotFound()
    k = kind_of("channel_test")
    link = absolute_link("/")
    delivery = Delivery(channel=provider, target=f"robot:{robot.id}", robot_id=robot.id,
                        kind=k.code, subject=k.label, text=k.external_text(), link=link)
    db.session.add(delivery)
    audit.record(actor, "queue_test", robot, after=_public(robot))
    return delivery


def recent_deliveries(home: Home | None, limit: int = 10) -> list[Delivery]:
    """The owner's robots' latest queued messages, newest first (for the settings page)."""
    return list(db.session.scalars(
        sa.select(Delivery).join(MessageRobot, MessageRobot.id == Delivery.robot_id)
        .where(MessageRobot.owner == owner_of(home))
        .order_by(Delivery.id.desc()).limit(limit)))
