# ruff: noqa: S608 — SQL is composed from this module's constants only; values are bound parameters.
"""Floors: the aggregates each scenario shows, as hand-written SQL on one raw DB-API connection —
no ORM, no framework, no rendering. A scenario's ratio is its median over its floor's median.

Each floor is the minimal work: one query per distinct aggregate (figures derivable from another
query's rows, such as a total from its parts, are derived, not queried again), with the Home
filter written where it belongs (inside the grouped subquery).
"""
import json
import re
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
THRESHOLD = 5
ACTIVITY_TARGET = 4


class Raw:
    """One DB-API connection (sqlite3 or psycopg) with `:name` parameters for both."""

    def __init__(self, url: str):
        if url.startswith("sqlite"):
            import sqlite3
            self.dialect = "sqlite"
            self.conn = sqlite3.connect(url.split("///", 1)[1])
            self.month = "CAST(strftime('%m', {col}) AS INTEGER)"
        else:
            import psycopg
            self.dialect = "postgresql"
            self.conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
            self.month = "CAST(EXTRACT(month FROM {col}) AS INTEGER)"

    def sql(self, text: str) -> str:
        if self.dialect == "postgresql":
            return re.sub(r"(?<!:):(\w+)", r"%(\1)s", text)
        return text

    def value(self, v):
        if self.dialect == "sqlite":
            if isinstance(v, datetime):
                return v.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
            if isinstance(v, date):
                return v.isoformat()
            if isinstance(v, Decimal):
                return str(v)
        return v

    def all(self, text: str, **params):
        cur = self.conn.cursor()
        cur.execute(self.sql(text), {k: self.value(v) for k, v in params.items()})
        rows = cur.fetchall()
        cur.close()
        return rows

    def many(self, text: str, rows):
        cur = self.conn.cursor()
        cur.executemany(self.sql(text), [{k: self.value(v) for k, v in r.items()} for r in rows])
        cur.close()

    def rollback(self):
        self.conn.rollback()

    def commit(self):
        self.conn.commit()

    def close(self):
        self.conn.close()


def _bounds(year):
    start = datetime.combine(date(year, 1, 1), time(), SHANGHAI).astimezone(UTC)
    end = datetime.combine(date(year + 1, 1, 1), time(), SHANGHAI).astimezone(UTC)
    return {"s": date(year, 1, 1), "e": date(year, 12, 31), "ts": start, "te": end}


CONTACTED = """SELECT representative_id, COUNT(DISTINCT worker_id) AS n FROM contact_records
    WHERE date >= :s AND date <= :e {extra} GROUP BY representative_id"""
VERIFIED = "status = 'verified' AND date >= :s AND date <= :e"


# The province figures come from the summary tables (models/summary.py), so their floors read
# the same tables: compliance per Home from its active representatives and its level row at the
# threshold, activities from the Homes' years and the province's months, appeals from
# summary_appeals.
SUMMARY_COMPLIANCE = f"""SELECT h.home_id, COALESCE(l.representatives, 0), h.representatives
    FROM summary_home_representatives h LEFT JOIN summary_home_contact_levels l
    ON l.home_id = h.home_id AND l.year = :y AND l.level = {THRESHOLD}
    WHERE h.representatives > 0"""
SUMMARY_APPEALS = ("SELECT status, days, SUM(appeals) FROM summary_province_appeals "
                   "WHERE year = :y GROUP BY status, days")
SUMMARY_OPEN = ("SELECT SUM(appeals) FROM summary_province_appeals "
                "WHERE status IN ('received', 'forwarded')")


def province_page(raw: Raw, year: int):
    """Province dashboard: Homes, compliance per Home, theme × month, Home × theme, appeals of
    the year by status and days, open appeals (the five from the summary tables), ranking
    (KPIs, grades, statuses, expiring derived)."""
    return [
        raw.all("SELECT h.id, h.name, u.city, u.kind, h.status, h.expires_on FROM homes h "
                "JOIN units u ON u.id = h.unit_id ORDER BY h.name, h.id"),
        raw.all(SUMMARY_COMPLIANCE, y=year),
        raw.all("SELECT theme, month, SUM(activities), SUM(participants) "
                "FROM summary_province_months WHERE year = :y GROUP BY theme, month", y=year),
        raw.all("SELECT home_id, theme, SUM(activities) FROM summary_activity_years "
                "WHERE year = :y GROUP BY home_id, theme", y=year),
        raw.all("SELECT a.home_id, h.name, a.total, a.grade, a.status FROM assessments a "
                "JOIN homes h ON h.id = a.home_id WHERE a.year = :y "
                "ORDER BY a.total DESC, h.name", y=year),
        raw.all(SUMMARY_APPEALS, y=year),
        raw.all(SUMMARY_OPEN),
    ]


