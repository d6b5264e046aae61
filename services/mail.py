"""Optional e-mail of notifications through SMTP (MAIL_SERVER and friends; off when MAIL_SERVER is empty).

Jobs call `send_pending` after their work is committed: each notification not yet e-mailed to a user
with an address is sent once; a failed send is recorded (email_attempts, email_error) and retried on
the next run, up to MAX_ATTEMPTS, and never raises.
"""
import contextlib
import logging
import smtplib
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app

from extensions import db
from models import Notification, User
from models.base import utcnow

log = logging.getLogger("rephome.mail")

MAX_ATTEMPTS = 5
TIMEOUT_SECONDS = 20


def enabled() -> bool:
    """Mail is on when MAIL_SERVER is set."""
    return bool((current_app.config.get("MAIL_SERVER") or "").strip())


def _connect():
    cfg = current_app.config
    smtp = smtplib.SMTP(cfg["MAIL_SERVER"], int(cfg.get("MAIL_PORT") or 25), timeout=TIMEOUT_SECONDS)
    if cfg.get("MAIL_USE_TLS"):
        smtp.starttls()
    if cfg.get("MAIL_USERNAME"):
        smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD") or "")
    return smtp


def send_message(msg: EmailMessage) -> None:
    """Send one message over its own SMTP connection (for a message that is not a notification,
    e.g. a password-reset link); raises when the server cannot be reached or refuses it."""
    smtp = _connect()
    try:
        smtp.send_message(msg)
    finally:
        with contextlib.suppress(Exception):  # the message is already handed over or refused
            smtp.quit()


def message_for(note: Notification, to: str) -> EmailMessage:
    """The e-mail of one notification (plain text, UTF-8)."""
    msg = EmailMessage()
    msg["Subject"] = f"【科协代表之家】{note.title}"
    msg["From"] = current_app.config.get("MAIL_SENDER") or "noreply@rephome.local"
    msg["To"] = to
    body = note.body or note.title
    if note.link:
        body += f"\n\n详情请登录平台查看：{note.link}"
    msg.set_content(body + "\n\n——科协代表之家服务平台（本邮件由系统自动发送，请勿回复）")
    return msg


def pending(limit: int):
    """Notifications still to e-mail: not sent, under the attempt limit, to an active user with an address."""
    return list(db.session.execute(
        sa.select(Notification, User.email).join(User, User.id == Notification.user_id)
        .where(Notification.emailed_at.is_(None), Notification.email_attempts < MAX_ATTEMPTS,
               User.active.is_(True), User.email != "")
        .order_by(Notification.id).limit(limit)))


def send_pending(limit: int = 200) -> dict:
    """Send up to `limit` pending notifications over one SMTP connection; never raises.

    Returns {"sent": n, "failed": m}. The caller commits the recorded attempts.
    """
    counts = {"sent": 0, "failed": 0}
    if not enabled():
        return counts
    rows = pending(limit)
    if not rows:
        return counts
    try:
        smtp = _connect()
    except Exception as exc:  # server down: every one of them is an attempt, retried next run
        for note, _email in rows:
            _failed(note, exc)
        counts["failed"] = len(rows)
        return counts
    try:
        for note, email in rows:
            try:
                smtp.send_message(message_for(note, email))
            except Exception as exc:
                _failed(note, exc)
                counts["failed"] += 1
            else:
                note.email_attempts = (note.email_attempts or 0) + 1
                note.emailed_at = utcnow()
                note.email_error = ""
                counts["sent"] += 1
    finally:
        with contextlib.suppress(Exception):  # the messages are already handed over or recorded
            smtp.quit()
    db.session.flush()
    return counts


def _failed(note: Notification, exc: Exception) -> None:
    note.email_attempts = (note.email_attempts or 0) + 1
    note.email_error = f"{type(exc).__name__}: {exc}"[:1000]
    log.warning("mail of notification %s failed (attempt %s): %s", note.id, note.email_attempts, exc)
