"""科技工作者状况调查 (SPEC §5.10) — the public surface of services/surveys/.

fields.py checks a survey's fields and an answer sheet (the family's leaf); access.py who may
see and do what; operations.py a survey's life (draft → published → closed, copy); codes.py the
one-time answer codes; answering.py the public side (reading a survey, storing an answer sheet);
results.py counts, averages, completion and the raw export; links.py absolute links and QR codes;
limits.py SURVEY_RATE_LIMIT.
"""
from services.surveys.access import ResultScope, get_survey, require_admin, results_scope
from services.surveys.answering import public_survey, public_view, submit_response, window_message
from services.surveys.codes import (
    CODE_LENGTH,
    COUNT_MAX,
    code_counts,
    display_code,
    issue_codes,
    normalize_code,
)
from services.surveys.fields import (
    ANSWER_TEXT_MAX,
    OPTIONS_MAX,
    QUESTIONS_MAX,
    SCALE_MAX,
    SCALE_MIN,
)
from services.surveys.limits import response_limit
from services.surveys.links import survey_qr_svg, survey_url
from services.surveys.operations import (
    close_survey,
    copy_survey,
    create_survey,
    is_open,
    list_surveys,
    open_surveys,
    publish_survey,
    shown_status,
    survey_choices,
    survey_values,
    update_survey,
)
from services.surveys.results import Completion, completion, export_rows, results

__all__ = [
    "ResultScope",
    "ANSWER_TEXT_MAX",
    "CODE_LENGTH",
    "COUNT_MAX",
    "Completion",
    "OPTIONS_MAX",
    "QUESTIONS_MAX",
    "SCALE_MAX",
    "SCALE_MIN",
    "close_survey",
    "code_counts",
    "completion",
    "copy_survey",
    "create_survey",
    "display_code",
    "export_rows",
    "get_survey",
    "is_open",
    "issue_codes",
    "list_surveys",
    "normalize_code",
    "open_surveys",
    "public_survey",
    "public_view",
    "publish_survey",
    "require_admin",
    "response_limit",
    "results",
    "results_scope",
    "shown_status",
    "submit_response",
    "survey_choices",
    "survey_qr_svg",
    "survey_url",
    "survey_values",
    "update_survey",
    "window_message",
]
