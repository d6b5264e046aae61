"""The app as the bench serves it: the product's factory with a bench configuration, plus one
trivial endpoint, /bench/ping, that exists only here (the framework's ceiling for throughput).

gunicorn: `gunicorn 'bench.wsgi:create()'` with BENCH_DATABASE_URL set.
"""
import os
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def bench_config(database_url: str) -> dict:
    """The product's defaults with the bench database; CSRF and rate limits off (the bench logs in
    and posts faster than any person), no scheduler, no mail, and no second factor: the bench logs
    its administrators in many times within one TOTP step, and a code is accepted once (a page
    costs the same either way: the per-request check reads the same user attribute)."""
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "bench-secret-key-not-for-production",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SCHEDULER_ENABLED": False,
        "MAIL_SERVER": "",
        "SECOND_FACTOR": "off",
        "UPLOAD_DIR": str(DATA_DIR / "uploads"),
    }


def make_app(database_url: str):
    """The product app on `database_url`, with /bench/ping."""
    from app import create_app

    app = create_app(bench_config(database_url))

    def ping():
        return "pong"

    app.add_url_rule("/bench/ping", "bench_ping", ping)
    app.add_url_rule("/bench/auth-ping", "bench_auth_ping", auth_ping)
    app.add_url_rule("/bench/post-floor", "bench_post_floor", post_floor, methods=["POST"])
    app.add_url_rule("/bench/signin-floor/<code>", "bench_signin_floor", signin_floor,
                     methods=["POST"])
    return app


def auth_ping():
    """One authenticated trivial request: the bearer token checked as every API call does it
    (blueprints/api/auth.py), then a constant answer — the fixed cost under every small API
    endpoint (its floor is its SQL plus this)."""
    from flask import jsonify

    from blueprints.api.auth import api_user, token_required

    @token_required
    def view():
        return jsonify({"id": api_user().id})
    return view()


def post_floor():
    """The write floor of POST /api/v1/activities: the same rows (token lookup, the activity, its
    worker, the SPEC §5.1 contact record, its summary rows — one upsert per summary table, as
    services/summaries/writes.py writes them — the audit entry, sealed into the hash chain as every
    commit seals it: the chain's lock, its head, the hash, one UPDATE — services/audit/chain.py's
    `seal`, itself four Core statements) in plain SQL, one commit — no ORM, validation or schema.
    Bench only: it trusts its input. `?chain=0` leaves the entry unsealed, to show what the chain
    costs; the bench seals those entries afterwards (`seal_leftovers`), so the chain stays whole."""
    import hashlib
    import json
    from datetime import UTC, date, datetime

    import sqlalchemy as sa
    from flask import jsonify, request

    from extensions import db
    from models.summary import CONTACT_LEVEL_CAP
    from services.audit import seal

    data = request.get_json()
    raw = request.headers.get("Authorization", "").partition(" ")[2]
    conn = db.session.connection()
    user_id, home_id = conn.execute(sa.text(
        "SELECT u.id, u.home_id FROM api_tokens t JOIN users u ON u.id = t.user_id "
        "WHERE t.token_hash = :h"), {"h": hashlib.sha256(raw.encode()).hexdigest()}).one()
    now = datetime.now(UTC).replace(tzinfo=None) if conn.dialect.name == "sqlite" \
        else datetime.now(UTC)
    day = date.fromisoformat(data["date"])
    activity_id = conn.execute(sa.text(
        "INSERT INTO activities (home_id, organizer_id, theme, kind, title, date, location, mode, "
        "participants, summary, published, status, submitted_at, review_comment, created_at, "
        "updated_at) VALUES (:home, :user, :theme, :kind, :title, :day, :location, :mode, :n, "
        ":summary, false, 'submitted', :now, '', :now, :now) RETURNING id"),
        {"home": home_id, "user": user_id, "theme": data["theme"], "kind": data["kind"],
         "title": data["title"], "day": day, "location": data["location"], "mode": data["mode"],
         "n": data["participants"], "summary": data["summary"], "now": now}).scalar_one()
    for worker_id in data["worker_ids"]:
        conn.execute(sa.text("INSERT INTO activity_workers (activity_id, worker_id) VALUES (:a, :w)"),
                     {"a": activity_id, "w": worker_id})
        conn.execute(sa.text(
            "INSERT INTO contact_records (representative_id, worker_id, date, channel, summary, "
            "activity_id, created_at, updated_at) VALUES (:u, :w, :day, 'activity', :s, :a, :now, "
            ":now)"), {"u": user_id, "w": worker_id, "day": day, "s": "活动：" + data["title"],
                       "a": activity_id, "now": now})
    conn.execute(sa.text(  # the Home's submitted count (the verification queue), as the product
        "INSERT INTO summary_home_submitted (home_id, activities) VALUES (:h, 1) "
        "ON CONFLICT (home_id) DO UPDATE SET activities = summary_home_submitted.activities "
        "+ excluded.activities"), {"h": home_id})
    for worker_id in data["worker_ids"]:  # the summary rows: atomic upserts, as the product
        n = conn.execute(sa.text(
            "INSERT INTO summary_contacts (representative_id, worker_id, year, contacts) "
            "VALUES (:u, :w, :y, 1) ON CONFLICT (representative_id, worker_id, year) "
            "DO UPDATE SET contacts = summary_contacts.contacts + excluded.contacts "
            "RETURNING contacts"), {"u": user_id, "w": worker_id, "y": day.year}).scalar_one()
        if n == 1:
            workers = conn.execute(sa.text(
                "INSERT INTO summary_representative_years (representative_id, year, workers) "
                "VALUES (:u, :y, 1) ON CONFLICT (representative_id, year) "
                "DO UPDATE SET workers = summary_representative_years.workers + excluded.workers "
                "RETURNING workers"), {"u": user_id, "y": day.year}).scalar_one()
            if workers <= CONTACT_LEVEL_CAP:  # one more level row of the Home
                query = ("SELECT home_id FROM users WHERE id = :u FOR SHARE"
                         if conn.dialect.name == "postgresql"
                         else "SELECT home_id FROM users WHERE id = :u")
                home = conn.execute(sa.text(query), {"u": user_id}).scalar_one()
                conn.execute(sa.text(
                    "INSERT INTO summary_home_contact_levels (home_id, year, level, "
                    "representatives) VALUES (:h, :y, :k, 1) ON CONFLICT (home_id, year, level) "
                    "DO UPDATE SET representatives = summary_home_contact_levels.representatives"
                    " + excluded.representatives"), {"h": home, "y": day.year, "k": workers})
    conn.execute(sa.text(
        "INSERT INTO audit_log (actor_id, action, object_type, object_id, after, reason, created_at)"
        " VALUES (:u, 'create', 'Activity', :a, :after, '', :now)"),
        {"u": user_id, "a": activity_id, "after": json.dumps(data, ensure_ascii=False), "now": now})
    if request.args.get("chain") != "0":  # ?chain=0: left unsealed (the chain's cost, bench only)
        seal(db.session)
    db.session.commit()
    return jsonify({"id": activity_id}), 201


