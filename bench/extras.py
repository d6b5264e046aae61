"""The bench province's audit, survey, needs and sign-in tables, seeded in a step of their own
after the main rows: the audit log (a valid SHA-256 hash chain), surveys with their responses and
answers, needs with their dispatches and assigned representatives, and on-site sign-ins with
their attendees; plus the accounts that read them (a city administrator of Home 1's city, an
audit administrator).

Per unit of scale (scale 30: 10 M audit entries, 100,000 survey responses):
333,334 audit entries (sealed in id order: seq = 1, 2, … and each hash computed exactly as
services/audit/chain.py computes it, so `flask audit verify` passes), 3,334 responses to the
large named survey (six questions, about six answer rows each) plus a tenth of that to a closed
anonymous one, 2,000 needs (all statuses; dispatched ones to a Home of their city, assigned ones
to 1–3 of its representatives), and a sign-in for 2% of the submitted and verified offline
activities (5–60 attendees each; Home 1's first such activity is a hall of 500), and OPEN_SIGNINS
sign-ins still open until tomorrow (no attendees) for the sign-in POST load.

`build` is pure (one seeded generator, no database): the caller reads the chain's starting point
(its head and the next id) and passes it in; each table comes as an iterator of row chunks, so
10 M entries never sit in memory at once.
"""
import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

from models.enums import NeedKind, QuestionKind
from models.user import name_sort_key
from services.audit import entry_hash

CITY_ADMIN_USERNAME = "bench_city"
AUDITOR_USERNAME = "bench_auditor"
EXTRA_SEED = 20260202
PER_SCALE_EXTRA = {"audit": 333_334, "survey_responses": 3_334, "needs": 2_000}
SIGNIN_SHARE = 0.02
HALL = 500  # attendees of the largest sign-in (Home 1's first)
OPEN_SIGNINS = 16  # sign-ins open for the load (one per load thread, at most)
CHUNK = 100_000
#: Codes as services/signin/opening.py draws them: 8 characters without look-alikes (0/O, 1/I/L);
#: receipts take 12 of the same alphabet (services/receipts.py).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SIGNIN_CODE_LENGTH = 8
#: The large survey's questions: (text, kind, options).
QUESTIONS = (
    ("您的工作单位类型", QuestionKind.SINGLE, ["高校", "科研院所", "企业", "医疗卫生机构", "其他"]),
    ("您最关注的问题（可多选）", QuestionKind.MULTIPLE,
     ["科研经费", "职称评审", "人才引进", "成果转化", "子女教育", "住房"]),
    ("对科协服务的总体满意度", QuestionKind.SCALE, []),
    ("对代表之家活动的满意度", QuestionKind.SCALE, []),
    ("您每年参加学术交流的次数", QuestionKind.SINGLE, ["0次", "1–2次", "3–5次", "6次以上"]),
    ("其他意见和建议", QuestionKind.TEXT, []),
)
AUDIT_ACTIONS = (  # (action, object_type, weight)
    ("login_success", "users", 35), ("login_failure", "users", 3), ("logout", "users", 10),
    ("create", "activities", 18), ("update", "activities", 10), ("submit", "activities", 8),
    ("verify", "activities", 7), ("create", "contact_records", 5), ("export", "representatives.xlsx", 2),
    ("status_resolved", "appeals", 2),
)


def counts_for(scale: float) -> dict:
    """The number of audit entries, survey responses (large survey) and needs at `scale`."""
    return {key: max(1, round(per * scale)) for key, per in PER_SCALE_EXTRA.items()}


def _column(rows, table, name):
    columns, data = rows.tables[table]
    i = columns.index(name)
    return [r[i] for r in data]


