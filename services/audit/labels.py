"""What the audit administrator reads: Chinese labels for the log's actions, object types, results
and detail keys, and an entry's detail as short readable lines (SPEC §5.13's viewer and export).

The codes stay the record (filters, the API and the hash use them); these only name them. A code
missing here is shown as is, so a new action is never hidden.
"""
import functools
import json
import re
from datetime import UTC, datetime

from extensions import db
from models import enums
from services import clock
from services.audit.record import snapshot_keys

ACTION_LABELS = {
    "assign": "安排代表接单", "close_unrated": "关闭未评价需求",
    "decline": "不予受理", "dispatch": "派单", "fulfil": "需求办结", "rate": "评价",
    "login_success": "登录成功", "login_failure": "登录失败", "logout": "退出登录",
    "account_locked": "账号锁定", "account_unlocked": "账号解锁",
    "otp_enrolled": "绑定第二因素", "otp_recovery_used": "使用恢复码", "otp_reset": "重置第二因素",
    "password_changed": "修改密码", "password_reset": "重置密码", "role_changed": "变更角色",
    "sessions_ended": "结束会话", "export": "导出个人信息", "download": "下载附件",
    "job_run": "手动运行任务", "audit_verified": "校验审计链",
    "import": "导入", "import_create": "导入新建", "import_update": "导入更新",
    "import_refused": "导入被拒绝", "import_dry_run": "导入预检",
    "create": "新建", "create_public": "公众提交", "update": "修改", "delete": "删除",
    "activate": "启用", "deactivate": "停用", "move": "调整所属代表之家",
    "submit": "提交", "withdraw": "撤回", "verify": "审核通过", "return": "退回",
    "approve": "批准", "reject": "不予批准", "admin_edit_verified": "修改已审核活动",
    "add_attachments": "添加附件", "remove_attachment": "删除附件", "add_member": "添加服务团队成员",
    "link": "关联科技工作者", "unlink": "取消关联", "remind_contacts": "提醒联系",
    "recognize": "认定代表之家", "renew": "续期", "revoke": "撤销", "expire": "到期",
    "upsert_plan": "保存年度计划", "update_profile": "修改代表之家信息",
    "recompute": "重新计算考核", "override_item": "调整考核得分", "finalize": "考核定稿",
    "publish": "发布", "close_publicity": "公示期结束",
    "decide_uphold": "异议成立", "decide_dismiss": "异议不成立",
    "status_received": "诉求受理", "status_forwarded": "诉求转办", "status_resolved": "诉求办结",
    "status_closed": "诉求关闭",
    "withdraw_co_organizer": "退出联合组织",
    "set_subsidy_rates": "设定奖补标准", "subsidy_paid": "登记奖补拨付", "subsidy_reversed": "红冲奖补拨付",
    "close": "结束", "issue_codes": "发放填写码", "queue_test": "发送测试消息",
    "signin_open": "开启签到", "signin_close": "结束签到", "signin_proxy": "代为签到",
    "update_message_preferences": "修改消息提醒设置",
}

OBJECT_LABELS = {
    "needs": "需求",
    "users": "用户", "units": "依托单位", "homes": "代表之家", "home_plans": "年度计划",
    "service_team_members": "服务团队成员", "activities": "活动", "attachments": "活动附件",
    "workers": "科技工作者", "worker_links": "科技工作者关联", "contact_records": "联系记录",
    "appeals": "诉求", "applications": "申报", "application_rounds": "申报批次",
    "assessments": "年度考核", "assessment_items": "考核项目", "objections": "异议",
    "imports": "导入", "notifications": "通知", "job_runs": "任务运行", "audit_log": "审计日志",
    "dashboard": "统计表", "login_sessions": "登录会话", "api_tokens": "API 令牌",
    "subsidy_rates": "奖补标准", "subsidy_payments": "奖补拨付",
    "surveys": "问卷", "survey_questions": "问卷题目", "survey_responses": "问卷答卷",
    "survey_answers": "问卷答案", "survey_codes": "问卷填写码", "activity_signins": "活动签到",
    "attendees": "签到人员", "message_robots": "消息机器人", "message_preferences": "消息提醒设置",
    "deliveries": "消息投递", "job_locks": "任务锁", "password_history": "历史密码",
    "recovery_codes": "恢复码", "summary_activities": "活动汇总", "summary_appeals": "诉求汇总",
    "summary_contacts": "联系汇总", "summary_activity_years": "年度活动汇总",
    "summary_home_contact_levels": "代表之家分层联系汇总",
    "summary_home_representatives": "代表之家代表汇总",
    "summary_home_submitted": "代表之家待审核活动汇总",
    "summary_province_appeals": "全省诉求汇总", "summary_province_months": "全省月度汇总",
    "summary_representative_years": "代表年度汇总",
}

