"""Activity pages, one feature with its audiences inside: recording and editing (editing.py, for
representatives and managers), my activities (mine.py), the review queue (review.py), the Home's and
the province's lists (lists.py), attachments (attachments.py) and joint activities across Homes
(joint.py: the co-organiser picker's search, withdrawing). Templates: templates/activities/.

The URLs keep their places under /me/ (representatives) and /manage/ (reviewers)."""
from flask import Blueprint

bp = Blueprint("activities", __name__)

from blueprints.activities import (  # noqa: E402,F401
    attachments,
    editing,
    joint,
    lists,
    mine,
    review,
)
