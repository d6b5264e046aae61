"""GET /representatives/{id}/record?year= — a representative's 履职档案 figures (SPEC §5.7, §8).

Scoped like every object: a representative reads only their own record, a manager those of their
Home's representatives, the admin any; anything else (another Home's representative, a user who is
not a representative, an unknown id) answers 404. The year defaults to this year (Asia/Shanghai).
"""
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from blueprints.api.auth import SECURITY, api_user, token_required
from blueprints.api.input import Year
from blueprints.api.schemas import InputSchema
from services import clock, records
from services.years import FILTER_YEARS

bp = Blueprint("api_records", __name__, description="代表履职档案")


class RecordArgs(InputSchema):
    year = Year(FILTER_YEARS)


class ThemeCountsSchema(Schema):
    party_building = fields.Integer()
    window = fields.Integer()
    neighborhood = fields.Integer()
    innovation = fields.Integer()


class RecordSchema(Schema):
    year = fields.Integer(required=True)
    months_active = fields.List(fields.Integer(), required=True)
    activities_by_theme = fields.Nested(ThemeCountsSchema, required=True)
    workers_contacted = fields.Integer(required=True)
    compliant = fields.Boolean(required=True)
    appeals_received = fields.Integer(required=True)
    appeals_resolved = fields.Integer(required=True)


@bp.route("/representatives/<int:representative_id>/record")
@token_required
@bp.doc(security=SECURITY)
@bp.arguments(RecordArgs, location="query")
@bp.response(200, RecordSchema)
def representative_record(args, representative_id):
    """The §5.7 figures of one representative for a year."""
    representative = records.get_representative(representative_id, api_user())
    year = args.get("year") or clock.today().year
    return records.record_of(representative, year).as_api()
