"""What if: the fixes RESULTS.md proposes, applied IN THIS PROCESS ONLY (monkeypatches, nothing in
the product changes), measured before and after on an already generated bench database.

    python bench/whatif.py sqlite:///bench/data/bench-1.db
    python bench/whatif.py postgresql+psycopg://postgres@127.0.0.1:5432/rephome_bench

services/dashboard.py: the compliance of every Home and the activity statistics computed once per
page (kpis' rate and verified count, and compliance_by_home, derived from them). (The first fix
measured here, Home-filtered compliance subqueries, has since landed in services/compliance.py.)
"""
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _median(fn, runs=5):
    fn()
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def once_per_page_patch(memo):
    """Fix 2: every Home's compliance and the activity statistics computed once per request."""
    from services import compliance, dashboard
    homes, stats = compliance.homes, dashboard.activity_stats

    def all_homes(year, home_ids=None):
        if home_ids is not None:
            home_ids = list(home_ids)
            if len(home_ids) <= 1:
                return homes(year, home_ids)
        key = ("homes", year)
        if key not in memo:
            memo[key] = homes(year)
        data = memo[key]
        return data if home_ids is None else {h: data[h] for h in home_ids if h in data}

    def activity_stats(scope):
        key = ("stats", scope)
        if key not in memo:
            memo[key] = stats(scope)
        return memo[key]
    compliance.homes = all_homes
    dashboard.activity_stats = activity_stats
    dashboard.verified_activities = lambda scope: activity_stats(scope).total


def main(url):
    from bench import floors
    from bench.run import page_targets
    from bench.wsgi import make_app
    from extensions import db
    from services import assessments
    from services.clock import today

    app = make_app(url)
    year = today().year
    _h, _r, targets = page_targets(app, year)
    raw = floors.Raw(url)
    memo = {}

    def measure(tag):
        for key, _label, client, path, headers, floor in targets:
            def hit(client=client, path=path, headers=headers):
                memo.clear()
                assert client.get(path, headers=headers).status_code == 200
            ms, floor_ms = _median(hit) * 1000, _median(lambda f=floor: f(raw)) * 1000
            print(f"{tag:<7} {key:<22} {ms:8.1f} ms  floor {floor_ms:7.1f} ms  "
                  f"×{ms / floor_ms:5.2f}", flush=True)

        def one():
            with app.app_context():
                assessments.create_assessment(None, 1, year)
                db.session.flush()
                db.session.rollback()
        print(f"{tag:<7} {'create_assessment(1)':<22} {_median(one, 3) * 1000:8.1f} ms "
              "(one Home; the batch is 57 of these)", flush=True)

    measure("before")
    once_per_page_patch(memo)
    measure("after")
    raw.close()


if __name__ == "__main__":
    main(sys.argv[1])
