"""The Chinese name of each scheduled job, shown before its code on /admin/jobs/ (users read
names, not codes). A job missing here is shown by its code."""

JOB_LABELS = {
    "compliance_sweep": "联系达标提醒",
    "inactivity_reminder": "活动不足提醒",
    "validity_watch": "有效期检查",
    "publicity_close": "公示期结束处理",
    "assessment_drafts": "生成年度考核草稿",
    "queue_digest": "待审核活动提醒",
    "deliver_messages": "发送邮件和群机器人消息",
    "signin_retention": "签到信息保存期限",
}

#: The Chinese name of each figure a job run records (JobRun.counts); an unknown key shows as is.
COUNT_LABELS = {
    "representatives": "代表", "below_threshold": "未达标", "notified": "已通知", "digests": "汇总通知",
    "emailed": "已发邮件", "email_failed": "邮件失败", "inactive": "无活动代表", "expired": "已到期",
    "warned": "已预警", "expiring": "即将到期", "warning_days": "提前预警天数", "closed": "已处理",
    "homes": "代表之家", "created": "已生成", "skipped": "已跳过", "failed": "失败",
    "homes_waiting": "有待审活动的代表之家", "activities_waiting": "待审活动", "year": "年度",
    "window_days": "天数", "trigger": "触发方式",
    "attempted": "尝试发送", "delivered": "已送达", "retrying": "待重试", "deferred": "限速顺延",
    "cleared": "已清除签到信息", "summarised": "已汇总签到", "ineligible": "不参加考核",
}

#: Keys of a listed object (a dict in a list) that name it; shown first, the rest in brackets.
NAME_KEYS = ("home", "name", "title", "username")
#: Keys of a listed object only machines need (ids): never shown.
HIDDEN_KEYS = ("home_id", "id", "user_id", "activity_id")

#: How a run was started (counts["trigger"]).
TRIGGER_LABELS = {"scheduler": "定时", "catch_up": "补运行", "web": "页面立即运行", "cli": "命令行"}


def count_label(key: str) -> str:
    """The Chinese name of a JobRun.counts key (the key itself when unknown)."""
    return COUNT_LABELS.get(key, key)


def count_value(key: str, value) -> str:
    """A JobRun.counts value as people read it, never a Python repr: numbers as they are (a whole
    float without ".0"), True/False 是/否, None —, the trigger by its Chinese name, a list as its
    items joined by "、" (empty: 无), a dict as "名称（原因，标签：值…）" when it names something
    (home/name/…) else as "标签：值" pairs joined by "，"; ids inside lists and dicts are left out."""
    if key == "trigger":
        return TRIGGER_LABELS.get(value, str(value))
    return _text(value)


def _text(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_text(v) for v in value]
        return "、".join(items) if items else "无"
    if isinstance(value, dict):
        return _dict_text(value)
    return str(value)


def _dict_text(value: dict) -> str:
    shown = {k: v for k, v in value.items() if k not in HIDDEN_KEYS}
    name_key = next((k for k in NAME_KEYS if k in shown), None)
    rest = "，".join(_text(v) if k == "reason" else _pair(k, v)
                    for k, v in shown.items() if k != name_key)
    if name_key is None:
        return rest or "—"
    return f"{_text(shown[name_key])}（{rest}）" if rest else _text(shown[name_key])


def _pair(key, value) -> str:
    return f"{count_label(str(key))}：{count_value(str(key), value)}"
