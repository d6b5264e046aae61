"""The caller's notifications: GET /notifications, POST /notifications/{id}/read,
POST /notifications/read-all; and the caller's e-mail choice per topic: GET and PUT
/notifications/preferences. Only one's own: anyone else's answers 404, admins included."""
import sqlalchemy as sa
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from blueprints.api.auth import SECURITY, api_user, token_required
from blueprints.api.schemas import PageArgs, page_of
from blueprints.api.util import commit, paginate
from extensions import db
from models import Notification
from services import mail
from services import notifications as service
from services.errors import NotFound

bp = Blueprint("api_notifications", __name__, description="通知")


class NotificationListArgs(PageArgs):
    unread = fields.Boolean()


class NotificationSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    title = fields.String()
    body = fields.String()
    link = fields.String()
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class TopicSchema(Schema):
    code = fields.String()
    label = fields.String()
    email = fields.Boolean()


class PreferencesSchema(Schema):
    in_app = fields.Boolean(metadata={"description": "站内通知总会送达"})
    mail_configured = fields.Boolean()
    topics = fields.List(fields.Nested(TopicSchema))


class PreferencesChangeSchema(Schema):
    email = fields.Dict(keys=fields.String(), values=fields.Raw(), required=True,
                        metadata={"description": "{类别: true|false}，未列出的类别不变"})


class ReadAllSchema(Schema):
    changed = fields.Integer()
    unread = fields.Integer()


@bp.route("/notifications")
@token_required
@bp.doc(security=SECURITY)
@bp.arguments(NotificationListArgs, location="query")
@bp.response(200, page_of(NotificationSchema))
def list_notifications(args):
    """My notifications, unread first then newest (?unread=true for the unread only)."""
    stmt = sa.select(Notification).where(Notification.user_id == api_user().id)
    if args.get("unread"):
        stmt = stmt.where(Notification.read_at.is_(None))
    stmt = stmt.order_by(sa.case((Notification.read_at.is_(None), 0), else_=1),
                         Notification.created_at.desc(), Notification.id.desc())
    return paginate(stmt, args["page"], args["per_page"], list)


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@token_required
@bp.doc(security=SECURITY)
@bp.response(200, NotificationSchema)
def read_notification(notification_id):
    """Mark one of my notifications read."""
    user = api_user()
    note = db.session.scalar(sa.select(Notification).where(
        Notification.id == notification_id, Notification.user_id == user.id))
    if note is None:
        raise NotFound()
    service.mark_read(user, [note.id])
    commit()
    db.session.refresh(note)
    return note


@bp.route("/notifications/read-all", methods=["POST"])
@token_required
@bp.doc(security=SECURITY)
@bp.response(200, ReadAllSchema)
def read_all():
    """Mark all my notifications read."""
    user = api_user()
    changed = service.mark_read(user)
    commit()
    return {"changed": changed, "unread": service.unread_count(user.id)}


def _preferences(user) -> dict:
    return {"in_app": True, "mail_configured": mail.enabled(),
            "topics": [{"code": t.code, "label": t.label, "email": on}
                       for t, on in service.email_choices(user)]}


@bp.route("/notifications/preferences")
@token_required
@bp.doc(security=SECURITY)
@bp.response(200, PreferencesSchema)
def preferences():
    """Which topics also come to me by e-mail (in-app notifications always arrive)."""
    return _preferences(api_user())


@bp.route("/notifications/preferences", methods=["PUT"])
@token_required
@bp.doc(security=SECURITY)
@bp.arguments(PreferencesChangeSchema)
@bp.response(200, PreferencesSchema)
def change_preferences(args):
    """Switch e-mail on or off for some of my topics; the others stay as they are."""
    user = api_user()
    service.change_email_choices(user, args["email"])
    commit()
    return _preferences(user)