def dashboard_api(raw: Raw, year: int):
    """GET /dashboard for the province: active Homes, compliance (and the representatives
    counted), theme × month, appeals of the year and open appeals (all but the first from the
    summary tables)."""
    return [
        raw.all("SELECT COUNT(id) FROM homes WHERE status = 'active'"),
        raw.all(f"""SELECT SUM(COALESCE(l.representatives, 0)), SUM(h.representatives)
                FROM summary_home_representatives h LEFT JOIN summary_home_contact_levels l
                ON l.home_id = h.home_id AND l.year = :y AND l.level = {THRESHOLD}""", y=year),
        raw.all("SELECT theme, month, SUM(activities) FROM summary_province_months "
                "WHERE year = :y GROUP BY theme, month", y=year),
        raw.all(SUMMARY_APPEALS, y=year),
        raw.all(SUMMARY_OPEN),
    ]


def _home_contacts(raw: Raw, home_id: int, p: dict, columns="u.id, u.name"):
    extra = ("AND representative_id IN (SELECT id FROM users WHERE home_id = :h "
             "AND role = 'representative')")
    return raw.all(f"""SELECT {columns}, COALESCE(c.n, 0) FROM users u
        LEFT JOIN ({CONTACTED.format(extra=extra)}) c ON c.representative_id = u.id
        WHERE u.home_id = :h AND u.role = 'representative' AND u.active
        ORDER BY u.name, u.id""", h=home_id, **p)


def home_page(raw: Raw, year: int, home_id: int):
    """A Home's dashboard: its status, representatives with contacts (compliance derived),
    theme × month, organiser × month, its assessments, appeals of the year and open ones."""
    p = _bounds(year)
    month = raw.month.format(col="date")
    return [
        raw.all("SELECT status FROM homes WHERE id = :h", h=home_id),
        _home_contacts(raw, home_id, p),
        raw.all("SELECT theme, month, SUM(activities), SUM(participants) FROM summary_activities"
                " WHERE home_id = :h AND year = :y GROUP BY theme, month", h=home_id, y=year),
        raw.all(f"SELECT organizer_id, {month}, COUNT(id) FROM activities "
                f"WHERE home_id = :h AND {VERIFIED} GROUP BY organizer_id, {month}",
                h=home_id, **p),
        raw.all("SELECT a.home_id, a.total, a.grade, a.status FROM assessments a "
                "WHERE a.year = :y AND a.home_id = :h AND a.status = 'published'",
                y=year, h=home_id),
        raw.all("SELECT status, COUNT(id) FROM appeals WHERE home_id = :h AND created_at >= :ts "
                "AND created_at < :te GROUP BY status", h=home_id, **p),
        raw.all("SELECT COUNT(id) FROM appeals WHERE home_id = :h AND status IN "
                "('received', 'forwarded')", h=home_id),
    ]


def compliance_api(raw: Raw, year: int, home_id: int):
    """GET /compliance?home_id=: the Home's active representatives with distinct workers
    contacted (compliant and the rate derived)."""
    return [_home_contacts(raw, home_id, _bounds(year))]


