"""`flask serve` (what `make run` starts): the web server with the scheduler as its own process."""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid):
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "State:\tZ" not in status.read_text()


@pytest.fixture()
def served(tmp_path):
    port = _free_port()
    env = {**os.environ, "INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "serve-test"}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "flask", "--app", "app:create_app", "db", "upgrade"],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app:create_app", "serve",
                             "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=1) as resp:
                if resp.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait(10)


def test_serve_starts_the_scheduler_beside_the_web_server_and_stops_both(served):
    deadline = time.time() + 15
    children = []
    while time.time() < deadline and not children:
        children = _children(served.pid)
        time.sleep(0.2)
    assert len(children) == 1, "the scheduler runs as one child process"
    cmdline = Path(f"/proc/{children[0]}/cmdline").read_bytes().split(b"\0")
    assert b"jobs" in cmdline and b"serve" in cmdline
    served.send_signal(signal.SIGTERM)
    served.wait(15)
    output = served.stdout.read().decode()
    assert "已停止" in output
    deadline = time.time() + 10
    while time.time() < deadline and _alive(children[0]):
        time.sleep(0.2)
    assert not _alive(children[0]), "the scheduler stops with the web server"
