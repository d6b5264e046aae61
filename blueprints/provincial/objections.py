"""公示异议 for the provincial office: every objection, undecided first, with uphold / dismiss."""
from flask import redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.decorators import roles_required
from blueprints.provincial import bp
from blueprints.web import commit_operation, keyset_pager
from models.enums import ObjectionDecision, Role
from services import assessments as service

PER_PAGE = 20


@bp.route("/objections")
@roles_required(Role.PROVINCIAL_ADMIN)
def objections():
    """All objections to published results, undecided first, with the decision forms."""
    page = keyset_pager(service.all_objections(current_user), PER_PAGE)
    return render_template("provincial/objections.html", page=page,
                           decisions=ObjectionDecision.choices())


@bp.route("/objections/<int:objection_id>/decision", methods=["POST"])
@roles_required(Role.PROVINCIAL_ADMIN)
def objection_decide(objection_id):
    """Uphold (the result is withdrawn and reassessed) or dismiss, with a response."""
    objection = service.get_objection(current_user, objection_id)
    data = {"decision": request.form.get("decision", ""),
            "response": request.form.get("response", "")}
    commit_operation(
        lambda: service.decide_objection(current_user, objection, data),
        success=lambda _: ("已认定异议成立：考核结果已撤回公示，退回草稿重新考核"
                           if objection.decision == ObjectionDecision.UPHOLD
                           else "已认定异议不成立，维持公示结果"))
    return redirect(url_for("provincial.objections", **{
        k: v for k, v in request.args.items() if k in ("after", "before")}))
