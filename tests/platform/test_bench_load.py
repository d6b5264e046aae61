"""The bench's load driver and sign-in load (bench/load.py, bench/web.py): latency percentiles,
fresh valid mobiles per request, sign-in jobs on the seeded open sign-ins."""
import pytest

from bench.load import percentiles
from services.validation import normalize_mobile


def test_percentiles_are_nearest_rank_in_milliseconds():
    samples = [i / 1000 for i in range(1, 101)]  # 1 … 100 ms
    assert percentiles(samples) == {"p50_ms": pytest.approx(50), "p95_ms": pytest.approx(95)}
    assert percentiles([0.2]) == {"p50_ms": pytest.approx(200), "p95_ms": pytest.approx(200)}
    assert percentiles([]) == {"p50_ms": None, "p95_ms": None}


def test_signin_jobs_give_each_thread_an_open_signin_and_fresh_valid_mobiles(app, db):
    from bench.generate import generate
    from bench.web import signin_jobs
    generate(0.002, analyze=False)
    jobs = signin_jobs(app, 3, 5, "/s/{code}")
    paths = [job["path"] for job in jobs]
    assert len(set(paths)) == 3 and all(p.startswith("/s/") for p in paths)
    assert all(job["ok"] == [303] for job in jobs)
    template = jobs[0]["form"]["mobile"]
    mobiles = {template.format(t=t, n=n) for t in range(3) for n in (0, 1, 9_999_999)}
    assert len(mobiles) == 9
    assert all(normalize_mobile(m) == m and len(m) == 11 for m in mobiles)
    # the floor's path takes the same code
    floor = signin_jobs(app, 3, 6, "/bench/signin-floor/{code}")
    assert [j["path"].rsplit("/", 1)[1] for j in floor] == [p.rsplit("/", 1)[1] for p in paths]


def test_write_floors_seal_their_audit_entry_and_the_chain_stays_whole(app, db):
    """/bench/post-floor seals its audit entry as a commit does (?chain=0 leaves it for
    seal_leftovers); /bench/signin-floor numbers an attendee after the seeded ones."""
    import sqlalchemy as sa

    from bench.generate import generate
    from bench.web import post_bodies, signin_jobs
    from bench.wsgi import make_app, seal_leftovers
    from models import Attendee, AuditLog
    from services.audit.verify import verify_chain
    generate(0.002, analyze=False)
    bench_app = make_app(app.config["SQLALCHEMY_DATABASE_URI"])
    job = post_bodies(bench_app, 1)[0]
    client = bench_app.test_client()

    def last_entry():
        db.session.rollback()
        return db.session.scalar(sa.select(AuditLog).order_by(AuditLog.id.desc()).limit(1))
    seeded = last_entry()
    r = client.post("/bench/post-floor", json=job["bodies"][0], headers=job["headers"])
    assert r.status_code == 201
    entry = last_entry()
    assert entry.id > seeded.id and entry.seq == seeded.seq + 1 and entry.hash
    assert (entry.action, entry.object_id) == ("create", r.get_json()["id"])
    r = client.post("/bench/post-floor?chain=0", json=job["bodies"][1], headers=job["headers"])
    assert r.status_code == 201 and last_entry().seq is None
    assert not verify_chain().ok  # a committed entry left unsealed is named …
    assert seal_leftovers(bench_app) == 1
    verdict = verify_chain()  # … until sealed
    assert verdict.ok and verdict.checked == seeded.seq + 2
    code = signin_jobs(bench_app, 1, 3, "{code}")[0]["path"]
    for path, mobile in ((f"/bench/signin-floor/{code}", "13900000001"),
                         (f"/s/{code}", "13900000002")):
        r = client.post(path, data={"name": "签到人", "mobile": mobile, "website": ""})
        assert r.status_code == 303, path
    db.session.rollback()
    numbers = db.session.scalars(sa.select(Attendee.attendee_no).where(
        Attendee.mobile.in_(("13900000001", "13900000002"))).order_by(Attendee.attendee_no)).all()
    assert numbers == [1, 2]
