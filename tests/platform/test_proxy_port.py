"""Behind a reverse proxy on a port (https://host:PORT): forms post, links and printed cards keep the port.

The app (CSRF on, PROXY_FIX_X_FOR=1) runs on a free port; in front of it either Debian's nginx with TLS
and the very `location /` block of docs/deployment.md (when nginx and openssl are installed), or a small
Python proxy that ends "TLS" by saying X-Forwarded-Proto: https. Through the proxy a representative logs
in, posts a form and downloads their 代表码 card, whose printed address carries the port (read with
pdftotext). A proxy that drops the port (the old `Host $host`) gets the configuration page and a log line
naming the host mismatch, not "页面已过期".
"""
import http.client
import logging
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

from tests.conftest import make_app
from tests.support import factories as f
from tests.support.workers import free_ports

DOCS = Path(__file__).resolve().parents[2] / "docs" / "deployment.md"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
       "proxy-connection", "host"}


@pytest.fixture()
def backend(db):
    """The app on 127.0.0.1 and a free port, CSRF on, one trusted proxy."""
    app = make_app(WTF_CSRF_ENABLED=True, PROXY_FIX_X_FOR=1, PUBLIC_BASE_URL="")
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv.server_port
    srv.shutdown()
    thread.join(timeout=5)


def python_proxy(listen: int, target: int, keep_port: bool = True):
    """A threaded HTTP proxy on `listen` that forwards to the app as nginx does: Host and
    X-Forwarded-Host as the browser sent them (or without the port when not `keep_port`),
    X-Forwarded-Port, -For and -Proto (https: TLS ends here)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _forward(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            host = self.headers.get("Host", "")
            if not keep_port:
                host = host.split(":")[0]
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
            headers.update({"Host": host, "X-Forwarded-For": self.client_address[0],
                            "X-Forwarded-Proto": "https"})
            if keep_port:
                headers.update({"X-Forwarded-Host": host, "X-Forwarded-Port": str(listen)})
            conn = http.client.HTTPConnection("127.0.0.1", target, timeout=30)
            conn.request(self.command, self.path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            self.send_response(resp.status)
            for key, value in resp.getheaders():
                if key.lower() not in HOP and key.lower() != "content-length":
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            conn.close()

        do_GET = do_POST = do_HEAD = _forward

    srv = ThreadingHTTPServer(("127.0.0.1", listen), Handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    return srv


def nginx_location_block() -> str:
    """The `location / { … }` block of docs/deployment.md, as written there."""
    text = DOCS.read_text(encoding="utf-8")
    return re.search(r"```nginx\n(location / \{.*?\n\})\n```", text, re.S).group(1)


def start_nginx(listen: int, target: int, workdir: str):
    """Debian's nginx with a self-signed certificate on `listen`, the docs' block pointing at `target`."""
    cert, key = os.path.join(workdir, "cert.pem"), os.path.join(workdir, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    block = nginx_location_block().replace("http://127.0.0.1:8000", f"http://127.0.0.1:{target}")
    user = "user root;" if os.geteuid() == 0 else ""
    conf = os.path.join(workdir, "nginx.conf")
    Path(conf).write_text(f"""
{user}
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {workdir}/body;
  proxy_temp_path {workdir}/proxy;
  fastcgi_temp_path {workdir}/fastcgi;
  uwsgi_temp_path {workdir}/uwsgi;
  scgi_temp_path {workdir}/scgi;
  server {{
    listen 127.0.0.1:{listen} ssl;
    server_name 127.0.0.1;
    ssl_certificate {cert};
    ssl_certificate_key {key};
    {block}
  }}
}}
""", encoding="utf-8")
    proc = subprocess.Popen([NGINX, "-p", workdir, "-c", conf, "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(100):
        try:
            requests.get(f"https://127.0.0.1:{listen}/healthz", verify=cert, timeout=2)
            return proc
        except requests.ConnectionError:
            if proc.poll() is not None:
                raise RuntimeError(proc.stderr.read().decode()) from None
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("nginx did not start")


def _token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _walk_through(base: str, world, verify=True, origin=None):
    """Log in as a representative, post a form, read the card: answers the card's text. `origin`
    is the page's address as the browser sees it (https when TLS ends at the proxy)."""
    origin = origin or base
    s = requests.Session()
    s.trust_env = False  # no proxy or CA bundle from the environment: the certificate given here
    s.verify = verify
    rep = world.rep_a
    page = s.get(f"{base}/login")
    assert page.status_code == 200
    resp = s.post(f"{base}/login", data={"username": rep.username, "password": f.PASSWORD,
                                         "csrf_token": _token(page.text)},
                  headers={"Referer": f"{origin}/login", "Origin": origin}, allow_redirects=False)
    assert resp.status_code == 302, resp.text[:500]
    # A redirect keeps the port (the app builds it from the forwarded host and port).
    location = resp.headers["Location"]
    assert not location.startswith("http") or location.startswith(origin + "/"), location
    # A form: the representative's public appeal form (CSRF-protected, posted from its page).
    form = s.get(f"{base}/r/{rep.public_code}")
    resp = s.post(f"{base}/r/{rep.public_code}",
                  data={"category": "policy", "content": "端口后面的诉求", "website": "",
                        "csrf_token": _token(form.text)},
                  headers={"Referer": f"{origin}/r/{rep.public_code}", "Origin": origin},
                  allow_redirects=False)
    assert resp.status_code == 303, resp.text[:800]
    # The receipt page after the redirect keeps the port too.
    location = resp.headers["Location"]
    assert not location.startswith("http") or location.startswith(origin + "/"), location
    done = s.get(f"{base}/r/{rep.public_code}/done")
    assert done.status_code == 200 and "查询码" in done.text, done.text[:800]
    card = s.get(f"{base}/cards/representatives/{rep.id}.pdf")
    assert card.status_code == 200 and card.content.startswith(b"%PDF")
    return pdf_text(card.content)


