"""The demo province (`flask seed-demo`): Jiangsu's units, eight Homes, their representatives,
workers, two years of activities and contacts, appeals and two application rounds.

Deterministic (random.Random(2026), dates relative to services.clock.today()), idempotent, written
straight through the models with bulk inserts; the caller commits once.
"""
import random
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from extensions import db
from models import (
    Appeal,
    Application,
    ApplicationRound,
    Home,
    HomePlan,
    ServiceTeamMember,
    Unit,
    User,
    Worker,
    WorkerLink,
)
from models.enums import (
    ApplicationStatus,
    Grade,
    HomeStatus,
    Level,
    Role,
    UnitKind,
)
from services import assessments, clock, summaries
from services.demo import data as d
from services.demo.activity_rows import ActivitySeeding, moment

DEMO_PASSWORD = "RepHome-demo-2026"  # noqa: S105 — the published demo password

#: (username, password, role label) printed by `flask seed-demo`. Every other demo account
#: (`rep_<home>_NN`, `<unit>_admin`) shares the password. 徐州's Home expires within 60 days;
#: 常州市科协 has no Home and a returned application in this year's round.
DEMO_LOGINS = [
    ("admin", DEMO_PASSWORD, "省科协办公室"),
    ("nanjing_admin", DEMO_PASSWORD, "南京之家管理员"),
    ("rep_nanjing", DEMO_PASSWORD, "南京之家代表"),
    ("xuzhou_admin", DEMO_PASSWORD, "徐州之家管理员"),
    ("changzhou_admin", DEMO_PASSWORD, "常州申报单位"),
    ("nanjing_city", DEMO_PASSWORD, "南京市科协（设区市，只读）"),
    ("sysadmin", DEMO_PASSWORD, "系统管理员"),
    ("secadmin", DEMO_PASSWORD, "安全管理员"),
    ("auditadmin", DEMO_PASSWORD, "审计管理员"),
]

#: The three separated administrators (三员分立, SPEC §5.13): username → (name, role).
SEPARATED = {"sysadmin": ("钱立新", Role.SYSTEM_ADMIN), "secadmin": ("孙静", Role.SECURITY_ADMIN),
             "auditadmin": ("李审", Role.AUDIT_ADMIN)}

#: Homes: unit key → (number of representatives, how it was recognised).
HOMES = {
    "nanjing": (14, "prev_round"), "wuxi": (11, "prev_round"), "suzhou": (12, "prev_round"),
    "nantong": (10, "prev_round"), "jsmes": (8, "prev_round"), "xuzhou": (10, "expiring"),
    "taizhou": (8, "expired"), "xcmg": (7, "current_round"),
}
#: Units without an active Home that apply: key → (previous round status, current round status).
APPLICANTS = {
    "changzhou": ("rejected", "returned"), "jsnx": ("rejected", "submitted"),
    "jscs": (None, "rejected"), "ztt": (None, "draft"), "taizhou": (None, "submitted"),
}
MANAGED = list(HOMES) + [k for k in APPLICANTS if k not in HOMES]


