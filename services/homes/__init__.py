"""Homes (代表之家) from application to expiry — the public surface of services/homes/.

units.py the host units; rounds.py application rounds; applications.py a unit's application
through submission and review; application_docx.py its Word 申报书; validity.py a recognised
Home's profile, plans, service team, renewal, revocation and expiry.
"""
from services.homes.application_docx import (
    build,
    filename,
)
from services.homes.applications import (
    DATE_LINE,
    DECISION_LABELS,
    EDITABLE,
    PLEDGE_TEXT,
    SCHEME_GUIDANCE,
    SEAL_LINE,
    active_home,
    create_application,
    review_application,
    scheme_length,
    submit_application,
    submittable_rounds,
    update_application,
)
from services.homes.rounds import (
    create_round,
    update_round,
)
from services.homes.units import (
    create_unit,
    set_active,
    update_unit,
)
from services.homes.validity import (
    add_member,
    add_two_years,
    expire_due,
    expiring_within,
    remove_member,
    renew_home,
    renewal_problem,
    revoke_home,
    update_profile,
    upsert_plan,
)

__all__ = [
    "DECISION_LABELS",
    "EDITABLE",
    "DATE_LINE",
    "PLEDGE_TEXT",
    "SCHEME_GUIDANCE",
    "SEAL_LINE",
    "active_home",
    "add_member",
    "add_two_years",
    "build",
    "create_application",
    "create_round",
    "create_unit",
    "update_application",
    "expire_due",
    "expiring_within",
    "filename",
    "remove_member",
    "renew_home",
    "renewal_problem",
    "review_application",
    "revoke_home",
    "scheme_length",
    "set_active",
    "submit_application",
    "submittable_rounds",
    "update_profile",
    "update_round",
    "update_unit",
    "upsert_plan",
]
