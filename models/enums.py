"""Every fixed set of the domain (SPEC §2–§3), with its Chinese label beside it."""
from enum import StrEnum


class LabeledEnum(StrEnum):
    """A string enum whose members carry a Chinese label."""

    def __new__(cls, value, label):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        return obj

    @classmethod
    def choices(cls):
        """(value, label) pairs for select fields."""
        return [(m.value, m.label) for m in cls]

    @classmethod
    def values(cls):
        return [m.value for m in cls]


class Role(LabeledEnum):
    REPRESENTATIVE = "representative", "代表"
    HOME_MANAGER = "home_manager", "代表之家管理员"
    PROVINCIAL_ADMIN = "provincial_admin", "省科协办公室"
    CITY_ADMIN = "city_admin", "设区市科协"
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "审计管理员"


#: The three administrators separated from the business (三员分立, SPEC §5.13).
SEPARATED_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
#: The administrator accounts only the system administrator creates, changes and resets.
ADMINISTRATOR_ACCOUNT_ROLES = frozenset({Role.PROVINCIAL_ADMIN, Role.CITY_ADMIN, *SEPARATED_ROLES})
#: The business accounts the provincial office keeps.
BUSINESS_ACCOUNT_ROLES = frozenset({Role.HOME_MANAGER, Role.REPRESENTATIVE})


class Level(LabeledEnum):
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class UnitKind(LabeledEnum):
    CITY_ASSOCIATION = "city_association", "设区市科协"
    PROVINCIAL_SOCIETY = "provincial_society", "省级学会"
    ENTERPRISE_ASSOCIATION = "enterprise_association", "企业科协"


class HomeStatus(LabeledEnum):
    ACTIVE = "active", "有效"
    EXPIRED = "expired", "已到期"
    REVOKED = "revoked", "已撤销"


class Theme(LabeledEnum):
    PARTY_BUILDING = "party_building", "代表+党建"
    WINDOW = "window", "代表+窗口"
    NEIGHBORHOOD = "neighborhood", "代表+邻里"
    INNOVATION = "innovation", "代表+创新"


class Kind(LabeledEnum):
    THEORY_STUDY = "theory_study", "理论学习"
    RED_CLASSROOM = "red_classroom", "红学堂"
    READING_CLUB = "reading_club", "读书吧"
    JOINT_BUILDING = "joint_building", "党建带科建联动"
    EXCHANGE = "exchange", "交流研讨"
    APPEAL_HEARING = "appeal_hearing", "听取诉求"
    STATUS_SURVEY = "status_survey", "科技工作者状况调查"
    ASSISTANCE = "assistance", "排忧解难"
    COMMUNITY = "community", "进社区"
    VILLAGE = "village", "进农村"
    SCHOOL = "school", "进校园"
    SCIENCE_SERVICE = "science_service", "科普服务推送"
    CONSORTIUM = "consortium", "代表创新联合体"
    SALON = "salon", "专题沙龙"
    INDUSTRY_ACADEMIA = "industry_academia", "产学研交流"
    YOUTH_STUDY = "youth_study", "青少年科普研学"
    STARTUP_SUPPORT = "startup_support", "创新创业扶持"
    OTHER = "other", "其他"


#: The kinds of each theme (SPEC §2); a kind outside its theme is a validation error.
THEME_KINDS = {
    Theme.PARTY_BUILDING: [Kind.THEORY_STUDY, Kind.RED_CLASSROOM, Kind.READING_CLUB,
                           Kind.JOINT_BUILDING, Kind.OTHER],
    Theme.WINDOW: [Kind.EXCHANGE, Kind.APPEAL_HEARING, Kind.STATUS_SURVEY, Kind.ASSISTANCE,
                   Kind.OTHER],
    Theme.NEIGHBORHOOD: [Kind.COMMUNITY, Kind.VILLAGE, Kind.SCHOOL, Kind.SCIENCE_SERVICE,
                         Kind.OTHER],
    Theme.INNOVATION: [Kind.CONSORTIUM, Kind.SALON, Kind.INDUSTRY_ACADEMIA, Kind.YOUTH_STUDY,
                       Kind.STARTUP_SUPPORT, Kind.OTHER],
}


def kind_belongs_to(theme, kind) -> bool:
    """Whether `kind` is one of `theme`'s kinds."""
    try:
        return Kind(kind) in THEME_KINDS[Theme(theme)]
    except ValueError:
        return False


