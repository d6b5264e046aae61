"""Configuration: every setting comes from the environment with a safe default (SPEC §10)."""
import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent  # the project folder (config/ is one level down)
INSTANCE_DIR = Path(os.environ.get("INSTANCE_DIR", BASE_DIR / "instance"))


def _bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def load_secret_key():
    """The secret key from SECRET_KEY, or one generated once and kept in instance/secret_key."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = INSTANCE_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def database_url():
    """DATABASE_URL (PostgreSQL via psycopg 3) or the SQLite file under instance/."""
    url = os.environ.get("DATABASE_URL")
    if url:
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url[len("postgres://"):]
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{INSTANCE_DIR / 'rephome.db'}"


class Config:
    """Production-safe defaults, each overridable from the environment."""

    SECRET_KEY = None  # filled by create_app through load_secret_key()
    SQLALCHEMY_DATABASE_URI = None  # filled by create_app through database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # PostgreSQL: the longest any wait on the database may take before the request answers 503
    # (connect, statement, commit, the pool); a client-side deadline (extensions/database.py). 0: off.
    DATABASE_TIMEOUT_SECONDS = float(os.environ.get("DATABASE_TIMEOUT_SECONDS") or 10)
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR") or str(INSTANCE_DIR / "uploads")
    # The largest body of any route (ten files of 10 MB plus the form); each route has its own
    # smaller limit (blueprints/body_limits.py): BODY_MAX_BYTES unless it is an upload route.
    MAX_CONTENT_LENGTH = 101 * 1024 * 1024
    BODY_MAX_BYTES = _int("BODY_MAX_BYTES", 1024 * 1024)
    # Stored files: UPLOAD_DIR, or an S3-compatible object store (shared by several hosts) when
    # STORAGE_URL (its endpoint) is set; the bucket must exist (docs/deployment.md).
    STORAGE_URL = os.environ.get("STORAGE_URL", "")
    STORAGE_BUCKET = os.environ.get("STORAGE_BUCKET", "")
    STORAGE_ACCESS_KEY = os.environ.get("STORAGE_ACCESS_KEY", "")
    STORAGE_SECRET_KEY = os.environ.get("STORAGE_SECRET_KEY", "")
    STORAGE_REGION = os.environ.get("STORAGE_REGION", "us-east-1")
    # `flask storage check` calls a stored file without a row an orphan only when older than this
    # (younger ones may be uploads whose row is not committed yet).
    STORAGE_ORPHAN_GRACE_HOURS = float(os.environ.get("STORAGE_ORPHAN_GRACE_HOURS") or 24)

    # Sessions and cookies
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE")
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE")
    # Identification (SPEC §5.13): a browser login idle for IDLE_TIMEOUT_MINUTES ends, none lasts
    # more than 12 hours; "remember me" (representatives only) at most 7 days.
    IDLE_TIMEOUT_MINUTES = _int("IDLE_TIMEOUT_MINUTES", 30)
    SESSION_MAX_HOURS = 12
    PERMANENT_SESSION_LIFETIME = 12 * 3600
    REMEMBER_COOKIE_DURATION = timedelta(days=7)
    WTF_CSRF_TIME_LIMIT = 12 * 3600
    # Passwords and logins (SPEC §5.13): age, per-account lockout, the second factor (required|off).
    PASSWORD_MAX_AGE_DAYS = _int("PASSWORD_MAX_AGE_DAYS", 90)
    LOGIN_LOCKOUT_FAILURES = _int("LOGIN_LOCKOUT_FAILURES", 5)
    LOGIN_LOCKOUT_MINUTES = _int("LOGIN_LOCKOUT_MINUTES", 15)
    SECOND_FACTOR = (os.environ.get("SECOND_FACTOR") or "required").strip().lower()

    # Rate limits (Flask-Limiter)
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    # Anonymous appeals through a 代表码, per client address and code, and objections during 公示,
    # per client address and assessment (SPEC §5.5–§5.6); appeals also have a ceiling per address
    # across all codes (PUBLIC_APPEAL_ADDRESS_LIMIT; empty: ten times the per-code limit).
    PUBLIC_APPEAL_RATE_LIMIT = os.environ.get("PUBLIC_APPEAL_RATE_LIMIT", "30 per hour")
    PUBLIC_APPEAL_ADDRESS_LIMIT = os.environ.get("PUBLIC_APPEAL_ADDRESS_LIMIT", "")
    # Survey answers per client address and survey (SPEC §5.10: a hall answers together)
    SURVEY_RATE_LIMIT = os.environ.get("SURVEY_RATE_LIMIT", "120 per hour")
    # Workers a representative adds or links by hand, per user (SPEC §3: no mobile-probing oracle);
    # receipt and objection look-ups (/track, the public API) per client address (SPEC §5.5).
    WORKER_CREATE_RATE_LIMIT = os.environ.get("WORKER_CREATE_RATE_LIMIT", "60 per hour;300 per day")
    RECEIPT_LOOKUP_RATE_LIMIT = os.environ.get("RECEIPT_LOOKUP_RATE_LIMIT", "60 per hour")
    # On-site sign-in (SPEC §5.9): per client address and code, so a hall on one network signs in;
    # the personal data of attendees not linked to a worker is cleared this many days after the activity.
    SIGNIN_RATE_LIMIT = os.environ.get("SIGNIN_RATE_LIMIT", "120 per hour")
    SIGNIN_RETENTION_DAYS = _int("SIGNIN_RETENTION_DAYS", 180)
    # Reverse proxies in front of the app whose X-Forwarded-For, -Proto, -Host and -Port are
    # trusted (0: none; the same hop count for each header).
    PROXY_FIX_X_FOR = _int("PROXY_FIX_X_FOR", 0)
    # The address printed on cards and posters and sent in mail and webhooks (services/urls.py):
    # scheme, host, optional port and path prefix, e.g. https://rephome.example.gov.cn. Empty: the
    # address of the request at hand (outside a request, http://localhost).
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "")  # sites sharing one Redis

    # API tokens
    TOKEN_TTL_HOURS = _int("TOKEN_TTL_HOURS", 24)

    # Business rules
    CONTACT_THRESHOLD = _int("CONTACT_THRESHOLD", 5)
    ACTIVITY_TARGET = _int("ACTIVITY_TARGET", 4)
    PUBLICITY_DAYS = _int("PUBLICITY_DAYS", 7)
    EXPIRY_WARNING_DAYS = _int("EXPIRY_WARNING_DAYS", 60)
    INACTIVITY_DAYS = _int("INACTIVITY_DAYS", 60)
    # An open appeal received more than this many calendar days ago is overdue (docs/rules.md).
    APPEAL_OVERDUE_DAYS = _int("APPEAL_OVERDUE_DAYS", 15)
    TIMEZONE = "Asia/Shanghai"
    PASSWORD_MIN_LENGTH = 12
    # Imported or reset accounts: activation codes (SPEC §5.8: 30 days); 忘记密码 e-mail links.
    ACTIVATION_CODE_DAYS = _int("ACTIVATION_CODE_DAYS", 30)
    RESET_LINK_HOURS = _int("RESET_LINK_HOURS", 2)

    # Scheduler: only `flask jobs serve` starts it; web workers never do.
    SCHEDULER_ENABLED = _bool("SCHEDULER_ENABLED", True)

    # Mail (off unless MAIL_SERVER is set)
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "noreply@rephome.local")
    MAIL_TIMEOUT_SECONDS = _int("MAIL_TIMEOUT_SECONDS", 20)
    # The delivery queue (e-mail and 企业微信 / 钉钉 group robots), sent by the deliver_messages job
    MAIL_RATE_PER_MINUTE = _int("MAIL_RATE_PER_MINUTE", 60)          # all e-mail together; 0: no limit
    WEBHOOK_RATE_PER_MINUTE = _int("WEBHOOK_RATE_PER_MINUTE", 20)    # per robot; 0: no limit
    WEBHOOK_TIMEOUT_SECONDS = _int("WEBHOOK_TIMEOUT_SECONDS", 10)
    # Hosts group robots may be at (comma-separated; ".example.cn" admits subdomains); empty: any
    WEBHOOK_ALLOWED_HOSTS = os.environ.get("WEBHOOK_ALLOWED_HOSTS", "")
    DELIVERY_MAX_ATTEMPTS = _int("DELIVERY_MAX_ATTEMPTS", 8)
    DELIVERY_RETRY_SECONDS = _int("DELIVERY_RETRY_SECONDS", 60)       # doubles after each failure
    DELIVERY_KEEP_DAYS = _int("DELIVERY_KEEP_DAYS", 90)               # finished messages are then removed

    # Compressed pages and JSON (Flask-Compress; static files compress themselves, extensions/assets.py).
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_BR_LEVEL = 5
    COMPRESS_LEVEL = 6
    COMPRESS_MIN_SIZE = 500
    COMPRESS_STREAMS = False  # file downloads (exports, photos) are sent as they are

    # UI
    BOOTSTRAP_SERVE_LOCAL = True
    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"

    # OpenAPI (flask-smorest)
    API_TITLE = "RepHome API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"


class TestingConfig(Config):
    """A throw-away database (TEST_DATABASE_URL or in-memory SQLite), CSRF and rate limits off."""

    TESTING = True
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    SECRET_KEY = secrets.token_hex(16)
    SCHEDULER_ENABLED = False
    SERVER_NAME = None
    STORAGE_URL = ""  # tests use a temporary UPLOAD_DIR unless a test sets a store itself
    SECOND_FACTOR = "required"  # factories enrol administrators with a fixed secret


class ProductionConfig(Config):
    """Production: secure cookies unless explicitly turned off; refuses unsafe settings at start."""

    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REFUSE_UNSAFE_SETTINGS = True
    PRECOMPILE_TEMPLATES = True  # app.warm_up: a worker's first request costs what a warm one does


class UnsafeSettings(RuntimeError):
    """The settings would run a production site unsafely; the message says what to set."""


def check_settings(config) -> None:
    """Refuse to start on settings that break production (called by create_app before anything else).

    Always: STORAGE_URL without STORAGE_BUCKET. With REFUSE_UNSAFE_SETTINGS (ProductionConfig): no
    explicit SECRET_KEY (a key generated into instance/ differs per host, so sessions would break
    between hosts and end on every new machine), and `memory://` rate-limit storage while limits are
    on (each worker and host would count on its own: the login limit would not hold).
    Raises UnsafeSettings naming every problem at once.
    """
    problems = []
    if (config.get("STORAGE_URL") or "").strip() and not (config.get("STORAGE_BUCKET") or "").strip():
        problems.append("已设置 STORAGE_URL 但未设置 STORAGE_BUCKET：请给出对象存储的桶名。")
    if config.get("REFUSE_UNSAFE_SETTINGS"):
        if not (config.get("SECRET_KEY") or os.environ.get("SECRET_KEY")):
            problems.append(
                "生产环境必须显式设置 SECRET_KEY（环境变量）：自动生成的密钥只存在本机 instance/ 中，"
                "多台主机之间登录状态不通，换机器后所有会话失效。"
                "生成方法：python -c \"import secrets; print(secrets.token_hex(32))\"")
        if config.get("RATELIMIT_ENABLED") and str(
                config.get("RATELIMIT_STORAGE_URI") or "memory://").startswith("memory://"):
            problems.append(
                "生产环境开启了限流（RATELIMIT_ENABLED）但 RATELIMIT_STORAGE_URI 是 memory://："
                "每个进程、每台主机各自计数，登录次数限制形同虚设。"
                "请设置 RATELIMIT_STORAGE_URI=redis://主机:6379/0。")
    if str(config.get("SECOND_FACTOR") or "required").strip().lower() not in {"required", "off"}:
        problems.append("SECOND_FACTOR 只能是 required 或 off。")
    if config.get("REFUSE_UNSAFE_SETTINGS") and \
            str(config.get("SECOND_FACTOR") or "required").strip().lower() == "off":
        problems.append("生产环境不能关闭双因素认证（SECOND_FACTOR=off）：等保三级要求管理用户"
                        "使用两种鉴别技术，请设置 SECOND_FACTOR=required。")
    if problems:
        raise UnsafeSettings("RepHome 拒绝启动：\n" + "\n".join(f"- {p}" for p in problems))
