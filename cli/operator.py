"""`flask create-user`, `seed-demo`, `rebuild-summaries` and `serve`: the operator's commands (SPEC §9)."""
import signal
import subprocess
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from extensions import db
from services import accounts, summaries
from services.demo import DEMO_LOGINS, seed_demo
from services.errors import ServiceError


@click.command("create-user")
@click.option("--username", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True,
              type=click.Choice(["representative", "home_manager", "provincial_admin",
                                 "city_admin", "system_admin", "security_admin", "audit_admin"]))
@click.option("--unit-id", type=int, default=None)
@click.option("--home-id", type=int, default=None)
@click.option("--name", default=None, help="显示姓名（默认同用户名）")
@click.option("--level", type=click.Choice(["province", "city", "county"]), default=None)
@click.option("--city", default=None, help="设区市科协（city_admin）的设区市，如 南京市")
@with_appcontext
def create_user_command(username, password, role, unit_id, home_id, name, level, city):
    """Create an account (an operator with shell access acts as the provincial office)."""

    if role == "representative" and level is None:
        level = "city"
    try:
        user = accounts.create_user(None, {
            "username": username, "password": password, "role": role, "unit_id": unit_id,
            "home_id": home_id, "name": name or username, "level": level, "city": city})
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

    created = seed_demo()
    db.session.commit()
    click.echo("已生成演示数据。" if created else "演示数据已存在，未作改动。")
    click.echo("演示账号（用户名 / 密码）：")
    for username, password, role in DEMO_LOGINS:
        click.echo(f"  {role:<10} {username} / {password}")


@click.command("rebuild-summaries")
@click.option("--check", "check_only", is_flag=True,
              help="Only compare the summary tables with the raw aggregates (exit 1 if they differ).")
@with_appcontext
def rebuild_summaries_command(check_only):
    """Rebuild the summary tables from the raw rows, then check them against the raw aggregates."""

    if not check_only:
        counts = summaries.rebuild()
        db.session.commit()
        click.echo("已重建汇总表：" + "，".join(f"{t} {n:,} 行" for t, n in counts.items()))
    problems = summaries.differences()
    if problems:
        for line in problems:
            click.echo(line)
        raise click.ClickException("汇总表与原始数据不一致")
    click.echo("汇总表与原始数据一致。")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve_command(host, port):
    """Serve the app for a single machine (make run) with the scheduler process beside it.

    The scheduler runs as its own process (`flask jobs serve`), never inside the web server;
    Ctrl-C or SIGTERM stops both. Production uses gunicorn and a separate scheduler service.
    """
    from werkzeug.serving import run_simple

    def _stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    scheduler = None
    if current_app.config.get("SCHEDULER_ENABLED", True):
        scheduler = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app:create_app",  # noqa: S603
                                      "jobs", "serve"])
    try:
        run_simple(host, port, current_app._get_current_object(), threaded=True)
    except KeyboardInterrupt:
        pass
    finally:
        if scheduler is not None and scheduler.poll() is None:
            scheduler.terminate()
            try:
                scheduler.wait(timeout=10)
            except subprocess.TimeoutExpired:
                scheduler.kill()
        click.echo("RepHome 已停止（网站与调度器）。")
