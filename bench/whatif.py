"""What if: the fixes RESULTS.md proposes, applied IN THIS PROCESS ONLY (monkeypatches, nothing in
the product changes), measured before and after on an already generated bench database.

    python bench/whatif.py sqlite:///bench/data/bench-1.db
    python bench/whatif.py postgresql+psycopg://postgres@127.0.0.1:5432/rephome_bench

- "once" (finding 1): services.dashboard computes the compliance of every Home and the activity
  statistics once per page (kpis' rate and verified count, and compliance_by_home, derive from them);
- "derived" (findings 3–5): a Home's rate and representative count derived from the contact rows
  the page or API loads anyway (dashboard kpis, api/compliance, manage/representatives), and the
  logged-in user loaded with its unit and Home in one statement (app.py load_user).
(A fix that has landed in the product leaves this list; RESULTS.md keeps what it measured.)
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


def derived_home_figures_patch(memo):
    """Findings 3–5: a Home's rate and representative count derived from the contact rows that
    the page or the API loads anyway (one grouping of the Home's contacts instead of two)."""
    from services import compliance, dashboard
    representatives, rate, active_reps = (compliance.representatives, dashboard.compliance_rate,
                                          dashboard.active_representatives)

    def rows(year, home_id):
        key = ("rows", year, home_id)
        if key not in memo:
            memo[key] = representatives(year, home_id=home_id)
        return memo[key]

    def memo_representatives(year, *, home_id=None, home_ids=None, include_inactive=False):
        ids = list(home_ids) if home_ids is not None else None
        if not include_inactive and (home_id is not None or (ids and len(ids) == 1)):
            return rows(year, home_id if home_id is not None else ids[0])
        return representatives(year, home_id=home_id, home_ids=home_ids,
                               include_inactive=include_inactive)

    def home_compliance(home_id, year):
        found = rows(year, home_id)
        return compliance.HomeCompliance(home_id, sum(r.compliant for r in found), len(found))

    def only_home(fallback, value):
        def inner(scope):
            if scope.home_id is not None and not (scope.city or scope.unit_kind):
                return value(home_compliance(scope.home_id, scope.year))
            return fallback(scope)
        return inner
    compliance.representatives = memo_representatives
    compliance.home = home_compliance
    compliance.home_rate = lambda home_id, year: home_compliance(home_id, year).rate
    dashboard.compliance_rate = only_home(rate, lambda c: c.rate)
    dashboard.active_representatives = only_home(active_reps, lambda c: c.total)


def user_loader_patch():
    """Finding 3: the logged-in user loaded with its unit and the unit's Home in one statement."""
    import sqlalchemy as sa

    from extensions import db, login_manager
    from models import Unit, User

    @login_manager.user_loader
    def load_user(user_id):
        user = db.session.scalar(sa.select(User).where(User.id == int(user_id)).options(
            sa.orm.joinedload(User.unit).joinedload(Unit.home)))
        return user if user is not None and user.active else None


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
    measure("once")
    derived_home_figures_patch(memo)
    user_loader_patch()
    measure("derived")
    raw.close()


if __name__ == "__main__":
    main(sys.argv[1])
