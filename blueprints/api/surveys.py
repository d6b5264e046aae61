"""科技工作者状况调查 API (SPEC §5.10, §8).

Office (provincial_admin): POST/GET /surveys, GET/PATCH /surveys/{id} (PATCH while draft, else
409), POST /surveys/{id}/publish, /close, /copy, POST /surveys/{id}/codes {home_id, count} → 201
{codes} shown once. Managers and representatives read published and closed surveys; results and
completion are the office's (any Home) and a manager's (own Home; another is 404).
Public (no token): GET /public/surveys/{id} (404 while draft), POST /public/surveys/{id}/responses
{rep_code?, code?, answers} → 201 {ok: true}; 409 outside the window or for a used code; 422 naming
answers.<question_id>, rep_code or code; 429 over SURVEY_RATE_LIMIT per address and survey.
"""
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from blueprints.api.auth import SECURITY, Unauthorized, load_api_user
from blueprints.api.input import Int
from blueprints.api.schemas import InputSchema, PageArgs, page_of
from blueprints.api.util import commit, paginate
from services import appeals, surveys
from services.surveys import response_limit

bp = Blueprint("api_surveys", __name__, description="科技工作者状况调查")
public_bp = Blueprint("api_public_surveys", __name__, description="问卷作答（公众，无需登录）")

_KINDS = ["single", "multiple", "text", "scale"]


class QuestionInputSchema(Schema):
    text = fields.String(metadata={"description": "1–500 characters."})
    kind = fields.String(metadata={"enum": _KINDS})
    options = fields.List(fields.String(), metadata={
        "description": "2–20 distinct texts, single and multiple only."})
    required = fields.Boolean(metadata={"description": "Default true."})


class SurveyInputSchema(InputSchema):
    title = fields.Raw(metadata={"type": "string", "description": "1–100 characters."})
    intro = fields.Raw(allow_none=True, metadata={"type": "string", "description": "≤ 2000."})
    opens_on = fields.Raw(metadata={"type": "string", "format": "date"})
    closes_on = fields.Raw(metadata={"type": "string", "format": "date"})
    anonymous = fields.Raw(metadata={"type": "boolean", "description": "Default true."})
    code_required = fields.Raw(metadata={"type": "boolean", "description": "Default false."})
    questions = fields.Raw(metadata={"type": "array", "items": QuestionInputSchema,
                                     "description": "1–50 questions."})


class QuestionSchema(Schema):
    id = fields.Integer()
    position = fields.Integer()
    text = fields.String()
    kind = fields.String(metadata={"enum": _KINDS})
    options = fields.List(fields.String())
    required = fields.Boolean()


class SurveySchema(Schema):
    id = fields.Integer()
    title = fields.String()
    intro = fields.String()
    opens_on = fields.Date()
    closes_on = fields.Date()
    anonymous = fields.Boolean()
    code_required = fields.Boolean()
    status = fields.Method("get_status", metadata={
        "type": "string", "enum": ["draft", "published", "closed"],
        "description": "closed once closed by hand or once closes_on has passed (Asia/Shanghai)"})
    open = fields.Method("get_open", metadata={
        "type": "boolean", "description": "Takes answers today (published, within its dates)."})
    copied_from_id = fields.Integer(allow_none=True)
    questions = fields.List(fields.Nested(QuestionSchema))

    def get_open(self, survey):
        return surveys.is_open(survey)

    def get_status(self, survey):
        return surveys.shown_status(survey).value


class CodesInputSchema(InputSchema):
    home_id = fields.Raw(metadata={"type": "integer"})
    count = fields.Raw(metadata={"type": "integer", "description": "1–2000."})


class CodesSchema(Schema):
    home_id = fields.Integer()
    codes = fields.List(fields.String(), metadata={
        "description": "The codes in clear, shown this once (only digests are kept)."})


class HomeArgs(InputSchema):
    home_id = Int(metadata={"description": "A Home in the caller's scope (404 otherwise)."})
    city = fields.String(metadata={
        "description": "A 设区市 (南京市 …): the responses of its Homes taken together — any city "
                       "for a provincial admin, its own for a city admin (the default for one, "
                       "without home_id); 404 otherwise."})


