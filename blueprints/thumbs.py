"""The HTTP answer for a thumbnail (services/activities/thumbnails.py): JPEG, or 404 when there is none."""
from flask import Response, abort

from services.activities import thumbnail


def thumb_response(attachment, *, private: bool) -> Response:
    data = thumbnail(attachment)
    if data is None:
        abort(404)
    response = Response(data, mimetype="image/jpeg")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store" if private else "public, max-age=3600"
    return response