def pdf_text(data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        tmp.write(data)
        tmp.flush()
        return subprocess.run(["pdftotext", "-layout", tmp.name, "-"], check=True,
                              capture_output=True, text=True).stdout


needs_pdftotext = pytest.mark.skipif(not shutil.which("pdftotext"),
                                     reason="poppler-utils is missing (.ci/test-deps installs it)")


@needs_pdftotext
def test_python_proxy_on_a_port_keeps_forms_links_and_cards(backend, world):
    port = free_ports(1)[0]
    proxy = python_proxy(port, backend)
    try:
        text = _walk_through(f"http://127.0.0.1:{port}", world, origin=f"https://127.0.0.1:{port}")
    finally:
        proxy.shutdown()
    assert f"https://127.0.0.1:{port}/r/{world.rep_a.public_code}" in text


@needs_pdftotext
@pytest.mark.skipif(not (NGINX and shutil.which("openssl")),
                    reason="nginx or openssl is missing (.ci/test-deps installs nginx-light)")
def test_the_documented_nginx_block_on_a_port(backend, world, tmp_path):
    port = free_ports(1)[0]
    workdir = tempfile.mkdtemp(prefix="nginx-", dir=tmp_path)
    proc = start_nginx(port, backend, workdir)
    try:
        text = _walk_through(f"https://127.0.0.1:{port}", world,
                             verify=os.path.join(workdir, "cert.pem"))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert f"https://127.0.0.1:{port}/r/{world.rep_a.public_code}" in text


def test_a_proxy_that_drops_the_port_is_named_as_a_configuration_fault(backend, world, caplog):
    port = free_ports(1)[0]
    proxy = python_proxy(port, backend, keep_port=False)
    base = f"http://127.0.0.1:{port}"
    try:
        s = requests.Session()
        s.trust_env = False
        page = s.get(f"{base}/login")
        with caplog.at_level(logging.WARNING, logger="blueprints.errors.lost_token"):
            resp = s.post(f"{base}/login",
                          data={"username": world.rep_a.username, "password": f.PASSWORD,
                                "csrf_token": _token(page.text)},
                          headers={"Referer": f"https://127.0.0.1:{port}/login"},
                          allow_redirects=False)
    finally:
        proxy.shutdown()
    assert resp.status_code == 400
    assert 'data-testid="host-mismatch"' in resp.text and "页面已过期" not in resp.text
    assert "Host $http_host" in resp.text
    lines = [r.getMessage() for r in caplog.records if "host mismatch" in r.getMessage()]
    assert lines and f"'https://127.0.0.1:{port}'" in lines[0] and "'https://127.0.0.1'" in lines[0]


@needs_pdftotext
def test_cards_and_qr_codes_carry_public_base_url(db, world):
    """PUBLIC_BASE_URL (scheme, host, port, path prefix) wins over the request's address on what is
    printed: the card's address and its QR code, and the QR code on the public page."""
    from tests.conftest import login_form

    base = "https://rephome.example.gov.cn:8443/rephome"
    app = make_app(PUBLIC_BASE_URL=base)
    client = app.test_client()
    assert login_form(client, world.rep_a).status_code == 302
    text = pdf_text(client.get(f"/cards/representatives/{world.rep_a.id}.pdf").data)
    assert f"{base}/r/{world.rep_a.public_code}" in text
    with app.test_request_context():
        from blueprints.public.qr import page_url
        assert page_url(world.rep_a.public_code) == f"{base}/r/{world.rep_a.public_code}"