def _chunks(items: Iterator, size: int = CHUNK) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def build(main, scale: float, *, now: datetime, first_id: int = 1, head: tuple = (0, "0" * 64),
          seed: int = EXTRA_SEED) -> dict:
    """{table: (columns, iterator of row chunks)} in insertion order. `main` is the main seed's
    Rows (bench/province.py); `first_id`/`head` are the audit log's next id and its chain head
    (seq, hash)."""
    rng = random.Random(seed)
    n = counts_for(scale)
    users = main.tables["users"]
    ucols, udata = users
    col = {c: i for i, c in enumerate(ucols)}
    ts = udata[0][col["created_at"]]
    unit_city = dict(zip(_column(main, "units", "id"), _column(main, "units", "city"), strict=True))
    home_unit = dict(zip(_column(main, "homes", "id"), _column(main, "homes", "unit_id"),
                         strict=True))
    home_city = {h: unit_city[u] or "南京市" for h, u in home_unit.items()}
    next_user = max(r[col["id"]] for r in udata) + 1
    city = home_city[1]
    password_hash = udata[0][col["password_hash"]]
    extra_users = []
    for uid, username, name, role, user_city in (
            (next_user, CITY_ADMIN_USERNAME, f"{city}科协基准管理员", "city_admin", city),
            (next_user + 1, AUDITOR_USERNAME, "基准审计管理员", "audit_admin", None)):
        extra_users.append((uid, username, name, name_sort_key(name), password_hash, role, True,
                            "", "", None, None, None, "", "", ts, ts, user_city))
    reps = [(r[col["id"]], r[col["home_id"]]) for r in udata
            if r[col["role"]] == "representative" and r[col["active"]]]
    reps_of_home = {}
    for uid, home in reps:
        reps_of_home.setdefault(home, []).append(uid)
    all_user_ids = [r[col["id"]] for r in udata]
    first_day = min(_column(main, "activities", "date"))
    out = {"users": ((*ucols, "city"), iter([extra_users]))}
    out.update(_surveys(rng, n, reps, now, first_day, ts))
    out.update(_needs(rng, n, home_city, reps_of_home, now, first_day))
    out.update(_signins(rng, main, now))
    out["audit_log"] = (AUDIT_COLUMNS, _chunks(_audit(rng, n["audit"], all_user_ids, now,
                                                      first_day, first_id, head)))
    return out


def _instant(day, rng, now):
    moment = datetime.combine(day, time(1), UTC) + timedelta(seconds=rng.randrange(9 * 3600))
    return min(moment, now).replace(microsecond=0)


