"""The HTTP answer for a thumbnail: the stored JPEG (services/activities/thumbnails.py), streamed
from the store, or 404 when there is none."""
from flask import Response

from services.activities import send_thumbnail


def thumb_response(attachment, *, private: bool) -> Response:
    response = send_thumbnail(attachment)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store" if private else "public, max-age=3600"
    return response
