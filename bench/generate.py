"""`flask seed-bench --scale N [--years Y] [--force]`: a deterministic province for the benchmark.

Per unit of scale: 60 Homes (one host unit and one manager each), 6,000 representatives (levels
spread), 30,000 sci-tech workers with their links, 150,000 contact records (direct ones plus the
`activity` ones SPEC §5.1 implies), 120,000 activities per year spread over themes, kinds, months
and statuses (mostly verified), 20,000 appeals per year, work plans, service teams and the
published assessments of the year before the first generated one.

Speed: rows are built as tuples from one seeded `random.Random` and written with the driver
directly (executemany on SQLite, COPY on PostgreSQL) inside one transaction — no ORM objects.
Every user shares one password hash (BENCH_PASSWORD). Dates run from 1 January of the first year
to today (Asia/Shanghai); nothing is dated in the future.
"""
import functools
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from extensions import db
from models import ITEMS
from models.enums import (
    JIANGSU_CITIES,
    THEME_KINDS,
    ActivityMode,
    AppealCategory,
    AssessmentStatus,
    ContactChannel,
    Level,
    UnitKind,
)

BENCH_PASSWORD = "bench-password-2026"  # noqa: S105 — the bench's published password
ADMIN_USERNAME = "bench_admin"
SEED = 20260101

PER_SCALE = {"homes": 60, "representatives": 6000, "workers": 30000, "contacts": 150000,
             "activities": 120000, "appeals": 20000}

#: Activity status mix (mostly verified) and appeal status mix.
ACTIVITY_STATUSES = (("verified", 80), ("submitted", 10), ("returned", 5), ("draft", 5))
APPEAL_STATUSES = (("received", 25), ("forwarded", 15), ("resolved", 45), ("closed", 15))
LEVELS = ((Level.PROVINCE.value, 10), (Level.CITY.value, 30), (Level.COUNTY.value, 60))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力鹏宇浩然思远志国"
FIELDS = ("材料科学", "电子信息", "生物医药", "农业技术", "机械制造", "化学化工", "环境工程",
          "计算机", "土木建筑", "能源动力", "临床医学", "数学统计")


@functools.cache
def _password_hash() -> str:
    """One scrypt hash of BENCH_PASSWORD shared by every user (hashing costs ~50 ms)."""
    return generate_password_hash(BENCH_PASSWORD)


def counts_for(scale: float, years: int = 1) -> dict:
    """The number of rows of each kind at `scale` (activities, contacts and appeals per year)."""
    n = {key: max(1, round(per * scale)) for key, per in PER_SCALE.items()}
    n["representatives"] = max(n["representatives"], n["homes"])
    for key in ("contacts", "activities", "appeals"):
        n[key] *= years
    return n


@dataclass
class Rows:
    """Column names and row tuples of each table, in insertion order."""

    tables: dict = field(default_factory=dict)

    def add(self, table: str, columns: tuple, rows: list) -> None:
        self.tables[table] = (columns, rows)

    def count(self, table: str) -> int:
        return len(self.tables[table][1]) if table in self.tables else 0


def _name(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < .6 else "")


def _weighted(rng, pairs, k):
    values = [v for v, _ in pairs]
    weights = [w for _, w in pairs]
    return rng.choices(values, weights, k=k)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _instant(day: date, rng, now: datetime) -> datetime:
    """A working-hours instant of `day` (Asia/Shanghai 09:00–18:00) in UTC, never after now."""
    moment = datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC) + timedelta(
        seconds=rng.randrange(9 * 3600))
    return min(moment, now)