def seal_leftovers(app) -> int:
    """Seal the entries `/bench/post-floor?chain=0` left unsealed (one `seal`, as a commit would);
    how many."""
    from extensions import db
    from services.audit import seal
    with app.app_context():
        sealed = seal(db.session)
        db.session.commit()
    return sealed


def signin_floor(code):
    """The write floor of a sign-in at the door (POST /s/{code}): the sign-in row locked by a
    counting UPDATE (as services/signin/attending.py serialises an activity's sign-ins), the
    mobile looked up, the attendee inserted, one commit — plain SQL, no validation, session or
    rendering. Bench only: it trusts its form. Answers 303 like the page."""
    from datetime import UTC, datetime

    import sqlalchemy as sa
    from flask import request

    from extensions import db

    conn = db.session.connection()
    form = request.form
    now = datetime.now(UTC).replace(tzinfo=None) if conn.dialect.name == "sqlite" \
        else datetime.now(UTC)
    activity_id, number = conn.execute(sa.text(
        "UPDATE activity_signins SET last_attendee_no = last_attendee_no + 1 "
        "WHERE code = :c AND closed_at IS NULL AND closes_at >= :now "
        "RETURNING activity_id, last_attendee_no"), {"c": code, "now": now}).one()
    found = conn.execute(sa.text("SELECT attendee_no FROM attendees WHERE activity_id = :a AND "
                                 "mobile = :m"), {"a": activity_id, "m": form["mobile"]}).first()
    if found is None:
        conn.execute(sa.text(
            "INSERT INTO attendees (activity_id, attendee_no, name, mobile, work_unit, field, "
            "is_worker, proxy, signed_at, worker_note, created_at, updated_at) VALUES (:a, :n, "
            ":name, :m, :unit, :field, false, false, :now, '', :now, :now)"),
            {"a": activity_id, "n": number, "name": form["name"], "m": form["mobile"],
             "unit": form.get("work_unit", ""), "field": form.get("field", ""), "now": now})
    db.session.commit()
    return "", 303, {"Location": f"/s/{code}/done"}


def create():
    """gunicorn's factory: the database comes from BENCH_DATABASE_URL."""
    return make_app(os.environ["BENCH_DATABASE_URL"])
