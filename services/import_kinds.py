"""The four kinds of import (SPEC §5.8): columns, checks, matching and writes, one function per kind.

Each `process_*` takes the import Context and a chunk of rows. It loads what the chunk matches in
one query per key, decides each row (refused / created / updated / unchanged) and, when the context
writes, adds the new objects and changes the matched ones (the caller flushes once per chunk). A
blank cell leaves the stored value as it is; worker links are added, never removed.
"""
import re
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from extensions import db
from models import Unit, User, Worker, WorkerLink
from models.base import utcnow
from models.enums import JIANGSU_CITIES, ImportKind, Level, Role, UnitKind
from services import import_accounts
from services.imports import Column, Context, Row, clean
from services.validation import EMAIL_RE, USERNAME_RE, normalize_mobile

_UNIT_KINDS = {**{k.label: k for k in UnitKind}, **{k.value: k for k in UnitKind}}
_LEVELS = {**{k.label: k for k in Level}, **{k.value: k for k in Level},
           "省": Level.PROVINCE, "市": Level.CITY, "县": Level.COUNTY}
_SEPARATORS = re.compile(r"[、,，;；]")


@dataclass(frozen=True)
class KindSpec:
    columns: list
    process: Callable


class Check:
    """The checks of one row; each problem is reported under its column's header."""

    def __init__(self, ctx: Context, row: Row):
        self.ctx, self.row, self.ok = ctx, row, True

    def bad(self, field_name: str, message: str) -> None:
        self.ctx.refuse(self.row, field_name, message)
        self.ok = False

    def text(self, field_name: str, label: str, max_len: int, *, required=False) -> str:
        value = self.row.values.get(field_name, "")
        if required and not value:
            self.bad(field_name, f"请填写{label}")
        elif len(value) > max_len:
            self.bad(field_name, f"{label}不能超过{max_len}个字符（当前{len(value)}个）")
        return value

    def mobile(self, field_name: str = "mobile", *, required=False) -> str:
        value = self.text(field_name, "手机号", 30, required=required)
        if not value:
            return ""
        normalised = normalize_mobile(value)
        if normalised is None:
            self.bad(field_name, "手机号应为11位中国大陆手机号")
            return ""
        return normalised

    def email(self, field_name: str = "email") -> str:
        value = self.text(field_name, "电子信箱", 120)
        if value and not EMAIL_RE.match(value):
            self.bad(field_name, "电子信箱格式不正确")
        return value

    def unique(self, key, field_name: str, label: str) -> None:
        """Refuse a row whose key an earlier row of the file already has."""
        first = self.ctx.seen.setdefault(key, self.row.number)
        if first != self.row.number:
            self.bad(field_name, f"{label}与第{first}行重复")


def _same(stored, value) -> bool:
    """A stored text equals a cell when it reads the same once normalised like the cell (a name
    typed with full-width brackets in a form is not "changed" by a file with ASCII ones)."""
    if isinstance(stored, str) and isinstance(value, str):
        return clean(stored) == value
    return stored == value


def _units_by_name(ctx: Context) -> dict:
    """Every unit by its normalised name, loaded once per import (a province has hundreds)."""
    if "units" not in ctx.cache:
        ctx.cache["units"] = {clean(u.name): u for u in db.session.scalars(sa.select(Unit))}
    return ctx.cache["units"]


def _apply(obj, values: dict, write: bool) -> dict:
    """The given (non-blank) values that differ from the stored ones (field → (before, after));
    they are set when writing."""
    changed = {k: (getattr(obj, k), v) for k, v in values.items() if v not in ("", None)
               and not _same(getattr(obj, k), v)}
    if write:
        for key, (_before, value) in changed.items():
            setattr(obj, key, value)
    return changed


# ---------------------------------------------------------------- units
UNIT_COLUMNS = [
    Column("单位名称", "name", True, example="南京市科学技术协会"),
    Column("单位类型", "kind", True, "设区市科协 / 省级学会 / 企业科协",
           choices=tuple(k.label for k in UnitKind), example="设区市科协"),
    Column("所在设区市", "city", False, "设区市科协必填，如：南京市",
           choices=tuple(JIANGSU_CITIES), example="南京市"),
    Column("地址", "address", example="南京市玄武区北京东路1号"),
    Column("邮编", "postcode", False, "6位数字", digits=True, example="210008"),
    Column("联系人", "contact_person", example="王明"),
    Column("联系电话", "phone", digits=True, example="025-83000000"),
    Column("传真", "fax", digits=True, example="025-83000001"),
    Column("电子信箱", "email", example="office@example.cn"),
]