def build(scale: float, years: int = 1, *, today: date, seed: int = SEED) -> Rows:
    """Every row of the bench province as tuples (pure: no database)."""
    rng = random.Random(seed)
    n = counts_for(scale, years)
    now = datetime.now(UTC)
    first = date(today.year - years + 1, 1, 1)
    span = (today - first).days + 1
    days = [first + timedelta(days=i) for i in range(span)]
    ts = now - timedelta(days=400)  # created_at/updated_at of reference rows
    out = Rows()
    password_hash = _password_hash()

    # Units and Homes: Home 1 is the largest (its weight is about twice the others').
    n_homes = n["homes"]
    units, homes = [], []
    kinds = []
    for i in range(n_homes):
        if i % 6 == 4:
            kind, city = UnitKind.PROVINCIAL_SOCIETY.value, None
        elif i % 6 == 5:
            kind, city = UnitKind.ENTERPRISE_ASSOCIATION.value, JIANGSU_CITIES[i % 13]
        else:
            kind, city = UnitKind.CITY_ASSOCIATION.value, JIANGSU_CITIES[i % 13]
        kinds.append(kind)
        units.append((i + 1, f"基准依托单位{i + 1:04d}", kind, city, f"{city or '南京市'}科技路{i + 1}号",
                      "210000", _name(rng), "025-8000" + f"{i:04d}"[-4:], "", f"unit{i + 1}@bench.local",
                      True, ts, ts))
        expired = i > 0 and rng.random() < 0.05
        if expired:
            recognized = today - timedelta(days=800 + rng.randrange(300))
            status = "expired"
        else:
            recognized = today - timedelta(days=30 + rng.randrange(680))
            status = "active"
        homes.append((i + 1, i + 1, f"基准代表之家{i + 1:04d}", status, recognized,
                      _add_years(recognized, 2), f"科技路{i + 1}号" if rng.random() < .9 else "",
                      rng.random() < .85, rng.random() < .8, rng.random() < .75, ts, ts))
    out.add("units", ("id", "name", "kind", "city", "address", "postcode", "contact_person",
                      "phone", "fax", "email", "active", "created_at", "updated_at"), units)
    out.add("homes", ("id", "unit_id", "name", "status", "recognized_on", "expires_on",
                      "venue_address", "has_sign", "has_facilities", "management_rules",
                      "created_at", "updated_at"), homes)

    # Users: the admin, one manager per Home, the representatives.
    user_cols = ("id", "username", "name", "password_hash", "role", "active", "mobile", "email",
                 "unit_id", "home_id", "level", "work_unit", "speciality", "created_at",
                 "updated_at")
    users = [(1, ADMIN_USERNAME, "省科协基准管理员", password_hash, "provincial_admin", True, "", "",
              None, None, None, "", "", ts, ts)]
    manager_of = {}
    for i in range(n_homes):
        uid = 2 + i
        manager_of[i + 1] = uid
        users.append((uid, f"bench_mgr_{i + 1:04d}", _name(rng), password_hash, "home_manager",
                      True, f"139{uid:08d}", "", i + 1, None, None, "", "", ts, ts))
    weights = [2.2] + [rng.uniform(0.5, 1.5) for _ in range(n_homes - 1)]
    rep_home = rng.choices(range(1, n_homes + 1), weights, k=n["representatives"])
    rep_home[0] = 1
    rep_levels = _weighted(rng, LEVELS, n["representatives"])
    first_rep = 2 + n_homes
    reps = []
    reps_of_home: dict[int, list[int]] = {}
    for j, (home_id, level) in enumerate(zip(rep_home, rep_levels, strict=True)):
        uid = first_rep + j
        active = rng.random() > 0.02
        reps.append((uid, home_id, active))
        if active:
            reps_of_home.setdefault(home_id, []).append(uid)
        users.append((uid, f"bench_rep_{j + 1:06d}", _name(rng), password_hash, "representative",
                      active, f"138{uid:08d}", f"rep{j + 1}@bench.local", None, home_id, level,
                      f"基准工作单位{rng.randrange(500)}", rng.choice(FIELDS), ts, ts))
    out.add("users", user_cols, users)
    rep_ids = [r[0] for r in reps]
    home_of = {r[0]: r[1] for r in reps}

    # Plans for the generated years and the year before; service teams.
    plans, team = [], []
    for i in range(n_homes):
        for year in range(first.year - 1, today.year + 1):
            if rng.random() < .85:
                plans.append((len(plans) + 1, i + 1, year, f"{year}年度工作计划：联系服务科技工作者。",
                              Decimal(rng.choice((0, 20000, 50000, 80000))), ts, ts))
        for _ in range(rng.choice((0, 1, 2, 3))):
            team.append((len(team) + 1, i + 1, _name(rng), rng.choice(("联络员", "秘书", "志愿者")),
                         ts, ts))
    out.add("home_plans", ("id", "home_id", "year", "plan", "funding", "created_at", "updated_at"),
            plans)
    out.add("service_team_members", ("id", "home_id", "name", "duty", "created_at", "updated_at"),
            team)

    # Workers, each linked by one representative; one in ten also by a colleague of the Home.
    workers, links = [], []
    linked: dict[int, list[int]] = {}
    for w in range(1, n["workers"] + 1):
        rep = rng.choice(rep_ids)
        workers.append((w, _name(rng), f"基准工作单位{rng.randrange(500)}", rng.choice(FIELDS),
                        f"137{w:08d}", "", rep, ts, ts))
        links.append((rep, w, ts, ts))
        linked.setdefault(rep, []).append(w)
        if rng.random() < 0.1:
            colleagues = reps_of_home.get(home_of[rep], [])
            other = rng.choice(colleagues) if colleagues else rep
            if other != rep:
                links.append((other, w, ts, ts))
                linked.setdefault(other, []).append(w)
    out.add("workers", ("id", "name", "work_unit", "field", "mobile", "email", "created_by_id",
                        "created_at", "updated_at"), workers)
    out.add("worker_links", ("representative_id", "worker_id", "created_at", "updated_at"), links)

    # Activities (organised by representatives, some by managers), their workers and co-organisers.
    statuses = _weighted(rng, ACTIVITY_STATUSES, n["activities"])
    themes = list(THEME_KINDS)
    modes = [m.value for m in ActivityMode]
    activities, act_workers, co_orgs, contacts = [], [], [], []
    contact_cols = ("id", "representative_id", "worker_id", "date", "channel", "summary",
                    "activity_id", "created_at", "updated_at")
    for a in range(1, n["activities"] + 1):
        if rng.random() < 0.92:
            organizer = rng.choice(rep_ids)
            home_id = home_of[organizer]
        else:
            home_id = rng.randrange(1, n_homes + 1)
            organizer = manager_of[home_id]
        theme = rng.choice(themes)
        kind = rng.choice(THEME_KINDS[theme])
        day = rng.choice(days)
        status = statuses[a - 1]
        created = _instant(day, rng, now)
        submitted = created if status != "draft" else None
        reviewed = status in ("verified", "returned")
        verified_at = min(created + timedelta(days=2), now) if reviewed else None
        title = f"{kind.label}活动（第{a}期）"
        activities.append((
            a, home_id, organizer, theme.value, kind.value, title, day, f"活动地点{a % 97}",
            rng.choice(modes), rng.randrange(5, 200), f"{theme.label}·{kind.label}活动纪要。",
            status == "verified" and rng.random() < 0.6, status, submitted,
            manager_of[home_id] if reviewed else None, verified_at,
            "请补充活动照片" if status == "returned" else "", created, created))
        own = linked.get(organizer)
        if own and rng.random() < 0.25:
            chosen = rng.sample(own, min(len(own), rng.randint(1, 3)))
            for w in chosen:
                act_workers.append((a, w))
                if status in ("submitted", "verified"):  # SPEC §5.1: one contact per worker
                    contacts.append((len(contacts) + 1, organizer, w, day, "activity",
                                     f"活动：{title}", a, created, created))
        if organizer in home_of and rng.random() < 0.05:
            colleagues = reps_of_home.get(home_id, [])
            co = rng.choice(colleagues) if colleagues else organizer
            if co != organizer:
                co_orgs.append((a, co))
    out.add("activities", ("id", "home_id", "organizer_id", "theme", "kind", "title", "date",
                           "location", "mode", "participants", "summary", "published", "status",
                           "submitted_at", "verifier_id", "verified_at", "review_comment",
                           "created_at", "updated_at"), activities)
    out.add("activity_workers", ("activity_id", "worker_id"), act_workers)
    out.add("activity_co_organizers", ("activity_id", "user_id"), co_orgs)

    # Direct contact records: each representative contacts a share of their linked workers (some
    # fewer than five, so compliance varies), every pair at least once, the rest spread at random.
    pairs = []
    for rep in rep_ids:
        own = linked.get(rep, [])
        if own:
            share = rng.uniform(0.4, 1.0)
            pairs += [(rep, w) for w in rng.sample(own, max(1, round(len(own) * share)))]
    rng.shuffle(pairs)
    budget = max(0, n["contacts"] - len(contacts))
    chosen_pairs = pairs[:budget] + [rng.choice(pairs) for _ in range(budget - len(pairs))] \
        if pairs else []
    channels = [c.value for c in ContactChannel if c != ContactChannel.ACTIVITY]
    for rep, w in chosen_pairs:
        day = rng.choice(days)
        created = _instant(day, rng, now)
        contacts.append((len(contacts) + 1, rep, w, day, rng.choice(channels), "电话沟通科研进展",
                         None, created, created))
    out.add("contact_records", contact_cols, contacts)

    # Appeals, dated over the same span; open ones are received or forwarded.
    categories = [c.value for c in AppealCategory]
    appeal_statuses = _weighted(rng, APPEAL_STATUSES, n["appeals"])
    appeals = []
    for i in range(1, n["appeals"] + 1):
        rep = rng.choice(rep_ids)
        own = linked.get(rep)
        worker = rng.choice(own) if own and rng.random() < 0.7 else None
        status = appeal_statuses[i - 1]
        created = _instant(rng.choice(days), rng, now)
        done = status in ("resolved", "closed")
        home_id = home_of[rep]
        appeals.append((i, rep, home_id, worker, rng.choice(categories),
                        f"关于{rng.choice(FIELDS)}的诉求建议（{i}）", status,
                        "已协调解决" if done else "", manager_of[home_id] if status != "received"
                        else None, min(created + timedelta(days=5), now) if done else None,
                        created, created))
    out.add("appeals", ("id", "representative_id", "home_id", "worker_id", "category", "content",
                        "status", "response", "handled_by_id", "resolved_at", "created_at",
                        "updated_at"), appeals)

    # Published assessments of the year before the first generated year.
    year = first.year - 1
    assessments, items = [], []
    for i in range(n_homes):
        scores = {}
        for code, (maximum, _label) in ITEMS.items():
            scores[code] = (maximum * Decimal(rng.randint(55, 100)) / 100).quantize(Decimal("0.01"))
        total = sum(scores.values(), Decimal("0"))
        grade = ("excellent" if total >= 90 else "good" if total >= 75 else "pass" if total >= 60
                 else "fail")
        start = date(year + 1, 1, 20)
        end = start + timedelta(days=6)
        published = datetime(year + 1, 1, 20, 2, tzinfo=UTC)
        assessments.append((i + 1, i + 1, year, total, grade, AssessmentStatus.PUBLISHED.value,
                            start, end, published, published, end + timedelta(days=1), ts, ts))
        for code, score in scores.items():
            items.append((len(items) + 1, i + 1, code, ITEMS[code][0], score, None, ""))
    out.add("assessments", ("id", "home_id", "year", "total", "grade", "status",
                            "publicity_start", "publicity_end", "finalized_at", "published_at",
                            "effects_applied_on", "created_at", "updated_at"), assessments)
    out.add("assessment_items", ("id", "assessment_id", "code", "max_score", "auto_score",
                                 "override_score", "reason"), items)
    return out


