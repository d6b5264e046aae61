"""The four kinds of import (SPEC §5.8): columns, checks, matching and writes, one function per kind.

Each `process_*` takes the import Context and a chunk of rows. It loads what the chunk matches in
one query per key, decides each row (refused / created / updated / unchanged) and, when the context
writes, adds the new objects and changes the matched ones (the caller flushes once per chunk). A
blank cell leaves the stored value as it is; worker links are added, never removed.
"""
import re

import sqlalchemy as sa

from extensions import db
from models import Unit
from models.base import utcnow
from models.enums import JIANGSU_CITIES, ImportKind, Level, Role, UnitKind
from services.imports import accounts as import_accounts
from services.imports.checks import Check, KindSpec, apply_values, units_by_name
from services.imports.reading import Column, Context, Row, fold
from services.imports.worker_rows import WORKER_COLUMNS, process_workers
from services.validation import USERNAME_RE, normalize_mobile

_UNIT_KINDS = {**{k.label: k for k in UnitKind}, **{k.value: k for k in UnitKind}}
_LEVELS = {**{k.label: k for k in Level}, **{k.value: k for k in Level},
           "省": Level.PROVINCE, "市": Level.CITY, "县": Level.COUNTY}
_SEPARATORS = re.compile(r"[、,，;；]")


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
    stored = units_by_name(ctx)
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
            check.unique(("unit", fold(values["name"])), "name", "单位名称")
        unit = stored.get(fold(values["name"]))
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
            ctx.matched(row, values["name"], apply_values(unit, values, ctx.write))
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
    units = units_by_name(ctx)
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
        unit = units.get(fold(unit_name))
        values["unit_id"] = unit.id if unit is not None else None
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
    changed = apply_values(user, values, ctx.write)
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


KINDS = {
    ImportKind.UNITS: KindSpec(UNIT_COLUMNS, process_units),
    ImportKind.MANAGERS: KindSpec(MANAGER_COLUMNS, process_managers),
    ImportKind.REPRESENTATIVES: KindSpec(REPRESENTATIVE_COLUMNS, process_representatives),
    ImportKind.WORKERS: KindSpec(WORKER_COLUMNS, process_workers),
}
