"""An activity's fields as users send them (SPEC §3): checked, cleaned, and applied to the row
(`apply`, an edit) or written as a new one (`insert_new`).

`validate` names every bad field at once (ValidationFailed, Chinese messages keyed by field);
the linked workers must be the organiser's own (a representative) or linked by a representative
of the Home (a manager), the co-organisers active representatives of the same Home. Text is
stored with LF line ends.
"""
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from extensions import db
from models import Activity, Survey, User, Worker, WorkerLink
from models.activity import activity_co_organizers, activity_workers
from models.base import utcnow
from models.enums import (
    ActivityMode,
    ActivityStatus,
    Kind,
    Role,
    SurveyStatus,
    Theme,
    kind_belongs_to,
)
from services import needs
from services import validation as v
from services.clock import today
from services.errors import Collector
from services.input_rules import normalise_newlines
from services.years import FILTER_YEARS

EARLIEST = date(FILTER_YEARS.first, 1, 1)  # the first year any list can show

LABELS = {
    "theme": "活动主题", "kind": "活动类型", "title": "活动名称", "date": "活动日期",
    "location": "活动地点", "mode": "活动形式", "participants": "参与人数", "summary": "活动内容",
    "worker_ids": "联系的科技工作者", "co_organizer_ids": "联合组织代表", "published": "报道",
    "attachments": "附件", "survey_id": "所开展的问卷调查",
    "need_id": "所服务的需求",
}
FIELDS = ("theme", "kind", "title", "date", "location", "mode", "participants", "summary",
          "published", "worker_ids", "co_organizer_ids", "survey_id", "need_id")
COLUMNS = ("theme", "kind", "title", "date", "location", "mode", "participants", "summary",
           "published", "survey_id", "need_id")


MAX_IDS = 1000  # SPEC §10: a list in a body holds at most 1,000 items


def id_list(errors: Collector, data: dict, field: str) -> list[int] | None:
    """A list of distinct positive integer ids (strings of digits accepted), in the order given,
    or None on error: not a list, more than MAX_IDS items, or an item that is no id. Linear in
    the list's length, which is checked before any item is."""
    raw = data.get(field)
    if raw in (None, ""):
        return []
    if isinstance(raw, (str, int)) and not isinstance(raw, bool):
        raw = [raw]
    if not isinstance(raw, (list, tuple)):
        errors.add(field, f"{LABELS[field]}必须是编号列表")
        return None
    if len(raw) > MAX_IDS:
        errors.add(field, f"{LABELS[field]}最多{MAX_IDS}个（收到{len(raw)}个）")
        return None
    ids: dict[int, None] = {}
    for item in raw:
        number = _id_of(item)
        if number is None:
            errors.add(field, f"{LABELS[field]}的编号无效：{str(item)[:20]}")
            return None
        ids[number] = None
    return list(ids)


def _id_of(item) -> int | None:
    """A positive id from an int, an integral float or a string of at most 10 digits, else None."""
    if isinstance(item, bool):
        return None
    if isinstance(item, str):
        item = item.strip()
        if not item.isdigit() or len(item) > 10:
            return None
    try:
        number = int(item)
    except (TypeError, ValueError, OverflowError):
        return None
    if number < 1 or (isinstance(item, float) and item != number):
        return None
    return number


# The workers an organiser may link, as statements built once (a statement reused keeps its cache
# key, which SQLAlchemy otherwise computes again on every request): a representative's own links,
# or the links of any representative of a manager's Home.
_OWN_WORKERS = sa.select(Worker).where(
    Worker.id.in_(sa.bindparam("ids", expanding=True)),
    sa.select(WorkerLink.worker_id).where(
        WorkerLink.worker_id == Worker.id,
        WorkerLink.representative_id == sa.bindparam("organizer_id")).exists())
_HOME_WORKERS = sa.select(Worker).where(
    Worker.id.in_(sa.bindparam("ids", expanding=True)),
    sa.select(WorkerLink.worker_id).join(User, User.id == WorkerLink.representative_id).where(
        WorkerLink.worker_id == Worker.id, User.home_id == sa.bindparam("home_id"),
        User.role == Role.REPRESENTATIVE).exists())