# ------------------------------------------------------------------------------------ writing

def _sqlite_converter(value):
    """How SQLAlchemy's SQLite types store a Python value (None: as it is)."""
    if isinstance(value, datetime):  # naive UTC text, as UTCDateTime stores it (build() makes
        return lambda v: str(v)[:19]  # every instant in UTC; sub-seconds are dropped)
    if isinstance(value, date):
        return date.isoformat
    if isinstance(value, Decimal):
        return str
    return None


def _sqlite_rows(data: list) -> list:
    """The rows with dates, timestamps and decimals as SQLite text; only those columns touched."""
    converters = {}
    for row in data[:200]:
        for i, value in enumerate(row):
            if i not in converters and value is not None:
                converters[i] = _sqlite_converter(value)
    todo = [(i, f) for i, f in converters.items() if f is not None]
    if not todo:
        return data
    out = []
    for row in data:
        row = list(row)
        for i, f in todo:
            if row[i] is not None:
                row[i] = f(row[i])
        out.append(row)
    return out


def write(connection: sa.Connection, rows: Rows, chunk: int = 20000) -> None:
    """Insert every table's rows through the driver: executemany (SQLite) or COPY (PostgreSQL)."""
    dialect = connection.dialect.name
    raw = connection.connection.dbapi_connection
    cursor = raw.cursor()
    if dialect == "sqlite":  # a large page cache for the load only (random index inserts)
        cursor.execute("PRAGMA cache_size=-262144")
    rebuild = _drop_indexes(cursor, list(rows.tables)) if dialect == "postgresql" else []
    for table, (columns, data) in rows.tables.items():
        if not data:
            continue
        names = ", ".join(columns)
        if dialect == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in data:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 — our table names
            for start in range(0, len(data), chunk):
                cursor.executemany(sql, _sqlite_rows(data[start:start + chunk]))
    for definition in rebuild:  # one sorted build per index instead of 4 M random inserts
        cursor.execute(definition)
    if dialect == "postgresql":
        for table in rows.tables:
            if "id" in rows.tables[table][0]:
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                               f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)")
    else:
        cursor.execute("PRAGMA cache_size=-2000")  # back to SQLite's default for this connection
    cursor.close()