def representatives_table(raw: Raw, year: int, home_id: int):
    """The representatives table of a Home: contacts, verified activities by theme in the year
    as organiser or co-organiser (once each), the latest one — one query."""
    p = _bounds(year)
    themes = ", ".join(
        f"SUM(CASE WHEN day >= :s AND theme = '{t}' THEN 1 ELSE 0 END)"
        for t in ("party_building", "window", "neighborhood", "innovation"))
    extra = ("AND representative_id IN (SELECT id FROM users WHERE home_id = :h "
             "AND role = 'representative')")
    return [raw.all(f"""
        WITH reps AS (SELECT id FROM users WHERE home_id = :h AND role = 'representative'),
        pairs AS (
            SELECT a.id AS aid, a.organizer_id AS uid, a.theme, a.date AS day FROM activities a
            WHERE a.status = 'verified' AND a.date <= :e AND a.organizer_id IN (SELECT id FROM reps)
            UNION
            SELECT a.id, co.user_id, a.theme, a.date FROM activities a
            JOIN activity_co_organizers co ON co.activity_id = a.id
            WHERE a.status = 'verified' AND a.date <= :e AND co.user_id IN (SELECT id FROM reps)),
        acts AS (SELECT uid, {themes}, MAX(day) AS last FROM pairs GROUP BY uid)
        SELECT u.id, u.name, u.username, u.level, u.work_unit, u.active, COALESCE(c.n, 0),
               acts.* FROM users u
        LEFT JOIN ({CONTACTED.format(extra=extra)}) c ON c.representative_id = u.id
        LEFT JOIN acts ON acts.uid = u.id
        WHERE u.home_id = :h AND u.role = 'representative' ORDER BY u.name, u.id""",
        h=home_id, **p)]


def _round2(x) -> Decimal:
    return Decimal(str(x)).quantize(Decimal("0.01"))


def assessment_batch(raw: Raw, year: int, *, committed: bool = False):
    """The SPEC §5.4 items of every active Home recognised by 30 June of `year` without an
    assessment of it, from grouped
    queries over all Homes at once, then the assessments and their items inserted (rolled back).
    `committed`: the assessment_drafts job's floor — its audit entries too, and committed."""
    p = _bounds(year)
    quarter = "CASE WHEN {m} <= 3 THEN 1 WHEN {m} <= 6 THEN 2 WHEN {m} <= 9 THEN 3 ELSE 4 END" \
        .format(m=raw.month.format(col="date"))
    homes = raw.all("SELECT id, venue_address, has_sign, has_facilities, management_rules "
                    "FROM homes WHERE status = 'active' AND (recognized_on IS NULL OR "
                    "recognized_on <= :cutoff) AND id NOT IN "
                    "(SELECT home_id FROM assessments WHERE year = :y) ORDER BY id", y=year,
                    cutoff=date(year, 6, 30))  # SPEC §5.4: recognised by 30 June of the year
    plans = {h: (plan, funding) for h, plan, funding in raw.all(
        "SELECT home_id, plan, funding FROM home_plans WHERE year = :y", y=year)}
    teams = dict(raw.all("SELECT home_id, COUNT(id) FROM service_team_members GROUP BY home_id"))
    themes = {}  # from the summary tables, as scoring.compute_many reads them
    for h, theme, n in raw.all("SELECT home_id, theme, activities FROM summary_activity_years "
                               "WHERE year = :y", y=year):
        themes.setdefault(h, {})[theme] = n
    quarters = {}
    for h, _q in raw.all(f"SELECT home_id, {quarter} FROM activities WHERE {VERIFIED} AND "
                         f"published GROUP BY home_id, {quarter}", **p):
        quarters[h] = quarters.get(h, 0) + 1
    rates = {h: (c or 0, t) for h, c, t in raw.all(SUMMARY_COMPLIANCE, y=year)}
    next_id = raw.all("SELECT COALESCE(MAX(id), 0) FROM assessments")[0][0] + 1
    next_item = raw.all("SELECT COALESCE(MAX(id), 0) FROM assessment_items")[0][0] + 1
    now = datetime.now(UTC)
    rows, items = [], []
    for h, venue, sign, facilities, rules in homes:
        compliant, total_reps = rates.get(h, (0, 0))
        plan, funding = plans.get(h, ("", 0))
        rate = compliant / total_reps if total_reps else 0
        scores = {
            "B1": _round2(4 * bool((venue or "").strip()) + 3 * bool(sign) + 3 * bool(facilities)),
            "B2": _round2(4 * bool(rules) + 4 * rate + 2 * quarters.get(h, 0) / 4),
            "B3": _round2(4 * bool((plan or "").strip()) + 3 * (Decimal(str(funding or 0)) > 0)
                          + 3 * (teams.get(h, 0) >= 1)),
        }
        for code, theme in (("A1", "party_building"), ("A2", "window"), ("A3", "neighborhood"),
                            ("A4", "innovation")):
            n = themes.get(h, {}).get(theme, 0)
            scores[code] = _round2(17.5 * min(1, n / ACTIVITY_TARGET))
        total = sum(scores.values(), Decimal("0"))
        grade = ("excellent" if total >= 90 else "good" if total >= 75 else "pass"
                 if total >= 60 else "fail")
        rows.append({"id": next_id, "h": h, "y": year, "t": total, "g": grade, "now": now})
        for code, score in scores.items():
            items.append({"id": next_item, "a": next_id, "c": code,
                          "m": Decimal("10") if code[0] == "B" else Decimal("17.5"), "s": score})
            next_item += 1
        next_id += 1
    raw.many("INSERT INTO assessments (id, home_id, year, total, grade, status, created_at, "
             "updated_at) VALUES (:id, :h, :y, :t, :g, 'draft', :now, :now)", rows)
    raw.many("INSERT INTO assessment_items (id, assessment_id, code, max_score, auto_score, reason)"
             " VALUES (:id, :a, :c, :m, :s, '')", items)
    if not committed:
        raw.rollback()
        return len(rows)
    # The job's floor: its audit entries too (SPEC §10), and committed as the job commits.
    raw.many("INSERT INTO audit_log (action, object_type, object_id, after, reason, created_at) "
             "VALUES ('create', 'assessments', :id, :after, '', :now)",
             [{"id": r["id"], "now": now, "after": json.dumps(
                 {"id": r["id"], "home_id": r["h"], "year": r["y"], "total": str(r["t"]),
                  "grade": r["g"], "status": "draft", "publicity_start": None,
                  "publicity_end": None, "finalized_at": None, "published_at": None,
                  "effects_applied_on": None})} for r in rows])
    raw.commit()
    return len(rows)


