"""All models, importable from one place: `from models import Activity, User …`."""
from models.activity import (
    Activity,
    Attachment,
    activity_co_organizers,
    activity_workers,
)
from models.appeal import Appeal
from models.application import Application, ApplicationRound
from models.assessment import ITEMS, Assessment, AssessmentItem
from models.credentials import PasswordHistory, RecoveryCode
from models.delivery import OFFICE_OWNER, Delivery, MessagePreference, MessageRobot
from models.home import Home, HomePlan, ServiceTeamMember
from models.imports import Import
from models.login_session import LoginSession
from models.need import Need, need_representatives
from models.objection import Objection
from models.signin import ActivitySignin, Attendee
from models.subsidy import SubsidyPayment, SubsidyRate
from models.summary import (
    ActivitySummary,
    ActivityYearSummary,
    AppealSummary,
    ContactSummary,
    HomeContactLevelSummary,
    HomeRepresentativeSummary,
    HomeSubmittedSummary,
    ProvinceAppealSummary,
    ProvinceMonthSummary,
    RepresentativeYearSummary,
)
from models.survey import (
    Survey,
    SurveyAnswer,
    SurveyCode,
    SurveyQuestion,
    SurveyResponse,
)
from models.system import ApiToken, AuditLog, JobLock, JobRun, Notification
from models.unit import Unit
from models.user import User
from models.worker import ContactRecord, Worker, WorkerLink

__all__ = [
    "Activity", "Attachment", "activity_co_organizers", "activity_workers", "Appeal",
    "Application", "ApplicationRound", "ITEMS", "Assessment", "AssessmentItem", "Home", "HomePlan",
    "ServiceTeamMember", "ApiToken", "AuditLog", "JobLock", "JobRun", "Notification", "Unit",
    "User", "ContactRecord", "Worker", "WorkerLink",
    "Objection",
    "Delivery", "MessagePreference", "MessageRobot", "OFFICE_OWNER",
    "ActivitySignin", "Attendee",
    "Import",
    "LoginSession",
    "PasswordHistory", "RecoveryCode",
    "ActivitySummary", "ContactSummary", "RepresentativeYearSummary", "HomeRepresentativeSummary",
    "HomeSubmittedSummary", "HomeContactLevelSummary", "AppealSummary", "ActivityYearSummary",
    "ProvinceMonthSummary", "ProvinceAppealSummary",
    "Need", "need_representatives",
    "SubsidyRate", "SubsidyPayment",
    "Survey", "SurveyQuestion", "SurveyCode", "SurveyResponse", "SurveyAnswer",
]
