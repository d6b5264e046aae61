"""The benchmark: a fresh database at a scale, the scenarios against their floors, RESULTS.md.

    python bench/run.py --scale 1 [--runs 7] [--db sqlite|postgres] [--no-scale2] [--no-load]

SQLite: a file under bench/data/. PostgreSQL: the database named in DATABASE_URL (never `test`),
dropped and created afresh (scale 2 goes to <name>_s2). See bench/README.md.
"""
import argparse
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import floors  # noqa: E402
from bench.generate import ADMIN_USERNAME, BENCH_PASSWORD, generate  # noqa: E402
from bench.report import write_results  # noqa: E402
from bench.wsgi import DATA_DIR, make_app  # noqa: E402

PAGE_RATIO, BATCH_RATIO, THROUGHPUT_SHARE = 1.5, 2.0, 0.5
PAGE_LIMIT_S, RSS_LIMIT_MB = 1.0, 300
KEYSET_RATIO = 2.0  # through after=, the last page of a list within 2× of its first (issue 14)


# ------------------------------------------------------------------------------- databases

def database_url(kind: str, scale: float, suffix: str = "") -> str:
    """A fresh, empty database for the run (the old one is removed)."""
    if kind == "sqlite":
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path = DATA_DIR / f"bench-{scale:g}{suffix}.db"
        for extra in ("", "-wal", "-shm"):
            Path(str(path) + extra).unlink(missing_ok=True)
        return f"sqlite:///{path}"
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("--db postgres needs DATABASE_URL=postgresql+psycopg://…/rephome_bench")
    url = re.sub(r"^postgres(ql)?(\+psycopg)?://", "postgresql+psycopg://", url)
    base, name = url.rsplit("/", 1)
    name = name.split("?")[0] + suffix
    if name in ("test", "postgres", "template0", "template1"):
        sys.exit(f"refusing to recreate the database {name!r}: use a dedicated one")
    import psycopg
    with psycopg.connect(base.replace("+psycopg", "") + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def _drop(url: str) -> None:
    """Drop a PostgreSQL bench database once measured (it only held generated data)."""
    import psycopg
    base, name = url.rsplit("/", 1)
    with psycopg.connect(base.replace("+psycopg", "") + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare(url: str, scale: float):
    """Migrate, generate, and return the app and the generation stats."""
    import flask_migrate
    app = make_app(url)
    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        stats = generate(scale, years=1)
    return app, stats


# ------------------------------------------------------------------------------- measuring

def median_of(fn, runs: int, warmup: int = 1, long_s: float | None = None):
    """Median of `runs` timed calls after `warmup` untimed ones. With `long_s`, a warm-up that
    takes longer than that counts as the first sample (nothing left to warm in a long run)."""
    samples = []
    for _ in range(warmup):
        t = time.perf_counter()
        fn()
        if long_s is not None and time.perf_counter() - t > long_s:
            samples.append(time.perf_counter() - t)
    while len(samples) < runs:
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples), samples


def median_pair(fn, floor, runs: int, warmup: int = 1, long_s: float | None = None):
    """Medians of `fn` and of its `floor`, run alternately (so that both see the same machine
    load) after `warmup` untimed calls of each; a warm-up longer than `long_s` counts as a sample."""
    samples, floor_samples = [], []

    def timed(f):
        t = time.perf_counter()
        f()
        return time.perf_counter() - t
    for _ in range(warmup):
        a, b = timed(fn), timed(floor)
        if long_s is not None and a > long_s:
            samples.append(a)
            floor_samples.append(b)
    while len(samples) < runs:
        samples.append(timed(fn))
        floor_samples.append(timed(floor))
    return statistics.median(samples), statistics.median(floor_samples)


def largest_home(app):
    import sqlalchemy as sa

    from extensions import db
    from models import User
    with app.app_context():
        return db.session.execute(
            sa.select(User.home_id, sa.func.count(User.id)).where(User.role == "representative")
            .group_by(User.home_id).order_by(sa.func.count(User.id).desc(), User.home_id)
            .limit(1)).one()


def manager_of(app, home_id):
    import sqlalchemy as sa

    from extensions import db
    from models import Home, User
    with app.app_context():
        return db.session.scalar(sa.select(User.username).join(Home, Home.unit_id == User.unit_id)
                                 .where(Home.id == home_id).order_by(User.id).limit(1))


def logged_in(app, username):
    client = app.test_client()
    r = client.post("/login", data={"username": username, "password": BENCH_PASSWORD})
    assert r.status_code == 302, f"login of {username} failed: {r.status_code}"
    client.bench_username = username
    return client


def token(app, username):
    r = app.test_client().post("/api/v1/tokens",
                               json={"username": username, "password": BENCH_PASSWORD})
    assert r.status_code == 201, r.get_data(as_text=True)[:300]
    return r.get_json()["token"]


def deep_page(app, per_page=20):
    """The last page number of the admin's activity list and the cursor that opens it."""
    import sqlalchemy as sa

    from blueprints.api.keyset import encode
    from extensions import db
    from models import Activity
    with app.app_context():
        total = db.session.scalar(sa.select(sa.func.count(Activity.id)))
        last = max(1, -(-total // per_page))
        before = db.session.execute(
            sa.select(Activity.date, Activity.id).order_by(Activity.date.desc(), Activity.id.desc())
            .offset((last - 1) * per_page - 1).limit(1)).one()
    return last, encode("activities", list(before)), tuple(before)


def page_targets(app, year, *, extended=True):
    """(key, label, client, path, headers, floor function, kind) of every measured page or API
    call. kind: "page" (≤ 1.5 × floor, < 1 s), "api" (≤ 1.5 × (floor + one authenticated
    trivial request), < 1 s) or "time" (< 1 s; the ratio is reported)."""
    home_id, reps = largest_home(app)
    manager = manager_of(app, home_id)
    admin_c, manager_c = logged_in(app, ADMIN_USERNAME), logged_in(app, manager)
    admin_h = {"Authorization": f"Bearer {token(app, ADMIN_USERNAME)}"}
    manager_h = {"Authorization": f"Bearer {token(app, manager)}"}
    extra = []
    if extended:
        last, cursor, before = deep_page(app)
        extra = [
            ("province_export", "全省各代表之家活动表导出 .xlsx（/dashboard/export?table=homes）",
             admin_c, "/dashboard/export?table=homes", {},
             lambda raw: floors.province_export(raw, year), "time"),
            ("representatives_export", "代表导出 .xlsx /manage/representatives/export（最大的家）",
             manager_c, "/manage/representatives/export", {},
             lambda raw: floors.representatives_export(raw, year, home_id), "time"),
            ("activities_page_first", "GET /api/v1/activities?page=1（管理员，每页 20）",
             app.test_client(), "/api/v1/activities?per_page=20", admin_h,
             lambda raw: floors.activities_page(raw, 1), "api"),
            ("activities_page_last", f"GET /api/v1/activities?page={last}（最后一页）",
             app.test_client(), f"/api/v1/activities?per_page=20&page={last}", admin_h,
             lambda raw: floors.activities_page(raw, last), "api"),
            ("activities_after_first", "GET /api/v1/activities?after=（第一页）",
             app.test_client(), "/api/v1/activities?per_page=20&after=", admin_h,
             lambda raw: floors.activities_after(raw, None), "api"),
            ("activities_after_last", "GET /api/v1/activities?after=CURSOR（最后一页）",
             app.test_client(), f"/api/v1/activities?per_page=20&after={cursor}", admin_h,
             lambda raw: floors.activities_after(raw, before), "api"),
            ("queue_admin", "审核队列 /manage/queue（省科协，全省）", admin_c, "/manage/queue", {},
             lambda raw: floors.queue(raw, None), "page"),
            ("queue_home", "审核队列 /manage/queue（最大的家的管理员）", manager_c, "/manage/queue",
             {}, lambda raw: floors.queue(raw, home_id), "page"),
        ]
    return home_id, reps, [
        ("province_page", "全省概览页 /dashboard/province", admin_c, "/dashboard/province", {},
         lambda raw: floors.province_page(raw, year), "page"),
        ("dashboard_api", "GET /api/v1/dashboard（全省）", app.test_client(), "/api/v1/dashboard",
         admin_h, lambda raw: floors.dashboard_api(raw, year), "page"),
        ("home_page", "代表之家工作台 /dashboard/home（最大的家）", manager_c, "/dashboard/home", {},
         lambda raw: floors.home_page(raw, year, home_id), "page"),
        ("compliance_api", "GET /api/v1/compliance?home_id=（最大的家）", app.test_client(),
         f"/api/v1/compliance?home_id={home_id}", manager_h,
         lambda raw: floors.compliance_api(raw, year, home_id), "api"),
        ("representatives_page", "代表列表 /manage/representatives（最大的家）", manager_c,
         "/manage/representatives", {},
         lambda raw: floors.representatives_table(raw, year, home_id), "page"),
        *extra,
    ]


def count_statements(app, client, path, headers):
    import sqlalchemy as sa

    from extensions import db
    with app.app_context():
        engine = db.engine
    seen = []

    def before(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        r = client.get(path, headers=headers)
        assert r.status_code == 200, (path, r.status_code)
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
    return len(seen)


def sql_time(app, client, path, headers, runs):
    """Median over `runs` requests of the time spent in the database (cursor execute to its
    end, summed over the request's statements)."""
    import sqlalchemy as sa

    from extensions import db
    with app.app_context():
        engine = db.engine
    spent, started = [0.0], {}

    def before(conn, cursor, statement, parameters, context, executemany):
        started[id(cursor)] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        spent[0] += time.perf_counter() - started.pop(id(cursor), time.perf_counter())
    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    samples = []
    try:
        for _ in range(runs):
            spent[0] = 0.0
            assert client.get(path, headers=headers).status_code == 200
            samples.append(spent[0])
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
        sa.event.remove(engine, "after_cursor_execute", after)
    return statistics.median(samples)


SQL_TIMED = ("province_page", "dashboard_api")


def measure_pages(app, url, runs, year, only=None):
    home_id, reps, targets = page_targets(app, year)
    raw = floors.Raw(url)
    results, statements, sql = [], {}, {}
    # One authenticated trivial request (/bench/auth-ping): the fixed cost of every API call.
    auth_headers = next(t[4] for t in targets if t[0] == "dashboard_api")
    auth_client = app.test_client()

    def auth_ping():
        assert auth_client.get("/bench/auth-ping", headers=auth_headers).status_code == 200
    auth_median, _ = median_of(auth_ping, max(runs, 7))
    print(f"  auth_ping              {auth_median * 1000:8.1f} ms", flush=True)
    for key, label, client, path, headers, floor, kind in targets:
        if only and key not in only:
            continue

        def hit(client=client, path=path, headers=headers):
            r = client.get(path, headers=headers)
            assert r.status_code == 200, (path, r.status_code, r.get_data(as_text=True)[:200])
        median, floor_median = median_pair(hit, lambda floor=floor: floor(raw), runs)
        statements[key] = count_statements(app, client, path, headers)
        row = {"key": key, "label": label, "median": median, "floor": floor_median, "kind": kind}
        if kind == "api":
            bound = floor_median + auth_median
            row.update(floor=bound, floor_sql=floor_median,
                       target=f"≤ {PAGE_RATIO} × (floor + auth-ping), < {PAGE_LIMIT_S:g} s",
                       checks={"ratio": median <= PAGE_RATIO * bound,
                               "< 1 s": median < PAGE_LIMIT_S})
        elif kind == "time":
            row.update(target=f"< {PAGE_LIMIT_S:g} s（比值仅供参考）",
                       checks={"< 1 s": median < PAGE_LIMIT_S})
        else:
            row.update(target=f"≤ {PAGE_RATIO} × floor, < {PAGE_LIMIT_S:g} s",
                       checks={"ratio": median <= PAGE_RATIO * floor_median,
                               "< 1 s": median < PAGE_LIMIT_S})
        row["ok"] = all(row["checks"].values())
        if key in SQL_TIMED:
            sql[key] = row["sql"] = sql_time(app, client, path, headers, max(3, runs))
        results.append(row)
        print(f"  {key:<22} {median * 1000:8.1f} ms  floor {row['floor'] * 1000:7.1f} ms  "
              f"×{median / row['floor']:5.2f}  {statements[key]} statements"
              + (f"  SQL {row['sql'] * 1000:.1f} ms" if "sql" in row else ""), flush=True)
    raw.close()
    keyset = {r["key"]: r["median"] for r in results}
    if "activities_after_first" in keyset and "activities_after_last" in keyset:
        ratio = keyset["activities_after_last"] / keyset["activities_after_first"]
        results.append({"key": "keyset_depth", "label": "after= 最后一页 / 第一页（同一列表）",
                        "median": keyset["activities_after_last"],
                        "floor": keyset["activities_after_first"],
                        "target": f"≤ {KEYSET_RATIO} × 第一页", "ok": ratio <= KEYSET_RATIO,
                        "kind": "depth"})
    return {"home_id": home_id, "home_reps": reps, "rows": results, "statements": statements,
            "sql": sql, "auth_ping": auth_median}


def measure_batch(app, url, runs, year):
    from extensions import db
    from services import assessments

    def batch():
        with app.app_context():
            created = assessments.create_for_all_active(None, year)
            db.session.flush()
            batch.n = len(created)
            db.session.rollback()
    raw = floors.Raw(url)
    median, floor_median = median_pair(batch, lambda: floors.assessment_batch(raw, year), runs,
                                       long_s=5.0)
    raw.close()
    print(f"  assessment_batch       {median * 1000:8.1f} ms  floor {floor_median * 1000:7.1f} ms"
          f"  ×{median / floor_median:5.2f}  ({batch.n} Homes)", flush=True)
    return {"key": "assessment_batch",
            "label": f"全部有效代表之家的年度考核草稿（{batch.n} 个，create_for_all_active）",
            "median": median, "floor": floor_median, "target": f"≤ {BATCH_RATIO} × floor",
            "ok": median <= BATCH_RATIO * floor_median}


def measure_drafts_job(app, url, runs, year):
    """The assessment_drafts job through jobs.runner.run_job as of 5 January of next year (this
    year's drafts, which the bench data does not have), its drafts deleted after each run."""
    from datetime import date

    import sqlalchemy as sa

    from extensions import db
    from jobs.runner import run_job
    from models import Assessment, AssessmentItem, JobRun

    def clean():
        with app.app_context():
            ids = sa.select(Assessment.id).where(Assessment.year == year)
            db.session.execute(sa.delete(AssessmentItem).where(AssessmentItem.assessment_id.in_(ids)))
            db.session.execute(sa.delete(Assessment).where(Assessment.year == year))
            db.session.execute(sa.delete(JobRun).where(JobRun.job_name == "assessment_drafts"))
            db.session.commit()

    def job():
        with app.app_context():
            run = run_job("assessment_drafts", date(year + 1, 1, 5))
            assert run.status.value == "success", run.error
            job.counts = dict(run.counts or {})
    raw = floors.Raw(url)
    samples, fsamples = [], []
    clean()
    for i in range(runs + 1):  # the first is a warm-up
        clean()
        t = time.perf_counter()
        job()
        elapsed = time.perf_counter() - t
        t = time.perf_counter()
        floors.assessment_batch(raw, year)
        felapsed = time.perf_counter() - t
        if i:
            samples.append(elapsed)
            fsamples.append(felapsed)
    clean()
    raw.close()
    median, floor_median = statistics.median(samples), statistics.median(fsamples)
    print(f"  assessment_drafts job  {median * 1000:8.1f} ms  floor {floor_median * 1000:7.1f} ms"
          f"  ×{median / floor_median:5.2f}  {job.counts}", flush=True)
    return {"key": "assessment_drafts_job",
            "label": f"assessment_drafts 任务（{job.counts.get('created')} 个草稿，jobs.runner.run_job）",
            "median": median, "floor": floor_median, "target": f"≤ {BATCH_RATIO} × floor",
            "ok": median <= BATCH_RATIO * floor_median, "counts": job.counts}


def measure_sweep(app, url, runs):
    import sqlalchemy as sa

    from extensions import db
    from jobs.common import iso_week
    from jobs.runner import run_job
    from models import JobRun, Notification
    from services.clock import today

    def clean():
        with app.app_context():
            db.session.execute(sa.delete(Notification).where(Notification.kind.in_(
                ("compliance_reminder", "compliance_digest"))))
            db.session.execute(sa.delete(JobRun))
            db.session.commit()

    def sweep():
        with app.app_context():
            run = run_job("compliance_sweep", today())
            assert run.status.value == "success", run.error
            sweep.counts = dict(run.counts or {})
    raw = floors.Raw(url)
    week = iso_week(today())

    def floor():
        floors.compliance_sweep(raw, today().year, week)
    samples, fsamples = [], []
    clean()
    sweep()  # warm-up
    for _ in range(runs):  # alternately, each from a clean slate
        clean()
        t = time.perf_counter()
        sweep()
        samples.append(time.perf_counter() - t)
        floors.clean_floor_notifications(raw)
        t = time.perf_counter()
        floor()
        fsamples.append(time.perf_counter() - t)
    clean()
    floors.clean_floor_notifications(raw)
    raw.close()
    median, floor_median = statistics.median(samples), statistics.median(fsamples)
    print(f"  compliance_sweep       {median * 1000:8.1f} ms  floor {floor_median * 1000:7.1f} ms"
          f"  ×{median / floor_median:5.2f}  {sweep.counts}", flush=True)
    return {"key": "compliance_sweep",
            "label": "compliance_sweep 任务（全部代表，jobs.runner.run_job）",
            "median": median, "floor": floor_median, "target": "（无目标，报告）", "ok": None,
            "counts": sweep.counts}


# ------------------------------------------------------------------------------- web process

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def vm_hwm_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def http_login(port: int, username: str) -> str:
    """Log in through the web process (as the load driver will browse: same address, no
    User-Agent, so Flask-Login's strong session protection keeps the session); the cookie."""
    import http.client
    from urllib.parse import urlencode
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", "/login", body=urlencode({"username": username,
                                                   "password": BENCH_PASSWORD}),
                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    cookies = [h.split(";", 1)[0] for k, h in response.getheaders() if k.lower() == "set-cookie"]
    conn.close()
    assert response.status == 302, f"login of {username} through gunicorn: {response.status}"
    return "; ".join(cookies)


def post_bodies(app, threads: int):
    """Per load thread: a representative's token and activity bodies linking their workers."""
    import sqlalchemy as sa

    from extensions import db
    from models import User, WorkerLink
    from services.clock import today
    with app.app_context():
        reps = db.session.execute(
            sa.select(User.username, sa.func.min(WorkerLink.worker_id))
            .join(WorkerLink, WorkerLink.representative_id == User.id)
            .where(User.active.is_(True)).group_by(User.id, User.username)
            .order_by(User.id).limit(threads)).all()
        day = today().isoformat()
    jobs = []
    for username, worker_id in reps:
        bodies = [{"theme": "window", "kind": "appeal_hearing", "title": f"基准听取诉求活动{i}",
                   "date": day, "location": "代表之家", "mode": "offline", "participants": 12,
                   "summary": "听取科技工作者诉求，记录并转交。", "worker_ids": [worker_id]}
                  for i in range(5)]
        jobs.append({"method": "POST", "path": "/api/v1/activities", "bodies": bodies,
                     "headers": {"Authorization": f"Bearer {token(app, username)}"}})
    return jobs


def load(port, threads_spec, seconds, max_requests):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump({"port": port, "seconds": seconds, "max_requests": max_requests,
                   "warmup": 10, "threads": threads_spec}, fh)
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "load.py"), fh.name],  # noqa: S603
                         capture_output=True, text=True, timeout=seconds + 120)
    os.unlink(fh.name)
    if out.returncode:
        raise RuntimeError(out.stderr)
    return json.loads(out.stdout)