def compliance_sweep(raw: Raw, year: int, week: str):
    """The sweep's work: non-compliant active representatives of active Homes, one reminder each,
    and one digest per manager of their Homes — inserted and committed (the caller cleans up)."""
    p = _bounds(year)
    below = raw.all(f"""SELECT u.id, u.home_id, COALESCE(c.n, 0) FROM users u
        JOIN homes h ON h.id = u.home_id AND h.status = 'active'
        LEFT JOIN ({CONTACTED.format(extra='')}) c ON c.representative_id = u.id
        WHERE u.role = 'representative' AND u.active AND COALESCE(c.n, 0) < {THRESHOLD}""", **p)
    now = datetime.now(UTC)
    key = f"bench_floor:{week}"
    raw.many("INSERT INTO notifications (user_id, kind, title, body, link, dedupe_key, created_at)"
             " VALUES (:u, 'bench_floor', :t, :b, '', :k, :now)",
             [{"u": uid, "t": f"{year}年联系科技工作者尚未达标",
               "b": f"已联系 {n} 名，还差 {THRESHOLD - n} 名。", "k": key, "now": now}
              for uid, _h, n in below])
    homes = sorted({h for _u, h, _n in below})
    managers = raw.all("SELECT h.id, u.id FROM homes h JOIN users u ON u.unit_id = h.unit_id "
                       "WHERE u.role = 'home_manager' AND u.active") if homes else []
    wanted = set(homes)
    raw.many("INSERT INTO notifications (user_id, kind, title, body, link, dedupe_key, created_at)"
             " VALUES (:u, 'bench_floor', :t, :b, '', :k, :now)",
             [{"u": uid, "t": "本周未达标代表", "b": "", "k": key + ":digest", "now": now}
              for h, uid in managers if h in wanted])
    raw.commit()
    return len(below)


def clean_floor_notifications(raw: Raw):
    raw.all("DELETE FROM notifications WHERE kind = 'bench_floor' RETURNING id") \
        if raw.dialect == "postgresql" else raw.conn.execute(
            "DELETE FROM notifications WHERE kind = 'bench_floor'")
    raw.commit()


# --- exports, list pages, queues -------------------------------------------------------------

def province_export(raw: Raw, year: int):
    """The province's per-Home activity table as exported: the Homes and Home × theme."""
    return [
        raw.all("SELECT h.id, h.name, h.status FROM homes h JOIN units u ON u.id = h.unit_id "
                "ORDER BY h.name, h.id"),
        raw.all("SELECT home_id, theme, SUM(activities) FROM summary_activities WHERE year = :y "
                "GROUP BY home_id, theme", y=year),
    ]


