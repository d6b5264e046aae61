"""Accounts written by an import (managers, representatives): found by username ignoring case,
inserted in one multi-row INSERT per chunk with activation codes instead of passwords, and every
account created or changed entered in the audit log (SPEC §10), batched too."""
import sqlalchemy as sa

from extensions import db
from models import User
from models.base import utcnow
from services import accounts as account_service
from services import audit, summaries
from services.imports.reading import Context


def users_by_username(usernames: set[str]) -> dict:
    if not usernames:
        return {}
    return {u.username.lower(): u for u in db.session.scalars(
        sa.select(User).where(sa.func.lower(User.username).in_(usernames)))}


def new_accounts(ctx: Context, accounts: list[dict]) -> None:
    """Insert new accounts with activation codes derived from the import's salt (no scrypt).

    One multi-row INSERT … RETURNING per chunk (the unit of work would insert row by row).
    """
    if not accounts:
        return
    now = utcnow()
    expires = now + account_service.validity()
    for values in accounts:
        values.update(created_at=now, updated_at=now, password_hash=account_service.unusable_password(),
                      must_change_password=True, activation_expires_at=expires,
                      activation_code_hash=account_service.digest(
                          account_service.derived_code(ctx.salt, values["username"].lower())))
    returned = db.session.execute(sa.insert(User).returning(User.id, User.username), accounts).all()
    ctx.new_account_ids.extend(user_id for user_id, _name in returned)
    by_name = {values["username"]: values for values in accounts}
    summaries.representatives_changed(  # new representatives count for their Home at once
        [(user_id, None, summaries.representative_home(_Account(by_name[name])))
         for user_id, name in returned], new=True)
    audit_accounts(ctx, [{"object_id": user_id, "action": "import_create", "before": None,
                           "after": {k: as_json(by_name[name].get(k)) for k in (
                               "username", "name", "role", "unit_id", "home_id", "level",
                               "mobile", "email", "work_unit", "speciality")}}
                          for user_id, name in returned])


class _Account:
    """The role, Home and active flag of an account's inserted values, as an object."""

    def __init__(self, values: dict):
        self.role = values.get("role")
        self.home_id = values.get("home_id")
        self.active = values.get("active", True)


def audit_accounts(ctx: Context, entries: list[dict]) -> None:
    """Every account an import creates or changes is in the audit log (SPEC §10): one multi-row
    INSERT per chunk. `entries`: {object_id, action, before, after}."""
    audit.record_rows(ctx.actor, "import_update", "users", entries, reason="Excel 导入")


def account_update(user: User, changed: dict) -> dict:
    """The audit entry of an account an import changed: the changed fields before and after."""
    return {"object_id": user.id, "action": "import_update",
            "before": {k: as_json(b) for k, (b, _a) in changed.items()},
            "after": {k: as_json(a) for k, (_b, a) in changed.items()}}


def as_json(value):
    """Enums as their values (the audit log is JSON)."""
    return value.value if hasattr(value, "value") else value
