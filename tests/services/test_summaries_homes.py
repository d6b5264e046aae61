"""The per-Home summaries of 0004_perf against the raw figures: representatives created by an
import, thresholds above the level cap, appeals with their median, the batched assessment drafts'
audit entries — and the statements of the province views staying the same as Homes multiply."""
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from models import AuditLog
from models.enums import AppealStatus
from models.summary import CONTACT_LEVEL_CAP
from services import accounts, audit, clock, compliance, dashboard, summaries
from services import accounts as account_lifecycle
from services import appeals as appeal_service
from services.assessments.operations import create_drafts
from tests.conftest import count_statements, login_form
from tests.support import factories as f
from tests.support.import_files import REP_HEADER, reps, upload, xlsx

Y = 2026


def _raw_homes(year=Y):
    return {h: (c.compliant, c.total) for h, c in compliance.homes(year).items() if c.total}


def _summary_homes(year=Y):
    return {h: (c.compliant, c.total)
            for h, c in dashboard.compliance_homes(dashboard.Scope(year=year)).items()}


def test_imported_representatives_count_for_their_home_at_once(world, db, api):
    before = _summary_homes()[world.home_a.id]
    body = upload(api(world.manager_a), "representatives", xlsx(REP_HEADER, reps(12)),
                  dry_run=False).get_json()
    assert body["created"] == 12
    db.session.expire_all()
    assert summaries.differences() == []
    assert _summary_homes()[world.home_a.id] == (before[0], before[1] + 12) == \
        _raw_homes()[world.home_a.id]


def test_thresholds_above_the_cap_and_moves_of_a_busy_representative(world, db, app):
    workers = [f.worker(linked_by=world.rep_a) for _ in range(CONTACT_LEVEL_CAP + 3)]
    for worker in workers:
        f.contact(world.rep_a, worker, date(Y, 4, 1))
    for worker in workers[:7]:
        f.contact(world.rep_b, worker, date(Y, 4, 2))
    db.session.commit()
    for move in (None, "move", "deactivate", "activate"):
        if move == "move":
            account_lifecycle.move_representative(world.admin, world.rep_a, world.home_b.id)
        elif move is not None:
            accounts.set_active(world.admin, world.rep_a, move == "activate")
        db.session.commit()
        assert summaries.differences() == []
        for threshold in (1, 7, 8, CONTACT_LEVEL_CAP, CONTACT_LEVEL_CAP + 1,
                          CONTACT_LEVEL_CAP + 3, CONTACT_LEVEL_CAP + 4):
            app.config["CONTACT_THRESHOLD"] = threshold
            try:
                assert _summary_homes() == _raw_homes(), (move, threshold)
            finally:
                app.config["CONTACT_THRESHOLD"] = 5
    assert _summary_homes()[world.home_b.id][0] == 2  # rep_a (23 workers) and rep_b (7) at 5


def test_appeals_figures_and_median_from_the_summary(world, db):
    created = []
    for i, rep in enumerate((world.rep_a, world.rep_a, world.rep_a2, world.rep_b)):
        appeal = appeal_service.create_appeal(rep, {"category": "research_funding",
                                                    "content": f"诉求{i}"})
        db.session.flush()
        appeal.created_at = datetime(Y, 3, 1 + i, 20, tzinfo=UTC)  # 3月2日… in Shanghai
        created.append(appeal)
    db.session.commit()
    summaries.rebuild()  # received times set by hand above, as an old appeal would have them
    db.session.commit()
    for appeal, status in zip(created[:3], ("resolved", "resolved", "closed"), strict=True):
        appeal_service.change_status(world.manager_a if appeal.home_id == world.home_a.id
                                     else world.admin, appeal,
                                     {"status": status, "response": "已办理"})
    db.session.commit()
    assert summaries.differences() == []
    province = dashboard.appeals_by_status(dashboard.Scope(Y))
    assert province["counts"] == {"received": 1, "forwarded": 0, "resolved": 2, "closed": 1}
    days = sorted((a.resolved_at.astimezone(clock.SHANGHAI).date()
                   - a.created_at.astimezone(clock.SHANGHAI).date()).days
                  for a in created[:2])
    assert province["median_days"] == sum(days) / 2
    assert province["handling_rate"] == 3 / 4
    assert dashboard.appeals_open(dashboard.Scope(Y)) == 1
    home_a = dashboard.appeals_by_status(dashboard.Scope(Y, home_id=world.home_a.id))
    assert home_a["total"] == 3 and home_a["counts"][AppealStatus.CLOSED.value] == 1


def test_batched_drafts_audit_like_one_by_one(world, db):
    ids = create_drafts(world.admin, Y)
    db.session.commit()
    entries = list(db.session.scalars(sa.select(AuditLog).where(
        AuditLog.object_type == "assessments", AuditLog.object_id.in_(ids))))
    assert len(entries) == len(ids) == 2
    from models import Assessment
    for entry in entries:
        stored = db.session.get(Assessment, entry.object_id)
        assert entry.action == "create" and entry.actor_id == world.admin.id
        assert entry.before is None
        assert entry.after == audit.snapshot(stored)
        assert len(stored.items) == 7


@pytest.mark.parametrize("path", ["/dashboard/province", "/api/v1/dashboard"])
def test_province_statements_do_not_grow_with_homes_and_appeals(world, db, path, client, api):
    admin_api = api(world.admin)  # the token taken once, before counting

    def measure():
        if path.startswith("/api"):
            with count_statements() as statements:
                assert admin_api.get("/dashboard").status_code == 200
        else:
            with count_statements() as statements:
                assert client.get(path).status_code == 200
        return len(statements)
    login_form(client, world.admin)
    first = measure()
    for _ in range(3):
        home = f.home()
        rep = f.representative(home)
        f.appeal(rep)
        f.contact(rep, f.worker(linked_by=rep), date(Y, 5, 1))
    db.session.commit()
    assert measure() == first
