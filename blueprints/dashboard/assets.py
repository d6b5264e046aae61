"""plotly.js for the dashboards: the basic bundle (bar, pie and scatter traces) vendored under
static/vendor/plotly/ with its licence, served by the app (no CDN) under a content-hashed URL with a
year-long immutable cache (extensions/assets.py). The representative × month heat map is a shaded
table, so the larger cartesian bundle is not needed."""
from pathlib import Path

from flask import send_file, url_for

from blueprints.dashboard import bp

#: The vendored bundle (npm package plotly.js-basic-dist-min) and the trace types it draws.
PLOTLY_FILE = "vendor/plotly/plotly-basic.min.js"
PLOTLY_TRACES = frozenset({"bar", "pie", "scatter"})


def plotly_url() -> str:
    """The content-hashed URL of plotly.js (changes when the vendored file changes)."""
    return url_for("static", filename=PLOTLY_FILE)


FAVICON = Path(__file__).resolve().parents[2] / "static" / "favicon.ico"


def favicon():
    """/favicon.ico: browsers ask for it on every page; without it each page logs a 404."""
    response = send_file(FAVICON, mimetype="image/x-icon", max_age=86400, conditional=True)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.record_once
def _register_favicon(state):
    state.app.add_url_rule("/favicon.ico", "favicon", favicon)
