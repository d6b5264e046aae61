"""The fields of a need as the public files it, and the reasons the office and Homes give
(SPEC §5.11) — the family's leaf: checks only, no queries."""
from models.enums import JIANGSU_CITIES, NeedKind
from services import validation as v
from services.errors import Collector

TITLE_MAX = 100
DESCRIPTION_MAX = 5000
ORGANIZATION_MAX = 100
CONTACT_NAME_MAX = 50
FIELD_MAX = 100
REASON_MAX = 500
COMMENT_MAX = 500
#: How many representatives one need may be assigned to.
ASSIGN_MIN, ASSIGN_MAX = 1, 5

LABELS = {
    "kind": "需求类型", "title": "需求标题", "description": "需求描述", "organization": "单位或社区名称",
    "contact_name": "联系人", "contact_mobile": "联系手机", "city": "所在设区市", "field": "所属领域",
    "reason": "原因", "home_id": "代表之家", "representative_ids": "接单代表",
    "score": "评分", "comment": "评价",
}


def _plain(errors: Collector, data: dict, field: str, **kw) -> str:
    value = v.text(errors, data, field, LABELS[field], **kw)
    if "\x00" in value:
        errors.add(field, f"{LABELS[field]}含有无效字符")
    return value


def clean_need(data: dict) -> dict:
    """The checked fields of a new need: kind, title (1–100), description (1–5000), organization
    (1–100), contact_name (1–50), contact_mobile (normalised to 11 digits), city (one of Jiangsu's
    13 设区市, written with or without 市), field (optional, ≤ 100). Raises ValidationFailed naming
    every bad field."""
    errors = Collector()
    out = {"kind": v.choice(errors, data, "kind", LABELS["kind"], NeedKind),
           "title": _plain(errors, data, "title", max_len=TITLE_MAX),
           "description": _plain(errors, data, "description", max_len=DESCRIPTION_MAX),
           "organization": _plain(errors, data, "organization", max_len=ORGANIZATION_MAX),
           "contact_name": _plain(errors, data, "contact_name", max_len=CONTACT_NAME_MAX),
           "contact_mobile": v.mobile(errors, data, "contact_mobile", LABELS["contact_mobile"],
                                      required=True),
           "field": _plain(errors, data, "field", required=False, max_len=FIELD_MAX)}
    city = _plain(errors, data, "city", max_len=10)
    if city and city not in JIANGSU_CITIES:
        city = city + "市" if city + "市" in JIANGSU_CITIES else city
    if city and city not in JIANGSU_CITIES and "city" not in errors.fields:
        errors.add("city", "所在设区市应为江苏省13个设区市之一，如“南京市”")
    out["city"] = city
    errors.raise_if_any()
    return out


def clean_reason(data: dict) -> str:
    """A required reason of 1–500 characters (declining, returning); ValidationFailed naming `reason`."""
    errors = Collector()
    reason = _plain(errors, data if isinstance(data, dict) else {}, "reason", max_len=REASON_MAX)
    errors.raise_if_any()
    return reason


def clean_rating(data: dict) -> tuple[int, str]:
    """(score 1–5, comment ≤ 500) of a rating; ValidationFailed naming `score` or `comment`."""
    errors = Collector()
    data = data if isinstance(data, dict) else {}
    raw = data.get("score")
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw.strip())
    score = None
    if raw in (None, ""):
        errors.add("score", "请选择评分（1–5分）")
    elif isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= 5:
        errors.add("score", "评分应为1到5之间的整数")
    else:
        score = raw
    comment = _plain(errors, data, "comment", required=False, max_len=COMMENT_MAX)
    errors.raise_if_any()
    return score, comment


def clean_id_list(data: dict, field: str) -> list[int]:
    """Distinct positive ids of `field` (1–5 of them, in the order given); ValidationFailed naming it."""
    raw = (data if isinstance(data, dict) else {}).get(field)
    if isinstance(raw, (str, int)) and not isinstance(raw, bool) and raw != "":
        raw = [raw]
    ids = []
    ok = isinstance(raw, (list, tuple))
    for item in raw if ok else ():
        if isinstance(item, str) and item.strip().isdigit():
            item = int(item.strip())
        if isinstance(item, bool) or not isinstance(item, int) or not 0 < item < 2**31:
            ok = False
            break
        if item not in ids:
            ids.append(item)
    errors = Collector()
    if not ok:
        errors.add(field, f"{LABELS[field]}必须是编号列表")
    elif not ASSIGN_MIN <= len(ids) <= ASSIGN_MAX:
        errors.add(field, f"请选择{ASSIGN_MIN}到{ASSIGN_MAX}名{LABELS[field]}")
    errors.raise_if_any()
    return ids


def clean_home_id(data: dict) -> int:
    """The positive integer `home_id`; ValidationFailed naming it."""
    raw = (data if isinstance(data, dict) else {}).get("home_id")
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw.strip())
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 < raw < 2**31:
        errors = Collector()
        errors.add("home_id", "请选择要派单的代表之家")
        errors.raise_if_any()
    return raw