class ActivityMode(LabeledEnum):
    ONLINE = "online", "线上"
    OFFLINE = "offline", "线下"
    HYBRID = "hybrid", "线上线下结合"


class ActivityStatus(LabeledEnum):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    VERIFIED = "verified", "已审核"
    RETURNED = "returned", "已退回"


class ContactChannel(LabeledEnum):
    VISIT = "visit", "走访"
    PHONE = "phone", "电话"
    ONLINE = "online", "网络"
    MEETING = "meeting", "会议"
    ACTIVITY = "activity", "活动"


class AppealCategory(LabeledEnum):
    RESEARCH_FUNDING = "research_funding", "科研经费"
    TALENT_EVALUATION = "talent_evaluation", "人才评价"
    CAREER = "career", "职业发展"
    WORK_CONDITIONS = "work_conditions", "工作条件"
    POLICY = "policy", "政策建议"
    OTHER = "other", "其他"


class AppealStatus(LabeledEnum):
    RECEIVED = "received", "已受理"
    FORWARDED = "forwarded", "已转办"
    RESOLVED = "resolved", "已办结"
    CLOSED = "closed", "已关闭"


class ApplicationStatus(LabeledEnum):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "已退回修改"
    APPROVED = "approved", "已认定"
    REJECTED = "rejected", "未通过"


class AssessmentStatus(LabeledEnum):
    DRAFT = "draft", "草稿"
    FINAL = "final", "已定稿"
    PUBLISHED = "published", "已公示"


class Grade(LabeledEnum):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


class JobStatus(LabeledEnum):
    RUNNING = "running", "运行中"
    SUCCESS = "success", "成功"
    FAILED = "failed", "失败"
    SKIPPED = "skipped", "已跳过"


class DeliveryChannel(LabeledEnum):
    """Where a queued message goes (in-app notifications are rows of their own, never queued)."""
    EMAIL = "email", "电子邮件"
    WECOM = "wecom", "企业微信群机器人"
    DINGTALK = "dingtalk", "钉钉群机器人"


class DeliveryStatus(LabeledEnum):
    QUEUED = "queued", "排队中"
    DELIVERED = "delivered", "已送达"
    FAILED = "failed", "发送失败（已放弃）"
    SKIPPED = "skipped", "未发送（收件人关闭或无地址）"


class RobotFormat(LabeledEnum):
    """The message type a group robot is sent (some private deployments render no Markdown)."""
    MARKDOWN = "markdown", "Markdown"
    TEXT = "text", "纯文本"


#: Jiangsu's 13 设区市.
JIANGSU_CITIES = ["南京市", "无锡市", "徐州市", "常州市", "苏州市", "南通市", "连云港市",
                  "淮安市", "盐城市", "扬州市", "镇江市", "泰州市", "宿迁市"]


class AppealSource(LabeledEnum):
    REPRESENTATIVE = "representative", "代表录入"
    QR = "qr", "来自代表码"


class ObjectionDecision(LabeledEnum):
    UPHOLD = "uphold", "异议成立"
    DISMISS = "dismiss", "异议不成立"


class ImportKind(LabeledEnum):
    UNITS = "units", "依托单位"
    MANAGERS = "managers", "代表之家管理员"
    REPRESENTATIVES = "representatives", "代表"
    WORKERS = "workers", "科技工作者"


class ImportStatus(LabeledEnum):
    DRY_RUN = "dry_run", "预检"
    COMMITTED = "committed", "已导入"
    REFUSED = "refused", "未导入（有错误行）"


class SurveyStatus(LabeledEnum):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    CLOSED = "closed", "已结束"


class QuestionKind(LabeledEnum):
    SINGLE = "single", "单选"
    MULTIPLE = "multiple", "多选"
    TEXT = "text", "填空"
    SCALE = "scale", "量表（1–5分）"


class NeedKind(LabeledEnum):
    TECHNOLOGY = "technology", "企业技术需求"
    SCIENCE = "science", "科普需求"


class NeedStatus(LabeledEnum):
    RECEIVED = "received", "已受理"
    DISPATCHED = "dispatched", "已派单"
    ASSIGNED = "assigned", "已接单"
    FULFILLED = "fulfilled", "已完成"
    CLOSED = "closed", "已关闭"
    DECLINED = "declined", "未受理"
