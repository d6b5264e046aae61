"""Accounts: who may sign in, how, and for how long — the public surface of services/accounts/.

users.py creates, authenticates and (de)activates accounts; lifecycle.py covers what happens to an
account afterwards (own password, reset with an activation code or a 忘记密码 link, edits, moves
between Homes); activation.py the single-use activation codes of imported and reset accounts;
sessions.py browser logins as rows (what ends them ends the cookie); tokens.py API bearer tokens.
Every operation takes the acting user first and raises the typed errors of services.errors.
"""
from services.accounts.activation import (
    derived_code,
    digest,
    take_credentials,
    unusable_password,
    validity,
)
from services.accounts.lifecycle import (
    EDITABLE,
    end_sessions,
    find_for_forgotten,
    move_representative,
    require_manageable,
    reset_by_link,
    reset_link_token,
    reset_with_code,
    set_first_password,
    set_own_password,
    update_account,
    user_for_reset_token,
)
from services.accounts.lockout import FailureNotice, locked_until, unlock_account
from services.accounts.login import check_credentials, finish_login, notice_text, resume_login
from services.accounts.passwords import age_expired, password_problems
from services.accounts.second_factor import (
    asks_code,
    begin_enrolment,
    confirm_enrolment,
    must_enrol,
    remaining_recovery_codes,
    reset_second_factor,
    totp_clock,
    verify_code,
)
from services.accounts.second_factor import (
    required as second_factor_required,
)
from services.accounts.security import (
    SECURITY_SETTINGS,
    end_user_sessions,
    security_settings,
)
from services.accounts.sessions import (
    current_key,
    end_session,
    load_user,
    start_session,
)
from services.accounts.tokens import (
    issue_token,
    revoke_token,
    user_for_token,
)
from services.accounts.users import (
    change_password,
    change_role,
    create_user,
    create_with_code,
    find_by_username,
    get_user,
    require_account_keeper,
    reset_password,
    set_active,
)

__all__ = [
    "EDITABLE",
    "find_by_username",
    "SECURITY_SETTINGS",
    "end_user_sessions",
    "require_account_keeper",
    "security_settings",
    "FailureNotice",
    "age_expired",
    "asks_code",
    "begin_enrolment",
    "check_credentials",
    "confirm_enrolment",
    "finish_login",
    "locked_until",
    "must_enrol",
    "notice_text",
    "password_problems",
    "remaining_recovery_codes",
    "reset_second_factor",
    "second_factor_required",
    "totp_clock",
    "unlock_account",
    "verify_code",
    "change_password",
    "change_role",
    "create_user",
    "create_with_code",
    "current_key",
    "derived_code",
    "digest",
    "end_session",
    "end_sessions",
    "find_for_forgotten",
    "get_user",
    "issue_token",
    "load_user",
    "move_representative",
    "require_manageable",
    "reset_by_link",
    "reset_link_token",
    "reset_password",
    "reset_with_code",
    "resume_login",
    "revoke_token",
    "set_active",
    "set_first_password",
    "set_own_password",
    "start_session",
    "take_credentials",
    "unusable_password",
    "update_account",
    "user_for_reset_token",
    "user_for_token",
    "validity",
]
