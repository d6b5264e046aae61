"""Contact records: POST /contacts (representatives) and GET /contacts (scoped) — SPEC §8.

POST with a worker the caller has not linked answers 422 naming `worker_id`; channel `activity` is
reserved for records created by activities and refused (422).
"""
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from blueprints.api.auth import SECURITY, api_user, token_required
from blueprints.api.input import Int
from blueprints.api.schemas import InputSchema, PageArgs, page_of
from blueprints.api.util import commit, paginate
from models import ContactRecord
from services import contacts as contact_service
from services.compliance import year_bounds
from services.scope import scoped
from services.years import FILTER_YEARS

bp = Blueprint("api_contacts", __name__, description="联系记录")


class ContactInputSchema(InputSchema):
    worker_id = fields.Raw(required=True)
    date = fields.Raw(required=True)
    channel = fields.String(required=True, metadata={"enum": ["visit", "phone", "online", "meeting"]})
    summary = fields.String(allow_none=True)


class ContactListArgs(PageArgs):
    year = Int()
    representative_id = Int()


class ContactSchema(Schema):
    id = fields.Integer()
    representative_id = fields.Integer()
    worker_id = fields.Integer()
    date = fields.Date()
    channel = fields.String()
    summary = fields.String()
    activity_id = fields.Integer(allow_none=True)


@bp.route("/contacts")
class Contacts(MethodView):
    decorators = [token_required]

    @bp.doc(security=SECURITY)
    @bp.arguments(ContactListArgs, location="query")
    @bp.response(200, page_of(ContactSchema))
    def get(self, args):
        """Contact records in the caller's scope, newest first (?year=, ?representative_id=)."""
        stmt = scoped(ContactRecord, api_user())
        if "year" in args:
            FILTER_YEARS.check(args["year"])
            start, end = year_bounds(args["year"])
            stmt = stmt.where(ContactRecord.date >= start, ContactRecord.date <= end)
        if "representative_id" in args:
            stmt = stmt.where(ContactRecord.representative_id == args["representative_id"])
        stmt = stmt.order_by(ContactRecord.date.desc(), ContactRecord.id.desc())
        return paginate(stmt, args["page"], args["per_page"], list)

    @bp.doc(security=SECURITY)
    @bp.arguments(ContactInputSchema)
    @bp.response(201, ContactSchema)
    def post(self, data):
        """Record a contact with a worker the calling representative linked."""
        record = contact_service.create_contact(api_user(), {
            k: ("" if v is None else v) for k, v in data.items()})
        commit()
        return record