RESULT_LABELS = {"success": "成功", "failure": "失败"}

KEY_LABELS = {
    "assigned_at": "接单时间", "current": "当前", "score": "评分", "decline_reason": "不予受理原因",
    "description": "描述", "dispatched_at": "派单时间", "fulfilled_at": "办结时间",
    "hint_representative_id": "来源代表编号", "linked": "三级联动", "linked_levels": "三级联动",
    "need_id": "需求编号", "organization": "单位", "paid_at": "拨付登记时间",
    "paid_by_id": "拨付登记人编号", "paid_on": "拨付日期", "pass_": "合格", "rated_at": "评价时间",
    "rating": "评分", "rating_comment": "评价意见", "received_at": "收到时间",
    "return_reason": "退回原因", "reverse_reason": "红冲原因", "reversed_at": "红冲时间",
    "reversed_by_id": "红冲人编号",
    "username": "用户名", "reason": "原因", "channel": "渠道", "how": "方式", "by": "方式",
    "what": "内容", "rows": "行数", "trigger": "触发方式", "checked": "已校验条数",
    "bad_id": "不符记录编号", "bad_seq": "不符记录序号", "problem": "问题", "job": "任务",
    "as_of": "截至日期", "status": "状态", "role": "角色", "city": "设区市", "password": "密码",
    "locked_until": "锁定至", "failures": "失败次数", "address": "地址", "accounts": "账号数",
    "second_factor": "第二因素", "recovery_code": "恢复码", "name": "姓名", "title": "标题",
    "active": "启用", "home_id": "代表之家编号", "unit_id": "单位编号", "level": "层级",
    "mobile": "手机号", "email": "电子邮箱", "work_unit": "工作单位", "kind": "类型",
    "theme": "主题", "year": "年度", "filename": "文件名", "activity_id": "活动编号",
    "activation_expires_at": "激活码有效期至", "code": "代码", "day": "日期",
    "representative_id": "代表编号", "worker_id": "科技工作者编号", "contacted": "已联系",
    "override_score": "调整得分", "opinion": "意见", "comment": "意见", "count": "数量",
    "sessions": "会话", "tokens": "令牌", "amount": "金额", "voucher": "凭证号",
    "excellent": "优秀", "good": "良好", "pass": "合格",
    "acquired_at": "获取时间", "action": "操作", "activities": "活动数", "actor_id": "操作人编号",
    "after": "变更后", "anonymous": "匿名", "answered_at": "作答时间", "appeals": "诉求数",
    "assessment_id": "考核编号", "attempts": "尝试次数", "attendee_no": "签到序号",
    "auto_score": "自动得分", "before": "变更前", "body": "正文", "category": "类别",
    "choice": "选项", "claimed_until": "占用至", "cleared_at": "清除时间",
    "closed_at": "结束时间", "closes_at": "截止时间", "closes_on": "截止日期",
    "code_hash": "填写码摘要", "code_id": "填写码编号", "code_required": "需要填写码",
    "contact": "联系方式", "contact_mobile": "联系人手机", "contact_name": "联系人",
    "contact_person": "联系人", "contacts": "联系数", "content": "内容",
    "content_type": "文件类型", "copied_from_id": "复制自编号", "counts": "计数",
    "created": "新建数", "created_by_id": "创建人编号", "credentials_salt": "凭据盐值",
    "credentials_taken_at": "凭据领取时间", "credentials_user_ids": "凭据用户编号",
    "date": "日期", "days": "天数", "deadline": "截止时间", "decided_at": "决定时间",
    "decided_by_id": "决定人编号", "decision": "决定", "dedupe_key": "去重键",
    "delivered_at": "送达时间", "detail": "详情", "digest": "摘要", "duty": "职责",
    "effects_applied_on": "生效日期", "enabled": "启用", "error": "错误",
    "expires_at": "到期时间", "expires_on": "到期日期", "failed_logins": "登录失败次数",
    "failure_window_start": "失败计数起始时间", "fax": "传真", "field": "领域",
    "file_name": "文件名", "filed_at": "提交时间", "finalized_at": "定稿时间",
    "finished_at": "完成时间", "funding": "经费", "grade": "等次",
    "handled_by_id": "办理人编号", "has_facilities": "有活动场所", "has_sign": "有标牌",
    "hash": "哈希", "id": "编号", "intro": "简介", "is_worker": "科技工作者",
    "job_name": "任务名", "key_hash": "密钥摘要", "last_attempt_at": "上次尝试时间",
    "last_attendee_no": "最后签到序号", "last_error": "最近错误",
    "last_failure_address": "最近失败地址", "last_failure_at": "最近失败时间",
    "last_login_at": "最近登录时间", "last_seen_at": "最近活动时间",
    "last_used_at": "最近使用时间", "link": "链接", "location": "地点",
    "management_rules": "管理制度", "max_score": "满分", "message_format": "消息格式",
    "mode": "形式", "month": "月份", "must_change_password": "须修改密码",
    "name_key": "姓名排序键", "next_attempt_at": "下次尝试时间", "number": "序号",
    "object_id": "对象编号", "object_type": "对象类型", "opened_at": "开启时间",
    "opened_by_id": "开启人编号", "opens_on": "开始日期", "options": "选项",
    "organizer_id": "组织者编号", "otp_confirmed_at": "第二因素绑定时间",
    "otp_last_step": "动态验证码时间步", "otp_pending_secret": "待绑定密钥",
    "otp_secret": "第二因素密钥", "owner": "所有人", "participants": "参与人数",
    "password_changed_at": "密码修改时间", "payload": "消息内容", "phone": "电话",
    "plan": "计划", "pledge": "承诺", "position": "顺序", "postcode": "邮编",
    "preview": "预览", "provider": "渠道", "proxy": "代签", "public_code": "公开编号",
    "publicity_end": "公示截止", "publicity_start": "公示开始", "published": "已发布",
    "published_at": "发布时间", "question_id": "题目编号", "quota": "名额", "read_at": "阅读时间",
    "receipt": "回执", "recognized_on": "认定日期", "refused": "被拒绝数",
    "refused_count": "被拒绝数", "remember": "记住我", "renewed_for_year": "续期年度",
    "representatives": "代表数", "required": "必填", "resolved_at": "办结时间",
    "response": "回应", "response_id": "答卷编号", "result": "结果",
    "review_comment": "审核意见", "reviewed_at": "审核时间", "reviewer_id": "审核人编号",
    "robot_id": "机器人编号", "round_id": "批次编号", "scheme": "方案", "secret": "密钥",
    "seq": "序号", "signed_at": "签到时间", "size": "大小", "source": "来源",
    "speciality": "专业", "started_at": "开始时间", "stored_name": "存储文件名",
    "subject": "主题", "submitted_at": "提交时间", "submitter_contact": "提交人联系方式",
    "submitter_name": "提交人", "summary": "小结", "summary_recorded_at": "小结记录时间",
    "survey_id": "问卷编号", "target": "目标", "text": "文字", "token_hash": "令牌摘要",
    "topic": "议题", "total": "合计", "unchanged": "未变数", "unseen_failures": "未读失败数",
    "updated": "更新数", "updated_by_id": "修改人编号", "uploaded_by_id": "上传人编号",
    "used_at": "使用时间", "user_id": "用户编号", "venue_address": "场地地址",
    "verified_at": "审核通过时间", "verifier_id": "审核人编号", "webhook_url": "Webhook 地址",
    "worker_note": "科技工作者备注", "workers": "科技工作者数", "reopened": "重新开启",
    "attendees": "签到人数", "created_at": "创建时间", "updated_at": "修改时间",
}

