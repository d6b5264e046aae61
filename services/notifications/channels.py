"""The channels behind one interface: each takes a queued Delivery and its address and sends it,
or raises SendFailed. The in-app channel is the Notification row itself (services.notifications
.inapp), written in the action's transaction; the others are queued and sent by the job.

- `EmailChannel`: SMTP (services.mail), one connection per job run, opened at the first message.
- `RobotChannel`: 企业微信 / 钉钉 group robots (services.notifications.webhooks), 钉钉 signed.
"""
from flask import current_app

from models import Delivery, MessageRobot
from models.enums import DeliveryChannel
from services import mail
from services.notifications.robots import host_allowed
from services.notifications.webhooks import SendFailed, payload, post, signed_url

#: Seconds a robot may take to answer before the attempt counts as failed.
WEBHOOK_TIMEOUT_SECONDS = 10


class Channel:
    """One way out. `send(delivery, address)` returns when the message went through and raises
    SendFailed otherwise; `close()` ends whatever connection a run opened."""

    code: DeliveryChannel

    def send(self, delivery: Delivery, address) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Nothing to close by default."""


class EmailChannel(Channel):
    """E-mail through SMTP; `address` is the recipient's e-mail address."""

    code = DeliveryChannel.EMAIL

    def __init__(self):
        self._smtp = None

    def send(self, delivery: Delivery, address: str) -> None:
        if not mail.enabled():
            raise SendFailed("未配置邮件服务器（MAIL_SERVER）")
        try:
            if self._smtp is None:
                self._smtp = mail.connect()
            self._smtp.send_message(mail.compose(address, delivery.subject, delivery.text,
                                                 delivery.link))
        except SendFailed:
            raise
        except Exception as exc:  # a broken connection is opened again for the next message
            self.close()
            raise SendFailed(f"{type(exc).__name__}: {exc}"[:500]) from None

    def close(self) -> None:
        if self._smtp is not None:
            mail.close(self._smtp)
            self._smtp = None


class RobotChannel(Channel):
    """A 企业微信 or 钉钉 group robot; `address` is its MessageRobot."""

    def __init__(self, code: DeliveryChannel):
        self.code = code

    def send(self, delivery: Delivery, address: MessageRobot) -> None:
        url = address.webhook_url
        if not host_allowed(url):  # the setting may have narrowed since the robot was saved
            raise SendFailed("Webhook 地址的主机不在 WEBHOOK_ALLOWED_HOSTS 之内")
        if self.code == DeliveryChannel.DINGTALK:
            url = signed_url(url, address.secret)
        timeout = float(current_app.config.get("WEBHOOK_TIMEOUT_SECONDS")
                        or WEBHOOK_TIMEOUT_SECONDS)
        post(url, payload(self.code, address.message_format, delivery.subject, delivery.text,
                          delivery.link), timeout)


def open_channels() -> dict[DeliveryChannel, Channel]:
    """A fresh channel of each queued kind, for one run of the delivery job."""
    return {DeliveryChannel.EMAIL: EmailChannel(),
            DeliveryChannel.WECOM: RobotChannel(DeliveryChannel.WECOM),
            DeliveryChannel.DINGTALK: RobotChannel(DeliveryChannel.DINGTALK)}
