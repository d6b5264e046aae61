"""Command line for the people who operate RepHome (SPEC §9)."""
import click
from flask import current_app
from flask.cli import with_appcontext

from extensions import db


@click.command("create-user")
@click.option("--username", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True,
              type=click.Choice(["representative", "home_manager", "provincial_admin"]))
@click.option("--unit-id", type=int, default=None)
@click.option("--home-id", type=int, default=None)
@click.option("--name", default=None, help="显示姓名（默认同用户名）")
@click.option("--level", type=click.Choice(["province", "city", "county"]), default=None)
@with_appcontext
def create_user_command(username, password, role, unit_id, home_id, name, level):
    """Create an account (an operator with shell access acts as the provincial office)."""
    from services import accounts
    from services.errors import ServiceError

    if role == "representative" and level is None:
        level = "city"
    try:
        user = accounts.create_user(None, {
            "username": username, "password": password, "role": role, "unit_id": unit_id,
            "home_id": home_id, "name": name or username, "level": level})
    except ServiceError as error:
        db.session.rollback()
        details = "; ".join(f"{field}: {'，'.join(msgs)}" for field, msgs in error.fields.items())
        raise click.ClickException(f"{error.message} {details}".strip()) from None
    db.session.commit()
    click.echo(f"已创建用户 {user.username}（{user.role.label}），id={user.id}")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Fill an empty database with the demo province (idempotent) and print the demo logins."""
    from services.demo import DEMO_LOGINS, seed_demo

    created = seed_demo()
    db.session.commit()
    click.echo("已生成演示数据。" if created else "演示数据已存在，未作改动。")
    click.echo("演示账号（用户名 / 密码）：")
    for username, password, role in DEMO_LOGINS:
        click.echo(f"  {role:<10} {username} / {password}")


def register(app):
    """Attach the commands to `flask`."""
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
    try:
        from jobs.cli import jobs_group
        app.cli.add_command(jobs_group)
    except ImportError:  # the jobs package arrives with its issue
        current_app.logger.debug("no jobs CLI yet") if current_app else None
    try:
        from bench.generate import seed_bench_command
        app.cli.add_command(seed_bench_command)
    except ImportError:
        pass