#: Coded values of the detail (the reasons, channels and ways of a login; triggers; states).
VALUE_LABELS = {
    "unknown_user": "用户名不存在", "inactive": "账号已停用", "wrong_password": "密码错误",
    "wrong_current_password": "当前密码错误", "wrong_otp": "动态验证码错误", "web": "网页",
    "api": "API", "password": "密码", "password+otp": "密码+动态验证码",
    "password+recovery": "密码+恢复码", "remember": "记住我（恢复登录）",
    "scheduler": "定时", "catch_up": "补运行", "cli": "命令行",
    "activation_code": "激活码", "current_password": "当前密码", "reset_by_link": "重置链接",
    "changed": "已修改", "reset": "已重置", "set": "已设置", "enrolled": "已绑定",
    "re-enrolled": "已重新绑定", "used": "已使用",
}
#: Keys whose string values are codes of the domain's enums (their Chinese labels).
_CODED = {"role", "status", "level", "kind", "theme", "mode", "category", "channel", "grade",
          "decision", "source"}


def _enum_labels() -> dict[str, str]:
    out = {}
    for value in vars(enums).values():
        if isinstance(value, type) and issubclass(value, enums.LabeledEnum) \
                and value is not enums.LabeledEnum:
            for member in value:
                out.setdefault(member.value, member.label)
    return out