class CompletionArgs(HomeArgs):
    page = Int(load_default=1, validate=validate.Range(min=1, error="页码应大于等于1"))
    per_page = Int(load_default=50, validate=validate.Range(
        min=1, max=100, error="每页条数应在1到100之间"))


class QuestionResultSchema(Schema):
    id = fields.Integer()
    text = fields.String()
    kind = fields.String(metadata={"enum": _KINDS})
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    average = fields.Float(allow_none=True)
    answered = fields.Integer()


class ResultsSchema(Schema):
    responses = fields.Integer()
    home_id = fields.Integer(allow_none=True)
    city = fields.String(allow_none=True, metadata={
        "description": "The 设区市 counted (its Homes together); null for one Home or the province."})
    questions = fields.List(fields.Nested(QuestionResultSchema))


class HomeCompletionSchema(Schema):
    home_id = fields.Integer()
    name = fields.String()
    responses = fields.Integer()
    representatives_reached = fields.Integer()


class RepCompletionSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    home_id = fields.Integer(allow_none=True)
    responses = fields.Integer()


class CompletionSchema(Schema):
    homes = fields.List(fields.Nested(HomeCompletionSchema))
    representatives = fields.List(fields.Nested(RepCompletionSchema))
    total_homes = fields.Integer()
    total_representatives = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class ResponseInputSchema(InputSchema):
    rep_code = fields.Raw(allow_none=True, metadata={
        "type": "string", "description": "A representative's public code (代表码)."})
    code = fields.Raw(allow_none=True, metadata={
        "type": "string", "description": "A one-time answer code (required when code_required)."})
    answers = fields.Raw(metadata={
        "type": "object", "description": "{question_id: value}: single — an option; multiple — "
                                         "a list of options; text — 1–2000 characters; scale — 1–5."})
    website = fields.Raw(allow_none=True, metadata={
        "description": "Honeypot: leave empty. When filled the answer looks accepted but nothing "
                       "is stored."})


class PublicQuestionSchema(Schema):
    id = fields.Integer()
    text = fields.String()
    kind = fields.String(metadata={"enum": _KINDS})
    options = fields.List(fields.String())
    required = fields.Boolean()


class PublicSurveySchema(Schema):
    id = fields.Integer()
    title = fields.String()
    intro = fields.String()
    opens_on = fields.Date()
    closes_on = fields.Date()
    status = fields.String(metadata={"enum": ["published", "closed"]})
    open = fields.Boolean(metadata={"description": "Takes answers today (Asia/Shanghai)."})
    anonymous = fields.Boolean()
    code_required = fields.Boolean()
    questions = fields.List(fields.Nested(PublicQuestionSchema))


class OkSchema(Schema):
    ok = fields.Boolean()


def _user():
    user = load_api_user()
    if user is None:
        raise Unauthorized()
    return user


@bp.route("/surveys")
class Surveys(MethodView):
    @bp.doc(security=SECURITY)
    @bp.arguments(PageArgs, location="query")
    @bp.response(200, page_of(SurveySchema))
    def get(self, args):
        """Surveys, newest first: all for the office, published and closed ones for others."""
        stmt = surveys.list_surveys(_user())
        return paginate(stmt, args["page"], args["per_page"], list)

    @bp.doc(security=SECURITY)
    @bp.arguments(SurveyInputSchema)
    @bp.response(201, SurveySchema)
    def post(self, data):
        """Create a draft survey (the office)."""
        survey = surveys.create_survey(_user(), data)
        commit(keep_loaded=True)
        return survey


@bp.route("/surveys/<int:survey_id>")
class SurveyDetail(MethodView):
    @bp.doc(security=SECURITY)
    @bp.response(200, SurveySchema)
    def get(self, survey_id):
        """One survey with its questions (drafts: the office only)."""
        return surveys.get_survey(_user(), survey_id)

    @bp.doc(security=SECURITY)
    @bp.arguments(SurveyInputSchema)
    @bp.response(200, SurveySchema)
    @bp.alt_response(409, description="问卷已发布，不能修改")
    def patch(self, data, survey_id):
        """Change a draft's fields; `questions` replaces all questions (409 once published)."""
        user = _user()
        survey = surveys.update_survey(user, surveys.get_survey(user, survey_id), data)
        commit(keep_loaded=True)
        return survey


