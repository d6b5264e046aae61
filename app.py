"""The application factory: create_app reads as the table of contents of the platform."""
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

import config as config_module
from extensions import babel, bootstrap, compress, csrf, db, limiter, login_manager, migrate, static_assets
from extensions.database import engine_options, install_deadline


def create_app(config=None) -> Flask:
    """Build the app. `config` is a Config class, its dotted name, or a mapping of overrides."""
    app = Flask(__name__, instance_path=str(config_module.INSTANCE_DIR))
    configure(app, config)
    register_proxy_fix(app)
    register_extensions(app)
    register_audit_chain(app)
    register_security(app)
    register_input_rules(app)
    register_blueprints(app)
    register_api(app)
    register_static_assets(app)
    register_separation(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    warm_up(app)
    return app


def warm_up(app: Flask) -> None:
    """With PRECOMPILE_TEMPLATES (ProductionConfig), compile every template and configure the ORM's
    mappers while the worker starts, so its first request costs what a warm one does instead of
    compiling the templates it renders (bench/RESULTS.md has the figures)."""
    if not app.config.get("PRECOMPILE_TEMPLATES"):
        return
    import sqlalchemy.orm

    sqlalchemy.orm.configure_mappers()
    env = app.jinja_env
    for name in env.list_templates(extensions=("html", "txt", "xml")):
        env.get_template(name)


def configure(app: Flask, config) -> None:
    """Config from the environment, then the given class or overrides."""
    app.config.from_object(config_module.Config)
    if isinstance(config, (str, type)):
        app.config.from_object(config)
    elif isinstance(config, dict):
        app.config.update(config)
    config_module.check_settings(app.config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config_module.load_secret_key()
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        if app.config.get("TESTING"):
            import os
            app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("TEST_DATABASE_URL", "sqlite://")
        else:
            app.config["SQLALCHEMY_DATABASE_URI"] = config_module.database_url()
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config.get("DATABASE_TIMEOUT_SECONDS") or 0,
        app.config.get("SQLALCHEMY_ENGINE_OPTIONS"))


def register_proxy_fix(app: Flask) -> None:
    """Behind PROXY_FIX_X_FOR trusted proxies, the client address, scheme, host and port are the
    ones they report (X-Forwarded-For, -Proto, -Host, -Port).

    Only the last N hops of each header are believed (N = PROXY_FIX_X_FOR, default 0: the headers
    are ignored), so a client cannot spoof its way past the per-address limits. A proxy on a port
    other than 80/443 must pass the port the browser used (nginx: `proxy_set_header Host
    $http_host` or X-Forwarded-Host/-Port, docs/deployment.md): the CSRF check compares the page's
    address with the request's, and in-page links carry it.
    """
    hops = int(app.config.get("PROXY_FIX_X_FOR") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)


def register_extensions(app: Flask) -> None:
    """Bind every extension created in extensions/."""
    import models  # noqa: F401  (registers the tables on the metadata)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(config_module.BASE_DIR / "migrations"),
                     render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录"
    login_manager.login_message_category = "warning"
    # "basic": a changed address or browser only marks the login not fresh; it never logs a
    # phone out when it moves from Wi-Fi to 4G. Logins end server-side (services/accounts/sessions.py).
    login_manager.session_protection = "basic"
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=lambda: "zh_Hans_CN",
                   timezone_selector=lambda: "Asia/Shanghai")
    bootstrap.init_app(app)
    compress.init_app(app)

    with app.app_context():
        from sqlalchemy import event

        install_deadline(db.engine, app.config.get("DATABASE_TIMEOUT_SECONDS") or 0)
        if db.engine.dialect.name == "sqlite":
            @event.listens_for(db.engine, "connect")
            def _sqlite_pragmas(dbapi_conn, _record):
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA foreign_keys=ON")
                cur.execute("PRAGMA journal_mode=WAL")
                # Safe with WAL (no corruption); spares an fsync per commit.
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.execute("PRAGMA busy_timeout=5000")
                cur.close()

    @login_manager.user_loader
    def load_user(user_id):
        """The active user with their unit and its Home in one statement (every page needs them).

        `user_id` is the alternative id "<user id>:<login key>" (services/accounts/sessions.py); a
        remembered login whose browser session ended is restored as a new, audited login.
        """
        from blueprints.auth.loader import load_browser_user

        return load_browser_user(user_id)


def register_audit_chain(app: Flask) -> None:
    """Every commit seals the audit entries it wrote into the hash chain (services/audit/chain.py)."""
    from services import audit

    audit.install()


class ApiAwareSessionInterface(SecureCookieSessionInterface):
    """The JSON API authenticates with bearer tokens only: it never reads or sets the session cookie."""

    def open_session(self, app, request):
        if request.path.startswith("/api/"):
            return self.null_session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        from flask import request
        if request.path.startswith("/api/"):
            return None
        return super().save_session(app, session, response)


def register_security(app: Flask) -> None:
    """Security headers on every answer; API requests never touch the session."""
    app.session_interface = ApiAwareSessionInterface()

    @app.after_request
    def security_headers(response):
        csp = app.config.get("CONTENT_SECURITY_POLICY") or (
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'; "
            "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
            "form-action 'self'; frame-ancestors 'none'")
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response


def register_input_rules(app: Flask) -> None:
    """Bounded ids in URLs, no control characters or deep JSON in any input (one gate)."""
    from blueprints.input_guard import install_converter, register

    install_converter(app)
    register(app)


def register_blueprints(app: Flask) -> None:
    """One blueprint per feature (server-rendered pages)."""
    from blueprints import PAGE_BLUEPRINTS

    for bp in PAGE_BLUEPRINTS:
        app.register_blueprint(bp)


def register_static_assets(app: Flask) -> None:
    """Static files of the app and every blueprint under content-hashed, immutable URLs (compressed)."""
    static_assets.init_app(app)


def register_api(app: Flask) -> None:
    """The JSON API under /api/v1 with its OpenAPI document."""
    from blueprints.api import init_api

    init_api(app)


def register_separation(app: Flask) -> None:
    """三员分立: the system, security and audit administrators reach only their own duty."""
    from blueprints.separation import register

    register(app)


def register_errorhandlers(app: Flask) -> None:
    """Chinese error pages, SPEC §8 JSON under /api/."""
    from blueprints.errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    """Filters and globals that templates share: labels, masking, local times, navigation."""
    from blueprints.template_helpers import register

    register(app)


def register_commands(app: Flask) -> None:
    """`flask create-user`, `seed-demo`, `seed-bench`, `jobs …`."""
    from cli import register

    register(app)
