"""The Chinese name of each scheduled job, shown before its code on /admin/jobs/ (users read
names, not codes). A job missing here is shown by its code."""

JOB_LABELS = {
    "compliance_sweep": "联系达标提醒",
    "inactivity_reminder": "活动不足提醒",
    "validity_watch": "有效期检查",
    "publicity_close": "公示期结束处理",
    "assessment_drafts": "生成年度考核草稿",
    "queue_digest": "待审核活动提醒",
}
