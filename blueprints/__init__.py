"""Feature blueprints: one package per feature, with templates under templates/<feature>/."""
from blueprints.account import bp as account_bp
from blueprints.activities import bp as activities_bp
from blueprints.admin import bp as admin_bp
from blueprints.applications import bp as applications_bp
from blueprints.audit import bp as audit_bp
from blueprints.auth import bp as auth_bp
from blueprints.channels import bp as channels_bp
from blueprints.dashboard import bp as dashboard_bp
from blueprints.homes import bp as homes_bp
from blueprints.imports import bp as imports_bp
from blueprints.jobs_admin import bp as jobs_admin_bp
from blueprints.main import bp as main_bp
from blueprints.manage import bp as manage_bp
from blueprints.needs import bp as needs_bp
from blueprints.needs import public_bp as need_public_bp
from blueprints.notifications import bp as notifications_bp
from blueprints.provincial import bp as provincial_bp
from blueprints.public import bp as public_bp
from blueprints.public import qr_bp
from blueprints.pwa import bp as pwa_bp
from blueprints.records import bp as records_bp
from blueprints.rep import bp as rep_bp
from blueprints.security import bp as security_bp
from blueprints.signin import bp as signin_bp
from blueprints.signin import public_bp as signin_public_bp
from blueprints.subsidies import bp as subsidies_bp
from blueprints.surveys import bp as surveys_bp
from blueprints.surveys import public_bp as survey_public_bp
from blueprints.sysadmin import bp as sysadmin_bp

PAGE_BLUEPRINTS = [
    auth_bp, main_bp, account_bp, admin_bp, rep_bp, manage_bp, activities_bp, provincial_bp,
    homes_bp, applications_bp, public_bp, dashboard_bp, notifications_bp, jobs_admin_bp, records_bp, qr_bp,
    imports_bp, sysadmin_bp, security_bp, audit_bp, channels_bp, pwa_bp, signin_bp, signin_public_bp,
    surveys_bp, survey_public_bp, needs_bp, need_public_bp, subsidies_bp,
]
