"""plotly.js served by the app itself from the installed plotly package (no CDN), under a
versioned URL with a year-long immutable cache."""
from pathlib import Path

import plotly
from flask import abort, send_file, url_for

from blueprints.dashboard import bp

PLOTLY_VERSION = plotly.__version__
PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
CACHE_CONTROL = "public, max-age=31536000, immutable"


@bp.route("/assets/plotly-<version>.min.js")
def plotly_js(version):
    """plotly.min.js of the installed plotly package; any other version is 404."""
    if version != PLOTLY_VERSION or not PLOTLY_JS.is_file():
        abort(404)
    response = send_file(PLOTLY_JS, mimetype="text/javascript", max_age=31536000,
                         conditional=True, etag=True)
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


def plotly_url() -> str:
    """The versioned URL of plotly.js (changes when the plotly package is upgraded)."""
    return url_for("dashboard.plotly_js", version=PLOTLY_VERSION)


FAVICON = Path(__file__).resolve().parents[2] / "static" / "favicon.ico"


def favicon():
    """/favicon.ico: browsers ask for it on every page; without it each page logs a 404."""
    response = send_file(FAVICON, mimetype="image/x-icon", max_age=86400, conditional=True)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.record_once
def _register_favicon(state):
    state.app.add_url_rule("/favicon.ico", "favicon", favicon)
