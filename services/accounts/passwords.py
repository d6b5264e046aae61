"""The password rules of SPEC §5.13, and setting a password so that its age and history are kept.

A password is 12–128 characters, has at least three of the four classes (lower-case, upper-case,
digits, symbols — any other character, Chinese characters included, is a symbol), does not contain
the username (ignoring case, for usernames of 3 or more characters) and is not one of the user's
last 5 passwords (their hashes are kept in password_history; the current one counts). A password
older than PASSWORD_MAX_AGE_DAYS (90) must be changed: `age_expired` tells, and the login marks
`must_change_password`.
"""
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash

from extensions import db
from models import PasswordHistory, User
from models.base import utcnow

HISTORY = 5
MAX_LENGTH = 128
CLASSES_NEEDED = 3
CLASS_MESSAGE = "密码须包含小写字母、大写字母、数字、符号（汉字算作符号）四类中的至少三类"
HISTORY_MESSAGE = f"新密码不能与最近{HISTORY}次使用过的密码相同"


def _classes(password: str) -> int:
    lower = any("a" <= ch <= "z" for ch in password)
    upper = any("A" <= ch <= "Z" for ch in password)
    digit = any("0" <= ch <= "9" for ch in password)
    symbol = any(not ("a" <= ch <= "z" or "A" <= ch <= "Z" or "0" <= ch <= "9") for ch in password)
    return lower + upper + digit + symbol


def _recent_hashes(user: User) -> list[str]:
    """The current hash and the last HISTORY hashes of the user, newest first, without repeats."""
    hashes = [user.password_hash] if user.password_hash else []
    if user.id is not None:
        hashes += db.session.scalars(
            sa.select(PasswordHistory.password_hash).where(PasswordHistory.user_id == user.id)
            .order_by(PasswordHistory.id.desc()).limit(HISTORY)).all()
    seen = []
    for value in hashes:
        if value not in seen:
            seen.append(value)
    return seen[:HISTORY]


def password_problems(password, *, username: str | None = None, user: User | None = None) -> list[str]:
    """Why `password` may not be set (Chinese, one message per broken rule); [] when it may.

    `username`: the account's username (defaults to `user.username`); `user`: an existing account,
    whose last 5 passwords are refused.
    """
    minimum = current_app.config.get("PASSWORD_MIN_LENGTH", 12)
    if not isinstance(password, str) or len(password) < minimum:
        return [f"密码至少需要{minimum}个字符"]
    if len(password) > MAX_LENGTH:
        return [f"密码不能超过{MAX_LENGTH}个字符"]
    problems = []
    if _classes(password) < CLASSES_NEEDED:
        problems.append(CLASS_MESSAGE)
    username = username if username is not None else getattr(user, "username", None)
    if isinstance(username, str) and len(username.strip()) >= 3 \
            and username.strip().lower() in password.lower():
        problems.append("密码不能包含用户名")
    if not problems and user is not None and any(
            check_password_hash(h, password) for h in _recent_hashes(user)):
        problems.append(HISTORY_MESSAGE)
    return problems


def store_password(user: User, password: str) -> None:
    """Set the password (hash, changed now) and keep its hash among the last HISTORY.

    The caller has checked `password_problems`. An aged password's `must_change_password` is
    cleared by the caller that consumes it (activation.consume).
    """
    user.set_password(password)
    db.session.flush()
    db.session.add(PasswordHistory(user_id=user.id, password_hash=user.password_hash))
    db.session.flush()
    keep = sa.select(PasswordHistory.id).where(PasswordHistory.user_id == user.id) \
        .order_by(PasswordHistory.id.desc()).limit(HISTORY)
    db.session.execute(sa.delete(PasswordHistory).where(
        PasswordHistory.user_id == user.id, PasswordHistory.id.not_in(keep.scalar_subquery())))


def max_age() -> timedelta:
    return timedelta(days=current_app.config.get("PASSWORD_MAX_AGE_DAYS", 90))


def age_expired(user: User, now=None) -> bool:
    """Whether the user's own password is older than PASSWORD_MAX_AGE_DAYS (an account holding
    only an activation code has no password to age)."""
    if user.password_changed_at is None or user.activation_code_hash:
        return False
    return user.password_changed_at <= (now or utcnow()) - max_age()
