"""The per-address limit on filing needs (SPEC §5.11): PUBLIC_APPEAL_RATE_LIMIT (default "30 per
hour") per client address, one bucket shared by the page /needs/new and POST /public/needs."""
from flask import current_app

from extensions import limiter


def need_rate_limit() -> str:
    """PUBLIC_APPEAL_RATE_LIMIT (default "30 per hour")."""
    return current_app.config.get("PUBLIC_APPEAL_RATE_LIMIT") or "30 per hour"


#: Decorator for the POST that files a need (page and API alike), per client address.
need_limit = limiter.shared_limit(need_rate_limit, scope="public_need", methods=["POST"])