def allowed_workers(organizer: User, home_id: int, ids: list[int]) -> dict[int, Worker]:
    """Of `ids`, the workers the organiser may link, by id: their own links (a representative)
    or the links of any representative of the Home (a manager). One SELECT, which also loads the
    rows the activity will hold (no second look-up when they are attached)."""
    if not ids:
        return {}
    if organizer.role == Role.REPRESENTATIVE:
        rows = db.session.scalars(_OWN_WORKERS, {"ids": ids, "organizer_id": organizer.id})
    else:
        rows = db.session.scalars(_HOME_WORKERS, {"ids": ids, "home_id": home_id})
    return {w.id: w for w in rows}


def valid_co_organizers(home_id: int, organizer_id: int, ids: list[int]) -> dict[int, User]:
    """Of `ids`, the active representatives of any Home (SPEC §5.12: a joint activity across
    Homes) other than the organiser, by id. `home_id` is the activity's Home: co-organisers of
    another Home make it a joint activity, which still belongs to that Home alone."""
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(sa.select(User).where(
        User.id.in_(ids), User.role == Role.REPRESENTATIVE, User.active.is_(True),
        User.home_id.is_not(None), User.id != organizer_id))}


def validate(data: dict, *, organizer: User, home_id: int, activity: Activity | None = None,
             errors: Collector | None = None) -> dict:
    """Check every SPEC §3 field; returns the clean values (FIELDS, plus `workers` and
    `co_organizers`: the rows in the order of their ids), raising ValidationFailed naming each
    bad field — at once when `errors` is not given; a caller that passes its own Collector (to
    name bad files with the fields) raises it. Workers and co-organisers already on `activity` are
    kept without a second check."""
    own = errors is None
    errors = Collector() if own else errors
    out = {}
    out["theme"] = v.choice(errors, data, "theme", LABELS["theme"], Theme)
    out["kind"] = v.choice(errors, data, "kind", LABELS["kind"], Kind)
    if out["theme"] is not None and out["kind"] is not None and not kind_belongs_to(
            out["theme"], out["kind"]):
        errors.add("kind", f"活动类型“{out['kind'].label}”不属于主题“{out['theme'].label}”")
    out["title"] = v.text(errors, data, "title", LABELS["title"], max_len=200)
    out["date"] = v.a_date(errors, data, "date", LABELS["date"], earliest=EARLIEST,
                           latest=today())
    out["location"] = v.text(errors, data, "location", LABELS["location"], required=False,
                             max_len=200)
    out["mode"] = v.choice(errors, data, "mode", LABELS["mode"], ActivityMode)
    if data.get("participants") in (None, ""):
        out["participants"] = None  # not given: shown as 未填写, counted as 0 in sums
    else:
        out["participants"] = v.integer(errors, data, "participants", LABELS["participants"],
                                        minimum=0, maximum=100000)
    out["summary"] = v.text(errors, data, "summary", LABELS["summary"], max_len=10000)
    for key in ("title", "location", "summary"):  # CRLF as LF, also where no flush passes by
        out[key] = normalise_newlines(out[key])
    if isinstance(data.get("published"), (type(None), bool, str, int)):
        out["published"] = v.boolean(data, "published")
    else:
        errors.add("published", "报道必须是 true 或 false")

    out["survey_id"] = _survey_id(errors, data, out["kind"])
    out["need_id"] = _need_id(errors, data, home_id, activity)

    worker_ids = id_list(errors, data, "worker_ids")
    if worker_ids is not None:
        rows = {w.id: w for w in activity.workers} if activity is not None else {}
        fresh = [i for i in worker_ids if i not in rows]
        rows.update(allowed_workers(organizer, home_id, fresh))
        bad = [str(i) for i in fresh if i not in rows]
        if bad:
            who = "您" if organizer.role == Role.REPRESENTATIVE else "本代表之家的代表"
            errors.add("worker_ids", f"联系的科技工作者中有{who}未关联的人员（编号 {', '.join(bad)}）")
        else:
            out["workers"] = [rows[i] for i in worker_ids]
        out["worker_ids"] = worker_ids

    co_ids = id_list(errors, data, "co_organizer_ids")
    if co_ids is not None:
        if organizer.id in co_ids:
            errors.add("co_organizer_ids", "组织者本人不能同时作为联合组织代表")
        co_ids = [i for i in co_ids if i != organizer.id]
        rows = {u.id: u for u in activity.co_organizers} if activity is not None else {}
        fresh = [i for i in co_ids if i not in rows]
        rows.update(valid_co_organizers(home_id, organizer.id, fresh))
        bad = [str(i) for i in fresh if i not in rows]
        if bad:
            errors.add("co_organizer_ids",
                       f"联合组织代表必须是在职的其他代表（编号 {', '.join(bad)} 不符合）")
        else:
            out["co_organizers"] = [rows[i] for i in co_ids]
        out["co_organizer_ids"] = co_ids
    if own:
        errors.raise_if_any()
    return out