def measure_web(app, url, targets, seconds, threads, web_threads=4):
    """gunicorn (2 workers, gthread, keep-alive): the pages once each (for memory), then POST
    /api/v1/activities and /bench/ping throughput; peak RSS of the workers."""
    port = free_port()
    env = {**os.environ, "BENCH_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    cmd = [str(Path(sys.executable).with_name("gunicorn")), "--workers", "2",
           "--worker-class", "gthread", "--threads", str(web_threads), "--keep-alive", "10",
           "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "bench.wsgi:create()"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)  # noqa: S603 — our own gunicorn command
    try:
        import http.client
        for _ in range(200):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/bench/ping")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        # Every page and API call a few times through the web process (its memory peak).
        page_jobs = []
        for _key, _label, client, path, headers, _floor, _kind in targets:
            hdrs = dict(headers)
            username = getattr(client, "bench_username", None)
            if username:
                hdrs["Cookie"] = http_login(port, username)
            page_jobs.append({"method": "GET", "path": path, "headers": hdrs})
        pages = load(port, page_jobs, 3, 40)
        ping = load(port, [{"method": "GET", "path": "/bench/ping"}] * threads, seconds, 100000)
        bodies = post_bodies(app, threads)
        post_first = load(port, bodies, seconds, 100000)
        floor_jobs = [{**job, "path": "/bench/post-floor"} for job in bodies]
        post_floor = load(port, floor_jobs, seconds, 100000)
        post = load(port, bodies, seconds, 100000)  # again, alternating: the same machine load
        post_floor2 = load(port, floor_jobs, seconds, 100000)
        post = _merge(post_first, post)
        post_floor = _merge(post_floor, post_floor2)
        workers = children(proc.pid)
        rss = max((vm_hwm_mb(p) for p in workers), default=0.0)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    ratio = post["rps"] / post_floor["rps"] if post_floor["rps"] else 0.0
    print(f"  ping {ping['rps']:.0f} req/s {ping['statuses']}; POST activities "
          f"{post['rps']:.0f} req/s {post['statuses']}; share of the floor {ratio:.2f}; "
          "plain-SQL write floor "
          f"{post_floor['rps']:.0f} req/s {post_floor['statuses']}; pages {pages['statuses']};"
          f" peak worker RSS {rss:.0f} MB", flush=True)
    return {"ping": ping, "post": post, "post_floor": post_floor, "pages": pages, "ratio": ratio,
            "rss_mb": rss,
            "workers": len(workers), "web_threads": web_threads}


def _merge(a, b):
    """Two load runs taken together (requests and seconds add up)."""
    statuses = dict(a["statuses"])
    for k, n in b["statuses"].items():
        statuses[k] = statuses.get(k, 0) + n
    seconds = a["seconds"] + b["seconds"]
    ok = a["ok"] + b["ok"]
    return {"requests": a["requests"] + b["requests"], "ok": ok, "statuses": statuses,
            "seconds": seconds, "rps": ok / seconds if seconds else 0.0}


# ------------------------------------------------------------------------------- machine

def machine(url):
    mem = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal:")), 0)
    info = {"cores": os.cpu_count(), "memory_gb": round(mem / 1024 / 1024, 1),
            "cpu": next((line.split(":", 1)[1].strip() for line in
                         Path("/proc/cpuinfo").read_text().splitlines()
                         if line.startswith("model name")), platform.processor()),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "postgresql": None}
    git = ["git", "-C", str(ROOT)]
    def out(*args):
        return subprocess.run([*git, *args], capture_output=True, text=True).stdout  # noqa: S603
    head = out("rev-parse", "--short", "HEAD").strip()
    changed = [line[3:] for line in out("status", "--porcelain", "--untracked-files=no")
               .splitlines() if not line[3:].startswith("bench/")]
    info["code"] = head + (f" + uncommitted changes in {', '.join(changed)}" if changed else "")
    if url.startswith("postgresql"):
        import psycopg
        with psycopg.connect(url.replace("+psycopg", "")) as conn:
            info["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
    elif shutil.which("psql"):
        info["postgresql"] = subprocess.run(["psql", "--version"], capture_output=True,  # noqa: S603,S607
                                            text=True).stdout.strip() + "（未使用）"
    return info


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", choices=("sqlite", "postgres"),
                        default="postgres" if os.environ.get("DATABASE_URL", "").startswith(
                            "postgres") else "sqlite")
    parser.add_argument("--no-scale2", action="store_true", help="skip the statements at 2×scale")
    parser.add_argument("--no-load", action="store_true", help="skip gunicorn throughput/RSS")
    parser.add_argument("--load-seconds", type=float, default=8.0)
    parser.add_argument("--threads", type=int, default=4, help="load client connections")
    parser.add_argument("--web-threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--results", default=str(ROOT / "bench" / "RESULTS.md"))
    args = parser.parse_args(argv)

    from services.clock import today
    year = today().year
    started = datetime.now(UTC)
    print(f"RepHome bench: scale {args.scale:g} on {args.db}", flush=True)
    url = database_url(args.db, args.scale)
    app, gen = prepare(url, args.scale)
    print(f"  generated {sum(gen['rows'].values()):,} rows in {gen['total_s']:.1f} s", flush=True)
    pages = measure_pages(app, url, args.runs, year)
    rows = pages["rows"]
    rows.append(measure_batch(app, url, min(3, args.runs), year))
    rows.append(measure_drafts_job(app, url, min(3, args.runs), year))
    rows.append(measure_sweep(app, url, min(3, args.runs)))
    web = None
    if not args.no_load:
        _h, _r, targets = page_targets(app, year, extended=False)
        web = measure_web(app, url, targets, args.load_seconds, args.threads, args.web_threads)
    scale2 = None
    if not args.no_scale2:
        url2 = database_url(args.db, args.scale * 2, "_s2" if args.db == "postgres" else "")
        app2, gen2 = prepare(url2, args.scale * 2)
        _h, _r, targets2 = page_targets(app2, year)
        scale2 = {"generation_s": gen2["total_s"], "statements": {
            t[0]: count_statements(app2, t[2], t[3], t[4]) for t in targets2}}
        print(f"  statements at scale {args.scale * 2:g}: {scale2['statements']}", flush=True)
        if args.db == "postgres":
            _drop(url2)
    bench_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    finished = datetime.now(UTC)
    write_results(Path(args.results), db=args.db, scale=args.scale, runs=args.runs,
                  machine=machine(url), generation=gen, pages=pages, rows=rows, web=web,
                  scale2=scale2, bench_rss_mb=bench_rss, started=started, finished=finished,
                  limits={"page_ratio": PAGE_RATIO, "batch_ratio": BATCH_RATIO,
                          "share": THROUGHPUT_SHARE, "page_s": PAGE_LIMIT_S,
                          "rss_mb": RSS_LIMIT_MB})
    print(f"wrote {args.results} in {(datetime.now(UTC) - started).total_seconds():.0f} s")


if __name__ == "__main__":
    main()
