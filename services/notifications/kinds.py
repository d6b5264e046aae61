"""The kinds of message and the topics users choose by (a leaf: imports nothing of the family).

Every kind has a Chinese summary for the channels outside the app (e-mail, group robots). Those
texts carry counts and a link, never a name, a mobile or free text someone typed (PIPL: minimum
necessary): the in-app notification keeps the details behind the login. A summary may use the
`counts` a caller gives (`{count}`, `{days}`, `{year}`, …); when one is missing the kind's label
stands in.
"""
from dataclasses import dataclass

from models.enums import Role

R, M, P = Role.REPRESENTATIVE, Role.HOME_MANAGER, Role.PROVINCIAL_ADMIN


@dataclass(frozen=True)
class Topic:
    """What a user switches e-mail on or off for: a few kinds of message that belong together."""

    code: str
    label: str
    roles: frozenset


TOPICS: tuple[Topic, ...] = (
    Topic("activity_review", "活动审核结果", frozenset({R})),
    Topic("reminders", "联系与活动提醒", frozenset({R})),
    Topic("appeals", "诉求建议", frozenset({R, M})),
    Topic("queue", "待审核活动汇总", frozenset({M})),
    Topic("compliance_digest", "代表联系未达标汇总", frozenset({M})),
    Topic("home_status", "代表之家认定与有效期", frozenset({M})),
    Topic("applications", "申报与审核", frozenset({M, P})),
    Topic("assessments", "年度考核、公示与异议", frozenset({M, P})),
    Topic("needs", "需求对接", frozenset({R, M, P})),
    Topic("other", "其他通知", frozenset(Role)),
)
TOPIC_CODES = frozenset(t.code for t in TOPICS)


@dataclass(frozen=True)
class Kind:
    """A kind of message: its topic, its label, and its summary outside the app."""

    code: str
    topic: str
    label: str
    summary: str = ""

    def external_text(self, counts: dict | None = None) -> str:
        """The summary with `counts` filled in; the label when a count is missing."""
        if not self.summary:
            return self.label
        try:
            return self.summary.format(**(counts or {}))
        except (KeyError, IndexError, ValueError):
            return self.label


KINDS: dict[str, Kind] = {k.code: k for k in (
    Kind("activity_verified", "activity_review", "活动审核通过", "您提交的 1 项活动已审核通过"),
    Kind("activity_returned", "activity_review", "活动被退回修改",
         "您提交的 1 项活动被退回修改，请查看退回原因"),
    Kind("compliance_reminder", "reminders", "联系科技工作者尚未达标",
         "{year}年您已联系 {count} 名科技工作者，还差 {missing} 名"),
    Kind("contact_reminder", "reminders", "请补充联系科技工作者记录"),
    Kind("inactivity_reminder", "reminders", "较长时间没有开展活动", "您已有 {days} 天没有开展活动"),
    Kind("appeal_received", "appeals", "收到新的诉求建议", "收到 {count} 条新的诉求建议"),
    Kind("appeal_received_qr", "appeals", "通过代表码收到新的诉求建议",
         "通过代表码收到 {count} 条新的诉求建议"),
    Kind("appeal_resolved", "appeals", "诉求建议已办结"),
    Kind("appeal_closed", "appeals", "诉求建议已关闭"),
    Kind("queue_digest", "queue", "审核队列有活动等待",
         "审核队列中有 {count} 项活动提交已满 {days} 天仍待审核"),
    Kind("compliance_digest", "compliance_digest", "代表联系科技工作者未达标汇总",
         "本周有 {count} 名代表联系科技工作者未达标"),
    Kind("home_expiring", "home_status", "代表之家认定即将到期", "代表之家认定有效期至 {until}，请及时准备"),
    Kind("home_expired", "home_status", "代表之家认定已到期"),
    Kind("home_renewed", "home_status", "代表之家有效期已延续"),
    Kind("home_revoked", "home_status", "代表之家认定已撤销"),
    Kind("application_submitted", "applications", "收到新的申报书", "收到 {count} 份新提交的申报书"),
    Kind("application_approve", "applications", "申报书审核结果：认定"),
    Kind("application_reject", "applications", "申报书审核结果：不予认定"),
    Kind("application_return", "applications", "申报书审核结果：退回修改"),
    Kind("assessment_final", "assessments", "年度考核结果已定稿", "{year}年度考核结果已定稿"),
    Kind("assessment_published", "assessments", "年度考核结果已公示", "{year}年度考核结果已开始公示"),
    Kind("objection_filed", "assessments", "收到公示异议", "收到 {count} 条考核结果公示异议"),
    Kind("objection_uphold", "assessments", "公示异议已处理：异议成立"),
    Kind("objection_dismiss", "assessments", "公示异议已处理：异议不成立"),
    Kind("need_received", "needs", "收到新的需求", "收到 {count} 项新的需求，请派单"),
    Kind("need_dispatched", "needs", "省科协派来新的需求", "省科协派来 {count} 项需求，请安排代表接单"),
    Kind("need_assigned", "needs", "请您接单", "您有 {count} 项需求待接单服务"),
    Kind("need_returned", "needs", "代表之家退回需求", "有 {count} 项需求被代表之家退回，请重新派单"),
    Kind("joint_activity_added", "activity_review", "被列为联合组织代表",
         "您被列为 1 项活动的联合组织代表，请登录查看"),
    Kind("joint_activity_withdrawn", "activity_review", "联合组织代表已退出",
         "您组织的 1 项活动有联合组织代表退出"),
    Kind("channel_test", "other", "测试消息", "测试消息：这条消息说明推送渠道已配置成功"),
)}


def kind_of(code: str) -> Kind:
    """The kind of that code; an unknown code is an `other` message labelled 平台通知."""
    return KINDS.get(code) or Kind(code, "other", "平台通知")


def topics_for(role) -> list[Topic]:
    """The topics a user of `role` can receive, in display order."""
    return [t for t in TOPICS if role in t.roles]
