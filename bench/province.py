"""The bench province as rows: how many of each kind per unit of scale, and the seeded builder.

Per unit of scale: 60 Homes (one host unit and one manager each), 6,000 representatives (levels
spread), 30,000 sci-tech workers with their links, 150,000 contact records (direct ones plus the
`activity` ones SPEC §5.1 implies), 120,000 activities per year spread over themes, kinds, months
and statuses (mostly verified), 20,000 appeals per year, work plans, service teams and the
published assessments of the year before the first generated one.

`build` is pure (no database): every row is a tuple drawn from one seeded `random.Random`, so the
same scale, years, seed and day give the same province. Every user shares one password hash
(BENCH_PASSWORD). Dates run from 1 January of the first year to today (Asia/Shanghai); nothing is
dated in the future. Writing the rows is bench/bulk_load.py's work.
"""
import functools
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from werkzeug.security import generate_password_hash

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
from models.user import name_sort_key

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
    """One scrypt hash of BENCH_PASSWORD shared by every user (scrypt is slow by design, so it is
    computed once, not once per user)."""
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


@dataclass
class Province:
    """What one build draws from and what later tables need of earlier ones: the generator, the
    counts, the days and instants, and the people (who manages which Home, who is linked to whom)."""

    rng: random.Random
    n: dict
    today: date
    now: datetime
    first: date
    days: list
    ts: datetime  # created_at/updated_at of reference rows
    password_hash: str
    manager_of: dict = field(default_factory=dict)        # Home id → its manager's user id
    rep_ids: list = field(default_factory=list)
    home_of: dict = field(default_factory=dict)           # representative id → Home id
    reps_of_home: dict = field(default_factory=dict)      # Home id → its active representatives
    linked: dict = field(default_factory=dict)            # representative id → linked worker ids
    contacts: list = field(default_factory=list)          # contact_records rows, activity ones first


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
    """Every row of the bench province as tuples (pure: no database). The tables are drawn in a
    fixed order from one generator, so the result depends only on the arguments (and the clock,
    which caps instants at now)."""
    now = datetime.now(UTC)
    first = date(today.year - years + 1, 1, 1)
    span = (today - first).days + 1
    p = Province(rng=random.Random(seed), n=counts_for(scale, years), today=today, now=now,
                 first=first, days=[first + timedelta(days=i) for i in range(span)],
                 ts=now - timedelta(days=400), password_hash=_password_hash())
    out = Rows()
    _units_and_homes(p, out)
    _users(p, out)
    _plans_and_teams(p, out)
    _workers(p, out)
    _activities(p, out)
    _direct_contacts(p, out)
    _appeals(p, out)
    _assessments(p, out)
    return out


def _units_and_homes(p: Province, out: Rows) -> None:
    """One host unit per Home, of the three kinds in turn; about one Home in twenty has expired."""
    rng, ts, today = p.rng, p.ts, p.today
    units, homes = [], []
    for i in range(p.n["homes"]):
        if i % 6 == 4:
            kind, city = UnitKind.PROVINCIAL_SOCIETY.value, None
        elif i % 6 == 5:
            kind, city = UnitKind.ENTERPRISE_ASSOCIATION.value, JIANGSU_CITIES[i % 13]
        else:
            kind, city = UnitKind.CITY_ASSOCIATION.value, JIANGSU_CITIES[i % 13]
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


