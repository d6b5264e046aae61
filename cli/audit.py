"""`flask audit verify`: check the audit log's hash chain (SPEC §5.13, §9)."""
import click
from flask.cli import with_appcontext


@click.group("audit")
def audit_group():
    """The audit trail."""


@audit_group.command("verify")
@with_appcontext
def verify_command():
    """Recompute the hash chain: print how many entries were checked and exit 0, or name the first
    entry that does not match and exit 1. Each run is itself audited (`audit_verified`, its result
    and counts), so the audit administrator sees when the chain was last checked."""
    from extensions import db
    from services import audit

    verdict = audit.verify_chain()
    audit.record_verification(verdict)
    db.session.commit()
    if verdict.ok:
        click.echo(f"已校验 {verdict.checked} 条审计记录，哈希链完整。")
        return
    click.echo(f"已校验 {verdict.checked} 条审计记录；第一条不符的记录：id={verdict.bad_id}"
               f"（seq={verdict.bad_seq if verdict.bad_seq is not None else '无'}）：{verdict.problem}",
               err=True)
    raise SystemExit(1)