def add_years(day: date, years: int) -> date:
    """Calendar years later (Feb 29 → Feb 28)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _rep_usernames() -> list[str]:
    names = []
    for key, (count, _) in HOMES.items():
        names += ["rep_nanjing" if key == "nanjing" and i == 1 else f"rep_{key}_{i:02d}"
                  for i in range(1, count + 1)]
    return names


def demo_exists() -> bool:
    """Whether any demo unit or demo account is already there."""
    unit_names = [f"{u[1]}科协" for u in d.CITY_UNITS] + [u[1] for u in d.OTHER_UNITS]
    usernames = ["admin", *SEPARATED] + [f"{k}_admin" for k in MANAGED] + _rep_usernames()
    return bool(db.session.scalar(sa.select(Unit.id).where(Unit.name.in_(unit_names)).limit(1))
                or db.session.scalar(sa.select(User.id).where(User.username.in_(usernames)).limit(1)))


class _Seeder(ActivitySeeding):
    """One run of the seed: the generator, today's dates, and what was created so far."""

    def __init__(self):
        self.rng = random.Random(2026)
        self.today = clock.today()
        self.year = self.today.year
        self.prev = self.year - 1
        self.hash = generate_password_hash(DEMO_PASSWORD)
        self.names, self.mobiles = set(), set()
        prev_approval = date(self.prev, 3, 20)
        self.cur_approval = max(date(self.year, 1, 1),
                                min(date(self.year, 9, 18), self.today - timedelta(days=3)))
        self.cur_deadline = min(self.today + timedelta(days=16), date(self.year, 12, 31))
        expiring_end = self.today + timedelta(days=45)
        expired_end = self.today - timedelta(days=40)
        self.validity = {
            "prev_round": (prev_approval, add_years(prev_approval, 2), HomeStatus.ACTIVE),
            "current_round": (self.cur_approval, add_years(self.cur_approval, 2), HomeStatus.ACTIVE),
            "expiring": (add_years(expiring_end, -2), expiring_end, HomeStatus.ACTIVE),
            "expired": (add_years(expired_end, -2), expired_end, HomeStatus.EXPIRED),
        }

    # ------------------------------------------------------------------ small generators
    def person(self) -> tuple[str, str]:
        """A new Chinese name and its pinyin."""
        while True:
            surname, sp = self.rng.choice(d.SURNAMES)
            given = self.rng.sample(d.GIVEN, self.rng.choice((1, 2, 2)))
            name = surname + "".join(g[0] for g in given)
            if name not in self.names:
                self.names.add(name)
                return name, sp + "".join(g[1] for g in given)

    def mobile(self) -> str:
        while True:
            number = "1" + self.rng.choice("3456789") + "".join(
                self.rng.choice("0123456789") for _ in range(9))
            if number not in self.mobiles:
                self.mobiles.add(number)
                return number

    def day_between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    # ------------------------------------------------------------------ units, homes, users
    def units(self):
        self.unit = {}
        for key, city, address, postcode, person, phone in d.CITY_UNITS:
            self.unit[key] = Unit(name=f"{city}科协", kind=UnitKind.CITY_ASSOCIATION,
                                  city=city, address=address, postcode=postcode,
                                  contact_person=person, phone=phone, fax=phone,
                                  email=f"{key}kx@jsast.org.cn")
        for key, name, kind, city, address, postcode, person, phone in d.OTHER_UNITS:
            self.unit[key] = Unit(name=name, kind=UnitKind(kind), city=city, address=address,
                                  postcode=postcode, contact_person=person, phone=phone,
                                  email=f"{key}@jsast.org.cn")
        db.session.add_all(self.unit.values())

    def homes(self):
        self.home, self.window, self.area = {}, {}, {}
        for key in HOMES:
            unit = self.unit[key]
            recognized, expires, status = self.validity[HOMES[key][1]]
            home = Home(unit=unit, name=f"{unit.name}代表之家", status=status,
                        recognized_on=recognized, expires_on=expires,
                        venue_address=f"{unit.address}{self.rng.randint(2, 6)}楼代表之家活动室",
                        has_sign=key != "taizhou", has_facilities=True,
                        management_rules=key not in ("xcmg", "taizhou"))
            self.home[key] = home
            self.window[key] = (max(date(self.prev, 1, 1), recognized),
                                min(self.today, expires - timedelta(days=1)))
            self.area[key] = unit.city
            for year in (self.prev, self.year):
                if self.window[key][0].year <= year:
                    home.plans.append(HomePlan(
                        year=year, funding=Decimal(self.rng.choice((5, 8, 10, 12, 15, 20)) * 10000),
                        plan=f"{year}年{home.name}工作计划：围绕“代表+党建”“代表+窗口”“代表+邻里”"
                             f"“代表+创新”，全年开展主题活动不少于16次；每名代表联系科技工作者不少于5名，"
                             f"每季度通报联系情况；组织代表进社区、进农村、进校园开展科普服务。"))
            for duty in d.SERVICE_DUTIES[:self.rng.randint(3, 5)]:
                home.service_team.append(ServiceTeamMember(name=self.person()[0], duty=duty))
        db.session.add_all(self.home.values())

    def users(self):
        self.admin = User(username="admin", name="周晓梅", role=Role.PROVINCIAL_ADMIN,
                          password_hash=self.hash, mobile=self.mobile(), email="office@jsast.org.cn")
        self.manager = {}
        for key in MANAGED:
            unit = self.unit[key]
            self.manager[key] = User(username=f"{key}_admin", name=unit.contact_person,
                                     role=Role.HOME_MANAGER, unit=unit, password_hash=self.hash,
                                     mobile=self.mobile(), work_unit=unit.name)
        self.reps = {}
        for key, (count, _) in HOMES.items():
            society = self.unit[key].kind != UnitKind.CITY_ASSOCIATION
            weights = (3, 7, 0) if society else (1, 4, 5)
            if key == "jsmes":
                weights = (3, 5, 2)
            units = d.WORK_UNITS[key if key in d.WORK_UNITS else self.area[key]]
            self.reps[key] = []
            for i in range(1, count + 1):
                name, pinyin = self.person()
                level = self.rng.choices(list(Level), weights)[0]
                if key == "nanjing" and i == 1:
                    username, level = "rep_nanjing", Level.CITY
                else:
                    username = f"rep_{key}_{i:02d}"
                work_unit, domain, category = self.rng.choice(units)
                email = f"{pinyin}@{domain}" if self.rng.random() < 0.6 else ""
                self.reps[key].append(User(
                    username=username, name=name, role=Role.REPRESENTATIVE, home=self.home[key],
                    level=level, work_unit=work_unit, speciality=self.rng.choice(d.FIELDS[category]),
                    password_hash=self.hash, mobile=self.mobile(), email=email))
        db.session.add_all([User(username=username, name=name, role=role,
                                 password_hash=self.hash, mobile=self.mobile())
                            for username, (name, role) in SEPARATED.items()])
        # A city association's read-only view of its city's Homes (SPEC §5.12).
        db.session.add(User(username="nanjing_city", name="陈志远", role=Role.CITY_ADMIN,
                            city="南京市", password_hash=self.hash, mobile=self.mobile()))
        db.session.add_all([self.admin, *self.manager.values(),
                            *(r for reps in self.reps.values() for r in reps)])

    # ------------------------------------------------------------------ workers and reach
    def workers(self):
        """~3.75 workers per representative; each representative links 3–8 of their Home's."""
        self.worker_info, self.linked, links = {}, {}, []
        objs = {}
        for key, reps in self.reps.items():
            units = d.WORK_UNITS[key if key in d.WORK_UNITS else self.area[key]]
            pool = []
            for _ in range(round(len(reps) * 3.75)):
                name, pinyin = self.person()
                work_unit, domain, category = self.rng.choice(units)
                email = f"{pinyin}{self.rng.randint(1, 99)}@{domain}" if self.rng.random() < 0.4 else ""
                pool.append(Worker(name=name, work_unit=work_unit,
                                   field=self.rng.choice(d.FIELDS[category]),
                                   mobile=self.mobile(), email=email))
            objs[key] = pool
        mine_of = {}
        for key, reps in self.reps.items():
            pool = objs[key][:]
            self.rng.shuffle(pool)
            cursor = 0
            for rep in reps:
                wanted = self.rng.randint(5, 7) if self.rng.random() < 0.92 else self.rng.randint(3, 4)
                mine = []
                while len(mine) < wanted:
                    worker = pool[cursor % len(pool)]
                    cursor += 1
                    if worker not in mine:
                        mine.append(worker)
                        if worker.created_by_id is None:
                            worker.created_by_id = rep.id
                mine_of[rep.id] = mine
        db.session.add_all(w for pool in objs.values() for w in pool)
        db.session.flush()
        for rep_id, mine in mine_of.items():
            links += [{"representative_id": rep_id, "worker_id": w.id} for w in mine]
            self.linked[rep_id] = [w.id for w in mine]
        for pool in objs.values():
            for w in pool:
                self.worker_info[w.id] = w
        db.session.execute(sa.insert(WorkerLink), links)

    def plan_reach(self):
        """Which linked workers each representative reaches per year: most reach all (≥5,
        compliant); about a quarter this year (and a tenth last year) stay below five."""
        self.reach = {}
        for key, reps in self.reps.items():
            for rep in reps:
                linked = self.linked[rep.id]
                for year, share in ((self.prev, 0.1), (self.year, 0.2)):
                    if self.window[key][0].year > year:
                        continue
                    short = self.rng.random() < share or len(linked) < 5
                    if rep.username == "rep_nanjing" and year == self.year:
                        short, n = True, 4
                    else:
                        n = self.rng.randint(0, 4)
                    self.reach[rep.id, year] = linked[:min(n, len(linked))] if short else linked

    # ------------------------------------------------------------------ appeals
    def appeals(self):
        rows = []
        statuses = ["received", "forwarded", "resolved", "closed"]
        for key, reps in self.reps.items():
            start, end = self.window[key]
            for n in range(self.rng.randint(4, 7)):
                rep = reps[0] if n == 0 else self.rng.choice(reps)
                day = self.day_between(start, end)
                age = (self.today - day).days
                status = (statuses[n] if n < 4 else
                          self.rng.choices(statuses, (1, 1, 6, 1) if age > 60 else (4, 3, 2, 0))[0])
                category = self.rng.choice(list(d.APPEALS))
                linked = self.linked[rep.id]
                row = {"representative_id": rep.id, "home_id": self.home[key].id,
                       "worker_id": self.rng.choice(linked) if self.rng.random() < 0.7 else None,
                       "category": category, "content": self.rng.choice(d.APPEALS[category]),
                       "status": status, "response": "", "created_at": moment(day, 11)}
                if status != "received":
                    row["handled_by_id"] = self.manager[key].id
                if status == "forwarded":
                    row["response"] = "已转交有关职能部门办理，待反馈。"
                if status in ("resolved", "closed"):
                    row["response"] = self.rng.choice(d.APPEAL_RESPONSES[status])
                    row["resolved_at"] = moment(min(self.today, day + timedelta(
                        days=self.rng.randint(5, 30))), 15)
                rows.append(row)
        db.session.execute(sa.insert(Appeal), rows)

    # ------------------------------------------------------------------ applications
    def applications(self):
        prev_round = ApplicationRound(year=self.prev, deadline=date(self.prev, 2, 28), quota=10)
        cur_round = ApplicationRound(year=self.year, deadline=self.cur_deadline, quota=10)
        db.session.add_all([prev_round, cur_round])
        wanted = [(prev_round, k, "approved") for k, (_, how) in HOMES.items() if how == "prev_round"]
        wanted += [(cur_round, k, "approved") for k, (_, how) in HOMES.items()
                   if how == "current_round"]
        for key, (prev_status, cur_status) in APPLICANTS.items():
            if prev_status:
                wanted.append((prev_round, key, prev_status))
            wanted.append((cur_round, key, cur_status))
        db.session.add_all(self._application(*w) for w in wanted)

    def _application(self, rnd, key, status) -> Application:
        unit = self.unit[key]
        paragraphs = d.SCHEME_PARAGRAPHS if status != "draft" else d.SCHEME_PARAGRAPHS[:2]
        scheme = "\n\n".join(p.format(
            unit=unit.name, kind=unit.kind.label, staff=self.rng.randint(4, 12),
            workers=self.rng.randint(3, 12) * 100, address=unit.address,
            area=self.rng.randint(80, 260), team=self.rng.randint(3, 6),
            funding=self.rng.choice((5, 8, 10))) for p in paragraphs)
        status = ApplicationStatus(status)
        approval = date(self.prev, 3, 20) if rnd.year == self.prev else self.cur_approval
        submitted = (min(rnd.deadline, self.today) - timedelta(days=self.rng.randint(3, 20))
                     if rnd.year == self.prev or status != ApplicationStatus.APPROVED
                     else approval - timedelta(days=self.rng.randint(10, 30)))
        app = Application(
            unit=unit, round=rnd, scheme=scheme, contact_name=unit.contact_person,
            contact_mobile=self.mobile(), fax=unit.fax, email=unit.email,
            pledge=status != ApplicationStatus.DRAFT, status=status,
            created_by_id=self.manager[key].id, created_at=moment(submitted - timedelta(days=10)))
        if status != ApplicationStatus.DRAFT:
            app.submitted_at = moment(submitted, 15)
        if status in (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED,
                      ApplicationStatus.RETURNED):
            app.reviewer = self.admin
            reviewed = (approval if status == ApplicationStatus.APPROVED
                        else min(self.today, submitted + timedelta(days=12)))
            app.reviewed_at = moment(reviewed, 10)
            app.opinion = d.OPINIONS[status.value]
        return app


    # ------------------------------------------------------------------ assessments
    def assessments(self):
        """Last year's assessments through services/assessments/operations.py: published (publicity over)
        for most Homes, so that the expiring one can be renewed; 苏州 final, 泰州 a draft. A
        failing one stays a draft so that the demo never revokes a Home behind the user's back."""

        start = min(date(self.year, 1, 20), self.today)
        for key in HOMES:
            if self.window[key][0].year > self.prev:
                continue
            a = assessments.create_assessment(None, self.home[key].id, self.prev)
            if key == "taizhou" or a.grade == Grade.FAIL:
                continue
            assessments.finalize_assessment(None, a)
            if key != "suzhou":
                assessments.publish_assessment(None, a, start=start)


def seed_demo() -> bool:
    """Create the demo province; False (and nothing changed) when it is already there.
    Flushes but never commits: the command commits once."""
    if demo_exists():
        return False
    seeder = _Seeder()
    seeder.units()
    seeder.homes()
    seeder.users()
    db.session.flush()
    seeder.workers()
    seeder.plan_reach()
    seeder.activities()
    seeder.contacts()
    seeder.appeals()
    seeder.applications()
    db.session.flush()
    seeder.assessments()
    summaries.rebuild()  # the seeder writes rows in bulk, past the services' summary upserts
    return True
