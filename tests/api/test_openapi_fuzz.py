"""The OpenAPI document tells the truth: schemathesis against the app, in-process, on seeded data.

Every operation the document lists (whatever other modules add later) is run once per identity —
a representative's, a manager's and an admin's token, and no token — with examples, the coverage
phase (boundary values, undeclared methods) and at least FUZZ_EXAMPLES generated cases, and the
answers must pass CHECKS. Hypothesis is derandomised, so a CI run repeats exactly.
"""
import os
import time
from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from extensions import db
from models import User
from models.enums import ActivityStatus, AssessmentStatus
from services.accounts import tokens
from tests.conftest import _wipe, make_app
from tests.support import factories as f

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
SEED = 20261130
ROLES = ("representative", "manager", "admin", "anonymous")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance, ignored_auth,
          unsupported_method, allow_header_conformance]

STATS = {"requests": 0, "started": None, "cpu": None}


def _seed():
    """A small province: two Homes with people, workers, contacts, activities in every state,
    appeals, a round with an application, and a published assessment."""
    w = f.world()
    for rep in (w.rep_a, w.rep_a2, w.rep_b):
        for _ in range(2):
            worker = f.worker(linked_by=rep)
            f.contact(rep, worker)
        f.appeal(rep)
    for status in ActivityStatus:
        f.activity(w.rep_a, status=status)
        f.activity(w.manager_b, status=status)
    rnd = f.round_(year=2026, deadline=date(2026, 12, 31))
    f.application(f.unit(name="无锡市科协"), rnd)
    from models import Assessment
    db.session.add(Assessment(home_id=w.home_a.id, year=2025, status=AssessmentStatus.PUBLISHED,
                              publicity_start=date(2026, 1, 5), publicity_end=date(2026, 1, 11)))
    db.session.add(Assessment(home_id=w.home_b.id, year=2025, status=AssessmentStatus.DRAFT))
    db.session.commit()
    return {"representative": w.rep_a.id, "manager": w.manager_a.id, "admin": w.admin.id}


@pytest.fixture(scope="module")
def fuzz_app(app):
    with app.app_context():
        _wipe()
        users = _seed()
    app.config["FUZZ_USERS"] = users
    app.config["FUZZ_TOKENS"] = {}
    schema.app = anonymous_schema.app = app
    STATS["started"], STATS["cpu"] = time.perf_counter(), time.process_time()
    yield app
    elapsed = time.perf_counter() - STATS["started"]
    phases = ", ".join(f"{k} {v}" for k, v in STATS.items() if k not in ("requests", "started", "cpu"))
    print(f"\nschemathesis: {STATS['requests']} generated requests ({phases}) in {elapsed:.1f} s "
          f"wall, {time.process_time() - STATS['cpu']:.1f} s CPU")
    app.config.pop("FUZZ_TOKENS", None)
    with app.app_context():
        _wipe()


def _authorization(app, role) -> dict:
    """The role's token. The fuzzer may log it out, change the password or deactivate the user:
    after a 401 the token is dropped, and the next case makes the user active and issues a new one."""
    if role == "anonymous":
        return {}
    raw = app.config["FUZZ_TOKENS"].get(role)
    if raw is None:
        with app.app_context():
            user = db.session.get(User, app.config["FUZZ_USERS"][role])
            user.active = True
            raw, _ = tokens.issue_token(user)
            db.session.commit()
        app.config["FUZZ_TOKENS"][role] = raw
    return {"Authorization": f"Bearer {raw}"}


def _load(**phases):
    """The document, read at collection (it needs no database); requests go to the test app.
    A fixed seed and derandomised Hypothesis make every run generate the same requests."""
    config = SchemathesisConfig.from_dict({"seed": SEED, "phases": phases})
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _DOC_APP, config=config)


_DOC_APP = make_app()
# With a token: examples, the coverage phase (boundaries, each undeclared method) and fuzzing.
schema = _load()
# Without one: examples and fuzzing (the coverage phase would only meet the same 401 again).
anonymous_schema = _load(coverage={"enabled": False})
SETTINGS = settings(max_examples=FUZZ_EXAMPLES, derandomize=True, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck), print_blob=True)


@pytest.mark.parametrize("role", ROLES[:3])
@schema.parametrize()
@SETTINGS
def test_openapi_document_holds(case, role, fuzz_app):
    _call(case, role, fuzz_app)


@anonymous_schema.parametrize()
@SETTINGS
def test_openapi_document_holds_without_token(case, fuzz_app):
    _call(case, "anonymous", fuzz_app)


def _call(case, role, fuzz_app):
    """Send the case as `role`, validate the answer with CHECKS, count it."""
    headers = _authorization(fuzz_app, role)
    STATS["requests"] += 1
    phase = str(case.meta.phase.name) if case.meta else "explicit"
    STATS[phase] = STATS.get(phase, 0) + 1
    # The WSGI transport hands over the body as sent; an HTTP client would undo the compression.
    response = case.call_and_validate(headers={**(headers or {}), "Accept-Encoding": "identity"},
                                      checks=CHECKS)
    if response.status_code == 401 and headers:
        fuzz_app.config["FUZZ_TOKENS"].pop(role, None)
