"""The landing page: each role goes to where its work is; visitors see the public portal."""
from flask import redirect, render_template, url_for
from flask_login import current_user

from blueprints.main import bp
from blueprints.template_helpers import NAVIGATION, endpoint_exists, nav_role


@bp.route("/")
def index():
    """Send a signed-in user to the first page of their role; visitors see the portal."""
    if current_user.is_authenticated:
        for _label, endpoint in NAVIGATION[nav_role(current_user)]:
            if endpoint_exists(endpoint):
                return redirect(url_for(endpoint))
        return redirect(url_for("account.profile"))
    return render_template("main/index.html")


@bp.route("/healthz")
def healthz():
    """For load balancers, always JSON: 200 when the database (and Redis, if used) answer, else 503."""
    from services import health
    body, status = health.report()
    return body, status