def representatives_export(raw: Raw, year: int, home_id: int):
    """The representatives export of a Home: the table, then each representative's linked
    workers with their contacts in the year (the Home's own records only)."""
    p = _bounds(year)
    return representatives_table(raw, year, home_id) + [raw.all("""
        SELECT u.name, w.name, w.work_unit, w.field, w.mobile, COALESCE(c.n, 0) FROM users u
        JOIN worker_links l ON l.representative_id = u.id JOIN workers w ON w.id = l.worker_id
        LEFT JOIN (SELECT representative_id AS rid, worker_id AS wid, COUNT(id) AS n
                   FROM contact_records WHERE representative_id IN
                   (SELECT id FROM users WHERE home_id = :h AND role = 'representative')
                   AND date >= :s AND date <= :e GROUP BY representative_id, worker_id) c
          ON c.rid = u.id AND c.wid = w.id
        WHERE u.home_id = :h AND u.role = 'representative' ORDER BY u.name, w.name, w.id""",
        h=home_id, **p)]


ACTIVITY_COLUMNS = ("id, home_id, organizer_id, theme, kind, title, date, location, mode, "
                    "participants, summary, published, status, verifier_id, review_comment, "
                    "created_at, updated_at")


def _children(raw: Raw, ids):
    """The linked workers, co-organisers and attachments of a page of activities."""
    if not ids:
        return []
    marks = ", ".join(f":i{n}" for n in range(len(ids)))
    params = {f"i{n}": v for n, v in enumerate(ids)}
    return [raw.all(f"SELECT activity_id, {col} FROM {table} WHERE activity_id IN ({marks})",
                    **params)
            for table, col in (("activity_workers", "worker_id"),
                               ("activity_co_organizers", "user_id"),
                               ("attachments", "id, filename, content_type, size"))]


def activities_page(raw: Raw, page: int, per_page: int = 20):
    """GET /activities?page= for an admin: the count and one OFFSET page (ids from the index,
    then their rows), with its children."""
    total = raw.all("SELECT COUNT(id) FROM activities")
    rows = raw.all(f"SELECT {ACTIVITY_COLUMNS} FROM activities WHERE id IN (SELECT id FROM "
                   "activities ORDER BY date DESC, id DESC LIMIT :n OFFSET :o) "
                   "ORDER BY date DESC, id DESC", n=per_page, o=(page - 1) * per_page)
    return [total, rows, _children(raw, [r[0] for r in rows])]


def activities_after(raw: Raw, after, per_page: int = 20):
    """GET /activities?after= for an admin: per_page + 1 rows after (date, id), children."""
    if after is None:
        rows = raw.all(f"SELECT {ACTIVITY_COLUMNS} FROM activities ORDER BY date DESC, id DESC "
                       "LIMIT :n", n=per_page + 1)
    else:
        rows = raw.all(f"SELECT {ACTIVITY_COLUMNS} FROM activities WHERE (date, id) < (:d, :i) "
                       "ORDER BY date DESC, id DESC LIMIT :n", d=after[0], i=after[1],
                       n=per_page + 1)
    return [rows, _children(raw, [r[0] for r in rows[:per_page]])]


def queue(raw: Raw, home_id: int | None, per_page: int = 50):
    """The verification queue: submitted activities oldest first (of a Home, or all), the count
    and one page with organiser and Home, workers and attachments."""
    where = "a.status = 'submitted'" + (" AND a.home_id = :h" if home_id else "")
    params = {"h": home_id} if home_id else {}
    total = raw.all(f"SELECT COUNT(a.id) FROM activities a WHERE {where}", **params)
    rows = raw.all(f"""SELECT a.id, a.title, a.date, a.theme, a.submitted_at, u.name, h.name
        FROM activities a JOIN users u ON u.id = a.organizer_id JOIN homes h ON h.id = a.home_id
        WHERE {where} ORDER BY a.submitted_at, a.id LIMIT :n""", n=per_page, **params)
    return [total, rows, _children(raw, [r[0] for r in rows])[::2]]

