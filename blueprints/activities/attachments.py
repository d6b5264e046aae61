"""An activity's attachments: served (and a photo's thumbnail) to those who may see the activity,
removed by those who may edit it."""
from flask import abort, redirect, url_for
from flask_login import current_user, login_required

from blueprints.activities import bp
from blueprints.activities.loading import load_activity, load_readable_activity
from blueprints.thumbs import thumb_response
from blueprints.web import commit_operation
from blueprints.web.exports import log_download
from extensions import db
from models import Attachment
from services import activities as service


def _load_attachment(attachment_id, *, reading: bool = False) -> Attachment:
    """The attachment, or 404 unless the caller may see its activity (`reading`: also a joint
    activity co-organised by a representative of the caller's Home, whose page shows the files)."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        abort(404)
    (load_readable_activity if reading else load_activity)(attachment.activity_id)
    return attachment


@bp.route("/me/attachments/<int:attachment_id>")
@login_required
def attachment(attachment_id):
    """Serve an attachment to those who may see its activity: PDFs download, images inline. Each
    download is audited (who, which attachment: personal data, SPEC §5.13); thumbnails are not."""
    item = _load_attachment(attachment_id, reading=True)
    response = service.send(item, as_attachment=item.content_type == "application/pdf")
    log_download(item, "活动附件（PDF）" if item.content_type == "application/pdf" else "活动照片",
                 filename=item.filename, activity_id=item.activity_id)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/me/attachments/<int:attachment_id>/thumb")
@login_required
def attachment_thumb(attachment_id):
    """A photo's thumbnail, to those who may see its activity (404 for a PDF or a broken image)."""
    return thumb_response(_load_attachment(attachment_id, reading=True), private=True)


@bp.route("/me/attachments/<int:attachment_id>/delete", methods=["POST"])
@login_required
def attachment_delete(attachment_id):
    """Remove one attachment of an activity the caller may edit."""
    item = _load_attachment(attachment_id)
    activity_id = item.activity_id
    commit_operation(lambda: service.remove_attachment(current_user, item),
                     success="附件已删除", errors=())
    return redirect(url_for("activities.edit", activity_id=activity_id))
