"""SMTP plumbing (MAIL_SERVER and friends; mail is off when MAIL_SERVER is empty).

Messages of the platform are not sent from here directly: notifications are queued
(services.notifications) and the `deliver_messages` job sends them over one connection per run with
`connect` and `compose`. `send_message` is for a single message that cannot wait for the queue
(a password-reset link the user is waiting for).
"""
import contextlib
import smtplib
from email.message import EmailMessage

from flask import current_app

#: Seconds an SMTP connection or command may take before it counts as failed.
TIMEOUT_SECONDS = 20
SIGNATURE = "——科协代表之家服务平台（本邮件由系统自动发送，请勿回复）"


def enabled() -> bool:
    """Mail is on when MAIL_SERVER is set."""
    return bool((current_app.config.get("MAIL_SERVER") or "").strip())


def connect() -> smtplib.SMTP:
    """An open SMTP connection to MAIL_SERVER:MAIL_PORT (STARTTLS with MAIL_USE_TLS, login with
    MAIL_USERNAME); raises OSError or smtplib.SMTPException when the server cannot be used."""
    cfg = current_app.config
    timeout = float(cfg.get("MAIL_TIMEOUT_SECONDS") or TIMEOUT_SECONDS)
    smtp = smtplib.SMTP(cfg["MAIL_SERVER"], int(cfg.get("MAIL_PORT") or 25), timeout=timeout)
    try:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD") or "")
    except Exception:
        close(smtp)
        raise
    return smtp


def close(smtp: smtplib.SMTP) -> None:
    """Say goodbye to the server; a connection that already broke is simply dropped."""
    with contextlib.suppress(Exception):
        smtp.quit()


def compose(to: str, subject: str, text: str, link: str = "") -> EmailMessage:
    """A plain-text UTF-8 message of the platform: subject prefixed 【科协代表之家】, the text, the
    link (absolute) and the signature."""
    msg = EmailMessage()
    msg["Subject"] = f"【科协代表之家】{subject}"
    msg["From"] = current_app.config.get("MAIL_SENDER") or "noreply@rephome.local"
    msg["To"] = to
    body = text or subject
    if link:
        body += f"\n\n详情请登录平台查看：{link}"
    msg.set_content(f"{body}\n\n{SIGNATURE}")
    return msg


def send_message(msg: EmailMessage) -> None:
    """Send one message over its own SMTP connection; raises when the server cannot be reached
    or refuses it."""
    smtp = connect()
    try:
        smtp.send_message(msg)
    finally:
        close(smtp)
