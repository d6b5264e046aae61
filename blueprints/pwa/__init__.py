"""The installable shell for phones: the web app manifest, the service worker at the root
scope and the offline page it shows when the network is gone. Open to everyone: none of the three
holds personal data."""
from flask import Blueprint

bp = Blueprint("pwa", __name__)

from blueprints.pwa import routes  # noqa: E402,F401
