"""Factories for test data: small functions that build valid objects with sensible defaults."""
import itertools
from datetime import date
from types import SimpleNamespace

from extensions import db
from models import (
    Activity,
    Appeal,
    Application,
    ApplicationRound,
    ContactRecord,
    Home,
    Unit,
    User,
    Worker,
    WorkerLink,
)
from models.enums import (
    ActivityMode,
    ActivityStatus,
    AppealCategory,
    ContactChannel,
    HomeStatus,
    Kind,
    Level,
    Role,
    Theme,
    UnitKind,
)

PASSWORD = "correct-horse-battery"
#: The second factor every administrator made here is enrolled with (SECOND_FACTOR=required in
#: TestingConfig); `otp()` gives its next code.
OTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
_seq = itertools.count(1)
_HASHES = {}


def _n():
    return next(_seq)


def _password_hash():
    # Hashing with scrypt costs ~50 ms; tests share one hash of PASSWORD.
    if "h" not in _HASHES:
        from werkzeug.security import generate_password_hash
        _HASHES["h"] = generate_password_hash(PASSWORD)
    return _HASHES["h"]


def unit(**kw) -> Unit:
    n = _n()
    values = {"name": f"测试单位{n}", "kind": UnitKind.PROVINCIAL_SOCIETY, "city": None}
    values.update(kw)
    obj = Unit(**values)
    db.session.add(obj)
    db.session.flush()
    return obj


def home(unit_obj=None, **kw) -> Home:
    unit_obj = unit_obj or unit()
    values = {"name": f"{unit_obj.name}代表之家", "unit_id": unit_obj.id,
              "status": HomeStatus.ACTIVE, "recognized_on": date(2025, 1, 10),
              "expires_on": date(2027, 1, 10)}
    values.update(kw)
    obj = Home(**values)
    db.session.add(obj)
    db.session.flush()
    return obj


class TotpClock:
    """The TOTP clock of a test (installed by conftest as accounts.totp_clock.now): it starts at the
    real time and each `otp()` moves it one 30-second step on, so codes of one test never repeat a
    step (a replayed step is refused, SPEC §5.13)."""

    def __init__(self):
        import time
        self.at = float(int(time.time()) // 30 * 30)

    def now(self) -> float:
        return self.at

    def advance(self) -> float:
        self.at += 30
        return self.at


clock = TotpClock()


def otp(secret: str = OTP_SECRET) -> str:
    """A fresh, never used TOTP code of `secret` (the clock moves one step on)."""
    import pyotp
    return pyotp.TOTP(secret).at(clock.advance())


def user(role=Role.REPRESENTATIVE, **kw) -> User:
    """A user; every role but representative comes with OTP_SECRET enrolled (otp_secret=None: not)."""
    n = _n()
    values = {"username": f"user{n}", "name": f"用户{n}", "role": role, "active": True}
    if role == Role.REPRESENTATIVE:
        values.setdefault("level", Level.CITY)
    else:
        values.setdefault("otp_secret", OTP_SECRET)
    if values.get("otp_secret") and "otp_confirmed_at" not in kw:
        from models.base import utcnow
        values["otp_confirmed_at"] = utcnow()
    values.update(kw)
    obj = User(**values)
    obj.password_hash = _password_hash()
    db.session.add(obj)
    db.session.flush()
    _summaries().representatives_changed(
        [(obj.id, None, _summaries().representative_home(obj))], new=True)
    return obj


def admin(**kw) -> User:
    return user(Role.PROVINCIAL_ADMIN, **kw)


def manager(home_obj: Home, **kw) -> User:
    return user(Role.HOME_MANAGER, unit_id=home_obj.unit_id, **kw)


def representative(home_obj: Home, **kw) -> User:
    return user(Role.REPRESENTATIVE, home_id=home_obj.id, **kw)


def worker(linked_by: User | None = None, **kw) -> Worker:
    n = _n()
    values = {"name": f"科技工作者{n}", "work_unit": "南京大学", "field": "材料科学",
              "mobile": f"138{n:08d}"[:11]}
    values.update(kw)
    obj = Worker(**values)
    db.session.add(obj)
    db.session.flush()
    if linked_by is not None:
        link(linked_by, obj)
    return obj


def link(rep: User, worker_obj: Worker) -> None:
    db.session.add(WorkerLink(representative_id=rep.id, worker_id=worker_obj.id))
    db.session.flush()


def contact(rep: User, worker_obj: Worker, day: date = date(2026, 3, 1), **kw) -> ContactRecord:
    values = {"representative_id": rep.id, "worker_id": worker_obj.id, "date": day,
              "channel": ContactChannel.VISIT, "summary": "走访交流"}
    values.update(kw)
    obj = ContactRecord(**values)
    db.session.add(obj)
    db.session.flush()
    _summaries().contacts_changed(added=[_summaries().contact_key(obj)])
    return obj


def activity(organizer: User, **kw) -> Activity:
    home_id = organizer.home_id or organizer.scope_home_id
    values = {"home_id": home_id, "organizer_id": organizer.id, "theme": Theme.WINDOW,
              "kind": Kind.EXCHANGE, "title": "科技工作者座谈会", "date": date(2026, 3, 1),
              "location": "南京", "mode": ActivityMode.OFFLINE, "participants": 20,
              "summary": "围绕科研经费使用开展座谈。", "status": ActivityStatus.SUBMITTED}
    values.update(kw)
    obj = Activity(**values)
    db.session.add(obj)
    db.session.flush()
    _summaries().activity_changed(None, obj)
    return obj


def _summaries():
    """services.summaries: factories keep the summary tables as the services do (issue 14)."""
    from services import summaries
    return summaries


def appeal(rep: User, **kw) -> Appeal:
    values = {"representative_id": rep.id, "home_id": rep.home_id,
              "category": AppealCategory.RESEARCH_FUNDING, "content": "希望简化科研经费报销流程。"}
    values.update(kw)
    obj = Appeal(**values)
    db.session.add(obj)
    db.session.flush()
    _summaries().appeal_changed(None, obj)
    return obj


def round_(year=2026, deadline=date(2026, 6, 30), quota=10) -> ApplicationRound:
    obj = ApplicationRound(year=year, deadline=deadline, quota=quota)
    db.session.add(obj)
    db.session.flush()
    return obj


def application(unit_obj: Unit, round_obj: ApplicationRound, **kw) -> Application:
    values = {"unit_id": unit_obj.id, "round_id": round_obj.id, "scheme": "方" * 1000,
              "contact_name": "张三", "contact_mobile": "13800000000", "pledge": True}
    values.update(kw)
    obj = Application(**values)
    db.session.add(obj)
    db.session.flush()
    return obj


def world() -> SimpleNamespace:
    """Home A and Home B, each with a manager and two representatives; one admin; committed."""
    home_a = home(unit(name="南京市科协", kind=UnitKind.CITY_ASSOCIATION, city="南京市"))
    home_b = home(unit(name="苏州市科协", kind=UnitKind.CITY_ASSOCIATION, city="苏州市"))
    w = SimpleNamespace(
        admin=admin(username="admin1", name="省科协管理员"),
        home_a=home_a, home_b=home_b,
        manager_a=manager(home_a, username="manager_a", name="南京管理员"),
        manager_b=manager(home_b, username="manager_b", name="苏州管理员"),
        rep_a=representative(home_a, username="rep_a", name="代表甲"),
        rep_a2=representative(home_a, username="rep_a2", name="代表乙"),
        rep_b=representative(home_b, username="rep_b", name="代表丙"),
    )
    db.session.commit()
    return w
