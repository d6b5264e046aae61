"""Who may do what with surveys (SPEC §4, §5.10), as query filters and role checks.

- The provincial office (provincial_admin) creates, edits, publishes, closes and copies surveys,
  issues one-time codes and reads every Home's results.
- A home manager reads published and closed surveys and the results and completion of their own
  Home only (another Home answers 404); a representative reads published and closed surveys (to
  hand out their link); neither sees drafts (404).
- A city admin (SPEC §5.12) reads, like a manager, the results and completion of each Home of its
  city, named by home_id (a Home of another city, or none, answers 404).
- The separated administrators are refused every survey route (403).
"""
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from extensions import db
from models import Home, Survey
from models.enums import Role, SurveyStatus
from services.errors import NotFound
from services.scope import get_scoped, require_role

READERS = (Role.PROVINCIAL_ADMIN, Role.CITY_ADMIN, Role.HOME_MANAGER, Role.REPRESENTATIVE)
RESULT_READERS = (Role.PROVINCIAL_ADMIN, Role.CITY_ADMIN, Role.HOME_MANAGER)


def require_admin(actor) -> None:
    """Forbidden (403) unless the actor is the provincial office."""
    require_role(actor, Role.PROVINCIAL_ADMIN)


def visible_clause(actor):
    """The surveys `actor` may see: all for the office, published and closed ones for others."""
    if actor.role == Role.PROVINCIAL_ADMIN:
        return sa.true()
    return Survey.status != SurveyStatus.DRAFT


def get_survey(actor, survey_id, *, for_results: bool = False) -> Survey:
    """The survey if `actor` may see it: 403 for a role that may not (results: office and
    managers), 404 for a draft another role asks for or an unknown id. Questions are loaded
    (a second statement)."""
    require_role(actor, *(RESULT_READERS if for_results else READERS))
    try:
        survey_id = int(survey_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    survey = db.session.scalar(sa.select(Survey).options(selectinload(Survey.questions))
                               .where(Survey.id == survey_id, visible_clause(actor)))
    if survey is None:
        raise NotFound()
    return survey


def results_home_id(actor, home_id) -> int | None:
    """The Home a results or completion request is about: the given one if in scope (404
    otherwise), a manager's own Home when none is given, None (the province) for the office."""
    if home_id not in (None, ""):
        return get_scoped(Home, home_id, actor).id
    if actor.role == Role.PROVINCIAL_ADMIN:
        return None
    if actor.scope_home_id is None:
        raise NotFound()
    return actor.scope_home_id