def _users(p: Province, out: Rows) -> None:
    """The admin, one manager per Home, the representatives: Home 1 is the largest (its weight is
    about twice the others'), and about one representative in fifty is inactive."""
    rng, ts, n_homes, password_hash = p.rng, p.ts, p.n["homes"], p.password_hash
    user_cols = ("id", "username", "name", "name_key", "password_hash", "role", "active", "mobile",
                 "email", "unit_id", "home_id", "level", "work_unit", "speciality", "created_at",
                 "updated_at")
    admin_name = "省科协基准管理员"
    users = [(1, ADMIN_USERNAME, admin_name, name_sort_key(admin_name), password_hash,
              "provincial_admin", True, "", "", None, None, None, "", "", ts, ts)]
    for i in range(n_homes):
        uid = 2 + i
        p.manager_of[i + 1] = uid
        name = _name(rng)
        users.append((uid, f"bench_mgr_{i + 1:04d}", name, name_sort_key(name), password_hash,
                      "home_manager", True, f"139{uid:08d}", "", i + 1, None, None, "", "", ts, ts))
    weights = [2.2] + [rng.uniform(0.5, 1.5) for _ in range(n_homes - 1)]
    rep_home = rng.choices(range(1, n_homes + 1), weights, k=p.n["representatives"])
    rep_home[0] = 1
    rep_levels = _weighted(rng, LEVELS, p.n["representatives"])
    first_rep = 2 + n_homes
    for j, (home_id, level) in enumerate(zip(rep_home, rep_levels, strict=True)):
        uid = first_rep + j
        active = rng.random() > 0.02
        p.rep_ids.append(uid)
        p.home_of[uid] = home_id
        if active:
            p.reps_of_home.setdefault(home_id, []).append(uid)
        name = _name(rng)
        users.append((uid, f"bench_rep_{j + 1:06d}", name, name_sort_key(name), password_hash,
                      "representative", active, f"138{uid:08d}", f"rep{j + 1}@bench.local", None,
                      home_id, level, f"基准工作单位{rng.randrange(500)}", rng.choice(FIELDS), ts, ts))
    out.add("users", user_cols, users)


def _plans_and_teams(p: Province, out: Rows) -> None:
    """Work plans for the generated years and the year before (most Homes have one), and service
    teams of zero to three members."""
    rng, ts = p.rng, p.ts
    plans, team = [], []
    for i in range(p.n["homes"]):
        for year in range(p.first.year - 1, p.today.year + 1):
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


def _workers(p: Province, out: Rows) -> None:
    """Workers, each linked by one representative; one in ten also by a colleague of the Home."""
    rng, ts = p.rng, p.ts
    workers, links = [], []
    for w in range(1, p.n["workers"] + 1):
        rep = rng.choice(p.rep_ids)
        workers.append((w, _name(rng), f"基准工作单位{rng.randrange(500)}", rng.choice(FIELDS),
                        f"137{w:08d}", "", rep, ts, ts))
        links.append((rep, w, ts, ts))
        p.linked.setdefault(rep, []).append(w)
        if rng.random() < 0.1:
            colleagues = p.reps_of_home.get(p.home_of[rep], [])
            other = rng.choice(colleagues) if colleagues else rep
            if other != rep:
                links.append((other, w, ts, ts))
                p.linked.setdefault(other, []).append(w)
    out.add("workers", ("id", "name", "work_unit", "field", "mobile", "email", "created_by_id",
                        "created_at", "updated_at"), workers)
    out.add("worker_links", ("representative_id", "worker_id", "created_at", "updated_at"), links)


def _activities(p: Province, out: Rows) -> None:
    """Activities (organised by representatives, some by managers), their workers and
    co-organisers; a submitted or verified activity's workers get their `activity` contact
    record (SPEC §5.1), collected in p.contacts."""
    rng, n_homes = p.rng, p.n["homes"]
    statuses = _weighted(rng, ACTIVITY_STATUSES, p.n["activities"])
    themes = list(THEME_KINDS)
    modes = [m.value for m in ActivityMode]
    activities, act_workers, co_orgs = [], [], []
    for a in range(1, p.n["activities"] + 1):
        if rng.random() < 0.92:
            organizer = rng.choice(p.rep_ids)
            home_id = p.home_of[organizer]
        else:
            home_id = rng.randrange(1, n_homes + 1)
            organizer = p.manager_of[home_id]
        theme = rng.choice(themes)
        kind = rng.choice(THEME_KINDS[theme])
        day = rng.choice(p.days)
        status = statuses[a - 1]
        created = _instant(day, rng, p.now)
        submitted = created if status != "draft" else None
        reviewed = status in ("verified", "returned")
        verified_at = min(created + timedelta(days=2), p.now) if reviewed else None
        title = f"{kind.label}活动（第{a}期）"
        activities.append((
            a, home_id, organizer, theme.value, kind.value, title, day, f"活动地点{a % 97}",
            rng.choice(modes), rng.randrange(5, 200), f"{theme.label}·{kind.label}活动纪要。",
            status == "verified" and rng.random() < 0.6, status, submitted,
            p.manager_of[home_id] if reviewed else None, verified_at,
            "请补充活动照片" if status == "returned" else "", created, created))
        own = p.linked.get(organizer)
        if own and rng.random() < 0.25:
            chosen = rng.sample(own, min(len(own), rng.randint(1, 3)))
            for w in chosen:
                act_workers.append((a, w))
                if status in ("submitted", "verified"):  # SPEC §5.1: one contact per worker
                    p.contacts.append((len(p.contacts) + 1, organizer, w, day, "activity",
                                       f"活动：{title}", a, created, created))
        if organizer in p.home_of and rng.random() < 0.05:
            colleagues = p.reps_of_home.get(home_id, [])
            co = rng.choice(colleagues) if colleagues else organizer
            if co != organizer:
                co_orgs.append((a, co))
    out.add("activities", ("id", "home_id", "organizer_id", "theme", "kind", "title", "date",
                           "location", "mode", "participants", "summary", "published", "status",
                           "submitted_at", "verifier_id", "verified_at", "review_comment",
                           "created_at", "updated_at"), activities)
    out.add("activity_workers", ("activity_id", "worker_id"), act_workers)
    out.add("activity_co_organizers", ("activity_id", "user_id"), co_orgs)


