"""The app as the bench serves it: the product's factory with a bench configuration, plus one
trivial endpoint, /bench/ping, that exists only here (the framework's ceiling for throughput).

gunicorn: `gunicorn 'bench.wsgi:create()'` with BENCH_DATABASE_URL set.
"""
import os
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def bench_config(database_url: str) -> dict:
    """The product's defaults with the bench database; CSRF and rate limits off (the bench logs in
    and posts faster than any person), no scheduler, no mail."""
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "bench-secret-key-not-for-production",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SCHEDULER_ENABLED": False,
        "MAIL_SERVER": "",
        "UPLOAD_DIR": str(DATA_DIR / "uploads"),
    }


def make_app(database_url: str):
    """The product app on `database_url`, with /bench/ping."""
    from app import create_app

    app = create_app(bench_config(database_url))

    def ping():
        return "pong"

    app.add_url_rule("/bench/ping", "bench_ping", ping)
    return app


def create():
    """gunicorn's factory: the database comes from BENCH_DATABASE_URL."""
    return make_app(os.environ["BENCH_DATABASE_URL"])
