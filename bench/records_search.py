"""Bench of a Home's 履职档案 as one download, and of keyword search over activities.

    DATABASE_URL=postgresql+psycopg://…/rephome_bench_records \
        .venv/bin/python bench/records_search.py --scale 1 [--runs 5] [--reuse]

Generates the bench data (bench/generate.py) into the dedicated database named in DATABASE_URL
(dropped and recreated unless --reuse), then measures, in process through the Flask test client:
- GET /records/home/<largest Home>/docx — every active representative's record in one .docx;
- GET /api/v1/activities?q=<word> as the provincial admin over all activities, for a 2-character
  word (no trigram can serve it: the rows are scanned) and a 4-character one (pg_trgm GIN index),
  plus the same search on the admin's /manage/activities page, with the query plan's access path.
Prints a Markdown section; --results appends it to a file (e.g. bench/RESULTS.md).
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.province import ADMIN_USERNAME  # noqa: E402
from bench.run import database_url, largest_home, logged_in, manager_of, prepare, token  # noqa: E402
from bench.wsgi import make_app  # noqa: E402

WORDS = (("党建", "2 characters"), ("科普研学", "4 characters"))


def timed(fn, runs):
    fn()  # warm-up
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def plan(app, word):
    """The access path PostgreSQL chooses for the search's count (first lines of EXPLAIN)."""
    import sqlalchemy as sa

    from extensions import db
    from models import Activity
    from services import activities
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return "n/a (SQLite)"
        stmt = activities.filter_activities(sa.select(sa.func.count(Activity.id)), word)
        compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
        rows = db.session.execute(sa.text(f"EXPLAIN {compiled}")).scalars().all()
        nodes = [r.strip().split("  (")[0].lstrip("-> ") for r in rows if "Scan" in r]
        return "; ".join(dict.fromkeys(nodes))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="keep the database's data")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--results", help="append the section to this file")
    args = parser.parse_args(argv)

    if args.reuse:
        import os
        app = make_app(os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://"))
        stats = None
    else:
        start = time.perf_counter()
        app, stats = prepare(database_url(args.db, args.scale), args.scale)
        print(f"generated in {time.perf_counter() - start:.1f} s", file=sys.stderr)

    from services.clock import today
    year = today().year
    home_id, reps = largest_home(app)
    manager = logged_in(app, manager_of(app, home_id))
    admin_page = logged_in(app, ADMIN_USERNAME)
    bearer = {"Authorization": f"Bearer {token(app, ADMIN_USERNAME)}"}
    api = app.test_client()

    lines = [f"## Records and search, scale {args.scale:g}, "
             f"{'PostgreSQL' if args.db == 'postgres' else 'SQLite'}", "",
             f"Median of {args.runs} after one warm-up, in process (Flask test client), on a 2-core "
             "machine shared with other work: figures are indicative.", "",
             "| request | median | target | notes |", "|---|---:|---:|---|"]

    path = f"/records/home/{home_id}/docx?year={year}"
    size = {}

    def docx():
        r = manager.get(path)
        assert r.status_code == 200, r.status_code
        size["bytes"] = len(r.data)
    seconds = timed(docx, max(1, min(args.runs, 3)))
    lines.append(f"| 档案 of the largest Home ({reps} representatives) as one .docx | "
                 f"{seconds:.2f} s | < 10 s | {size['bytes'] / 1024:.0f} KB |")

    for word, label in WORDS:
        found = {}

        def search_api(word=word, found=found):
            r = api.get(f"/api/v1/activities?q={word}&per_page=20", headers=bearer)
            assert r.status_code == 200, r.status_code
            found["total"] = r.get_json()["total"]

        def search_page(word=word):
            r = admin_page.get(f"/manage/activities?q={word}")
            assert r.status_code == 200, r.status_code
        api_s = timed(search_api, args.runs)
        page_s = timed(search_page, args.runs)
        access = plan(app, word)
        lines.append(f"| `GET /api/v1/activities?q={word}` ({label}, admin, all activities) | "
                     f"{api_s * 1000:.0f} ms | < 300 ms | {found['total']:,} found; {access} |")
        lines.append(f"| `/manage/activities?q={word}` page ({label}, admin) | "
                     f"{page_s * 1000:.0f} ms | < 300 ms | |")
    if stats:
        lines.append("")
        lines.append(f"Data: {stats}")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.results:
        with open(args.results, "a", encoding="utf-8") as fh:
            fh.write("\n" + text)


if __name__ == "__main__":
    main()
