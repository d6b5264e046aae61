"""Downloads of personal data are audited (SPEC §5.13): who, what, how many rows."""
from flask_login import current_user

from extensions import db
from services import audit


def log_export(what: str, rows: int, *, object_type: str = "", object_id=None) -> None:
    """Record that the current user downloads `what` holding `rows` rows, and commit the entry
    (the download itself changes nothing else). Call once the file is built, before sending it."""
    audit.record_export(current_user, what, rows, object_type=object_type, object_id=object_id)
    db.session.commit()


def log_download(obj, what: str, **detail) -> None:
    """Record that the current user downloads the stored object `obj` (e.g. an activity's photo or
    PDF), and commit the entry. Call once the response is built, before sending it."""
    audit.record_download(current_user, obj, what, detail=detail)
    db.session.commit()
