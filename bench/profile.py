"""Profile one bench scenario on an already generated bench database (pyinstrument, dev only).

    .venv/bin/pip install pyinstrument
    python bench/profile.py sqlite:///bench/data/bench-1.db province_page [--out FILE]

Scenarios: the key of any page or API target of bench/targets.py (province_page,
dashboard_api, home_page, compliance_api, representatives_page, city_page, survey_results_page,
survey_results_api, needs_office, needs_home, attendance, audit_first, audit_filtered, the
exports, activities_page_first … queue_home; `--list` prints them), assessment (one Home's
create_assessment, rolled back), sweep (compliance_sweep, its notifications deleted afterwards),
post_activity (one POST /api/v1/activities, rolled back by deleting it). The request is made once
untimed first, then profiled; SQL statements are listed.
"""
import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OTHERS = ("assessment", "sweep", "post_activity")


def page_requests(app, year) -> dict:
    """{target key: a function making that target's request once (answers the response)} for
    every page and API target of bench/targets.py (all seven values of each unpacked)."""
    from bench.targets import page_targets
    _h, _r, targets = page_targets(app, year)
    return {key: (lambda client=client, path=path, headers=headers:
                  client.get(path, headers=headers))
            for key, _label, client, path, headers, _floor, _kind in targets}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("scenario", nargs="?", help="a target's key or one of " + ", ".join(OTHERS))
    parser.add_argument("--out")
    parser.add_argument("--list", action="store_true", help="print the scenarios and stop")
    args = parser.parse_args(argv)
    import sqlalchemy as sa

    from bench.web import post_bodies
    from bench.wsgi import make_app
    from extensions import db
    from services.clock import today

    app = make_app(args.url)
    year = today().year
    statements = []
    with app.app_context():
        engine = db.engine

    def listen(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split())[:160])

    pages = page_requests(app, year) if args.list or args.scenario not in OTHERS else {}
    if args.list or not args.scenario:
        print("\n".join([*pages, *OTHERS]))
        return
    if args.scenario not in pages and args.scenario not in OTHERS:
        sys.exit(f"unknown scenario {args.scenario!r}; one of: {', '.join([*pages, *OTHERS])}")
    try:
        from pyinstrument import Profiler
    except ImportError:
        sys.exit("pip install pyinstrument (a development tool; the bench itself does not need it)")

    def work():
        if args.scenario in pages:
            return pages[args.scenario]
        if args.scenario == "assessment":
            from services import assessments

            def one():
                with app.app_context():
                    assessments.create_assessment(None, 1, year)
                    db.session.flush()
                    db.session.rollback()
            return one
        if args.scenario == "sweep":
            from jobs.runner import run_job
            from models import JobRun, Notification

            def sweep():
                with app.app_context():
                    run_job("compliance_sweep", today())
                    db.session.execute(sa.delete(Notification).where(Notification.kind.in_(
                        ("compliance_reminder", "compliance_digest"))))
                    db.session.execute(sa.delete(JobRun))
                    db.session.commit()
            return sweep
        job = post_bodies(app, 1)[0]
        client = app.test_client()

        def post():
            r = client.post("/api/v1/activities", json=job["bodies"][0], headers=job["headers"])
            new_id = r.get_json()["id"]
            sa.event.remove(engine, "before_cursor_execute", listen) if sa.event.contains(
                engine, "before_cursor_execute", listen) else None
            with app.app_context():
                from models import Activity
                db.session.delete(db.session.get(Activity, new_id))
                db.session.commit()
        return post

    fn = work()
    fn()
    profiler = Profiler(interval=0.001)
    sa.event.listen(engine, "before_cursor_execute", listen)
    profiler.start()
    fn()
    profiler.stop()
    if sa.event.contains(engine, "before_cursor_execute", listen):
        sa.event.remove(engine, "before_cursor_execute", listen)
    text = profiler.output_text(unicode=False, color=False, show_all=False)
    shown = statements if len(statements) <= 60 else statements[:40] + [
        f"… {len(statements) - 40} more"]
    text += f"\n{len(statements)} SQL statements:\n" + "\n".join(f"  {s}" for s in shown)
    if args.out:
        Path(args.out).write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
