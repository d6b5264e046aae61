"""What every activity page shares: loading an activity in the caller's scope, and where to go
after a change."""
import sqlalchemy as sa
from flask import url_for
from flask_login import current_user

from models import Activity
from models.enums import Role
from services import activities
from services.scope import get_scoped

LOAD = (sa.orm.selectinload(Activity.workers), sa.orm.selectinload(Activity.co_organizers),
        sa.orm.selectinload(Activity.attachments), sa.orm.joinedload(Activity.organizer),
        sa.orm.joinedload(Activity.verifier))


def load_activity(activity_id) -> Activity:
    """The activity with what its pages show, or 404 outside the caller's scope."""
    return get_scoped(Activity, activity_id, current_user, options=LOAD)


def load_readable_activity(activity_id) -> Activity:
    """The activity for reading (its page, its files): in the caller's scope, or a joint activity
    co-organised by a representative of the Home the caller manages (read-only); 404 otherwise."""
    return activities.readable_activity(current_user, activity_id, options=LOAD)


def after_save_url(activity: Activity) -> str:
    """A representative goes back to the activity's page, a reviewer to its review page."""
    if current_user.role == Role.REPRESENTATIVE:
        return url_for("activities.detail", activity_id=activity.id)
    return url_for("activities.review", activity_id=activity.id)
