"""The operator's command line: flask create-user."""
import sqlalchemy as sa

from models import User


def test_create_user_command(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "--username", "ops", "--password",
                                 "Operator-password-1", "--role", "provincial_admin",
                                 "--name", "运维"])
    assert result.exit_code == 0, result.output
    assert "已创建用户 ops" in result.output
    user = db.session.scalar(sa.select(User).where(User.username == "ops"))
    assert user.role == "provincial_admin" and user.name == "运维"


def test_create_user_command_refuses_bad_input_and_duplicates(app, db, world):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "--username", "x1", "--password", "short",
                                 "--role", "provincial_admin"])
    assert result.exit_code != 0 and "password" in result.output
    result = runner.invoke(args=["create-user", "--username", "rep_a", "--password",
                                 "Long-enough-pass-1", "--role", "provincial_admin"])
    assert result.exit_code != 0 and "用户名已存在" in result.output


def test_create_representative_needs_a_home(app, db, world):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "--username", "newrep", "--password",
                                 "Long-enough-pass-1", "--role", "representative"])
    assert result.exit_code != 0 and "home_id" in result.output
    result = runner.invoke(args=["create-user", "--username", "newrep", "--password",
                                 "Long-enough-pass-1", "--role", "representative",
                                 "--home-id", str(world.home_a.id), "--level", "county"])
    assert result.exit_code == 0, result.output
