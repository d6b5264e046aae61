"""`flask users unlock USERNAME` and `flask users otp-reset USERNAME`: the audited break-glass when no
security administrator can log in (SPEC §5.13). Each writes its audit entry with no actor."""
import click
from flask.cli import with_appcontext

from extensions import db
from services import accounts


def _user(username: str):
    user = accounts.find_by_username(username)
    if user is None:
        raise click.ClickException(f"没有用户名为 {username} 的账号")
    return user


@click.group("users")
def users_group():
    """Break-glass account actions for the operator."""


@users_group.command("unlock")
@click.argument("username")
@with_appcontext
def unlock_command(username):
    """Lift the lockout of USERNAME (audited as account_unlocked, no actor)."""
    user = accounts.unlock_account(None, _user(username))
    db.session.commit()
    click.echo(f"已解锁 {user.username}")


@users_group.command("otp-reset")
@click.argument("username")
@with_appcontext
def otp_reset_command(username):
    """Remove USERNAME's second factor and end their sessions (audited as otp_reset, no actor)."""
    user = accounts.reset_second_factor(None, _user(username))
    db.session.commit()
    click.echo(f"已重置 {user.username} 的双因素认证；该账号下次登录时重新绑定")