def _city(value: str) -> str | None:
    if value in JIANGSU_CITIES:
        return value
    return value + "市" if value + "市" in JIANGSU_CITIES else None


def process_units(ctx: Context, chunk: list[Row]) -> None:
    """Units matched by 单位名称."""
    stored = _units_by_name(ctx)
    new = []
    for row in chunk:
        check = Check(ctx, row)
        values = {
            "name": check.text("name", "单位名称", 100, required=True),
            "address": check.text("address", "地址", 200),
            "postcode": check.text("postcode", "邮编", 10),
            "contact_person": check.text("contact_person", "联系人", 50),
            "phone": check.text("phone", "联系电话", 30),
            "fax": check.text("fax", "传真", 30),
            "email": check.email(),
        }
        kind_text = check.text("kind", "单位类型", 20, required=True)
        values["kind"] = _UNIT_KINDS.get(kind_text)
        if kind_text and values["kind"] is None:
            check.bad("kind", "单位类型应为：设区市科协、省级学会或企业科协")
        city_text = check.text("city", "所在设区市", 20)
        values["city"] = _city(city_text) if city_text else None
        if city_text and values["city"] is None:
            check.bad("city", "所在设区市须为江苏省13个设区市之一")
        if values["postcode"] and not (values["postcode"].isdigit()
                                       and len(values["postcode"]) == 6):
            check.bad("postcode", "邮编应为6位数字")
        if values["name"]:
            check.unique(("unit", values["name"]), "name", "单位名称")
        unit = stored.get(values["name"])
        kind = values["kind"] or (unit.kind if unit else None)
        city = values["city"] or (unit.city if unit else None)
        if kind == UnitKind.CITY_ASSOCIATION and not city and not city_text:
            check.bad("city", "设区市科协须填写所在设区市")
        if not check.ok:
            continue
        if unit is None:
            ctx.created(row, values["name"])
            if ctx.write:
                new.append({**values, "active": True})
        else:
            ctx.matched(row, values["name"], _apply(unit, values, ctx.write))
    if ctx.write and new:
        now = utcnow()
        db.session.execute(sa.insert(Unit), [{**v, "created_at": now, "updated_at": now}
                                             for v in new])


# ---------------------------------------------------------------- accounts
MANAGER_COLUMNS = [
    Column("用户名", "username", True, "字母、数字、下划线、点和短横线，3到64位；不区分大小写",
           example="nanjing_home"),
    Column("姓名", "name", True, example="李华"),
    Column("所属单位", "unit", True, "已有依托单位的名称", example="南京市科学技术协会"),
    Column("手机号", "mobile", digits=True, example="13800000001"),
    Column("电子信箱", "email", example="lihua@example.cn"),
]


def process_managers(ctx: Context, chunk: list[Row]) -> None:
    """Home managers matched by 用户名 (ignoring case), each of an existing unit."""
    units = _units_by_name(ctx)
    stored = import_accounts.users_by_username({r.values["username"].lower() for r in chunk
                                 if r.values.get("username")})
    new, updates = [], []
    for row in chunk:
        check = Check(ctx, row)
        username = check.text("username", "用户名", 64, required=True)
        if username and not USERNAME_RE.match(username):
            check.bad("username", "用户名只能包含字母、数字、下划线、点和短横线，3到64位")
        values = {"name": check.text("name", "姓名", 50, required=True),
                  "mobile": check.mobile(), "email": check.email()}
        unit_name = check.text("unit", "所属单位", 100, required=True)
        values["unit_id"] = units[unit_name].id if unit_name in units else None
        if unit_name and values["unit_id"] is None:
            check.bad("unit", f"依托单位不存在：{unit_name}")
        if username:
            check.unique(("user", username.lower()), "username", "用户名")
        user = stored.get(username.lower())
        if user is not None and user.role != Role.HOME_MANAGER:
            check.bad("username", "该用户名已被其他角色的账号使用")
        if not check.ok:
            continue
        _account_row(ctx, row, user, values, new, updates, username=username, role=Role.HOME_MANAGER)
    _write_accounts(ctx, new, updates)


def _account_row(ctx: Context, row: Row, user, values: dict, new: list, updates: list, **identity) -> None:
    """Count an accepted account row and queue its write: a new account (`identity` — username,
    role, home — plus `values`), or the changed fields of the stored `user` (unchanged if none)."""
    label = (f"{values['name']}（{identity['username']}）" if user is None
             else f"{values.get('name') or user.name}（{user.username}）")
    if user is None:
        ctx.created(row, label)
        if ctx.write:
            new.append(dict(active=True, **identity, **values))
        return
    changed = _apply(user, values, ctx.write)
    ctx.matched(row, label, changed)
    if ctx.write and changed:
        updates.append(import_accounts.account_update(user, changed))


