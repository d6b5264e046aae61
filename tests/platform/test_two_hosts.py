"""Two web hosts, one PostgreSQL, one Redis, one S3 store: what one host does, the other sees.

Two gunicorn processes (ProductionConfig, each with its own empty UPLOAD_DIR and instance folder)
serve one freshly migrated PostgreSQL database, share rate limits in Redis (TEST_REDIS_URL) and
keep attachments in a bucket of the SeaweedFS server. An attachment uploaded through host A is
downloaded through host B; a login limit reached through A holds on B; a job started on both at
once runs once. Timings are printed (pytest -s) for the issue note.
"""
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pyotp
import pytest
import requests
import sqlalchemy as sa
from requests.adapters import HTTPAdapter

from tests.conftest import _database_url, make_app
from tests.services.test_attachments import PDF
from tests.support import factories
from tests.support.workers import free_ports

pytestmark = pytest.mark.postgres

ROOT = str(Path(__file__).resolve().parents[2])
REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/2")
PASSWORD = "correct-horse-battery"  # tests.support.factories.PASSWORD
TIMINGS: dict[str, float] = {}


class _From(HTTPAdapter):
    """Connect from another loopback address: a client of its own for the per-address limit."""

    def __init__(self, address):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        return super().init_poolmanager(*args, **kwargs)


def browser(address="127.0.0.1"):
    session = requests.Session()
    session.mount("http://", _From(address))
    return session


def _timed(label):
    class _T:
        def __enter__(self):
            self.t = time.monotonic()

        def __exit__(self, *exc):
            TIMINGS[label] = time.monotonic() - self.t
    return _T()


def _scratch_database():
    base = _database_url() if os.environ.get("TEST_DATABASE_URL") else ""  # this worker's: it exists
    if not base.startswith("postgresql"):
        pytest.fail("the two-host test needs TEST_DATABASE_URL on PostgreSQL (marker `postgres`)")
    url = sa.engine.make_url(base)
    name = f"rephome_hosts_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return admin, name, url.set(database=name).render_as_string(hide_password=False)


def _drop(admin, name):
    with admin.connect() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE datname = :n"), {"n": name})
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def _wait_up(base, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn for {base} exited with {process.returncode}")
        try:
            if requests.get(base + "/healthz", timeout=10).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or the worker still booting
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{base} not up after {timeout} s")


@pytest.fixture(scope="module")
def cluster(s3_server):
    """Migrate a scratch database, seed the world, start hosts A and B; stop and drop afterwards."""
    admin, name, url = _scratch_database()
    folder = tempfile.mkdtemp(prefix="rephome-hosts-")
    bucket = s3_server.new_bucket()
    common = {**os.environ, **s3_server.settings(bucket), "DATABASE_URL": url,
              "SECRET_KEY": secrets.token_hex(32), "RATELIMIT_ENABLED": "true",
              "RATELIMIT_STORAGE_URI": REDIS, "RATELIMIT_KEY_PREFIX": f"hosts-{uuid.uuid4().hex}",
              "LOGIN_RATE_LIMIT": "10 per minute", "SESSION_COOKIE_SECURE": "false",
              "SCHEDULER_ENABLED": "false", "FLASK_APP": "app:create_app", "PYTHONPATH": ROOT}
    common.pop("TEST_DATABASE_URL", None)
    hosts, processes = {}, []
    try:
        with _timed("migrate a new database (flask db upgrade)"):
            subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], cwd=ROOT, env=common,
                           check=True, capture_output=True, timeout=120)
        seeder = make_app(SQLALCHEMY_DATABASE_URI=url)
        with seeder.app_context():
            from extensions import db
            from tests.support import factories
            world = factories.world()
            activity = factories.activity(world.rep_a)
            db.session.commit()
            ids = {"activity": activity.id}
            db.session.remove()
            db.engine.dispose()
        ports = free_ports(2)
        started = time.monotonic()
        for label, port in zip("AB", ports, strict=True):
            env = {**common, "UPLOAD_DIR": os.path.join(folder, label, "uploads"),
                   "INSTANCE_DIR": os.path.join(folder, label, "instance")}
            os.makedirs(env["UPLOAD_DIR"])
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}",
                 "--graceful-timeout", "2", 'app:create_app("config.ProductionConfig")'],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                stderr=open(os.path.join(folder, f"{label}.log"), "wb"))  # noqa: SIM115
            processes.append(process)
            hosts[label] = {"base": f"http://127.0.0.1:{port}", "env": env, "process": process}
        for host in hosts.values():
            _wait_up(host["base"], host["process"])
        TIMINGS["start two gunicorn hosts until /healthz answers"] = time.monotonic() - started
        yield {"hosts": hosts, "url": url, "bucket": bucket, "s3": s3_server, "ids": ids,
               "folder": folder}
    finally:
        stopping = time.monotonic()
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        TIMINGS["stop both hosts"] = time.monotonic() - stopping
        dropping = time.monotonic()
        _drop(admin, name)
        TIMINGS["drop the database"] = time.monotonic() - dropping
        print("\ntwo-host test timings:")
        for label, seconds in TIMINGS.items():
            print(f"  {seconds:7.2f} s  {label}")


def _token(html):
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, html[:500]
    return match.group(1)


