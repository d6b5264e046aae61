"""Per-statement SQL time of one bench page on an already generated bench database (dev only).

    python bench/sql_profile.py postgresql+psycopg://…/rephome_bench province_page [--runs 7]

Each statement of the request with its median time (cursor execute to its end) over `runs`
requests after one untimed request, slowest first, and the median total: what the bench's
"SQL time" of a page is made of.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("page", help="a key of bench.run.page_targets, e.g. province_page")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    import sqlalchemy as sa

    from bench.run import page_targets
    from bench.wsgi import make_app
    from extensions import db
    from services.clock import today

    app = make_app(args.url)
    _h, _r, targets = page_targets(app, today().year, extended=False)
    _k, _l, client, path, headers, *_ = next(t for t in targets if t[0] == args.page)
    with app.app_context():
        engine = db.engine
    started, current = {}, []

    def before(conn, cursor, statement, parameters, context, executemany):
        started[id(cursor)] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        spent = time.perf_counter() - started.pop(id(cursor), time.perf_counter())
        current.append((" ".join(statement.split())[:150], spent))

    assert client.get(path, headers=headers).status_code == 200
    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    runs = []
    try:
        for _ in range(args.runs):
            current.clear()
            assert client.get(path, headers=headers).status_code == 200
            runs.append(list(current))
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
        sa.event.remove(engine, "after_cursor_execute", after)
    per = [statistics.median(run[i][1] for run in runs) for i in range(len(runs[0]))]
    total = statistics.median(sum(s for _t, s in run) for run in runs)
    print(f"{path}: {len(per)} statements, SQL {total * 1000:.1f} ms (median of {args.runs})")
    for i in sorted(range(len(per)), key=lambda i: -per[i]):
        print(f"  {per[i] * 1000:7.2f} ms  {runs[0][i][0]}")


if __name__ == "__main__":
    main()
