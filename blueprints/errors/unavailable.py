"""While the database (or Redis) cannot be reached: 503, a Chinese page or the API's JSON.

An OperationalError or InterfaceError from SQLAlchemy (connection refused or lost, server gone),
a pool timeout, or a Redis connection error is not a bug of ours: it answers 503
`service_unavailable`, and the next request tries again (pool_pre_ping replaces dead
connections), so the app recovers without a restart. The page does not touch the database
(no current user, no navigation).
"""
import contextlib

import sqlalchemy.exc as sa_exc
from flask import g, render_template

from blueprints.errors.responses import api_error, is_api_request
from extensions import db, login_manager

MESSAGE = "服务暂时不可用（数据库暂时无法连接），请稍后再试"
REDIS_MESSAGE = "服务暂时不可用（缓存服务暂时无法连接），请稍后再试"


def _redis_errors() -> tuple:
    try:
        import redis.exceptions
    except ImportError:  # pragma: no cover - redis is in requirements.txt
        return ()
    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def register(app) -> None:
    """Answer the database's and Redis's connection errors with 503."""

    def answer(error, message):
        app.logger.error("service unavailable: %s", error)
        with contextlib.suppress(Exception):  # the connection is what failed
            db.session.rollback()
        db.session.remove()
        # Templates get current_user from Flask-Login's context processor: make it the anonymous
        # user so that rendering this page never asks the unreachable database again.
        g._login_user = login_manager.anonymous_user()
        if is_api_request():
            response = api_error(503, message, code="service_unavailable")
        else:
            response = app.make_response(
                (render_template("errors/503.html", message=message), 503))
        response.headers["Retry-After"] = "30"
        return response

    for kind in (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError):
        app.register_error_handler(kind, lambda error: answer(error, MESSAGE))
    for kind in _redis_errors():
        app.register_error_handler(kind, lambda error: answer(error, REDIS_MESSAGE))
