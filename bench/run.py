"""The benchmark: a fresh database at a scale, the scenarios against their floors, RESULTS.md.

    python bench/run.py --scale 1 [--runs 7] [--db sqlite|postgres] [--no-scale2] [--no-load]

SQLite: a file under bench/data/. PostgreSQL: the database named in DATABASE_URL (never `test`),
dropped and created afresh (scale 2 goes to <name>_s2). See bench/README.md.

This module runs it all; the parts live beside it: targets.py (what is requested, statement
counts, SQL time), timing.py (medians against floors), batches.py (assessment batch, the
assessment_drafts job, the compliance sweep), web.py (gunicorn load and memory), floors.py,
generate.py and report.py.
"""
import argparse
import os
import platform
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import floors  # noqa: E402
from bench.batches import BATCH_RATIO, measure_batch, measure_drafts_job, measure_sweep  # noqa: E402,F401
from bench.generate import generate  # noqa: E402
from bench.report import write_results  # noqa: E402
from bench.targets import (  # noqa: E402,F401  (profile.py and records_search.py import these)
    count_statements,
    largest_home,
    logged_in,
    manager_of,
    page_targets,
    sql_time,
    token,
)
from bench.timing import median_of, median_pair  # noqa: E402
from bench.web import measure_web, post_bodies  # noqa: E402,F401
from bench.wsgi import DATA_DIR, make_app  # noqa: E402

PAGE_RATIO, THROUGHPUT_SHARE = 1.5, 0.5
PAGE_LIMIT_S, RSS_LIMIT_MB = 1.0, 300
KEYSET_RATIO = 2.0  # through after=, the last page of a list within 2× of its first


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
    print(f"  generated {sum(gen['rows'].values()):,} rows in {gen['total_s']:.1f} s; then "
          f"(audit, surveys, needs, sign-ins) {sum(gen['extras_rows'].values()):,} rows in "
          f"{gen['extras_s']:.1f} s", flush=True)
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
