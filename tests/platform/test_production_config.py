"""ProductionConfig refuses to start on unsafe settings, saying why; a correct one starts."""
import os

import pytest

from app import create_app
from config import ProductionConfig, UnsafeSettings, check_settings
from tests.conftest import _TMP
from tests.support import workers

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/2")


def production(**settings):
    """A ProductionConfig subclass with the given settings on a throw-away SQLite file."""
    attrs = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{_TMP}/production.db",
             "UPLOAD_DIR": os.path.join(_TMP, "production-uploads"), "STORAGE_URL": "",
             "SECRET_KEY": "a" * 64, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": REDIS,
             "RATELIMIT_KEY_PREFIX": workers.key_prefix()}  # Redis is shared with other runs
    attrs.update(settings)
    return type("Production", (ProductionConfig,), attrs)


@pytest.fixture(autouse=True)
def limiter_back_off():
    """The Limiter object is shared by every app of the test session: switch it back off after."""
    from extensions import limiter
    yield
    limiter.enabled = False  # nothing was counted: no reset needed


@pytest.fixture()
def no_secret_in_env(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)


def test_refuses_without_an_explicit_secret_key(no_secret_in_env):
    with pytest.raises(UnsafeSettings) as info:
        create_app(production(SECRET_KEY=None))
    message = str(info.value)
    assert "SECRET_KEY" in message and "多台主机" in message and "token_hex" in message
    assert "RATELIMIT" not in message  # only what is wrong is named


def test_secret_key_from_the_environment_is_explicit(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "b" * 64)
    app = create_app(production(SECRET_KEY=None))
    assert app.config["SECRET_KEY"] == "b" * 64


def test_refuses_memory_rate_limit_storage_while_limits_are_on():
    with pytest.raises(UnsafeSettings) as info:
        create_app(production(RATELIMIT_STORAGE_URI="memory://"))
    message = str(info.value)
    assert "RATELIMIT_STORAGE_URI" in message and "memory://" in message and "redis://" in message
    assert "SECRET_KEY" not in message


def test_memory_storage_is_accepted_when_limits_are_off():
    app = create_app(production(RATELIMIT_STORAGE_URI="memory://", RATELIMIT_ENABLED=False))
    assert app.config["RATELIMIT_ENABLED"] is False


def test_both_problems_are_named_at_once(no_secret_in_env):
    with pytest.raises(UnsafeSettings) as info:
        create_app(production(SECRET_KEY=None, RATELIMIT_STORAGE_URI="memory://"))
    assert "SECRET_KEY" in str(info.value) and "RATELIMIT_STORAGE_URI" in str(info.value)


def test_a_correct_production_config_starts_and_serves():
    app = create_app(production())
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["RATELIMIT_STORAGE_URI"] == REDIS
    with app.app_context():
        from extensions import db
        db.create_all()
    resp = app.test_client().get("/login")
    assert resp.status_code == 200 and "登录" in resp.get_data(as_text=True)


def test_storage_url_needs_a_bucket_in_every_config():
    with pytest.raises(UnsafeSettings) as info:
        check_settings({"STORAGE_URL": "http://127.0.0.1:9", "STORAGE_BUCKET": ""})
    assert "STORAGE_BUCKET" in str(info.value)
    check_settings({"STORAGE_URL": "http://127.0.0.1:9", "STORAGE_BUCKET": "rephome"})
    check_settings({"STORAGE_URL": "", "RATELIMIT_STORAGE_URI": "memory://",
                    "RATELIMIT_ENABLED": True})  # development defaults stay accepted
