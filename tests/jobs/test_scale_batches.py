"""Issue 14: the assessment_drafts job scores all Homes in one batch, and the representatives
export groups only its own Home's contact records — statements that do not grow with the data."""
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from blueprints.manage.export import worker_rows
from extensions import db as _db
from jobs.runner import run_job
from models import Assessment
from models.enums import ActivityStatus, JobStatus, Theme
from services.assessments import scoring
from tests.conftest import count_statements
from tests.support import factories as f


def _busy_home(n_reps=2):
    home = f.home()
    reps = [f.representative(home) for _ in range(n_reps)]
    for i, rep in enumerate(reps):
        worker = f.worker(linked_by=rep)
        f.contact(rep, worker, date(2026, 2, 1 + i))
        f.activity(rep, status=ActivityStatus.VERIFIED, published=True, theme=Theme.WINDOW,
                   date=date(2026, 3 * (i % 4) + 1, 10))
    return home


def _drafts():
    return {a.home_id: {i.code: i.auto_score for i in a.items}
            for a in _db.session.scalars(sa.select(Assessment).where(Assessment.year == 2026))}


def test_assessment_drafts_scores_equal_the_one_by_one_scores(db):
    homes = [_busy_home(n) for n in (1, 2, 3)]
    db.session.commit()
    expected = {h.id: scoring.compute(h.id, 2026).items for h in homes}
    run = run_job("assessment_drafts", date(2027, 1, 5))
    assert run.status == JobStatus.SUCCESS, run.error
    assert run.counts["created"] == 3 and run.counts["skipped"] == 0
    db.session.expire_all()
    assert _drafts() == expected
    assert all(isinstance(v, Decimal) for items in expected.values() for v in items.values())


def _reads(statements):
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")]


def test_assessment_drafts_reads_do_not_grow_with_the_homes(db):
    """The scoring reads are a fixed set of grouped queries whatever the number of Homes (the
    rows are then written by the ORM's batched INSERTs)."""
    for _ in range(2):
        _busy_home()
    db.session.commit()
    with count_statements() as few:
        assert run_job("assessment_drafts", date(2027, 1, 5)).status == JobStatus.SUCCESS
    for _ in range(6):
        _busy_home()
    db.session.commit()
    with count_statements() as many:
        run = run_job("assessment_drafts", date(2028, 1, 5))
    assert run.status == JobStatus.SUCCESS and run.counts["created"] == 8
    assert len(_reads(many)) == len(_reads(few))


def test_worker_rows_group_only_the_homes_own_contacts(world, db):
    worker = f.worker(linked_by=world.rep_a)
    f.link(world.rep_b, worker)
    f.contact(world.rep_a, worker, date(2026, 3, 1))
    f.contact(world.rep_a, worker, date(2026, 4, 1))
    f.contact(world.rep_b, worker, date(2026, 3, 1))
    db.session.commit()
    home_a, home_b = world.home_a.id, world.home_b.id
    with count_statements() as statements:
        rows = worker_rows(home_a, 2026)
    assert len(statements) == 1
    assert "representative_id IN" in statements[0].replace('"', "")
    assert [(r[0], r[-1]) for r in rows] == [("代表甲", 2)]
    assert {r[0] for r in worker_rows(home_b, 2026)} == {"代表丙"}


def test_representatives_export_statements_constant(world, db, login):
    client = login(world.manager_a)
    counts = []
    for _ in range(2):
        with count_statements() as statements:
            assert client.get("/manage/representatives/export").status_code == 200
        counts.append(len(statements))
        for _ in range(3):
            rep = f.representative(world.home_a)
            f.contact(rep, f.worker(linked_by=rep), date(2026, 5, 1))
        db.session.commit()
    assert counts[0] == counts[1]


def test_assessment_drafts_parameters_do_not_grow_with_the_homes(db):
    """No statement of the drafts job carries a parameter per Home (an `IN (…)` of every id would
    pass the driver's 65,535-parameter limit at a national scale)."""
    from tests.conftest import largest_bind_list

    for _ in range(2):
        _busy_home()
    db.session.commit()
    with largest_bind_list() as few:
        assert run_job("assessment_drafts", date(2027, 1, 5)).status == JobStatus.SUCCESS
    for _ in range(8):
        _busy_home()
    db.session.commit()
    with largest_bind_list() as many:
        run = run_job("assessment_drafts", date(2028, 1, 5))
    assert run.status == JobStatus.SUCCESS and run.counts["created"] == 10
    assert many["max"] == few["max"], many["statement"]
