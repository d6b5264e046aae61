"""Light pages on weak networks: static files under content-hashed names with a year-long immutable
cache, compressed once per version (brotli or gzip); pages compressed by Flask-Compress; the vendored
plotly.js basic bundle draws every figure the dashboards make (extensions/assets.py)."""
import gzip
import html as htmllib
import json
import re
from datetime import date

import brotli
import pytest

from blueprints.dashboard.assets import PLOTLY_FILE, PLOTLY_TRACES, plotly_url
from extensions.assets import IMMUTABLE, REVALIDATE, UNHASHED, hashed_name
from models.enums import ActivityStatus
from services.clock import today
from tests.support import factories as f

HASHED_URL = re.compile(r"^/static/(?P<stem>.+)\.(?P<digest>[0-9a-f]{12})\.(?P<ext>\w+)$")


def test_static_urls_carry_the_content_digest(app, client):
    with app.test_request_context():
        from flask import url_for
        url = url_for("static", filename="css/app.css")
        boot = url_for("bootstrap.static", filename="css/bootstrap.min.css")
    match = HASHED_URL.match(url)
    assert match and match["stem"] == "css/app" and match["ext"] == "css"
    import hashlib
    body = (app.root_path + "/static/css/app.css")
    with open(body, "rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest().startswith(match["digest"])
    assert re.fullmatch(r"/bootstrap/static/css/bootstrap\.min\.[0-9a-f]{12}\.css", boot)
    resp = client.get(url)
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == IMMUTABLE
    assert resp.mimetype == "text/css" and "Accept-Encoding" in resp.headers["Vary"]
    resp = client.get(boot)
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == IMMUTABLE


def test_plain_and_stale_names_are_revalidated_and_unknown_ones_are_404(client):
    plain = client.get("/static/css/app.css")
    assert plain.status_code == 200 and plain.headers["Cache-Control"] == REVALIDATE
    assert plain.headers["ETag"]
    again = client.get("/static/css/app.css", headers={"If-None-Match": plain.headers["ETag"]})
    assert again.status_code == 304
    # A page rendered before a deploy asks for an old digest: the current file, not cached for ever.
    stale = client.get("/static/css/app.000000000000.css")
    assert stale.status_code == 200 and stale.headers["Cache-Control"] == REVALIDATE
    assert stale.data == plain.data
    for path in ("/static/css/nothing.css", "/static/css/nothing.0123456789ab.css",
                 "/static/../app.py", "/static/%2e%2e/app.py"):
        assert client.get(path).status_code == 404, path


def test_a_service_worker_keeps_its_url(app, tmp_path):
    (tmp_path / "sw.js").write_text("self.addEventListener('fetch', () => {});")
    (tmp_path / "app.js").write_text("1;")
    assert "sw.js" in UNHASHED
    assert hashed_name(str(tmp_path), "sw.js") == "sw.js"
    assert re.fullmatch(r"app\.[0-9a-f]{12}\.js", hashed_name(str(tmp_path), "app.js"))
    assert hashed_name(str(tmp_path), "missing.js") == "missing.js"


@pytest.mark.parametrize("encoding,decode", [("br", brotli.decompress), ("gzip", gzip.decompress)])
def test_static_files_are_sent_compressed(app, client, encoding, decode):
    with app.test_request_context():
        url = plotly_url()
    identity = client.get(url)
    assert "Content-Encoding" not in identity.headers
    packed = client.get(url, headers={"Accept-Encoding": f"{encoding}, deflate"})
    assert packed.headers["Content-Encoding"] == encoding
    assert packed.headers["Cache-Control"] == IMMUTABLE
    assert len(packed.data) < len(identity.data) / 2.5
    assert decode(packed.data) == identity.data
    # The ETag names the encoding: a cache never serves brotli bytes for a gzip request.
    assert packed.headers["ETag"] != identity.headers["ETag"]


def test_sizes_of_plotly_js_before_and_after(app, client):
    """The full plotly.min.js of the Python package was 4.8 MB; the basic bundle, compressed, is
    under 420 KB with gzip and under 380 KB with brotli."""
    with app.test_request_context():
        url = plotly_url()
    assert url.startswith("/static/" + PLOTLY_FILE.rsplit(".", 1)[0])
    raw = len(client.get(url).data)
    br = len(client.get(url, headers={"Accept-Encoding": "br"}).data)
    gz = len(client.get(url, headers={"Accept-Encoding": "gzip"}).data)
    print(f"\nplotly.js basic: {raw} bytes raw, {gz} gzip, {br} brotli")
    assert raw < 1_300_000 and gz < 420_000 and br < 380_000


def test_pages_are_compressed(world, login):
    client = login(world.admin)
    plain = client.get("/dashboard/province")
    packed = client.get("/dashboard/province", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data).decode().count("data-testid=\"kpi-activities\"") == 1
    assert len(packed.data) < len(plain.data) / 3
    api = client.get("/openapi.json", headers={"Accept-Encoding": "br"})
    if api.status_code == 200:
        assert api.headers.get("Content-Encoding") == "br"


def _figures(html: str) -> list[dict]:
    return [json.loads(htmllib.unescape(m)) for m in re.findall(r'data-figure="([^"]*)"', html)]


def test_the_basic_bundle_draws_every_dashboard_figure(world, login):
    """plotly.js-basic has bar, pie and scatter only: every trace of every dashboard is one of them
    (the heat map is a shaded table)."""
    year = today().year
    f.activity(world.rep_a, status=ActivityStatus.VERIFIED, date=date(year, 2, 3))
    for _ in range(2):
        f.contact(world.rep_a, f.worker(linked_by=world.rep_a), date(year, 1, 1))
    seen = set()
    for user, path in ((world.admin, "/dashboard/province"), (world.manager_a, "/dashboard/home"),
                       (world.rep_a, "/dashboard/representative")):
        html = login(user).get(path).get_data(as_text=True)
        figures = _figures(html)
        assert figures, path
        seen |= {trace["type"] for fig in figures for trace in fig["data"]}
        # Scripts are deferred: the tables and KPIs come before them in the page and need none.
        assert re.search(r'<script src="/static/vendor/plotly/[^"]+" defer>', html)
        assert html.index("data-testid=\"table-") < html.index("vendor/plotly")
    assert seen <= PLOTLY_TRACES, seen - PLOTLY_TRACES
