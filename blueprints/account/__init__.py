"""The signed-in user's own account: profile and password."""
from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/account")

from blueprints.account import first_login, messages, people, routes, second_factor  # noqa: E402,F401
