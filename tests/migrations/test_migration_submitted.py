"""Migration 0011_submitted fills summary_home_submitted from the activities that exist before it:
each Home's count of submitted (待审核) activities, nothing for the other statuses."""
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from extensions import db
from models.enums import ActivityStatus
from tests.conftest import make_app
from tests.migrations.test_migrations import empty_database_url
from tests.support import factories as f

__all__ = ["empty_database_url"]


def test_existing_submitted_activities_are_counted_per_home(empty_database_url):
    app = make_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade()
        w = f.world()
        for rep, status in ((w.rep_a, ActivityStatus.SUBMITTED), (w.rep_a2, ActivityStatus.SUBMITTED),
                            (w.rep_a, ActivityStatus.VERIFIED), (w.rep_b, ActivityStatus.SUBMITTED),
                            (w.rep_b, ActivityStatus.DRAFT), (w.rep_b, ActivityStatus.RETURNED)):
            f.activity(rep, status=status)
        homes = (w.home_a.id, w.home_b.id)
        db.session.commit()
        db.session.remove()
        downgrade(revision="0009_subsidies")
        with db.engine.begin() as conn:
            assert "summary_home_submitted" not in sa.inspect(conn).get_table_names()
        upgrade()
        with db.engine.begin() as conn:
            counts = dict(conn.execute(sa.text(
                "SELECT home_id, activities FROM summary_home_submitted")).all())
        db.engine.dispose()
    assert counts == {homes[0]: 2, homes[1]: 1}
