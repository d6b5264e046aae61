"""The per-address limit on answering (SPEC §5.10): SURVEY_RATE_LIMIT (default "120 per hour" —
a hall answers together from one address) per client address and survey, one bucket shared by
the answering page and the API."""
from flask import current_app, request
from flask_limiter.util import get_remote_address

from extensions import limiter


def survey_rate_limit() -> str:
    """SURVEY_RATE_LIMIT (default "120 per hour")."""
    return current_app.config.get("SURVEY_RATE_LIMIT") or "120 per hour"


def _address_and_survey() -> str:
    return f"{get_remote_address()}|survey:{(request.view_args or {}).get('survey_id')}"


#: Decorator for the POST of an answer sheet (page and API alike).
response_limit = limiter.shared_limit(survey_rate_limit, scope="survey_response",
                                      key_func=_address_and_survey, methods=["POST"])
