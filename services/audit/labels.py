"""What the audit administrator reads: Chinese labels for the log's actions, object types, results
and detail keys, and an entry's detail as short readable lines (SPEC §5.13's viewer and export).

The codes stay the record (filters, the API and the hash use them); these only name them. A code
missing here is shown as is, so a new action is never hidden.
"""
import json

from models import enums

ACTION_LABELS = {
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
}

OBJECT_LABELS = {
    "users": "用户", "units": "依托单位", "homes": "代表之家", "home_plans": "年度计划",
    "service_team_members": "服务团队成员", "activities": "活动", "attachments": "活动附件",
    "workers": "科技工作者", "worker_links": "科技工作者关联", "contact_records": "联系记录",
    "appeals": "诉求", "applications": "申报", "application_rounds": "申报批次",
    "assessments": "年度考核", "assessment_items": "考核项目", "objections": "异议",
    "imports": "导入", "notifications": "通知", "job_runs": "任务运行", "audit_log": "审计日志",
    "dashboard": "统计表", "login_sessions": "登录会话", "api_tokens": "API 令牌",
    "subsidy_rates": "奖补标准", "subsidy_payments": "奖补拨付",
}

RESULT_LABELS = {"success": "成功", "failure": "失败"}

KEY_LABELS = {
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


def action_label(code: str | None) -> str:
    """The Chinese name of an action (the code itself when unnamed)."""
    return ACTION_LABELS.get(code or "", code or "")


def object_label(code: str | None) -> str:
    """The Chinese name of an object type (the code itself when unnamed; '' for none)."""
    return OBJECT_LABELS.get(code or "", code or "")


def result_label(code: str | None) -> str:
    return RESULT_LABELS.get(code or "", code or "")


def _value(key: str, value) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        if value in VALUE_LABELS:
            return VALUE_LABELS[value]
        if key in _CODED and value in _ENUM_LABELS:
            return _ENUM_LABELS[value]
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
    lines = [f"{_key(k)}：{_value(k, v)}" for k, v in (entry.detail or {}).items()
             if v is not None and v != ""]
    before, after = entry.before, entry.after
    if isinstance(before, dict) and isinstance(after, dict):
        for key in [*before, *(k for k in after if k not in before)]:
            if before.get(key) != after.get(key):
                lines.append(f"{_key(key)}：{_value(key, before.get(key))} → "
                             f"{_value(key, after.get(key))}")
    else:
        state = after if isinstance(after, dict) else before if isinstance(before, dict) else None
        if state:
            shown = [(k, v) for k, v in state.items() if v not in (None, "", [], {})]
            lines += [f"{_key(k)}：{_value(k, v)}" for k, v in shown[:SHOWN_FIELDS]]
            if len(shown) > SHOWN_FIELDS:
                lines.append(f"……另有 {len(shown) - SHOWN_FIELDS} 项")
    if entry.reason:
        lines.append(f"原因：{entry.reason}")
    return lines
