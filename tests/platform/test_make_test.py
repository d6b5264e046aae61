"""`make test` on a fresh machine (issue 10 item 1): it installs Chromium and a CJK font when they
are missing (as root, with apt-get) or stops with one clear line; the SQLite run deselects the tests
that need PostgreSQL; the suite runs in two xdist workers; CI lints first. The system is never
touched: apt-get, id, fc-list and dpkg are stand-ins."""
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / ".ci" / "test-deps"


@pytest.fixture()
def fake_system(tmp_path):
    """A PATH whose id/apt-get/fc-list/dpkg are scripts the test controls; apt-get logs its calls."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "apt.log"

    def make(uid=1000, fonts=False, apt_ok=True, chromium=False, soffice=True, pdf_tools=True):
        tools = {
            "id": f'echo {uid}',
            "fc-list": "echo '/usr/share/fonts/NotoSansCJK.ttc: Noto Sans CJK SC'" if fonts else "true",
            "dpkg": "exit 1",
            "apt-get": f'echo "$*" >> {log}; exit {0 if apt_ok else 100}',
        }
        for name, body in tools.items():
            path = bin_dir / name
            path.write_text(f"#!/bin/sh\n{body}\n")
            path.chmod(0o755)
        env = {"PATH": f"{bin_dir}:/usr/bin:/bin",
               "CHROMIUM": "/bin/sh" if chromium else str(tmp_path / "no-chromium"),
               "SOFFICE": "/bin/sh" if soffice else str(tmp_path / "no-soffice")}
        absent = str(tmp_path / "absent")
        env.update({"PDFTOPPM": "/bin/sh", "NGINX": "/bin/sh", "WQY_FONT": "/bin/sh",
                    "HANAZONO_FONT": "/bin/sh"} if pdf_tools else
                   {"PDFTOPPM": absent, "NGINX": absent, "WQY_FONT": absent, "HANAZONO_FONT": absent})
        result = subprocess.run(["sh", str(SCRIPT)], env=env, capture_output=True, text=True,
                                timeout=30)
        calls = log.read_text().splitlines() if log.exists() else []
        return result, calls
    return make


def test_nothing_to_do_when_both_are_there(fake_system):
    result, calls = fake_system(chromium=True, fonts=True)
    assert result.returncode == 0 and result.stderr == "" and calls == []


def test_not_root_stops_with_one_clear_line(fake_system):
    result, calls = fake_system(uid=1000)
    assert result.returncode == 1 and calls == []
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "chromium fonts-noto-cjk" in lines[0] and "apt-get install -y chromium fonts-noto-cjk" \
        in lines[0]


def test_not_root_names_only_what_is_missing(fake_system):
    result, _ = fake_system(uid=1000, chromium=True)
    assert result.returncode == 1
    assert "fonts-noto-cjk" in result.stderr and "chromium" not in result.stderr


def test_root_installs_what_is_missing_after_an_update(fake_system):
    result, calls = fake_system(uid=0, fonts=True)
    assert result.returncode == 0, result.stderr
    assert calls == ["update -qq", "install -y -qq --no-install-recommends chromium"]


def test_root_installs_both(fake_system):
    result, calls = fake_system(uid=0)
    assert result.returncode == 0
    assert calls == ["update -qq", "install -y -qq --no-install-recommends chromium fonts-noto-cjk"]


def test_a_failed_install_stops_make_test(fake_system):
    result, calls = fake_system(uid=0, apt_ok=False)
    assert result.returncode == 1 and calls == ["update -qq"]
    assert "could not install chromium fonts-noto-cjk" in result.stderr


def _dry_run(**env):
    # A run under `make test PYTEST_ARGS=...` (as .ci/run does) hands its command-line variables to
    # every make below it through MAKEFLAGS; the dry run must see a plain shell's environment.
    inherited = {"TEST_DATABASE_URL", "PYTEST_ARGS", "PYTEST_WORKERS", "MAKEFLAGS", "MFLAGS", "MAKELEVEL",
                 "MAKEOVERRIDES"}
    full = {k: v for k, v in os.environ.items() if k not in inherited}
    full.update(env)
    out = subprocess.run(["make", "-n", "-C", str(ROOT), "test"], env=full, capture_output=True,
                         text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return [line for line in out.stdout.splitlines() if "test-deps" in line or "pytest" in line]


def test_make_test_checks_the_system_then_deselects_postgres_tests_on_sqlite():
    assert _dry_run() == ["sh .ci/test-deps", '.venv/bin/python -m pytest -q -n 2 -m "not postgres"']


def test_make_test_on_postgresql_runs_everything():
    lines = _dry_run(TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    assert lines == ["sh .ci/test-deps", ".venv/bin/python -m pytest -q -n 2 "]


def test_make_test_runs_in_one_process_on_request():
    lines = _dry_run(PYTEST_WORKERS="0")
    assert lines == ["sh .ci/test-deps", '.venv/bin/python -m pytest -q -n 0 -m "not postgres"']


def test_ci_runs_make_test_twice_deselecting_postgres_only_on_sqlite():
    ci = (ROOT / ".ci" / "run").read_text()
    assert """make test PYTEST_ARGS='-m "not postgres"'""" in ci
    assert "TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test make test\n" in ci


def test_ci_lints_before_either_test_pass():
    ci = (ROOT / ".ci" / "run").read_text()
    commands = [line.strip() for line in ci.splitlines()
                if line.strip() and not line.lstrip().startswith(("#", "echo"))]
    lint = commands.index("make lint")
    assert all(lint < i for i, c in enumerate(commands) if "make test" in c)
    assert sum("make test" in c for c in commands) == 2


def test_libreoffice_writer_is_installed_when_missing(fake_system):
    result, calls = fake_system(uid=0, chromium=True, fonts=True, soffice=False)
    assert result.returncode == 0
    assert any("libreoffice-writer-nogui" in c and "install" in c for c in calls)
    result, calls = fake_system(uid=1000, chromium=True, fonts=True, soffice=False)
    assert result.returncode == 1 and "libreoffice-writer-nogui" in result.stderr


def test_pdf_tools_nginx_and_pdf_fonts_are_installed_when_missing(fake_system):
    """poppler-utils (the PDF checks), nginx (the documented proxy block) and the TrueType CJK fonts
    that PDFs embed (fonts-wqy-zenhei, fonts-hanazono)."""
    wanted = "poppler-utils nginx-light fonts-wqy-zenhei fonts-hanazono"
    result, calls = fake_system(uid=0, chromium=True, fonts=True, pdf_tools=False)
    assert result.returncode == 0
    assert calls == ["update -qq", f"install -y -qq --no-install-recommends {wanted}"]
    result, calls = fake_system(uid=1000, chromium=True, fonts=True, pdf_tools=False)
    assert result.returncode == 1 and f"apt-get install -y {wanted}" in result.stderr
