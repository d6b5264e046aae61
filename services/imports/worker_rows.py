"""Importing sci-tech workers (SPEC §5.8 and §3 worker identity): matched by normalised 手机号,
else normalised 姓名 + 工作单位 among the Home's workers; links to the named representatives added.

- A 手机号 registered under another normalised name refuses the row on 手机号, with a message that
  shows nothing of the stored worker.
- A worker matched in another Home (none of this Home's representatives links it) is only linked:
  its stored fields stay, the row counts `updated` only for the links it adds, and the preview shows
  no stored value. Only a Home that already links a worker updates its fields.
- A commit locks the Home's row before it looks for matches (services.contacts.lock_home_workers,
  the lock a representative's new worker takes too), so two imports into one Home at once, or an
  import and a representative adding the same person, make one worker, not two.
"""
import re

import sqlalchemy as sa

from extensions import db
from models import User, Worker, WorkerLink
from models.base import utcnow
from models.enums import Role
from services.contacts import lock_home_workers
from services.imports.checks import Check, apply_values
from services.imports.reading import Column, Context, Row
from services.validation import normalize_mobile, normalize_name

#: A 手机号 already registered under another name (the same words as the form's 409).
NAME_MISMATCH = ("该手机号已登记为另一位科技工作者，与本行姓名不一致。请核对姓名；"
                 "如登记的姓名有误，请联系省科协办公室更正")

_SEPARATORS = re.compile(r"[、,，;；]")

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


def _pair(name: str, work_unit: str) -> tuple[str, str]:
    return normalize_name(name), normalize_name(work_unit)


def _home_pairs(ctx: Context, rep_ids) -> dict:
    """(normalised name, normalised unit) → worker id of the workers the Home's representatives
    link, loaded once per import (three short columns; compared in Python because the
    normalisation is not SQL)."""
    if "pairs" not in ctx.cache:
        linked = sa.select(WorkerLink.worker_id).where(
            WorkerLink.representative_id.in_(list(rep_ids) or [0]))
        pairs = {}
        for worker_id, name, unit in db.session.execute(
                sa.select(Worker.id, Worker.name, Worker.work_unit)
                .where(Worker.id.in_(linked)).order_by(Worker.id)):
            pairs.setdefault(_pair(name, unit), worker_id)
        ctx.cache["pairs"] = pairs
    return ctx.cache["pairs"]


def process_workers(ctx: Context, chunk: list[Row]) -> None:
    """Workers matched by normalised 手机号, else 姓名 + 工作单位 among the Home's workers; links added."""
    if ctx.write and "locked" not in ctx.cache:
        lock_home_workers(ctx.home.id)  # before any match is read: concurrent commits queue here
        ctx.cache["locked"] = True
    reps = _home_representatives(ctx)
    mobiles = {m for m in (normalize_mobile(r.values.get("mobile", "")) for r in chunk) if m}
    by_mobile = {}
    if mobiles:
        for worker in db.session.scalars(sa.select(Worker).where(Worker.mobile.in_(mobiles))
                                         .order_by(Worker.id)):
            by_mobile.setdefault(worker.mobile, worker)
    pairs = {_pair(r.values["name"], r.values["work_unit"]) for r in chunk
             if not r.values.get("mobile") and r.values.get("name")}
    by_pair = {}
    if pairs:
        home_pairs = _home_pairs(ctx, reps.values())
        wanted = {home_pairs[p]: p for p in pairs if p in home_pairs}
        if wanted:
            for worker in db.session.scalars(sa.select(Worker).where(Worker.id.in_(wanted))):
                by_pair[wanted[worker.id]] = worker
    matched_ids = [w.id for w in (*by_mobile.values(), *by_pair.values())]
    links = set()
    if matched_ids:
        links = set(db.session.execute(
            sa.select(WorkerLink.worker_id, WorkerLink.representative_id)
            .where(WorkerLink.worker_id.in_(matched_ids))).tuples())
    home_reps = set(reps.values())
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
            if worker is not None and values["name"] \
                    and normalize_name(worker.name) != normalize_name(values["name"]):
                check.bad("mobile", NAME_MISMATCH)
        elif values["name"] and values["work_unit"]:
            pair = _pair(values["name"], values["work_unit"])
            check.unique(("worker", *pair), "name", "姓名和工作单位")
            worker = by_pair.get(pair)
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
        ours = any((worker.id, r) in links for r in home_reps)
        # Another Home's worker: only the link is added; nothing stored is changed or shown.
        changed = apply_values(worker, values, ctx.write) if ours else {}
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