def _write_accounts(ctx: Context, new: list, updates: list) -> None:
    """On a commit: insert the chunk's new accounts, audit the changed ones."""
    if ctx.write:
        import_accounts.new_accounts(ctx, new)
        import_accounts.audit_accounts(ctx, updates)


REPRESENTATIVE_COLUMNS = [
    Column("姓名", "name", True, example="张伟"),
    Column("手机号", "mobile", True, "11位手机号", digits=True, example="13900000002"),
    Column("代表层级", "level", True, "省级 / 市级 / 县级（也可写 省 / 市 / 县）",
           choices=tuple(k.label for k in Level), example="县级"),
    Column("用户名", "username", False, "留空则以手机号为用户名；不区分大小写", example="zhangwei"),
    Column("工作单位", "work_unit", example="南京大学"),
    Column("专业特长", "speciality", example="材料科学"),
    Column("电子信箱", "email", example="zhangwei@example.cn"),
]


def process_representatives(ctx: Context, chunk: list[Row]) -> None:
    """Representatives of the import's Home matched by 用户名 (blank: the normalised 手机号)."""
    keys = set()
    for row in chunk:
        name = row.values.get("username") or normalize_mobile(row.values.get("mobile", "")) or ""
        if name:
            keys.add(name.lower())
    stored = import_accounts.users_by_username(keys)
    new, updates = [], []
    for row in chunk:
        check = Check(ctx, row)
        values = {"name": check.text("name", "姓名", 50, required=True),
                  "mobile": check.mobile(required=True),
                  "work_unit": check.text("work_unit", "工作单位", 100),
                  "speciality": check.text("speciality", "专业特长", 100),
                  "email": check.email()}
        level_text = check.text("level", "代表层级", 10, required=True)
        values["level"] = _LEVELS.get(level_text)
        if level_text and values["level"] is None:
            check.bad("level", "代表层级应为：省级、市级或县级")
        username = check.text("username", "用户名", 64) or values["mobile"]
        if row.values.get("username") and not USERNAME_RE.match(username):
            check.bad("username", "用户名只能包含字母、数字、下划线、点和短横线，3到64位")
        if username:
            check.unique(("user", username.lower()), "username" if row.values.get("username")
                         else "mobile", "用户名" if row.values.get("username") else "手机号")
        user = stored.get(username.lower()) if username else None
        if user is not None and (user.role != Role.REPRESENTATIVE or user.home_id != ctx.home.id):
            check.bad("username" if row.values.get("username") else "mobile",
                      "该用户名已被其他代表之家或其他角色的账号使用")
        if not check.ok:
            continue
        _account_row(ctx, row, user, values, new, updates, username=username,
                     role=Role.REPRESENTATIVE, home_id=ctx.home.id)
    _write_accounts(ctx, new, updates)


# ---------------------------------------------------------------- workers
WORKER_COLUMNS = [
    Column("姓名", "name", True, example="陈静"),
    Column("工作单位", "work_unit", True, example="江苏省农业科学院"),
    Column("领域", "field", example="农业"),
    Column("手机号", "mobile", False, "有手机号时按手机号匹配已有的科技工作者", digits=True,
           example="13700000003"),
    Column("电子信箱", "email", example="chenjing@example.cn"),
    Column("联系代表", "representatives", True, "本代表之家代表的用户名，多个用 、 , ， 或 ; 分隔",
           example="zhangwei、13900000002"),
]


def _home_representatives(ctx: Context) -> dict:
    """username (lower) → id of the Home's representatives, loaded once per import."""
    if "reps" not in ctx.cache:
        ctx.cache["reps"] = {name.lower(): rep_id for rep_id, name in db.session.execute(
            sa.select(User.id, User.username).where(User.home_id == ctx.home.id,
                                                    User.role == Role.REPRESENTATIVE))}
    return ctx.cache["reps"]