def _survey_id(errors: Collector, data: dict, kind) -> int | None:
    """The survey a 科技工作者状况调查 carried out (SPEC §5.10): a published or closed survey, only
    for the kind status_survey (another kind keeps none); None when not given."""
    if kind != Kind.STATUS_SURVEY or data.get("survey_id") in (None, ""):
        return None
    survey_id = v.integer(errors, data, "survey_id", LABELS["survey_id"], minimum=1)
    if survey_id is None:
        return None
    found = db.session.scalar(sa.select(Survey.id).where(
        Survey.id == survey_id, Survey.status != SurveyStatus.DRAFT))
    if found is None:
        errors.add("survey_id", "问卷不存在或尚未发布")
    return found


def _need_id(errors: Collector, data: dict, home_id, activity) -> int | None:
    """The need the activity serves (SPEC §5.11): one dispatched to or assigned in the activity's
    Home (an activity keeps the need it already names); None when not given."""
    if data.get("need_id") in (None, ""):
        return None
    need_id = v.integer(errors, data, "need_id", LABELS["need_id"], minimum=1)
    if need_id is None:
        return None
    if activity is not None and activity.need_id == need_id:
        return need_id
    if need_id not in needs.servable_need_ids(home_id, [need_id]):
        errors.add("need_id", "需求不存在，或未派给本代表之家")
        return None
    return need_id


def current_values(activity: Activity) -> dict:
    """The activity's fields as `validate` takes them (for a partial edit or a re-check)."""
    return {
        "theme": activity.theme.value, "kind": activity.kind.value, "title": activity.title,
        "date": activity.date, "location": activity.location, "mode": activity.mode.value,
        "participants": activity.participants, "summary": activity.summary,
        "published": activity.published,
        "worker_ids": [w.id for w in activity.workers],
        "co_organizer_ids": [u.id for u in activity.co_organizers],
        "survey_id": activity.survey_id,
        "need_id": activity.need_id,
    }


def apply(activity: Activity, clean: dict) -> None:
    """Set the validated values on the activity: columns, linked workers, co-organisers."""
    for key in COLUMNS:
        setattr(activity, key, clean[key])
    activity.workers = clean["workers"]
    activity.co_organizers = clean["co_organizers"]


_INSERT_ACTIVITY = sa.insert(Activity).returning(Activity)


def insert_new(clean: dict, *, home_id: int, organizer_id: int, status: ActivityStatus) -> Activity:
    """Write a new activity with the validated values: its row (RETURNING it as a persistent
    object) and one INSERT per kind of link. A new row needs none of the unit of work's change
    tracking, which costs more than the writes themselves (bench: POST /api/v1/activities
    against the plain-SQL write floor); the collections are set as loaded, so nothing reads
    them back."""
    row = {key: clean[key] for key in COLUMNS}
    row.update(home_id=home_id, organizer_id=organizer_id, status=status, review_comment="",
               submitted_at=utcnow() if status == ActivityStatus.SUBMITTED else None)
    activity = db.session.scalars(_INSERT_ACTIVITY, [row]).one()
    for table, key, rows in ((activity_workers, "worker_id", clean["workers"]),
                             (activity_co_organizers, "user_id", clean["co_organizers"])):
        if rows:  # one executemany INSERT
            db.session.execute(table.insert(), [{"activity_id": activity.id, key: r.id}
                                                for r in rows])
    set_committed_value(activity, "workers", clean["workers"])
    set_committed_value(activity, "co_organizers", clean["co_organizers"])
    set_committed_value(activity, "attachments", [])
    return activity