def _surveys(rng, n, reps, now, first_day, ts):
    today = now.date()
    surveys = [
        (1, "基准科技工作者状况调查", "了解科技工作者的工作与生活状况。", first_day,
         today + timedelta(days=30), False, False, "published", 1, None,
         datetime.combine(first_day, time(2), UTC), None, ts, ts),
        (2, "基准匿名满意度调查（已结束）", "", first_day, today, True, False, "closed", 1, None,
         datetime.combine(first_day, time(2), UTC), now.replace(microsecond=0), ts, ts),
    ]
    questions, qid = [], 0
    for survey_id in (1, 2):
        for position, (text, kind, options) in enumerate(QUESTIONS, 1):
            qid += 1
            questions.append((qid, survey_id, position, text, kind.value, json.dumps(
                options, ensure_ascii=False), kind != QuestionKind.TEXT))
    responses, answers = [], []
    total = n["survey_responses"]
    answer_days = [first_day + timedelta(days=i)
                   for i in range(min(30, (today - first_day).days + 1))]
    for survey_id, count in ((1, total), (2, max(1, total // 10))):
        base_q = (survey_id - 1) * len(QUESTIONS)
        for _ in range(count):
            rid = len(responses) + 1
            rep, home = rng.choice(reps)
            named = survey_id == 1
            responses.append((rid, survey_id, home if named else None, rep if named else None,
                              None, _instant(rng.choice(answer_days), rng, now)))
            for offset, (_text, kind, options) in enumerate(QUESTIONS):
                question_id = base_q + offset + 1
                if kind == QuestionKind.SINGLE:
                    picked = [(rng.choice(options), None, None)]
                elif kind == QuestionKind.MULTIPLE:
                    picked = [(o, None, None) for o in rng.sample(options, rng.randint(1, 4))]
                elif kind == QuestionKind.SCALE:
                    picked = [(None, rng.choices((1, 2, 3, 4, 5), (1, 2, 4, 6, 4))[0], None)]
                else:
                    picked = [(None, None, "希望加强交流。")] if rng.random() < 0.3 else []
                for choice, number, text in picked:
                    answers.append((len(answers) + 1, rid, question_id, choice, number, text))
    return {
        "surveys": (("id", "title", "intro", "opens_on", "closes_on", "anonymous", "code_required",
                     "status", "created_by_id", "copied_from_id", "published_at", "closed_at",
                     "created_at", "updated_at"), iter([surveys])),
        "survey_questions": (("id", "survey_id", "position", "text", "kind", "options",
                              "required"), iter([questions])),
        "survey_responses": (("id", "survey_id", "home_id", "representative_id", "code_id",
                              "answered_at"), _chunks(iter(responses))),
        "survey_answers": (("id", "response_id", "question_id", "choice", "number", "text"),
                           _chunks(iter(answers))),
    }


NEED_STATUSES = (("received", 15), ("dispatched", 15), ("assigned", 30), ("fulfilled", 20),
                 ("closed", 15), ("declined", 5))


def _needs(rng, n, home_city, reps_of_home, now, first_day):
    span = max(1, (now.date() - first_day).days)
    statuses = rng.choices([s for s, _ in NEED_STATUSES], [w for _, w in NEED_STATUSES],
                           k=n["needs"])
    homes = sorted(home_city)
    needs, assigned = [], []
    receipts = set()
    for i, status in enumerate(statuses, 1):
        home = rng.choice(homes)
        received = _instant(first_day + timedelta(days=rng.randrange(span)), rng, now)
        step = timedelta(days=2)
        dispatched = status not in ("received", "declined")
        assigned_at = received + 2 * step if status in ("assigned", "fulfilled", "closed") else None
        fulfilled = received + 5 * step if status in ("fulfilled", "closed") else None
        closed = received + 8 * step if status == "closed" else None
        rating = rng.randint(3, 5) if status == "closed" else None
        while True:
            receipt = "".join(rng.choice(CODE_ALPHABET) for _ in range(12))
            if receipt not in receipts:
                receipts.add(receipt)
                break
        kind = rng.choice((NeedKind.TECHNOLOGY, NeedKind.SCIENCE)).value
        needs.append((i, kind, f"基准需求{i}：{'技术攻关' if kind == 'technology' else '科普讲座'}",
                      "需求描述：希望得到相关领域代表的支持。", f"基准需求单位{i % 400}",
                      "联系人", f"136{i:08d}", home_city[home], "电子信息", status, receipt,
                      home if dispatched else None, None,
                      "不属于受理范围" if status == "declined" else "", "", received,
                      received + step if dispatched else None, assigned_at and min(assigned_at, now),
                      fulfilled and min(fulfilled, now), closed and min(closed, now), rating, "",
                      closed and min(closed, now), received, received))
        if assigned_at is not None:
            pool = reps_of_home.get(home, [])
            for uid in rng.sample(pool, min(len(pool), rng.randint(1, 3))):
                assigned.append((i, uid))
    return {
        "needs": (("id", "kind", "title", "description", "organization", "contact_name",
                   "contact_mobile", "city", "field", "status", "receipt", "home_id",
                   "hint_representative_id", "decline_reason", "return_reason", "received_at",
                   "dispatched_at", "assigned_at", "fulfilled_at", "closed_at", "rating",
                   "rating_comment", "rated_at", "created_at", "updated_at"), _chunks(iter(needs))),
        "need_representatives": (("need_id", "user_id"), _chunks(iter(assigned))),
    }


def _signins(rng, main, now):
    cols, data = main.tables["activities"]
    c = {name: i for i, name in enumerate(cols)}
    eligible = [r for r in data if r[c["status"]] in ("submitted", "verified")
                and r[c["mode"]] in ("offline", "hybrid")]
    chosen = [r for r in eligible if rng.random() < SIGNIN_SHARE]
    hall = next((r for r in eligible if r[c["home_id"]] == 1), None)
    if hall is not None and hall not in chosen:
        chosen.insert(0, hall)
    used = {r[c["id"]] for r in chosen}
    drafts = [r for r in data if r[c["id"]] not in used and r[c["status"]] in ("submitted",
                                                                               "verified")]
    codes = set()

    def code():
        while True:
            value = "".join(rng.choice(CODE_ALPHABET) for _ in range(SIGNIN_CODE_LENGTH))
            if value not in codes:
                codes.add(value)
                return value
    signins, sizes = [], []
    for r in chosen:
        count = HALL if r is hall else rng.randint(5, 60)
        opened = datetime.combine(r[c["date"]], time(1), UTC)
        closes = min(opened + timedelta(hours=12), now).replace(microsecond=0)
        signins.append((len(signins) + 1, r[c["id"]], code(), r[c["organizer_id"]], opened,
                        closes, closes, count, None, opened, opened))
        sizes.append((r[c["id"]], opened, count))

    def attendees():  # drawn while written (a million rows at scale 30)
        number = 0
        for activity_id, opened, count in sizes:
            for no in range(1, count + 1):
                number += 1
                signed = min(opened + timedelta(seconds=no * 7), now).replace(microsecond=0)
                yield (number, activity_id, no, f"签到人{no}", f"15{number:09d}",
                       f"基准工作单位{rng.randrange(500)}", "", False, False, signed, None, "",
                       None, signed, signed)
    tomorrow = (now + timedelta(days=1)).replace(microsecond=0)
    for r in drafts[:OPEN_SIGNINS]:  # open for the sign-in POST load (no attendees yet)
        signins.append((len(signins) + 1, r[c["id"]], code(), r[c["organizer_id"]],
                        now.replace(microsecond=0), tomorrow, None, 0, None, now, now))
    return {
        "activity_signins": (("id", "activity_id", "code", "opened_by_id", "opened_at",
                              "closes_at", "closed_at", "last_attendee_no", "summary_recorded_at",
                              "created_at", "updated_at"), iter([signins])),
        "attendees": (("id", "activity_id", "attendee_no", "name", "mobile", "work_unit", "field",
                       "is_worker", "proxy", "signed_at", "worker_id", "worker_note",
                       "cleared_at", "created_at", "updated_at"), _chunks(attendees())),
    }


AUDIT_COLUMNS = ("id", "seq", "created_at", "actor_id", "address", "action", "object_type",
                 "object_id", "result", "detail", "before", "after", "reason", "hash")


def _audit(rng, count, user_ids, now, first_day, first_id, head):
    """The entries, oldest first, each sealed: seq follows the head, hash = entry_hash(row, the
    previous hash) over the row as the database will answer it (whole seconds in UTC; JSON
    columns as the objects they decode to). Times spread evenly with jitter from 1 January to now
    (never decreasing); drawn block by block, so memory does not grow with the count."""
    start = datetime.combine(first_day, time(), UTC)
    span = max(1, int((now - start).total_seconds()) - 1)
    step = span / count
    kinds = [a[:2] for a in AUDIT_ACTIONS]
    weights = [a[2] for a in AUDIT_ACTIONS]
    seq, previous = head
    for block in range(0, count, CHUNK):
        actions = rng.choices(kinds, weights, k=min(CHUNK, count - block))
        for offset, (action, object_type) in enumerate(actions):
            i = block + offset
            actor = rng.choice(user_ids)
            detail = before = after = None
            object_id = rng.randrange(1, 100_000)
            result = "success"
            if object_type == "users":
                object_id = actor
                if action == "login_failure":
                    result, detail = "failure", {"username": f"user{actor}", "reason": "password"}
            elif action == "export":
                object_id, detail = None, {"what": object_type, "rows": rng.randrange(1, 6000)}
            elif action == "update":
                before, after = {"title": f"活动{object_id}"}, {"title": f"活动{object_id}（修订）"}
            else:
                after = {"status": "submitted", "title": f"活动{object_id}"}
            seq += 1
            moment = start + timedelta(seconds=int((i + rng.random()) * step))
            entry = {"id": first_id + i, "seq": seq, "created_at": moment, "actor_id": actor,
                     "address": f"10.{actor % 250}.{i % 250}.{rng.randrange(1, 250)}",
                     "action": action, "object_type": object_type, "object_id": object_id,
                     "result": result, "detail": detail, "before": before, "after": after,
                     "reason": ""}
            previous = entry_hash(entry, previous)
            yield (entry["id"], seq, moment, actor, entry["address"], action, object_type,
                   object_id, result, _json(detail), _json(before), _json(after), "", previous)


def _json(value):
    return None if value is None else json.dumps(value, ensure_ascii=False)