def process_workers(ctx: Context, chunk: list[Row]) -> None:
    """Workers matched by normalised 手机号, else 姓名 + 工作单位 among the Home's workers; links added."""
    reps = _home_representatives(ctx)
    mobiles = {m for m in (normalize_mobile(r.values.get("mobile", "")) for r in chunk) if m}
    by_mobile = {}
    if mobiles:
        for worker in db.session.scalars(sa.select(Worker).where(Worker.mobile.in_(mobiles))
                                         .order_by(Worker.id)):
            by_mobile.setdefault(worker.mobile, worker)
    pairs = {(r.values["name"], r.values["work_unit"]) for r in chunk
             if not r.values.get("mobile") and r.values.get("name")}
    by_pair = {}
    if pairs:
        home_workers = sa.select(WorkerLink.worker_id).where(
            WorkerLink.representative_id.in_(list(reps.values()) or [0]))
        names = {name for name, _unit in pairs}
        for worker in db.session.scalars(
                sa.select(Worker).where(Worker.name.in_(names), Worker.id.in_(home_workers))
                .order_by(Worker.id)):
            key = (clean(worker.name), clean(worker.work_unit))
            if key in pairs:
                by_pair.setdefault(key, worker)
    matched_ids = [w.id for w in (*by_mobile.values(), *by_pair.values())]
    links = set()
    if matched_ids:
        links = set(db.session.execute(
            sa.select(WorkerLink.worker_id, WorkerLink.representative_id)
            .where(WorkerLink.worker_id.in_(matched_ids))).tuples())
    new, new_links, more_links = [], [], []
    for row in chunk:
        check = Check(ctx, row)
        values = {"name": check.text("name", "姓名", 50, required=True),
                  "work_unit": check.text("work_unit", "工作单位", 100, required=True),
                  "field": check.text("field", "领域", 100),
                  "mobile": check.mobile(), "email": check.email()}
        rep_ids, unknown = [], []
        for username in _SEPARATORS.split(check.text("representatives", "联系代表", 2000,
                                                     required=True)):
            username = username.strip()
            if username:
                rep_id = reps.get(username.lower())
                (unknown.append(username) if rep_id is None else rep_ids.append(rep_id))
        if unknown:
            check.bad("representatives", "不是本代表之家的代表：" + "、".join(unknown))
        elif not rep_ids and row.values.get("representatives"):
            check.bad("representatives", "请填写联系代表的用户名")
        if values["mobile"]:
            check.unique(("worker", values["mobile"]), "mobile", "手机号")
            worker = by_mobile.get(values["mobile"])
        elif values["name"] and values["work_unit"]:
            check.unique(("worker", values["name"], values["work_unit"]), "name", "姓名和工作单位")
            worker = by_pair.get((values["name"], values["work_unit"]))
        else:
            worker = None
        if not check.ok:
            continue
        rep_ids = list(dict.fromkeys(rep_ids))
        label = f"{values['name']}（{values['work_unit']}）"
        if worker is None:
            ctx.created(row, label)
            if ctx.write:
                new.append({**values, "created_by_id": ctx.actor.id})
                new_links.append((_worker_key(values), rep_ids))
            continue
        missing = [r for r in rep_ids if (worker.id, r) not in links]
        changed = _apply(worker, values, ctx.write)
        ctx.matched(row, label, changed, [[row.headers.get("representatives", "联系代表"), "",
                                           f"新增联系代表 {len(missing)} 名"]] if missing else [])
        if ctx.write:
            more_links.extend({"worker_id": worker.id, "representative_id": r} for r in missing)
    if ctx.write:
        now = utcnow()
        if new:
            # One multi-row INSERT … RETURNING; ids are matched back by each row's key (unique
            # within the file), not by position.
            for values in new:
                values.update(created_at=now, updated_at=now)
            returned = db.session.execute(
                sa.insert(Worker).returning(Worker.id, Worker.mobile, Worker.name,
                                            Worker.work_unit), new).all()
            ids = {_worker_key({"mobile": m, "name": n, "work_unit": u}): i
                   for i, m, n, u in returned}
            more_links.extend({"worker_id": ids[key], "representative_id": r}
                              for key, reps_of in new_links for r in reps_of)
        if more_links:
            db.session.execute(sa.insert(WorkerLink), [
                {**link, "created_at": now, "updated_at": now} for link in more_links])


def _worker_key(values: dict) -> tuple:
    if values["mobile"]:
        return ("m", values["mobile"])
    return ("n", values["name"], values["work_unit"])


KINDS = {
    ImportKind.UNITS: KindSpec(UNIT_COLUMNS, process_units),
    ImportKind.MANAGERS: KindSpec(MANAGER_COLUMNS, process_managers),
    ImportKind.REPRESENTATIVES: KindSpec(REPRESENTATIVE_COLUMNS, process_representatives),
    ImportKind.WORKERS: KindSpec(WORKER_COLUMNS, process_workers),
}
