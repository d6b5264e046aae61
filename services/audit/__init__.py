"""The audit trail (SPEC §5.13, §10): append-only entries sealed into a SHA-256 hash chain.

record — writing entries (changes, security events, exports); chain — sealing at commit and the
hash; verify — checking the chain (and recording each check); queries — the audit administrator's reads;
labels — the Chinese names of actions, object types, results and details for the viewer and export.
"""
from services.audit.chain import entry_hash, head, install, seal
from services.audit.labels import (
    ACTION_LABELS,
    OBJECT_LABELS,
    action_label,
    object_label,
    readable_detail,
    result_label,
)
from services.audit.queries import (
    EXPORT_LIMIT,
    MAX_PER_PAGE,
    entry_detail,
    export_entries,
    list_entries,
    parse_filters,
    require_auditor,
)
from services.audit.record import (
    FAILURE,
    SUCCESS,
    client_address,
    json_safe_values,
    record,
    record_download,
    record_export,
    record_many,
    record_rows,
    snapshot,
    snapshot_keys,
)
from services.audit.verify import VERIFIED, Verdict, record_verification, verify_chain

#: The security events of SPEC §5.13, by the action names every part of RepHome writes.
SECURITY_EVENTS = (
    "login_success", "login_failure", "logout", "account_locked", "account_unlocked",
    "otp_enrolled", "otp_recovery_used", "otp_reset", "password_changed", "password_reset",
    "role_changed", "sessions_ended", "import", "export", "download", "job_run", VERIFIED,
)

__all__ = [
    "ACTION_LABELS",
    "OBJECT_LABELS",
    "action_label",
    "object_label",
    "readable_detail",
    "result_label",
    "EXPORT_LIMIT",
    "FAILURE",
    "MAX_PER_PAGE",
    "SECURITY_EVENTS",
    "SUCCESS",
    "VERIFIED",
    "Verdict",
    "client_address",
    "entry_detail",
    "entry_hash",
    "export_entries",
    "head",
    "install",
    "json_safe_values",
    "list_entries",
    "parse_filters",
    "record",
    "record_download",
    "record_export",
    "record_many",
    "record_verification",
    "record_rows",
    "require_auditor",
    "seal",
    "snapshot",
    "snapshot_keys",
    "verify_chain",
]