def _transition(survey_id, operation):
    user = _user()
    surveys.require_admin(user)
    survey = operation(user, surveys.get_survey(user, survey_id))
    commit(keep_loaded=True)
    return survey


@bp.route("/surveys/<int:survey_id>/publish", methods=["POST"])
@bp.doc(security=SECURITY)
@bp.response(200, SurveySchema)
@bp.alt_response(409, description="不是草稿")
def publish(survey_id):
    """draft → published: questions are frozen from now on."""
    return _transition(survey_id, surveys.publish_survey)


@bp.route("/surveys/<int:survey_id>/close", methods=["POST"])
@bp.doc(security=SECURITY)
@bp.response(200, SurveySchema)
@bp.alt_response(409, description="不是已发布状态")
def close(survey_id):
    """published → closed: no more answers."""
    return _transition(survey_id, surveys.close_survey)


@bp.route("/surveys/<int:survey_id>/copy", methods=["POST"])
@bp.doc(security=SECURITY)
@bp.response(201, SurveySchema)
def copy(survey_id):
    """A new draft from this survey (its dates one year on): last year's survey as a start."""
    return _transition(survey_id, surveys.copy_survey)


@bp.route("/surveys/<int:survey_id>/codes", methods=["POST"])
@bp.doc(security=SECURITY)
@bp.arguments(CodesInputSchema)
@bp.response(201, CodesSchema)
@bp.alt_response(409, description="问卷已结束")
def codes(data, survey_id):
    """`count` (≤ 2000) one-time codes for a Home, in clear this once (stored as digests)."""
    user = _user()
    surveys.require_admin(user)
    home, issued = surveys.issue_codes(user, surveys.get_survey(user, survey_id), data)
    commit()
    return {"home_id": home.id, "codes": issued}


@bp.route("/surveys/<int:survey_id>/results")
@bp.doc(security=SECURITY)
@bp.arguments(HomeArgs, location="query")
@bp.response(200, ResultsSchema)
def results(args, survey_id):
    """Counts per option, averages and answered per question, for the province, a city (a city
    admin's own by default) or one Home."""
    user = _user()
    survey = surveys.get_survey(user, survey_id, for_results=True)
    return surveys.results(user, survey, args.get("home_id"), args.get("city"))


@bp.route("/surveys/<int:survey_id>/completion")
@bp.doc(security=SECURITY)
@bp.arguments(CompletionArgs, location="query")
@bp.response(200, CompletionSchema)
def completion(args, survey_id):
    """Responses and representatives reached per Home; responses per representative (paged)."""
    user = _user()
    survey = surveys.get_survey(user, survey_id, for_results=True)
    return surveys.completion(user, survey, args.get("home_id"), city=args.get("city"),
                              page=args["page"], per_page=args["per_page"])


@public_bp.route("/public/surveys/<int:survey_id>")
@public_bp.response(200, PublicSurveySchema)
@public_bp.alt_response(404, description="问卷不存在或尚未发布")
def public_survey(survey_id):
    """A published (or closed) survey as the answering page shows it (anyone)."""
    return surveys.public_view(surveys.public_survey(survey_id))


@public_bp.route("/public/surveys/<int:survey_id>/responses", methods=["POST"])
@public_bp.arguments(ResponseInputSchema)
@public_bp.response(201, OkSchema)
@public_bp.alt_response(404, description="问卷不存在或尚未发布")
@public_bp.alt_response(409, description="不在作答期内，或答题码已使用")
@public_bp.alt_response(422, description="输入有误")
@public_bp.alt_response(429, description="请求过于频繁")
@response_limit
def respond(data, survey_id):
    """Answer a survey (anyone; no token): counted for the representative of `rep_code` and the
    Home of `code` or of that representative."""
    survey = surveys.public_survey(survey_id)
    surveys.submit_response(survey, data, honeypot=appeals.honeypot_filled(data))
    commit()
    return {"ok": True}