def _direct_contacts(p: Province, out: Rows) -> None:
    """Direct contact records after the activity ones, up to the count: each representative
    contacts a share of their linked workers (some fewer than five, so compliance varies), every
    pair at least once, the rest spread at random."""
    rng = p.rng
    pairs = []
    for rep in p.rep_ids:
        own = p.linked.get(rep, [])
        if own:
            share = rng.uniform(0.4, 1.0)
            pairs += [(rep, w) for w in rng.sample(own, max(1, round(len(own) * share)))]
    rng.shuffle(pairs)
    budget = max(0, p.n["contacts"] - len(p.contacts))
    chosen_pairs = pairs[:budget] + [rng.choice(pairs) for _ in range(budget - len(pairs))] \
        if pairs else []
    channels = [c.value for c in ContactChannel if c != ContactChannel.ACTIVITY]
    for rep, w in chosen_pairs:
        day = rng.choice(p.days)
        created = _instant(day, rng, p.now)
        p.contacts.append((len(p.contacts) + 1, rep, w, day, rng.choice(channels), "电话沟通科研进展",
                           None, created, created))
    out.add("contact_records", ("id", "representative_id", "worker_id", "date", "channel",
                                "summary", "activity_id", "created_at", "updated_at"), p.contacts)


def _appeals(p: Province, out: Rows) -> None:
    """Appeals, dated over the same span; open ones are received or forwarded."""
    rng = p.rng
    categories = [c.value for c in AppealCategory]
    appeal_statuses = _weighted(rng, APPEAL_STATUSES, p.n["appeals"])
    appeals = []
    for i in range(1, p.n["appeals"] + 1):
        rep = rng.choice(p.rep_ids)
        own = p.linked.get(rep)
        worker = rng.choice(own) if own and rng.random() < 0.7 else None
        status = appeal_statuses[i - 1]
        created = _instant(rng.choice(p.days), rng, p.now)
        done = status in ("resolved", "closed")
        home_id = p.home_of[rep]
        appeals.append((i, rep, home_id, worker, rng.choice(categories),
                        f"关于{rng.choice(FIELDS)}的诉求建议（{i}）", status,
                        "已协调解决" if done else "", p.manager_of[home_id] if status != "received"
                        else None, min(created + timedelta(days=5), p.now) if done else None,
                        created, created))
    out.add("appeals", ("id", "representative_id", "home_id", "worker_id", "category", "content",
                        "status", "response", "handled_by_id", "resolved_at", "created_at",
                        "updated_at"), appeals)


def _assessments(p: Province, out: Rows) -> None:
    """Published assessments of the year before the first generated year, one per Home, each item
    scored between 55 % and 100 % of its maximum."""
    rng, ts = p.rng, p.ts
    year = p.first.year - 1
    assessments, items = [], []
    for i in range(p.n["homes"]):
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
