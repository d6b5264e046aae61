"""The bench's load test: gunicorn on a free port, authenticated clients posting activities and
reading pages for a few seconds, throughput and the workers' peak memory."""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.province import BENCH_PASSWORD
from bench.targets import token
from bench.wsgi import seal_leftovers

ROOT = Path(__file__).resolve().parent.parent




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


def signin_jobs(app, threads: int, round_no: int, path: str):
    """Per load thread: one of the seeded open sign-ins (its own activity, so the threads do not
    queue on one sign-in's lock) and a form whose mobile is fresh for every request of this round
    (1, the round digit, the thread's two digits, the request's seven)."""
    import sqlalchemy as sa

    from extensions import db
    from models import ActivitySignin
    from services import clock
    with app.app_context():
        codes = db.session.scalars(sa.select(ActivitySignin.code)
                                   .where(ActivitySignin.closed_at.is_(None),
                                          ActivitySignin.closes_at > clock.now())
                                   .order_by(ActivitySignin.id).limit(threads)).all()
    assert codes, "no open sign-in: the extras step seeds them (bench/extras.py)"
    return [{"method": "POST", "path": path.format(code=codes[t % len(codes)]), "ok": [303],
             "form": {"name": "签到人", "mobile": f"1{round_no}{{t:02d}}{{n:07d}}",
                      "work_unit": "基准工作单位", "field": "", "website": ""}}
            for t in range(threads)]


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
    """gunicorn (2 workers, gthread, keep-alive): the pages once each (for memory), then
    /bench/ping, POST /api/v1/activities (every write sealing its audit entry into the hash
    chain) against /bench/post-floor (then, for the chain's own cost, that floor once without
    sealing: /bench/post-floor?chain=0, its entries sealed after), and the door's sign-in
    POST /s/{code} against /bench/signin-floor/{code}, each product/floor pair twice,
    alternately, with `threads`
    concurrent writers; throughput (2xx, 303 for sign-ins), p50/p95 latency, peak RSS of the
    workers."""
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
        # The same floor without sealing (the chain's own cost); alone, then sealed in one go.
        unchained = load(port, [{**job, "path": "/bench/post-floor?chain=0"} for job in bodies],
                         seconds, 100000)
        seal_leftovers(app)
        # Sign-ins at the door, product and floor alternately, each round with fresh mobiles.
        signin_rounds = []
        for round_no, path in ((3, "/s/{code}"), (4, "/bench/signin-floor/{code}"),
                               (5, "/s/{code}"), (6, "/bench/signin-floor/{code}")):
            signin_rounds.append(load(port, signin_jobs(app, threads, round_no, path), seconds,
                                      100000))
        signin = _merge(signin_rounds[0], signin_rounds[2])
        signin_floor = _merge(signin_rounds[1], signin_rounds[3])
        workers = children(proc.pid)
        rss = max((vm_hwm_mb(p) for p in workers), default=0.0)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    ratio = post["rps"] / post_floor["rps"] if post_floor["rps"] else 0.0
    signin_ratio = signin["rps"] / signin_floor["rps"] if signin_floor["rps"] else 0.0
    print(f"  ping {ping['rps']:.0f} req/s {ping['statuses']}; POST activities "
          f"{post['rps']:.0f} req/s (p95 {_ms(post['p95_ms'])}) {post['statuses']}; share of the "
          f"floor {ratio:.2f}; plain-SQL write floor {post_floor['rps']:.0f} req/s "
          f"(p95 {_ms(post_floor['p95_ms'])}) {post_floor['statuses']}, without sealing "
          f"{unchained['rps']:.0f} req/s (p95 {_ms(unchained['p95_ms'])}); sign-in POST "
          f"{signin['rps']:.0f} req/s (p95 {_ms(signin['p95_ms'])}) {signin['statuses']}, floor "
          f"{signin_floor['rps']:.0f} req/s, share {signin_ratio:.2f}; pages {pages['statuses']};"
          f" peak worker RSS {rss:.0f} MB", flush=True)
    return {"ping": ping, "post": post, "post_floor": post_floor, "pages": pages, "ratio": ratio,
            "post_floor_unchained": unchained,
            "signin": signin, "signin_floor": signin_floor, "signin_ratio": signin_ratio,
            "rss_mb": rss, "threads": threads,
            "workers": len(workers), "web_threads": web_threads}


def _ms(value):
    return "—" if value is None else f"{value:.0f} ms"


def _merge(a, b):
    """Two load runs taken together (requests and seconds add up; p50/p95: the worse run's)."""
    statuses = dict(a["statuses"])
    for k, n in b["statuses"].items():
        statuses[k] = statuses.get(k, 0) + n
    seconds = a["seconds"] + b["seconds"]
    ok = a["ok"] + b["ok"]
    def worse(key):
        values = [r.get(key) for r in (a, b) if r.get(key) is not None]
        return max(values) if values else None
    return {"requests": a["requests"] + b["requests"], "ok": ok, "statuses": statuses,
            "seconds": seconds, "rps": ok / seconds if seconds else 0.0,
            "p50_ms": worse("p50_ms"), "p95_ms": worse("p95_ms")}
