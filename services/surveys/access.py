"""Who may do what with surveys (SPEC §4, §5.10), as query filters and role checks.

- The provincial office (provincial_admin) creates, edits, publishes, closes and copies surveys,
  issues one-time codes and reads every Home's results.
- A home manager reads published and closed surveys and the results and completion of their own
  Home only (another Home answers 404); a representative reads published and closed surveys (to
  hand out their link); neither sees drafts (404).
- A city admin (SPEC §5.12) reads the results and completion of its whole city (the Homes whose
  host unit is in its city, taken together) or of one of those Homes named by home_id (a Home of
  another city answers 404) — as the office reads the province or one Home.
- The separated administrators are refused every survey route (403).
"""
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from extensions import db
from models import Home, Survey
from models.enums import Role, SurveyStatus
from services.errors import NotFound
from services.scope import city_home_ids, get_scoped, require_role, scoped_city

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


@dataclass(frozen=True)
class ResultScope:
    """What a results, completion or export request counts: one Home (`home_id`), the Homes of a
    设区市 taken together (`city`), or the whole province (neither)."""

    home_id: int | None = None
    city: str | None = None

    def where(self, home_column) -> list:
        """The conditions narrowing rows whose Home is `home_column` to this scope."""
        if self.home_id is not None:
            return [home_column == self.home_id]
        if self.city is not None:
            return [home_column.in_(city_home_ids(self.city))]
        return []


def results_scope(actor, home_id=None, city=None) -> ResultScope:
    """The scope a results or completion request is about: the given Home if in scope (404
    otherwise); else a city — `city` when given (any of the 13 for the office, its own for a city
    admin: services.scope.scoped_city, 404 otherwise) and a city admin's own city by default; else
    the province for the office, a manager's own Home."""
    if home_id not in (None, ""):
        return ResultScope(home_id=get_scoped(Home, home_id, actor).id)
    city = scoped_city(actor, city)
    if city is not None:
        return ResultScope(city=city)
    if actor.role == Role.PROVINCIAL_ADMIN:
        return ResultScope()
    if actor.scope_home_id is None:
        raise NotFound()
    return ResultScope(home_id=actor.scope_home_id)
