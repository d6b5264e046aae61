"""公示异议 for the provincial office: every objection, undecided first, with uphold / dismiss."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.decorators import roles_required
from blueprints.provincial import bp
from extensions import db
from models.enums import ObjectionDecision, Role
from services import assessments as service
from services.errors import Conflict, ValidationFailed

PER_PAGE = 20


@bp.route("/objections")
@roles_required(Role.PROVINCIAL_ADMIN)
def objections():
    """All objections to published results, undecided first, with the decision forms."""
    page = db.paginate(service.all_objections(current_user), per_page=PER_PAGE, error_out=False)
    return render_template("provincial/objections.html", page=page,
                           decisions=ObjectionDecision.choices())


@bp.route("/objections/<int:objection_id>/decision", methods=["POST"])
@roles_required(Role.PROVINCIAL_ADMIN)
def objection_decide(objection_id):
    """Uphold (the result is withdrawn and reassessed) or dismiss, with a response."""
    objection = service.get_objection(current_user, objection_id)
    data = {"decision": request.form.get("decision", ""),
            "response": request.form.get("response", "")}
    try:
        service.decide_objection(current_user, objection, data)
    except (ValidationFailed, Conflict) as error:
        db.session.rollback()
        messages = [m for ms in error.fields.values() for m in ms] or [error.message]
        flash("；".join(messages), "danger")
    else:
        db.session.commit()
        if objection.decision == ObjectionDecision.UPHOLD:
            flash("已认定异议成立：考核结果已撤回公示，退回草稿重新考核", "success")
        else:
            flash("已认定异议不成立，维持公示结果", "success")
    return redirect(url_for("provincial.objections", page=request.args.get("page", 1, type=int)))
