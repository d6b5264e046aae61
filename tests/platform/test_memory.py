"""A worker stays under 300 MB through the oversize inputs (SPEC §10 "Bodies are bounded").

The app runs as production runs it: gunicorn, one sync worker, ProductionConfig (over a scratch
SQLite file: the bounds do not depend on the database). Each oversize case of the probe is sent
to it — 50 MB anonymous JSON bodies to a missing URL and to /healthz, a `worker_ids` list of
200,000, an .xlsx with a 300 MB cell and one with 900,000 blank rows, a 12,000 × 12,000 PNG — while
a thread samples the worker's resident memory from /proc; the worker's own high-water mark
(VmHWM) is read at the end. Every case must be refused (413/422), by the same worker (none was
killed and restarted), and the peak must stay under LIMIT_MB. The figures are printed (pytest -s)
for bench/RESULTS.md.
"""
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import make_app
from tests.support import bombs
from tests.support.import_files import REP_HEADER
from tests.support.workers import free_ports

ROOT = str(Path(__file__).resolve().parents[2])
LIMIT_MB = 300
FIFTY_MB = 50 * 1024 * 1024


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


class Sampler:
    """Samples a process's VmRSS every 20 ms in a thread; `peak_mb` is the largest seen."""

    def __init__(self, pid: int):
        self.pid, self.peak_kb, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            try:
                self.peak_kb = max(self.peak_kb, _status_kb(self.pid, "VmRSS"))
            except (OSError, KeyError):  # the worker is gone: the test fails on its pid
                return
            time.sleep(0.02)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(2)

    @property
    def peak_mb(self) -> float:
        return self.peak_kb / 1024


@pytest.fixture(scope="module")
def server():
    """gunicorn (one sync worker, ProductionConfig) over a seeded scratch SQLite database."""
    folder = tempfile.mkdtemp(prefix="rephome-memory-")
    url = f"sqlite:///{folder}/memory.db"
    seeder = make_app(SQLALCHEMY_DATABASE_URI=url)
    with seeder.app_context():
        from extensions import db
        from tests.support import factories

        db.create_all()
        world = factories.world()
        activity = factories.activity(world.rep_a)
        db.session.commit()
        users = {role: {"username": user.username, "otp_secret": user.otp_secret,
                        "otp": bool(user.otp_secret and user.otp_confirmed_at)}
                 for role, user in (("rep", world.rep_a), ("manager", world.manager_a))}
        ids = {"activity": activity.id}
        db.session.remove()
        db.engine.dispose()
    (port,) = free_ports(1)
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(32),
           "RATELIMIT_ENABLED": "false", "SESSION_COOKIE_SECURE": "false",
           "SCHEDULER_ENABLED": "false", "UPLOAD_DIR": os.path.join(folder, "uploads"),
           "INSTANCE_DIR": os.path.join(folder, "instance"), "PYTHONPATH": ROOT}
    env.pop("TEST_DATABASE_URL", None)
    log = open(os.path.join(folder, "gunicorn.log"), "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "1", "-k", "sync", "--timeout", "120",
         "-b", f"127.0.0.1:{port}", "--graceful-timeout", "2",
         'app:create_app("config.ProductionConfig")'],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited with {process.returncode}: see {log.name}")
            try:
                if requests.get(base + "/healthz", timeout=10).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn not up after 60 s: see {log.name}")
            time.sleep(0.2)
        workers = _children(process.pid)
        assert len(workers) == 1, workers
        yield {"base": base, "worker": workers[0], "master": process.pid, "users": users,
               "ids": ids}
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _token(base: str, user: dict) -> str:
    from tests.support import factories

    body = {"username": user["username"], "password": factories.PASSWORD}
    if user["otp"]:
        body["otp"] = factories.otp(user["otp_secret"])
    resp = requests.post(base + "/api/v1/tokens", json=body, timeout=30)
    assert resp.status_code == 201, resp.text
    return resp.json()["token"]


def _post(url: str, **kwargs):
    """The status of a POST, or "cut" when the server closed the connection while the body was
    still being sent (it answered without reading the rest: the bound held)."""
    try:
        return requests.post(url, timeout=120, **kwargs).status_code
    except requests.ConnectionError:
        return "cut"


def test_a_worker_stays_under_300_mb_through_the_oversize_cases(server):
    base, worker = server["base"], server["worker"]
    booted_high_water_mb = _status_kb(worker, "VmHWM") / 1024
    rep = {"Authorization": f"Bearer {_token(base, server['users']['rep'])}"}
    manager = {"Authorization": f"Bearer {_token(base, server['users']['manager'])}"}
    fifty_mb_json = b'{"x": "' + b"a" * (FIFTY_MB - 10) + b'"}'
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    huge_cell = bombs.xlsx_with_huge_cell(REP_HEADER, 300)  # made before the clock starts
    blank_rows = bombs.xlsx_with_blank_rows(REP_HEADER, 900_000)
    big_png = bombs.png_declaring(12_000, 12_000)
    cases = {
        "50 MB JSON, anonymous, missing URL": lambda: _post(
            base + "/no/such/place", data=fifty_mb_json,
            headers={"Content-Type": "application/json"}),
        "50 MB JSON, anonymous, /healthz": lambda: _post(
            base + "/healthz", data=fifty_mb_json, headers={"Content-Type": "application/json"}),
        "worker_ids of 200,000": lambda: _post(
            base + "/api/v1/activities", json={"worker_ids": [1] * 200_000}, headers=rep),
        ".xlsx with a 300 MB cell": lambda: _post(
            base + "/api/v1/imports/representatives", headers=manager, files={
                "file": ("名册.xlsx", huge_cell, xlsx)}),
        ".xlsx with 900,000 blank rows": lambda: _post(
            base + "/api/v1/imports/representatives", headers=manager, files={
                "file": ("名册.xlsx", blank_rows, xlsx)}),
        "12,000 × 12,000 PNG": lambda: _post(
            f"{base}/api/v1/activities/{server['ids']['activity']}/attachments", headers=rep,
            files={"files": ("合影.png", big_png, "image/png")}),
    }
    start_mb = _status_kb(worker, "VmRSS") / 1024
    start_high_water_mb = _status_kb(worker, "VmHWM") / 1024
    figures = {}
    for label, send in cases.items():
        with Sampler(worker) as sampler:
            started = time.monotonic()
            status = send()
            seconds = time.monotonic() - started
        figures[label] = (status, seconds, sampler.peak_mb)
        assert status in (413, 422, "cut"), (label, status)
    assert _children(server["master"]) == [worker], "the worker was killed and replaced"
    high_water_mb = _status_kb(worker, "VmHWM") / 1024
    print(f"\nmemory of one gunicorn sync worker (ProductionConfig), limit {LIMIT_MB} MB:")
    print(f"  high-water mark after start and /healthz: {booted_high_water_mb:.1f} MB")
    print(f"  at start (after login): {start_mb:.1f} MB, high-water mark {start_high_water_mb:.1f} MB")
    for label, (status, seconds, peak) in figures.items():
        print(f"  {label}: {status} in {seconds:.2f} s, RSS peak {peak:.1f} MB")
    print(f"  worker's high-water mark (VmHWM): {high_water_mb:.1f} MB")
    assert high_water_mb < LIMIT_MB, figures
    assert max(peak for _s, _t, peak in figures.values()) < LIMIT_MB, figures