def login_form(session, base, username, password):
    """GET the login page for its CSRF token, then POST the form; an account with a second factor
    (the factories enrol OTP_SECRET) goes on to the code page with the current code (the hosts
    run on the real clock). The last POST's response."""
    page = session.get(base + "/login", timeout=10)
    resp = session.post(base + "/login", data={
        "username": username, "password": password, "csrf_token": _token(page.text)},
        allow_redirects=False, timeout=10)
    if resp.status_code == 302 and "/login/code" in resp.headers.get("Location", ""):
        page = session.get(base + "/login/code", timeout=10)
        resp = session.post(base + "/login/code", data={
            "otp": pyotp.TOTP(factories.OTP_SECRET).now(), "csrf_token": _token(page.text)},
            allow_redirects=False, timeout=10)
    return resp


def test_attachment_uploaded_through_a_downloads_through_b(cluster):
    a, b = cluster["hosts"]["A"], cluster["hosts"]["B"]
    activity_id = cluster["ids"]["activity"]
    with _timed("upload a PDF through host A (token + POST)"):
        token = requests.post(a["base"] + "/api/v1/tokens", json={
            "username": "rep_a", "password": PASSWORD}, timeout=10).json()["token"]
        resp = requests.post(f"{a['base']}/api/v1/activities/{activity_id}/attachments",
                             headers={"Authorization": f"Bearer {token}"},
                             files={"files": ("签到表.pdf", PDF, "application/pdf")}, timeout=30)
    assert resp.status_code == 201, resp.text
    attachment_id = resp.json()[0]["id"]

    manager = browser()
    with _timed("log in and download it through host B"):
        assert login_form(manager, b["base"], "manager_a", PASSWORD).status_code == 302
        download = manager.get(f"{b['base']}/me/attachments/{attachment_id}", timeout=10)
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    # The session cookie host B set is honoured by host A (one SECRET_KEY) and the file is there too.
    assert manager.get(f"{a['base']}/me/attachments/{attachment_id}", timeout=10).content == PDF
    # The bytes live in the bucket, not on either host's disk.
    keys = [o["Key"] for o in cluster["s3"].client().list_objects_v2(
        Bucket=cluster["bucket"]).get("Contents", [])]
    assert len(keys) == 1 and keys[0].endswith(".pdf")
    for host in (a, b):
        assert os.listdir(host["env"]["UPLOAD_DIR"]) == []
    other = browser()
    assert login_form(other, b["base"], "rep_b", PASSWORD).status_code == 302
    assert other.get(f"{b['base']}/me/attachments/{attachment_id}", timeout=10).status_code == 404


def test_login_limit_reached_through_a_holds_on_b(cluster):
    a, b = cluster["hosts"]["A"], cluster["hosts"]["B"]
    attacker = browser("127.0.0.2")
    with _timed("ten failed logins through host A"):
        for i in range(10):
            resp = login_form(attacker, a["base"], "rep_a2", "wrong-password-xx")
            # five failures lock the account (SPEC §5.13); then every attempt says it is locked
            assert resp.status_code == 200
            if i < 4:
                assert "用户名或密码错误" in resp.text
            elif i > 4:
                assert "锁定" in resp.text
    # Per account: the right password for rep_a2 from a fresh address, through host B, is refused
    # while the lock lasts (the lock lives in the shared database).
    elsewhere = browser("127.0.0.3")
    refused = login_form(elsewhere, b["base"], "rep_a2", PASSWORD)
    assert refused.status_code == 200 and "锁定" in refused.text
    # Per address (failures counted, shared through Redis): the same client with another account,
    # through host B, is refused as well.
    assert login_form(attacker, b["base"], "rep_b", PASSWORD).status_code == 429
    # Others are not affected.
    assert login_form(browser("127.0.0.4"), b["base"], "rep_b", PASSWORD).status_code == 302


def test_job_started_on_both_hosts_runs_once(cluster):
    a, b = cluster["hosts"]["A"], cluster["hosts"]["B"]
    gate = tempfile.mkdtemp(prefix="gate-", dir=cluster["folder"])
    started = time.monotonic()
    runs = {label: subprocess.Popen(
        [sys.executable, "-m", "tests.support.hosts_job", "compliance_sweep", gate], cwd=ROOT,
        env=host["env"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for label, host in (("A", a), ("B", b))}
    try:
        # The loser finds the lease taken and ends while the winner waits inside the job.
        deadline = time.monotonic() + 60
        while all(p.poll() is None for p in runs.values()) and time.monotonic() < deadline:
            time.sleep(0.05)
        finished = [label for label, p in runs.items() if p.poll() is not None]
        assert len(finished) == 1, "neither run ended while the other held the job"
        loser = finished[0]
        winner = "B" if loser == "A" else "A"
        out, err = runs[loser].communicate()
        assert runs[loser].returncode == 1 and "跳过" in out and "其他进程" in err, (out, err)
        entered = os.listdir(gate)
        assert len(entered) == 1 and entered[0] == f"entered-{runs[winner].pid}"
        with open(os.path.join(gate, "open"), "w"):
            pass
        out, err = runs[winner].communicate(timeout=60)
        assert runs[winner].returncode == 0, (out, err)
        assert "成功" in out
    finally:
        for p in runs.values():
            if p.poll() is None:
                p.kill()
    TIMINGS["one job started on both hosts (lease, skip, run)"] = time.monotonic() - started

    engine = sa.create_engine(cluster["url"])
    with engine.connect() as conn:
        statuses = sorted(conn.scalars(sa.text(
            "SELECT status FROM job_runs WHERE job_name = 'compliance_sweep'")))
        reminders = conn.scalar(sa.text(
            "SELECT count(*) FROM notifications WHERE kind = 'compliance_reminder'"))
        locks = conn.scalar(sa.text("SELECT count(*) FROM job_locks"))
    engine.dispose()
    assert statuses == ["skipped", "success"]
    assert reminders == 3  # rep_a, rep_a2, rep_b: each reminded once
    assert locks == 0      # the winner released its lease
