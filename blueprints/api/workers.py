"""Sci-tech workers: GET/POST /workers, GET/PATCH /workers/{id} (SPEC §8).

POST (representatives) adds a worker and links it to the caller (an existing worker with the same
mobile is linked instead). Mobiles follow SPEC §4: the linking representative and provincial
admins see the whole number, home managers see it masked.
"""
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from blueprints.api.auth import SECURITY, api_user, token_required
from blueprints.api.input import partial_of
from blueprints.api.schemas import InputSchema, PageArgs, page_of
from blueprints.api.util import commit, paginate
from models import Worker
from services import contacts as worker_service
from services.privacy import linked_worker_ids, shown_mobile
from services.scope import get_scoped, scoped

bp = Blueprint("api_workers", __name__, description="科技工作者")


class WorkerInputSchema(InputSchema):
    name = fields.String(required=True)
    work_unit = fields.String()
    field = fields.String()
    mobile = fields.String(allow_none=True)
    email = fields.String(allow_none=True)


class WorkerListArgs(PageArgs):
    q = fields.String(load_default="")


class WorkerSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    work_unit = fields.String()
    field = fields.String()
    mobile = fields.String(metadata={"description": "按 SPEC §4 对管理员等显示为 138****5678"})
    email = fields.String()


def dump(workers, user) -> list[dict]:
    """Workers as this user may see them (one query for the caller's links)."""
    linked = linked_worker_ids(user)
    return [{"id": w.id, "name": w.name, "work_unit": w.work_unit, "field": w.field,
             "mobile": shown_mobile(user, w, linked), "email": w.email} for w in workers]


def _clean(data: dict) -> dict:
    return {k: ("" if v is None else v) for k, v in data.items()}


@bp.route("/workers")
class Workers(MethodView):
    decorators = [token_required]

    @bp.doc(security=SECURITY)
    @bp.arguments(WorkerListArgs, location="query")
    @bp.response(200, page_of(WorkerSchema))
    def get(self, args):
        """Workers in the caller's scope (?q= searches name and work unit)."""
        user = api_user()
        stmt = scoped(Worker, user).order_by(Worker.id)
        if args["q"].strip():
            like = f"%{args['q'].strip()}%"
            stmt = stmt.where(Worker.name.ilike(like) | Worker.work_unit.ilike(like))
        return paginate(stmt, args["page"], args["per_page"], lambda rows: dump(rows, user))

    @bp.doc(security=SECURITY)
    @bp.arguments(WorkerInputSchema)
    @bp.response(201, WorkerSchema)
    def post(self, data):
        """Add a worker and link it to the calling representative (409 if already linked)."""
        user = api_user()
        worker = worker_service.create_worker(user, _clean(data))
        commit()
        return dump([worker], user)[0]


@bp.route("/workers/<int:worker_id>")
class WorkerDetail(MethodView):
    decorators = [token_required]

    @bp.doc(security=SECURITY)
    @bp.response(200, WorkerSchema)
    def get(self, worker_id):
        """One worker in the caller's scope."""
        user = api_user()
        return dump([get_scoped(Worker, worker_id, user)], user)[0]

    @bp.doc(security=SECURITY)
    @bp.arguments(partial_of(WorkerInputSchema))
    @bp.response(200, WorkerSchema)
    def patch(self, data, worker_id):
        """Edit a worker the calling representative linked (others may not: 403)."""
        user = api_user()
        worker = get_scoped(Worker, worker_id, user)
        worker_service.update_worker(user, worker, _clean(data))
        commit()
        return dump([worker], user)[0]