_ENUM_LABELS = _enum_labels()


@functools.cache
def _column_enums() -> dict[tuple[str, str], type]:
    """(table, column) → the LabeledEnum the column stores, for every model."""
    out = {}
    for mapper in db.Model.registry.mappers:
        table = getattr(mapper.class_, "__tablename__", None)
        for column in mapper.columns:
            enum_class = getattr(column.type, "enum_class", None)
            if table and enum_class is not None and issubclass(enum_class, enums.LabeledEnum):
                out[(table, column.key)] = enum_class
    return out


#: An ISO 8601 timestamp with a time of day (what snapshots store for datetimes, in UTC).
_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?")


def _instant(value: str) -> str | None:
    """`value` as Beijing time ("YYYY-MM-DD HH:MM:SS") when it is an ISO timestamp (naive ones
    are UTC, as the database keeps them); None otherwise."""
    if not _INSTANT.fullmatch(value):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return clock.local(moment).strftime("%Y-%m-%d %H:%M:%S")


def model_tables() -> dict[str, list[str]]:
    """Every model's table → the keys an audit snapshot of it holds (for the label checks)."""
    out = {}
    for mapper in db.Model.registry.mappers:
        table = getattr(mapper.class_, "__tablename__", None)
        if table:
            out[table] = snapshot_keys(mapper.class_)
    return out


def action_label(code: str | None) -> str:
    """The Chinese name of an action (the code itself when unnamed)."""
    return ACTION_LABELS.get(code or "", code or "")


def object_label(code: str | None) -> str:
    """The Chinese name of an object type (the code itself when unnamed; '' for none)."""
    return OBJECT_LABELS.get(code or "", code or "")


def result_label(code: str | None) -> str:
    return RESULT_LABELS.get(code or "", code or "")


def _value(key: str, value, table: str = "") -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        enum_class = _column_enums().get((table, key))
        if enum_class is not None and value in enum_class._value2member_map_:
            return enum_class(value).label
        if value in VALUE_LABELS:
            return VALUE_LABELS[value]
        if key in _CODED and value in _ENUM_LABELS:
            return _ENUM_LABELS[value]
        instant = _instant(value)
        if instant is not None:
            return instant
        return value if len(value) <= 80 else value[:80] + "…"
    if isinstance(value, (dict, list)):
        text = json.dumps(value, ensure_ascii=False, default=str)
        return text if len(text) <= 80 else text[:80] + "…"
    return str(value)


def _key(key: str) -> str:
    return KEY_LABELS.get(key, key)


#: At most this many fields of a created or deleted object are listed (the rest are counted).
SHOWN_FIELDS = 8


def readable_detail(entry) -> list[str]:
    """The entry's detail, reason and change as short Chinese lines: "键：值" for each detail key,
    "键：旧 → 新" for each field a change altered, the non-empty fields (at most SHOWN_FIELDS) of
    an object created or deleted, "原因：…" for a stated reason. Empty when there is nothing."""
    table = entry.object_type or ""
    lines = [f"{_key(k)}：{_value(k, v, table)}" for k, v in (entry.detail or {}).items()
             if v is not None and v != ""]
    before, after = entry.before, entry.after
    if isinstance(before, dict) and isinstance(after, dict):
        for key in [*before, *(k for k in after if k not in before)]:
            if before.get(key) != after.get(key):
                lines.append(f"{_key(key)}：{_value(key, before.get(key), table)} → "
                             f"{_value(key, after.get(key), table)}")
    else:
        state = after if isinstance(after, dict) else before if isinstance(before, dict) else None
        if state:
            shown = [(k, v) for k, v in state.items() if v not in (None, "", [], {})]
            lines += [f"{_key(k)}：{_value(k, v, table)}" for k, v in shown[:SHOWN_FIELDS]]
            if len(shown) > SHOWN_FIELDS:
                lines.append(f"……另有 {len(shown) - SHOWN_FIELDS} 项")
    if entry.reason:
        lines.append(f"原因：{entry.reason}")
    return lines