def _drop_indexes(cursor, tables: list[str]) -> list[str]:
    """PostgreSQL bulk load: drop the secondary indexes of the loaded tables (not those backing
    a primary key or unique constraint) and return their definitions to build them again after
    COPY; a superuser also skips the foreign-key triggers for the load (the generated rows are
    consistent by construction). All inside the load's transaction."""
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if cursor.fetchone()[0]:
        cursor.execute("SET LOCAL session_replication_role = replica")
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
        "AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        "WHERE c.conname = i.indexname)", (tables,))
    found = cursor.fetchall()
    for name, _definition in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


def is_empty() -> bool:
    from models import Home, Unit, User
    return not any(db.session.scalar(sa.select(sa.func.count()).select_from(m))
                   for m in (Unit, Home, User))


def wipe() -> None:
    """Delete every row of every table of the model (the schema stays)."""
    db.session.commit()
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


def generate(scale: float, years: int = 1, *, force: bool = False, seed: int = SEED,
             today: date | None = None, analyze: bool = True) -> dict:
    """Fill the database with the bench province; returns row counts and timings (seconds).
    Refuses (RuntimeError) a non-empty database unless `force`, which wipes it first."""
    from services.clock import today as clock_today
    if scale <= 0:
        raise ValueError("scale must be positive")
    if years < 1:
        raise ValueError("years must be at least 1")
    if not is_empty():
        if not force:
            raise RuntimeError("数据库不为空：使用 --force 清空后重新生成")
        wipe()
    started = time.perf_counter()
    rows = build(scale, years, today=today or clock_today(), seed=seed)
    built = time.perf_counter()
    connection = db.session.connection()
    write(connection, rows)
    wrote = time.perf_counter()
    from services import summaries
    summaries.rebuild()  # the summary tables from the rows just written (issue 14)
    db.session.commit()
    written = time.perf_counter()
    if analyze:  # fresh statistics after a bulk load, as an operator (or autovacuum) would run
        if db.engine.dialect.name == "postgresql":
            # VACUUM also sets the visibility map, without which PostgreSQL will not choose
            # index-only scans over freshly COPYed rows.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            with db.engine.begin() as conn:
                conn.execute(sa.text("ANALYZE"))
    if db.engine.dialect.name == "sqlite":  # fold the bulk load's WAL into the database file
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    done = time.perf_counter()
    return {"rows": {t: len(r) for t, (_c, r) in rows.tables.items()},
            "build_s": built - started, "write_s": wrote - built,
            "summaries_s": written - wrote, "analyze_s": done - written,
            "total_s": done - started}
